"""Pydantic models: playbooks, what the user brings (intake) and what wsdoctor answers (results)."""

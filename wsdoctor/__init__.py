"""wsdoctor: find out why realtime connections fail in real deployments."""

__version__ = "0.1.0"

"""Load, validate and look up playbooks."""

from wsdoctor.library.loader import LoadedPlaybook, load_file
from wsdoctor.library.registry import Library, load_library, shipped_dir

__all__ = ["Library", "LoadedPlaybook", "load_file", "load_library", "shipped_dir"]

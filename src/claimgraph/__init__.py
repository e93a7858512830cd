"""claimgraph: a sourced map of alleged links between state actors and armed or criminal groups."""

__version__ = "0.1.0"
EXTRACTOR_VERSION = "rules-0.1.0"

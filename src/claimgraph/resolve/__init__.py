"""Resolution: map surface mentions onto the knowledge base of actors."""

from claimgraph.resolve.kb import KnowledgeBase, load_kb

__all__ = ["KnowledgeBase", "load_kb"]

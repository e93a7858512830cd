"""The fixed names of ../shared/contract/ONTOLOGY.md, in its order: one place for every module."""

from __future__ import annotations

ENTITY_TYPES = ("state", "state_body", "person", "criminal_group", "armed_group", "political_org", "company",
                "media", "intl_org", "activity", "place")
RELATIONS = ("supports", "cooperates_with", "directs", "harbors", "facilitates", "finances", "arms",
             "member_of", "opposes", "sanctions", "linked_to", "engages_in", "operates_in")
SYMMETRIC = frozenset({"cooperates_with", "linked_to"})
POLARITIES = ("affirmed", "denied")
MODALITIES = ("asserted", "hedged")
# the status of a link across sources (analyse/links.py), strongest first
STATUSES = ("corroborated", "single-source", "contested", "denied")

"""Spelling variants of known names: 'Hizballah' is Hezbollah, 'Cartel de Sinaloa' the Sinaloa Cartel.

Two signals, each with a threshold chosen on the labelled list in tests/resolve/data/ (see
bench/fuzzy_threshold.py):
- the consonant skeleton, for transliterations that differ in vowels only (Hizballah, Hezbollah);
- rapidfuzz's character ratio on the normalised name, for longer names with a changed word or
  letters ("Nationwide Intelligence Council").
Short names are never matched by ratio: 'Hama' is not 'Hamas'.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz, process

from claimgraph.names import normalise_name
from claimgraph.resolve.kb import KnowledgeBase

# which knowledge-base types an NER label may resolve to
LABEL_TYPES = {
    "PERSON": {"person"},
    "ORG": {"state_body", "criminal_group", "armed_group", "political_org", "company", "media", "intl_org"},
    "GPE": {"state", "place"},
    "LOC": {"place"},
    "FAC": {"place"},
    "NORP": {"armed_group", "political_org"},
}
RATIO_THRESHOLD = 88.0  # chosen on the labelled list: 86 merged distinct bodies, 90 missed spun names
WORD_RATIO = 70.0  # two spellings of one word ("nationwide"/"national" 78); "turkish"/"u.s." is 0
MIN_RATIO_LENGTH = 12  # characters; below this only the skeleton may match
MIN_SKELETON = 4  # consonants
_NOT_CONSONANT = re.compile(r"[^bcdfghjklmnpqrstvxz]")
_SILENT_H = re.compile(r"(?<=[aeiouy])h(?=[aeiouy]|$)")  # Khamenehi, Hizballah
# transliterations of one sound: Qasem/Ghasem, Prigozhin/Prigozin, Khamenei/Khamenehi
_DIGRAPHS = (("kh", "k"), ("gh", "k"), ("zh", "z"), ("sh", "s"), ("ch", "c"), ("th", "t"), ("dh", "d"),
             ("ph", "f"), ("q", "k"), ("c", "k"), ("g", "k"), ("z", "s"), ("w", "v"))


@dataclass(frozen=True)
class FuzzyMatch:
    entity_id: str
    alias: str
    score: float
    how: str  # "skeleton" or "ratio"


def skeleton(name: str) -> str:
    """Consonants of each word of a normalised name, transliteration variants and doubled letters
    folded, silent h, w and y dropped: 'hizballah' and 'hezbollah' -> 'hsbl'. Words stay
    apart, so 'u.s. supreme court' is not 'supreme court'."""
    out = []
    for word in name.split():
        for written, sound in _DIGRAPHS:
            word = word.replace(written, sound)
        word = _SILENT_H.sub("", word)
        word = re.sub(r"(.)\1+", r"\1", _NOT_CONSONANT.sub("", word))
        if word:
            out.append(word)
    return " ".join(out)


def _same_words(name: str, alias: str) -> bool:
    """Word by word, each pair spelled alike: 'nationwide intelligence council' fits 'national
    intelligence council'; 'turkish national security council' does not fit 'u.s. national security
    council', nor does 'supreme court' fit 'u.s. supreme court' (a word more is another body)."""
    words, others = name.split(), alias.split()
    return len(words) == len(others) and all(
        a == b or fuzz.ratio(a, b) >= WORD_RATIO for a, b in zip(words, others, strict=True))


class FuzzyIndex:
    """Normalised aliases of the knowledge base, grouped by the NER label that may reach them."""

    def __init__(self, kb: KnowledgeBase, ratio_threshold: float = RATIO_THRESHOLD):
        self.ratio_threshold = ratio_threshold
        self.choices: dict[str, list[str]] = {}
        self.owners: dict[str, dict[str, str]] = {}
        self.skeletons: dict[str, dict[str, str | None]] = {}
        for label, types in LABEL_TYPES.items():
            owners: dict[str, str] = {}
            skeletons: dict[str, str | None] = {}
            for actor in kb.actors.values():
                if actor.type not in types:
                    continue
                for form in [actor.name, *actor.aliases]:
                    key = normalise_name(form)
                    owners.setdefault(key, actor.id)
                    shape = skeleton(key)
                    if len(shape.replace(" ", "")) >= MIN_SKELETON:
                        # a skeleton two actors share is no evidence for either
                        skeletons[shape] = actor.id if skeletons.get(shape, actor.id) == actor.id else None
            self.owners[label] = owners
            self.choices[label] = list(owners)
            self.skeletons[label] = skeletons
        # a transliteration NER labels wrongly ("Hezballah" as a person) still has one reading
        anywhere: dict[str, str | None] = {}
        for table in self.skeletons.values():
            for shape, owner in table.items():
                anywhere[shape] = owner if anywhere.get(shape, owner) == owner else None
        self.any_skeleton = anywhere
        self.lookup = lru_cache(maxsize=20_000)(self._lookup)  # names repeat across documents

    def _lookup(self, text: str, label: str) -> FuzzyMatch | None:
        if label not in self.owners:
            return None
        key = normalise_name(text)
        shape = skeleton(key)
        if len(shape.replace(" ", "")) >= MIN_SKELETON:
            owner = self.skeletons[label].get(shape)
            if owner is None and (" " not in shape or label != "PERSON"):
                owner = self.any_skeleton.get(shape)
            if owner is not None:
                return FuzzyMatch(owner, key, 100.0, "skeleton")
        # one letter makes another person ("Christopher Ray" is not Christopher Wray): no ratio for names
        if len(key) < MIN_RATIO_LENGTH or label == "PERSON":
            return None
        best = process.extractOne(key, self.choices[label], scorer=fuzz.ratio,
                                  score_cutoff=self.ratio_threshold)
        if best is None:
            return None
        alias, score, _index = best
        if not _same_words(key, alias):
            return None
        return FuzzyMatch(self.owners[label][alias], alias, float(score), "ratio")

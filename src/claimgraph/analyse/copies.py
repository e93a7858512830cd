"""Copies and stories: near-duplicates, syndicated copies and spun rewrites, grouped under their origin.

A *story* here is a cluster of documents that are copies of one another: the same text under another
outlet's name (syndicated), the same text with a few edits (a near-duplicate), or a content farm's
rewrite that swaps common words for clumsy synonyms ("Nationwide Intelligence Council", "Justice
Division") while keeping the facts, names, numbers and order (spun). Independent reports of the same
event are not copies: they share names but not sentences.

How a document finds its copies, without comparing it with the whole corpus:

1. **Shingles.** Two sets per document: word 3-grams of the normalised text (accents dropped,
   casefolded), which catch syndicated and lightly edited copies; and 2-grams of its *skeleton*, the
   sequence of its capitalised words and numbers, which a spinner keeps (names, places, dates,
   figures) while swapping the common words around them.
2. **MinHash + LSH.** A 64-permutation MinHash of each set (stored in `document_signatures`, so a
   later run rebuilds the LSH index from the blobs without hashing the corpus again) and one
   `datasketch.MinHashLSH` per set with 32 bands of 2 rows: any pair with a Jaccard similarity of
   0.3 is a candidate with probability 0.95 in either index, and 0.998 in one or the other.
3. **Sentence alignment** confirms a candidate: each sentence (of 4 words or more, normalised) is
   matched to its closest sentence in the other document (rapidfuzz `ratio`); it has a counterpart
   when the ratio is at least `SENTENCE_RATIO`. The *similarity* of two documents is the share of
   their sentence characters (both documents) that have a counterpart.

The decision, with thresholds chosen on ../shared/gold/dev.jsonl, the bundled corpus and the re3d
documents (which have no copies but do have templated daily strike reports):

- a sentence has a counterpart when its closest sentence has a ratio of `SENTENCE_RATIO` (75) or
  more and the two state the same numbers, give or take some one of them drops (a dateline; a
  spinner's "this 12 months" for "this year"); number words count as digits;
- **copy** when the similarity is at least `COPY_SIMILARITY` (0.5) and at least `SHORT_COVERAGE`
  (0.8) of the shorter document's sentence characters have a counterpart (so a copy may drop a
  header or its last paragraphs, but shared boilerplate does not make one). Measured: spun copies
  score 0.92 to 1.0 with 0.91 or more of the shorter covered; independent reports of the same story
  0.0 to 0.07; templated reports of different days 0.57 to 0.68 with at most 0.70 covered;
- method **exact** when the normalised word sequences are equal, **syndicated** when at least
  `SYNDICATED_CONTAINMENT` (0.8) of the shorter document's word 3-grams occur in the other (spun
  copies share 0.4 to 0.55 of them), else **spun**.

Copies are linked transitively (a copy of a copy is in the story), and the story's *origin* is its
earliest document by `published` (documents without a date count as the latest), then by ingestion
order. Every analysed document gets a row in `document_copies`: an origin (or a document with no
copy) points at itself with `copy_of` NULL; a copy has `story_id` = `copy_of` = its origin, and the
similarity and method of the comparison with the origin. Incremental: a new document is compared
with its LSH candidates only; joining a story whose origin is later re-points that story's rows
only. The outcome does not depend on the order the documents came in, so `--rebuild` (everything
from the stored texts) gives what the increments gave.
"""

from __future__ import annotations

import functools
import logging
import re
import struct
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
from rapidfuzz import fuzz
from rapidfuzz.process import cdist
from sqlalchemy import Connection, Engine, delete, select

from claimgraph.store.engine import read_transaction, write_transaction
from claimgraph.store.schema import document_copies, document_signatures, documents
from claimgraph.store.upsert import upsert

if TYPE_CHECKING:
    from datasketch import LeanMinHash, MinHash, MinHashLSH

    from claimgraph.store import Store

log = logging.getLogger("claimgraph.copies")

NUM_PERM = 64  # permutations per MinHash (two MinHashes per document)
LSH_BANDS, LSH_ROWS = 32, 2  # 32 x 2 = NUM_PERM
SEED = 1
WORD_SHINGLE = 3
SKELETON_SHINGLE = 2
MIN_SENTENCE_WORDS = 4
SENTENCE_RATIO = 75.0  # rapidfuzz ratio (0-100) for a sentence to have a counterpart
COPY_SIMILARITY = 0.5
SHORT_COVERAGE = 0.8
SYNDICATED_CONTAINMENT = 0.8
# Blob layout: a format byte, the permutation count, datasketch's permutation scheme (its name, 2.x;
# "legacy" before), then the two MinHashes' uint64 values. Another layout or scheme: hashed again.
_FORMAT = 1
_HEADER = struct.Struct("<BH10s")
_CHUNK = 500

EXACT, SYNDICATED, SPUN = "exact", "syndicated", "spun"
METHODS = (EXACT, SYNDICATED, SPUN)

_NUMBER_WORDS = {word: n for n, word in enumerate((
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
    "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen", "twenty"))}
_WORD = re.compile(r"[^\W_]+(?:['\u2019][^\W_]+)*")
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"'\u201d\u2019)]*\s+|\n+")


# --- text features ---------------------------------------------------------------------------
def _strip_accents(text: str) -> str:
    return "".join(ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch))


def words(text: str) -> list[str]:
    """The normalised words of a text: accents dropped, casefolded, punctuation gone."""
    return [w.casefold() for w in _WORD.findall(_strip_accents(text))]


def skeleton(text: str) -> list[str]:
    """The capitalised words and the numbers of a text, in order, normalised: what a spinner keeps."""
    return [w.casefold() for w in _WORD.findall(_strip_accents(text))
            if w[0].isupper() or any(ch.isdigit() for ch in w)]


def shingles(tokens: Sequence[str], n: int) -> set[str]:
    """The n-grams of a token sequence (the sequence itself when shorter than n)."""
    if 0 < len(tokens) < n:
        return {" ".join(tokens)}
    return {" ".join(tokens[i:i + n]) for i in range(len(tokens) - n + 1)}


def _number(token: str) -> str | None:
    if token in _NUMBER_WORDS:
        return str(_NUMBER_WORDS[token])
    digits = token.replace("'", "").replace("\u2019", "")
    return digits.lstrip("0") or "0" if digits.isdigit() else None


def sentences(text: str) -> list[tuple[str, tuple[str, ...]]]:
    """The sentences of a text (lines and sentence ends) of MIN_SENTENCE_WORDS words or more: each
    normalised, with its numbers (number words as digits) in order."""
    found = []
    for part in _SENTENCE_END.split(text):
        tokens = words(part)
        if len(tokens) >= MIN_SENTENCE_WORDS:
            numbers = tuple(n for n in map(_number, tokens) if n is not None)
            found.append((" ".join(tokens), numbers))
    return found


@dataclass(frozen=True)
class Comparison:
    """How two documents compare: the similarity (0-1), whether one copies the other, and how."""

    similarity: float
    is_copy: bool
    method: str


def _coverage(matched: Any, lengths: Any) -> float:
    total = float(lengths.sum())
    return float(lengths[matched].sum()) / total if total else 0.0


def compare(text_a: str, text_b: str) -> Comparison:
    """Sentence-level alignment of two texts: is one a copy of the other (syndicated, spun, exact)?"""
    words_a, words_b = words(text_a), words(text_b)
    if words_a and words_a == words_b:
        return Comparison(1.0, True, EXACT)
    sents_a, sents_b = sentences(text_a), sentences(text_b)
    if not sents_a or not sents_b:
        return Comparison(0.0, False, "")
    scores = cdist([s for s, _ in sents_a], [s for s, _ in sents_b], scorer=fuzz.ratio, dtype=np.float32)
    hit_a = np.zeros(len(sents_a), dtype=bool)
    hit_b = np.zeros(len(sents_b), dtype=bool)
    for i, j in np.argwhere(scores >= SENTENCE_RATIO):
        # A counterpart states the same numbers, give or take one dropped (a dateline, "this year"
        # spun into "this 12 months"): templated reports (daily strike tallies) differ in them.
        numbers_a, numbers_b = set(sents_a[i][1]), set(sents_b[j][1])
        if numbers_a <= numbers_b or numbers_b <= numbers_a:
            hit_a[i] = hit_b[j] = True
    len_a = np.array([len(s) for s, _ in sents_a], dtype=np.float64)
    len_b = np.array([len(s) for s, _ in sents_b], dtype=np.float64)
    similarity = float(len_a[hit_a].sum() + len_b[hit_b].sum()) / float(len_a.sum() + len_b.sum())
    short_coverage = _coverage(hit_a, len_a) if len_a.sum() <= len_b.sum() else _coverage(hit_b, len_b)
    is_copy = similarity >= COPY_SIMILARITY and short_coverage >= SHORT_COVERAGE
    grams_a, grams_b = shingles(words_a, WORD_SHINGLE), shingles(words_b, WORD_SHINGLE)
    containment = len(grams_a & grams_b) / max(1, min(len(grams_a), len(grams_b)))
    method = SYNDICATED if containment >= SYNDICATED_CONTAINMENT else SPUN
    return Comparison(round(similarity, 4), is_copy, method if is_copy else "")


# --- signatures --------------------------------------------------------------------------------
class Hasher:
    """MinHash signatures of documents, with the permutations drawn once."""

    def __init__(self) -> None:
        from datasketch import MinHash

        self._template = MinHash(num_perm=NUM_PERM, seed=SEED)

    def _minhash(self, grams: set[str]) -> MinHash:
        minhash = self._template.copy()  # shares the permutations, drawn once
        minhash.update_batch([gram.encode("utf-8") for gram in sorted(grams)])
        return minhash

    def signature(self, text: str) -> bytes:
        """The stored form: header, then the word-shingle MinHash and the skeleton-shingle MinHash."""
        word_sig = self._minhash(shingles(words(text), WORD_SHINGLE)) if words(text) else None
        skeleton_tokens = skeleton(text)
        skel_sig = self._minhash(shingles(skeleton_tokens, SKELETON_SHINGLE)) if skeleton_tokens else None
        empty = np.full(NUM_PERM, np.iinfo(np.uint64).max, dtype=np.uint64)
        values = [empty if sig is None else np.asarray(sig.hashvalues, dtype=np.uint64)
                  for sig in (word_sig, skel_sig)]
        return _header() + b"".join(v.astype("<u8").tobytes() for v in values)


@functools.cache
def _scheme() -> str:
    from datasketch import MinHash

    return str(getattr(MinHash(num_perm=1, seed=SEED), "scheme", "legacy"))


def _header() -> bytes:
    return _HEADER.pack(_FORMAT, NUM_PERM, _scheme().encode("ascii"))


def _lean(values: Any) -> LeanMinHash:
    from datasketch import LeanMinHash

    try:
        return LeanMinHash(seed=SEED, hashvalues=values, scheme=_scheme())
    except TypeError:  # datasketch 1.x: one scheme, no argument
        return LeanMinHash(seed=SEED, hashvalues=values)


def _unpack(blob: bytes) -> tuple[LeanMinHash | None, LeanMinHash | None] | None:
    """The two MinHashes of a stored signature (None for an empty set); None when the blob is stale."""
    if len(blob) != _HEADER.size + 2 * NUM_PERM * 8 or blob[:_HEADER.size] != _header():
        return None
    values = np.frombuffer(blob, dtype="<u8", offset=_HEADER.size).astype(np.uint64)
    empty = np.iinfo(np.uint64).max
    halves = (values[:NUM_PERM], values[NUM_PERM:])
    found = tuple(None if bool((half == empty).all()) else _lean(half) for half in halves)
    return found[0], found[1]


# --- the stored state --------------------------------------------------------------------------
@dataclass
class CopyRow:
    document_id: int
    story_id: int
    copy_of: int | None
    similarity: float
    method: str

    def values(self) -> dict[str, Any]:
        return {"document_id": self.document_id, "story_id": self.story_id, "copy_of": self.copy_of,
                "similarity": self.similarity, "method": self.method}


def _engine(store: Store) -> Engine:
    return store.engine  # the analysis reads and writes its own v3 tables beside the Store's


def _chunks(ids: Sequence[int]) -> Iterable[Sequence[int]]:
    for i in range(0, len(ids), _CHUNK):
        yield ids[i:i + _CHUNK]


def _texts(conn: Connection, ids: Iterable[int]) -> dict[int, tuple[str, str | None]]:
    found: dict[int, tuple[str, str | None]] = {}
    for chunk in _chunks(sorted(set(ids))):
        query = (select(documents.c.id, documents.c.text, documents.c.published)
                 .where(documents.c.id.in_(chunk)))
        for doc_id, text, published in conn.execute(query):
            found[doc_id] = (text, published)
    return found


def _update_row(excluded: Any) -> dict[str, Any]:
    return {"story_id": excluded.story_id, "copy_of": excluded.copy_of,
            "similarity": excluded.similarity, "method": excluded.method}


def _update_signature(excluded: Any) -> dict[str, Any]:
    return {"signature": excluded.signature}


# --- the analyser ------------------------------------------------------------------------------
class CopyDetector:
    """The LSH indexes and story rows of one store, kept in memory so each new batch is cheap.

    `add(ids)` analyses stored documents that have no row yet and writes what changed.
    """

    def __init__(self, store: Store) -> None:
        from datasketch import MinHashLSH

        self.engine = _engine(store)
        self.hasher = Hasher()
        self.words_lsh: MinHashLSH = MinHashLSH(num_perm=NUM_PERM, params=(LSH_BANDS, LSH_ROWS))
        self.skeleton_lsh: MinHashLSH = MinHashLSH(num_perm=NUM_PERM, params=(LSH_BANDS, LSH_ROWS))
        self.rows: dict[int, CopyRow] = {}
        self.members: dict[int, set[int]] = {}  # story id -> its documents (stories of 2 or more)
        self._published: dict[int, str | None] = {}  # of the documents looked at (texts are not kept)
        self._texts: dict[int, str] = {}  # during one add() only
        self._load()

    def _load(self) -> None:
        stale: list[int] = []
        with read_transaction(self.engine) as conn:
            for stored in conn.execute(select(document_copies)):
                self.rows[stored.document_id] = CopyRow(stored.document_id, stored.story_id, stored.copy_of,
                                                        stored.similarity, stored.method)
            for doc_id, blob in conn.execute(select(document_signatures.c.document_id,
                                                    document_signatures.c.signature)):
                unpacked = _unpack(bytes(blob))
                if unpacked is None:
                    stale.append(doc_id)
                else:
                    self._index(doc_id, unpacked)
        for row in self.rows.values():
            if row.story_id != row.document_id:
                self.members.setdefault(row.story_id, {row.story_id}).add(row.document_id)
        if stale:  # written by another signature format: hash those texts again
            with write_transaction(self.engine) as conn:
                texts = _texts(conn, stale)
                fresh = {i: self.hasher.signature(texts[i][0]) for i in texts}
                upsert(conn, document_signatures, [{"document_id": i, "signature": blob}
                                                   for i, blob in fresh.items()], ["document_id"],
                       _update_signature)
            for doc_id, blob in fresh.items():
                unpacked = _unpack(blob)
                assert unpacked is not None
                self._index(doc_id, unpacked)

    def _index(self, doc_id: int, minhashes: tuple[LeanMinHash | None, LeanMinHash | None]) -> None:
        word_sig, skel_sig = minhashes
        if word_sig is not None:
            self.words_lsh.insert(doc_id, word_sig, check_duplication=False)
        if skel_sig is not None:
            self.skeleton_lsh.insert(doc_id, skel_sig, check_duplication=False)

    def _candidates(self, minhashes: tuple[LeanMinHash | None, LeanMinHash | None]) -> set[int]:
        word_sig, skel_sig = minhashes
        found: set[int] = set()
        if word_sig is not None:
            found.update(self.words_lsh.query(word_sig))
        if skel_sig is not None:
            found.update(self.skeleton_lsh.query(skel_sig))
        return found

    def _need(self, conn: Connection, ids: Iterable[int]) -> None:
        found = _texts(conn, [i for i in ids if i not in self._texts])
        for doc_id, (text, published) in found.items():
            self._texts[doc_id] = text
            self._published[doc_id] = published

    def _order(self, doc_id: int) -> tuple[int, str, int]:
        published = self._published.get(doc_id)
        return (0, published, doc_id) if published else (1, "", doc_id)

    def _story(self, doc_id: int) -> set[int]:
        row = self.rows.get(doc_id)
        story = row.story_id if row is not None else doc_id
        return set(self.members.get(story, {doc_id}))

    def unanalysed(self) -> list[int]:
        """Stored documents with no row yet, in ingestion order."""
        analysed = select(document_copies.c.document_id)
        query = select(documents.c.id).where(documents.c.id.not_in(analysed)).order_by(documents.c.id)
        with read_transaction(self.engine) as conn:
            return list(conn.execute(query).scalars())

    def add(self, ids: Iterable[int]) -> int:
        """Analyse these stored documents (those with a row already are left alone); returns how many."""
        new = sorted({i for i in ids if i not in self.rows})
        if not new:
            return 0
        changed: dict[int, CopyRow] = {}
        signatures: list[dict[str, Any]] = []
        try:
            with read_transaction(self.engine) as conn:
                self._need(conn, new)
                self._analyse(conn, new, changed, signatures)
        finally:
            self._texts = {}
        with write_transaction(self.engine) as conn:
            upsert(conn, document_signatures, signatures, ["document_id"], _update_signature)
            upsert(conn, document_copies, [row.values() for row in changed.values()], ["document_id"],
                   _update_row)
        return len(signatures)

    def _analyse(self, conn: Connection, new: list[int], changed: dict[int, CopyRow],
                 signatures: list[dict[str, Any]]) -> None:
        for doc_id in new:
            if doc_id not in self._texts:  # deleted meanwhile
                continue
            blob = self.hasher.signature(self._texts[doc_id])
            signatures.append({"document_id": doc_id, "signature": blob})
            minhashes = _unpack(blob)
            assert minhashes is not None
            candidates = self._candidates(minhashes) - {doc_id}
            self._index(doc_id, minhashes)
            self._join(conn, doc_id, candidates, changed)

    def _join(self, conn: Connection, doc_id: int, candidates: set[int], changed: dict[int, CopyRow]) -> None:
        """Compare a new document with its candidates; merge it with the stories of those it copies."""
        self._need(conn, candidates)
        text = self._texts[doc_id]
        comparisons: dict[int, Comparison] = {}
        # One copy in a story is enough to join it: compare with its origin first, and stop at the
        # first member copied (a wire story with many copies costs one alignment, not one per copy).
        by_story: dict[int, list[int]] = {}
        for other in sorted(candidates):
            if other in self._texts:
                story_id = self.rows[other].story_id if other in self.rows else other
                by_story.setdefault(story_id, []).append(other)
        for story_id, members in by_story.items():
            for other in sorted(members, key=lambda m: (m != story_id, m)):
                comparisons[other] = compare(text, self._texts[other])
                if comparisons[other].is_copy:
                    break
        story = {doc_id}
        for other, comparison in comparisons.items():
            if comparison.is_copy and other in self.rows:
                story |= self._story(other)
        if len(story) == 1:
            row = CopyRow(doc_id, doc_id, None, 0.0, "")
            self.rows[doc_id] = changed[doc_id] = row
            return
        self._need(conn, story)
        origin = min(story, key=self._order)
        for old in {self.rows[i].story_id for i in story if i in self.rows}:
            self.members.pop(old, None)
        self.members[origin] = story
        for member in story:
            old_row = self.rows.get(member)
            if old_row is not None and old_row.story_id == origin and member != doc_id:
                continue  # already under this origin: unchanged
            if member == origin:
                row = CopyRow(member, origin, None, 0.0, "")
            else:
                comparison = (comparisons[origin] if member == doc_id and origin in comparisons
                              else compare(self._texts[member], self._texts[origin]))
                method = comparison.method or self._chain_method(member, story, comparisons)
                row = CopyRow(member, origin, origin, comparison.similarity, method)
            self.rows[member] = changed[member] = row

    def _chain_method(self, member: int, story: set[int], comparisons: dict[int, Comparison]) -> str:
        """The method of a copy linked to its origin only through other copies: its stored one, else spun."""
        row = self.rows.get(member)
        if row is not None and row.method:
            return row.method
        found = [c.method for i, c in comparisons.items() if i in story and c.is_copy]
        return SYNDICATED if found and all(m != SPUN for m in found) else SPUN


def update_copies(store: Store, ids: Iterable[int] | None = None) -> int:
    """Analyse new documents (the given ids, else every stored document without a row)."""
    detector = CopyDetector(store)
    return detector.add(detector.unanalysed() if ids is None else ids)


def rebuild_copies(store: Store) -> int:
    """Forget every row and signature, and analyse every stored document again."""
    with write_transaction(_engine(store)) as conn:
        conn.execute(delete(document_copies))
        conn.execute(delete(document_signatures))
    return update_copies(store)


# --- reading ------------------------------------------------------------------------------------
def stories(store: Store) -> list[dict[str, Any]]:
    """Stories with at least one copy: the origin and its copies, earliest story first."""
    query = (
        select(document_copies.c.document_id, document_copies.c.story_id, document_copies.c.copy_of,
               document_copies.c.similarity, document_copies.c.method, documents.c.doc_key,
               documents.c.outlet, documents.c.published, documents.c.title)
        .join(documents, documents.c.id == document_copies.c.document_id)
        .where(document_copies.c.story_id.in_(
            select(document_copies.c.story_id).where(document_copies.c.copy_of.is_not(None))))
        .order_by(document_copies.c.story_id, document_copies.c.document_id)
    )
    with read_transaction(_engine(store)) as conn:
        found = [dict(row._mapping) for row in conn.execute(query)]
    by_story: dict[int, dict[str, Any]] = {}
    for row in found:
        entry = by_story.setdefault(row["story_id"],
                                    {"story_id": row["story_id"], "origin": None, "copies": []})
        view = {"doc_key": row["doc_key"], "outlet": row["outlet"], "published": row["published"],
                "title": row["title"]}
        if row["document_id"] == row["story_id"]:
            entry["origin"] = view
        else:
            entry["copies"].append({**view, "method": row["method"], "similarity": row["similarity"]})
    for entry in by_story.values():
        entry["copies"].sort(key=lambda c: (c["published"] is None, c["published"] or "", c["doc_key"]))
    return sorted(by_story.values(),
                  key=lambda s: ((s["origin"] or {}).get("published") is None,
                                 (s["origin"] or {}).get("published") or "", s["story_id"]))


def copy_pairs(store: Store) -> set[tuple[str, str]]:
    """(copy doc_key, origin doc_key) for every stored copy."""
    origin = documents.alias("origin")
    query = (
        select(documents.c.doc_key, origin.c.doc_key)
        .select_from(document_copies.join(documents, documents.c.id == document_copies.c.document_id)
                     .join(origin, origin.c.id == document_copies.c.copy_of))
    )
    with read_transaction(_engine(store)) as conn:
        return {(copy, orig) for copy, orig in conn.execute(query)}

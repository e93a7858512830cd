"""A generator of synthetic claims for the link-assessment benchmarks, written straight into a store.

Realistic skew: entity popularity follows a Zipf-like law (a few hub actors are in most claims),
outlets too; about 40 % of claims name no speaker, 12 % are hedged, 8 % denied; 15 % of documents
are copies (syndicated or spun) of an earlier document, repeating its claims under another outlet,
with the `document_copies` row that copy detection would write. Rows go in with executemany on one
connection, not through the per-document write path, so a million claims build in a minute or so.
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass
from itertools import accumulate

from claimgraph.store import Store

RELATIONS = ("supports", "cooperates_with", "directs", "harbors", "facilitates", "finances", "arms",
             "member_of", "opposes", "sanctions", "linked_to")
TYPES = ("state", "state_body", "armed_group", "criminal_group", "person")
CLAIMS_PER_DOC = 4
COPY_SHARE = 0.15


@dataclass
class Built:
    claims: int
    documents: int
    entities: int
    hubs: list[str]  # the most claimed entities, most first


def _zipf_weights(n: int, s: float = 1.1) -> list[float]:
    return [1.0 / (rank ** s) for rank in range(1, n + 1)]


def build(store: Store, n_claims: int, *, seed: int = 7, n_entities: int | None = None,
          n_outlets: int = 200, n_speakers: int = 300) -> Built:
    """Write about n_claims claims (with documents, copies, speakers) into an empty store."""
    rng = random.Random(seed)
    n_entities = n_entities or max(200, n_claims // 50)
    actors = [f"actor-{i}" for i in range(n_entities)]
    speakers = [f"speaker-{i}" for i in range(n_speakers)]
    outlets = [f"Outlet {i}" for i in range(n_outlets)]
    # cumulative weights, computed once: random.choices would otherwise sum them on every call
    actor_w = list(accumulate(_zipf_weights(n_entities)))
    outlet_w = list(accumulate(_zipf_weights(n_outlets, 0.8)))
    speaker_w = list(accumulate(_zipf_weights(n_speakers, 0.9)))
    now = "2025-01-01 00:00:00.000000"
    entity_rows = [(a, f"Actor {i}", TYPES[i % 4], 0, now) for i, a in enumerate(actors)]
    entity_rows += [(s, f"Speaker {i}", "person", 0, now) for i, s in enumerate(speakers)]
    alias_rows = [(row[0], row[1], row[1].lower()) for row in entity_rows]

    doc_rows: list[tuple[object, ...]] = []
    claim_rows: list[tuple[object, ...]] = []
    copy_rows: list[tuple[object, ...]] = []
    originals: list[tuple[int, list[tuple[object, ...]]]] = []
    doc_id = 0
    while len(claim_rows) < n_claims:
        doc_id += 1
        day = f"20{20 + rng.randrange(6)}-{1 + rng.randrange(12):02d}-{1 + rng.randrange(28):02d}"
        outlet = rng.choices(outlets, cum_weights=outlet_w)[0]
        key = f"doc-{doc_id}"
        text = f"Synthetic document {doc_id}."
        digest = hashlib.sha256(text.encode()).hexdigest()
        doc_rows.append((doc_id, key, digest, text, outlet, day, f"/synthetic/{key}", "en", "ok", "", now))
        if originals and rng.random() < COPY_SHARE:
            origin, its_claims = rng.choice(originals)
            copy_rows.append((doc_id, origin, origin, 0.9, "spun"))
            for row in its_claims:
                claim_rows.append((doc_id, *row[1:]))
            continue
        mine: list[tuple[object, ...]] = []
        for k in range(CLAIMS_PER_DOC):
            subject, obj = rng.choices(actors, cum_weights=actor_w, k=2)
            if subject == obj:
                obj = actors[(int(obj.rsplit("-", 1)[1]) + 1) % n_entities]
            relation = rng.choice(RELATIONS)
            polarity = "denied" if rng.random() < 0.08 else "affirmed"
            modality = "hedged" if rng.random() < 0.12 else "asserted"
            speaker = rng.choices(speakers, cum_weights=speaker_w)[0] if rng.random() < 0.6 else None
            evidence = f"Actor {subject} {relation} Actor {obj} (sentence {k})."
            mine.append((doc_id, subject, relation, obj, polarity, modality, speaker, speaker or "", evidence,
                         k * 100, k * 100 + len(evidence), "", "synthetic", ""))
        claim_rows.extend(mine)
        if len(originals) < 5000 or rng.random() < 0.1:
            originals.append((doc_id, mine))
    _insert(store, entity_rows, alias_rows, doc_rows, claim_rows, copy_rows)
    counts: dict[str, int] = {}
    for row in claim_rows:
        for end in (row[1], row[3]):
            counts[str(end)] = counts.get(str(end), 0) + 1
    hubs = sorted(counts, key=lambda e: -counts[e])[:10]
    return Built(len(claim_rows), len(doc_rows), len(entity_rows), hubs)


def _insert(store: Store, entity_rows: list[tuple[object, ...]], alias_rows: list[tuple[object, ...]],
            doc_rows: list[tuple[object, ...]], claim_rows: list[tuple[object, ...]],
            copy_rows: list[tuple[object, ...]]) -> None:
    raw = store._engine.raw_connection()
    try:
        cursor = raw.cursor()
        cursor.execute("BEGIN")
        cursor.executemany(
            "INSERT INTO entities (id, name, type, provisional, created_at) VALUES (?,?,?,?,?)", entity_rows)
        cursor.executemany("INSERT INTO aliases (entity_id, alias, normalised) VALUES (?,?,?)", alias_rows)
        cursor.executemany(
            "INSERT INTO documents (id, doc_key, hash, text, outlet, published, source, language, status,"
            " extractor_version, ingested_at) VALUES (?,?,?,?,?,?,?,?,?,?,?)", doc_rows)
        cursor.executemany(
            "INSERT INTO claims (document_id, subject_id, relation, object_id, polarity, modality,"
            " speaker_id, speaker_key, evidence, start_offset, end_offset, cue, rule, extractor_version)"
            " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)", claim_rows)
        origins = sorted({row[1] for row in copy_rows})
        cursor.executemany(
            "INSERT OR IGNORE INTO document_copies (document_id, story_id, copy_of, similarity, method)"
            " VALUES (?,?,NULL,1.0,'origin')", [(o, o) for o in origins])
        cursor.executemany(
            "INSERT INTO document_copies (document_id, story_id, copy_of, similarity, method)"
            " VALUES (?,?,?,?,?)", copy_rows)
        cursor.execute("COMMIT")
        cursor.execute("ANALYZE")
        cursor.close()
    finally:
        raw.close()

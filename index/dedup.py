"""Near-duplicate detection for documents and chunks (MinHash LSH from datasketch).

LSH proposes candidate pairs cheaply; each candidate is then confirmed on the exact
shingle sets, so the thresholds below are exact, not probabilistic.

* Documents: word 5-shingles; duplicates when Jaccard >= 0.8, or when one holds at
  least 90 % of the other's shingles (a wire story trimmed by a second outlet).
  The longest copy is kept; the others' sources are remembered on it ("also in").
* Chunks: word 3-shingles; near-duplicates when Jaccard >= 0.75 or containment >= 0.9.
  The first chunk in corpus order is kept.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import TypeVar

from index.text import fold, jaccard, shingles_of_words

T = TypeVar("T")

NUM_PERM = 128


@dataclass(frozen=True)
class NearDuplicateRule:
    shingle_size: int
    candidate_threshold: float
    jaccard: float
    containment: float

    def same(self, a: set[str], b: set[str]) -> bool:
        if not a or not b:
            return False
        if jaccard(a, b) >= self.jaccard:
            return True
        smaller = min(len(a), len(b))
        return smaller >= 8 and len(a & b) / smaller >= self.containment


DOCUMENT_RULE = NearDuplicateRule(
    shingle_size=5, candidate_threshold=0.5, jaccard=0.8, containment=0.9
)
CHUNK_RULE = NearDuplicateRule(
    shingle_size=3, candidate_threshold=0.5, jaccard=0.75, containment=0.9
)


@dataclass(frozen=True)
class Duplicate:
    kept: int
    dropped: int
    exact: bool


def find_duplicates(
    items: Sequence[T],
    text_of: Callable[[T], str],
    rule: NearDuplicateRule,
    priority: Callable[[int], tuple[int, ...]] | None = None,
) -> list[Duplicate]:
    """Which items duplicate an earlier-kept one; items are visited in ``priority`` order."""
    import mmh3
    from datasketch import MinHash, MinHashLSH  # costs ~1 s to import: only when needed

    hash32 = partial(mmh3.hash, signed=False)  # C MurmurHash3: far faster than sha1

    order = sorted(range(len(items)), key=priority) if priority else list(range(len(items)))
    exact_keys = [fold(text_of(item)) for item in items]
    shingles = [shingles_of_words(key.split(), rule.shingle_size) for key in exact_keys]
    hashes = MinHash.bulk(
        [[s.encode("utf-8") for s in sh] for sh in shingles],
        num_perm=NUM_PERM,
        hashfunc=hash32,
    )
    lsh = MinHashLSH(threshold=rule.candidate_threshold, num_perm=NUM_PERM)
    by_exact: dict[str, int] = {}
    duplicates: list[Duplicate] = []
    for index in order:
        if not shingles[index]:
            continue
        twin = by_exact.get(exact_keys[index])
        if twin is not None:
            duplicates.append(Duplicate(kept=twin, dropped=index, exact=True))
            continue
        candidates = sorted(int(key) for key in lsh.query(hashes[index]))
        match = next((c for c in candidates if rule.same(shingles[c], shingles[index])), None)
        if match is not None:
            duplicates.append(Duplicate(kept=match, dropped=index, exact=False))
            continue
        by_exact[exact_keys[index]] = index
        lsh.insert(str(index), hashes[index])
    return duplicates

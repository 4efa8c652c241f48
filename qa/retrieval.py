"""Hybrid retrieval: BM25 and MiniLM dense search, fused, metadata-aware, diversified.

1. Both retrievers return their top candidates (explicit ``sources``/date filters apply
   to both).
2. Weighted reciprocal rank fusion combines the two rankings; BM25 weighs more because
   news questions name people, outlets and titles that lexical search matches exactly.
3. Cues in the question help: an outlet named in it ("according to TechCrunch") and a
   month or year named in it ("in October 2023") boost chunks of matching articles.
4. Diversity: the first pass takes the best chunk of each article, the second fills the
   remaining places; a chunk that nearly repeats an already chosen one is skipped.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

from index.lexical import LexicalIndex
from index.store import ChunkStore, Metadata
from index.text import fold, jaccard, word_shingles
from qa.types import Passage

RRF_K = 60
LEXICAL_WEIGHT = 1.0
DENSE_WEIGHT = 0.7
SOURCE_BOOST = 1.0
DATE_BOOST = 0.5
CANDIDATES = 60
NEAR_DUPLICATE = 0.6

_MONTHS = {
    m: i
    for i, m in enumerate(
        [
            "january",
            "february",
            "march",
            "april",
            "may",
            "june",
            "july",
            "august",
            "september",
            "october",
            "november",
            "december",
        ],
        start=1,
    )
}


@dataclass(frozen=True)
class Filters:
    sources: tuple[str, ...] = ()
    date_from: date | None = None
    date_to: date | None = None

    def where(self) -> dict[str, object] | None:
        clauses: list[dict[str, object]] = []
        if self.sources:
            clauses.append({"source": {"$in": list(self.sources)}})
        if self.date_from:
            clauses.append({"date_int": {"$gte": _date_int(self.date_from)}})
        if self.date_to:
            clauses.append({"date_int": {"$lte": _date_int(self.date_to)}})
        if not clauses:
            return None
        return clauses[0] if len(clauses) == 1 else {"$and": clauses}

    def allows(self, metadata: Metadata) -> bool:
        if self.sources and metadata.get("source") not in self.sources:
            return False
        day = int(metadata.get("date_int") or 0)
        if self.date_from and (not day or day < _date_int(self.date_from)):
            return False
        return not (self.date_to and (not day or day > _date_int(self.date_to)))


@dataclass(frozen=True)
class QuestionCues:
    sources: frozenset[str]
    months: frozenset[tuple[int, int]]  # (year, month); month 0 means the whole year


def question_cues(question: str, known_sources: Sequence[str]) -> QuestionCues:
    """Outlets and months/years the question names."""
    folded = f" {fold(question)} "
    sources = frozenset(s for s in known_sources if len(s) > 2 and f" {fold(s)} " in folded)
    months: set[tuple[int, int]] = set()
    for name, number in _MONTHS.items():
        for match in re.finditer(rf"\b{name}\b(?:\s+(?:of\s+)?((?:19|20)\d\d))?", question, re.I):
            if match.group(1):
                months.add((int(match.group(1)), number))
    if not months:
        months.update((int(y), 0) for y in re.findall(r"\b((?:19|20)\d\d)\b", question))
    return QuestionCues(sources, frozenset(months))


def hybrid_search(
    query: str,
    *,
    k: int,
    store: ChunkStore,
    lexical: LexicalIndex,
    embed: Callable[[str], list[float]],
    filters: Filters,
    cues: QuestionCues,
) -> list[Passage]:
    """The ``k`` best, diverse passages for ``query``."""
    row_of = {chunk_id: row for row, chunk_id in enumerate(lexical.ids)}
    fused: dict[int, float] = {}

    lexical_hits = [
        (r, s)
        for r, s in lexical.search(query, CANDIDATES * 2)
        if filters.allows(lexical.metadatas[r])
    ]
    for rank, (row, _score) in enumerate(lexical_hits[:CANDIDATES]):
        fused[row] = fused.get(row, 0.0) + LEXICAL_WEIGHT / (RRF_K + rank)
    dense_hits = store.query(embed(query), CANDIDATES, where=filters.where())
    for rank, (chunk_id, _similarity) in enumerate(dense_hits):
        if chunk_id in row_of:
            dense_row = row_of[chunk_id]
            fused[dense_row] = fused.get(dense_row, 0.0) + DENSE_WEIGHT / (RRF_K + rank)

    for row in fused:
        fused[row] *= 1.0 + _cue_boost(lexical.metadatas[row], cues)
    ranked = sorted(fused, key=lambda r: (-fused[r], r))
    chosen = _diverse(ranked, lexical, k)
    top = fused[chosen[0]] if chosen else 1.0
    return [_passage(lexical, row, fused[row] / top) for row in chosen]


def _cue_boost(metadata: Metadata, cues: QuestionCues) -> float:
    boost = 0.0
    if cues.sources and metadata.get("source") in cues.sources:
        boost += SOURCE_BOOST
    day = int(metadata.get("date_int") or 0)
    if cues.months and day:
        year, month = day // 10000, day // 100 % 100
        if (year, month) in cues.months or (year, 0) in cues.months:
            boost += DATE_BOOST
    return boost


def _diverse(ranked: list[int], lexical: LexicalIndex, k: int) -> list[int]:
    chosen: list[int] = []
    shingles: list[set[str]] = []
    seen_docs: set[str] = set()

    def take(row: int) -> None:
        chosen.append(row)
        shingles.append(word_shingles(lexical.texts[row], 3))

    def near_copy(row: int) -> bool:
        mine = word_shingles(lexical.texts[row], 3)
        return any(jaccard(mine, other) >= NEAR_DUPLICATE for other in shingles)

    for row in ranked:
        if len(chosen) >= k:
            break
        doc = str(lexical.metadatas[row].get("doc_id", row))
        if doc not in seen_docs and not near_copy(row):
            seen_docs.add(doc)
            take(row)
    for row in ranked:
        if len(chosen) >= k:
            break
        if row not in chosen and not near_copy(row):
            take(row)
    return chosen


def _passage(lexical: LexicalIndex, row: int, score: float) -> Passage:
    meta = lexical.metadatas[row]
    return Passage(
        chunk_id=lexical.ids[row],
        text=lexical.texts[row],
        title=str(meta.get("title", "")),
        source=str(meta.get("source", "")),
        date=str(meta.get("date", "")),
        url=str(meta.get("url", "")),
        file=str(meta.get("file", "")),
        doc_id=str(meta.get("doc_id", "")),
        score=round(score, 4),
    )


def _date_int(value: date) -> int:
    return value.year * 10000 + value.month * 100 + value.day

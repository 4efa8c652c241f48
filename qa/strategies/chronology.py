""" "What's the latest on …" and "how did … develop": the relevant articles in date order,
newest first for the latest, oldest first for a timeline, one line each:
"7 April 2021 — <headline>: <its key sentence> [n]".

An article is relevant when its best sentence is about the topic (the sentence finder's
evidence, at a share of the best article's score); its key sentence is that sentence.
Articles without a date come last. Refused only when nothing retrieved is about it.
"""

from __future__ import annotations

from dataclasses import replace

from qa.dates import long_date_or_blank
from qa.extractive import Candidate, ExtractiveGenerator, compose, with_marker
from qa.question import Question
from qa.strategies.common import topic_evidence
from qa.types import Answer, Passage

MIN_RELEVANCE = 0.6  # an article's best sentence keeps this share of the best score
MAX_ARTICLES = 6


def answer(question: Question, passages: list[Passage], finder: ExtractiveGenerator) -> Answer:
    found = topic_evidence(question, passages, finder)
    if isinstance(found, Answer):
        return found
    key: dict[str, Candidate] = {}
    for candidate in found.candidates:  # best first
        if candidate.score < MIN_RELEVANCE * found.best.score:
            continue
        passage = passages[candidate.passage]
        key.setdefault(passage.doc_id or passage.chunk_id, candidate)
    newest_first = question.shape == "latest"
    dated = sorted(
        key.values(),
        key=lambda c: passages[c.passage].date or "",
        reverse=newest_first,
    )
    undated = [c for c in dated if not passages[c.passage].date]
    dated = [c for c in dated if passages[c.passage].date] + undated
    dated = dated[:MAX_ARTICLES]
    quoted = compose(question.full, [(c.sentence, passages[c.passage], c.score) for c in dated])
    number = {c.chunk_id: c.number for c in quoted.citations}
    lines = []
    for candidate in dated:
        passage = passages[candidate.passage]
        when = long_date_or_blank(passage.date) or "undated"
        lines.append(
            f"{when} — {passage.title}: {with_marker(candidate.sentence, number[passage.chunk_id])}"
        )
    first = passages[dated[0].passage]
    short = f"{long_date_or_blank(first.date) or 'undated'}: {first.title}" if newest_first else ""
    return replace(quoted, text="\n".join(lines), short_answer=short)

"""When-questions: the date the evidence gives, made absolute when it is relative.

In order of preference: a date the sentence states in full ("on 7 April 2021"); a
relative one ("last year", "on Friday") resolved against the article's publication
date, saying so; otherwise the publication date itself, labelled as such, since the
report's date is all the articles tell.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from qa.dates import is_absolute, long_date, resolve
from qa.extractive import ExtractiveGenerator
from qa.question import DATE_LABELS, Question
from qa.spans import entity_spans, new_to
from qa.strategies.common import lead_answer, readable
from qa.types import Answer, Passage


def answer(question: Question, passages: list[Passage], finder: ExtractiveGenerator) -> Answer:
    found = finder.evidence(question, passages)
    if isinstance(found, str):
        return finder.sentence_answer(question, passages)
    candidates = readable(found)
    for candidate in candidates:
        passage = passages[candidate.passage]
        doc = finder.parse_sentence(candidate.sentence, passage)
        for text, start in entity_spans(doc, DATE_LABELS):
            if not new_to(question, text, finder.terms_of):
                continue
            text = _with_shared_year(doc, text, start)
            resolved = resolve(text, passage.date)
            if resolved is None:
                continue
            cited = [(candidate.sentence, passage, candidate.score)]
            if resolved.absolute:
                return lead_answer(question.full, resolved.text, resolved.text, cited, finder)
            lead = f"{resolved.text} ({resolved.explanation})"
            return lead_answer(question.full, lead, resolved.text, cited, finder)
    best = found.best
    passage = passages[best.passage]
    try:
        published = long_date(date.fromisoformat(passage.date[:10]))
    except ValueError:
        return finder.answer_from(found, passages)
    lead = f"The articles give no date for it; the report is dated {published}"
    return lead_answer(
        question.full,
        lead,
        f"{published} (publication date)",
        [(best.sentence, passage, best.score)],
        finder,
    )


def _with_shared_year(doc: Any, text: str, start: int) -> str:
    """ "February" of "in February and May 2019" takes the year the pair shares."""
    if is_absolute(text):
        return text
    tail = doc[start : start + 6].text
    match = re.match(rf"{re.escape(text)}\s*(?:and|or|to|-|–)\s*\w+\s+((?:19|20)\d\d)\b", tail)
    return f"{text} {match.group(1)}" if match else text

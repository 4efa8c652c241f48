"""Whether one event came before another: "Was Sam Altman fired before Binance agreed to
its $4.3 billion settlement?", "Did Michigan State hire Jonathan Smith after the
College Football Playoff field was announced?".

No sentence states such an order; each event's date is stated somewhere. The question
is split at its "before"/"after" into the two events, each is asked as a when-question
of its own ("When was Sam Altman fired?", "When did Binance agree to …?") and answered
by the when strategy, and the two dates are compared: "Yes"/"No" with both dates, each
cited. Only a date from a sentence where the event's subject does its action (or a headline
reporting it) counts (``when.event_date``); an event dated otherwise, or two dates the
text does not tell apart (the same day, a month against a day in it), leave the order
unknown and the question to the yes/no strategy, which refuses what it cannot check.
Retrieval gives each event a lane of its own (``claims.event_clauses``).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from qa.dates import sort_key, told_apart
from qa.extractive import ExtractiveGenerator, compose, with_marker
from qa.question import Question
from qa.spans import tokens_text
from qa.strategies import when
from qa.types import Answer, Passage

ORDER_WORDS = frozenset({"before", "after"})
_AUXILIARIES = frozenset({"did", "does", "do", "was", "were", "is", "are", "has", "have", "had"})
_TENSE_AUX = {"VBD": "did", "VBZ": "does", "VBP": "do"}


@dataclass(frozen=True)
class Event:
    answer: Answer  # the when strategy's, citing the sentence that dates it
    key: tuple[int, int, int]


def answer(
    question: Question, passages: list[Passage], finder: ExtractiveGenerator
) -> Answer | None:
    """ "Yes"/"No" from the two events' dates, or None when the question joins no two
    events by "before"/"after" or their order cannot be told."""
    doc = finder.parse_question(question.text)
    split = _split(doc)
    if split is None:
        return None
    word, main, subordinate = split
    first, second = (_dated(text, passages, finder) for text in (main, subordinate))
    if first is None or second is None or not told_apart(first.key, second.key):
        return None
    events = [first, second]
    holds = (first.key < second.key) == (word == "before")
    cited = [e.answer.citations[0] for e in events]  # the sentence that dates each
    parts = [(c.quote, _passage(c.chunk_id, passages), c.score) for c in cited]
    quoted = compose(question.full, parts)
    number = {c.chunk_id: c.number for c in quoted.citations}
    numbers = [number[c.chunk_id] for c in cited]
    relation = "before" if first.key < second.key else "after"
    verdict = "Yes" if holds else "No"
    lines = [
        f"{e.answer.short_answer} — {with_marker(part[0], n)}"
        for e, part, n in zip(events, parts, numbers, strict=True)
    ]
    marks = "".join(f"[{n}]" for n in dict.fromkeys(numbers))
    text = (
        f"{verdict} {marks}: {first.answer.short_answer} is {relation} "
        f"{second.answer.short_answer}.\n" + "\n".join(lines)
    )
    return replace(quoted, text=text, short_answer=verdict)


def _passage(chunk_id: str, passages: list[Passage]) -> Passage:
    return next(p for p in passages if p.chunk_id == chunk_id)


def _dated(clause: str, passages: list[Passage], finder: ExtractiveGenerator) -> Event | None:
    told = when.event_date(finder.read(clause), passages, finder)
    if told is None or told.refused or not told.citations:
        return None
    key = sort_key(told.short_answer)
    return Event(told, key) if key else None


def _split(doc: Any) -> tuple[str, str, str] | None:
    """The order word and the two events as when-questions: the main clause's and the
    one "before"/"after" introduces."""
    for token in doc:
        if token.lower_ not in ORDER_WORDS:
            continue
        if token.dep_ == "mark" and token.head.dep_ == "advcl":
            clause = token.head
        elif token.dep_ == "prep":
            clause = next(
                (c for c in token.children if c.dep_ == "pcomp" and c.pos_ in ("VERB", "AUX")), None
            )
            if clause is None:
                return None
        else:
            continue
        cut = {t.i for t in clause.subtree} | {token.i}
        main = [t for t in doc if t.i not in cut and not t.is_punct]
        if not main or main[0].lower_ not in _AUXILIARIES:
            return None  # not a yes/no question about the main clause
        subordinate = [t for t in clause.subtree if t.i != token.i and not t.is_punct]
        inverted = _asked_when(subordinate, clause)
        if inverted is None:
            return None
        first = tokens_text(main)
        return token.lower_, f"When {first[0].lower()}{first[1:]}?", inverted
    return None


def _asked_when(tokens: list[Any], verb: Any) -> str | None:
    """ "Binance agreed to its settlement" → "When did Binance agree to its settlement?",
    "the field was announced" → "When was the field announced?"."""
    aux = next((t for t in tokens if t.head.i == verb.i and t.dep_ in ("aux", "auxpass")), None)
    subject = next(
        (t for t in tokens if t.head.i == verb.i and t.dep_ in ("nsubj", "nsubjpass")), None
    )
    if subject is None:
        return None
    if aux is not None:
        return f"When {aux.lower_} {tokens_text([t for t in tokens if t.i != aux.i])}?"
    helper = _TENSE_AUX.get(verb.tag_)
    if helper is None:
        return None
    words = [verb.lemma_ + verb.whitespace_ if t.i == verb.i else t.text_with_ws for t in tokens]
    return f"When {helper} {''.join(words).strip()}?"

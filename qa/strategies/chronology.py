""" "What's the latest on …" and "how did … develop": the relevant articles in date order,
newest first for the latest, oldest first for a timeline, one line each:
"7 April 2021 — <headline>: <its key sentence> [n]". A timeline whose sentences state
dates of their own ("in November 2018", "last year" in a 2018 article) is told by those
dates instead, one line per event: a single article can hold a whole story.

An article is relevant when its best sentence is about the topic (the sentence finder's
evidence, at a share of the best article's score); its key sentence is that sentence.
Articles without a date come last. Refused only when nothing retrieved is about it.
"""

from __future__ import annotations

from dataclasses import replace

from qa.dates import day_key, long_date_or_blank, resolve, sort_key
from qa.extractive import Candidate, ExtractiveGenerator, cite, compose, refusal, with_antecedent
from qa.question import Question, asks_about_everything
from qa.strategies.common import TopicEvidence, opening_sentences, topic_evidence
from qa.types import Answer, Passage

MIN_RELEVANCE = 0.6  # an article's best sentence keeps this share of the best score
MAX_ARTICLES = 6
MAX_EVENTS = 8
LATEST_SENTENCES = 3  # of the newest article, in an answer to "the latest"
MIN_STATED_DATES = 2  # a timeline by the dates the sentences state needs two of them


def _events(
    found: TopicEvidence, passages: list[Passage], finder: ExtractiveGenerator
) -> list[tuple[tuple[int, int, int], str, Candidate]]:
    """Relevant sentences with the date each states (a relative one resolved against its
    article's date), or else its article's publication date: (sort key, label, sentence)."""
    out: list[tuple[tuple[int, int, int], str, Candidate]] = []
    seen: set[str] = set()
    for candidate in found.candidates:
        if candidate.pair or candidate.score < MIN_RELEVANCE * found.best.score:
            continue
        if candidate.sentence in seen:
            continue
        seen.add(candidate.sentence)
        passage = passages[candidate.passage]
        doc = finder.parse_sentence(candidate.sentence, passage)
        published = day_key(passage.date)
        stated = None
        for entity in doc.ents:
            if entity.label_ != "DATE":
                continue
            resolved = resolve(entity.text, passage.date)
            key = sort_key(resolved.text) if resolved else None
            if resolved and key:
                stated = (_within(key, published), resolved.text)
                break
        if stated is None:
            if published is None:
                continue
            stated = (published, f"{long_date_or_blank(passage.date)} (published)")
        out.append((stated[0], stated[1], candidate))
    return out


def _within(
    stated: tuple[int, int, int], published: tuple[int, int, int] | None
) -> tuple[int, int, int]:
    """Where a stated date sorts: a year or a month that holds the article's day sorts
    at that day ("2023" in a 4 October 2023 article is no earlier than a 2 October
    event), anything finer where it says."""
    if published is None:
        return stated
    year, month, day = stated
    holds = year == published[0] and (month == 0 or (month == published[1] and day == 0))
    return published if holds else stated


def _position(candidate: Candidate, passages: list[Passage]) -> int:
    """Where the sentence stands in its passage (its end when not found as written)."""
    text = passages[candidate.passage].text
    found = text.find(candidate.sentence[:60])
    return found if found >= 0 else len(text)


def _timeline_of_events(
    question: Question,
    events: list[tuple[tuple[int, int, int], str, Candidate]],
    passages: list[Passage],
) -> Answer:
    """One line per event, oldest first: "November 2018 — <sentence> [n]"."""
    chosen = sorted(events, key=lambda e: -e[2].score)[:MAX_EVENTS]
    # events of one day keep their article's reading order
    chosen.sort(key=lambda e: (e[0], e[2].passage, _position(e[2], passages)))
    # a sentence quoted before the one that points back at it ("This was …") is told there
    told = [with_antecedent(c.sentence, passages[c.passage]) for _, _, c in chosen]
    chosen = [
        event
        for event in chosen
        if not any(
            event[2].sentence in text and event[2].sentence != other[2].sentence
            for other, text in zip(chosen, told, strict=True)
        )
    ]
    quoted = compose(
        question.full, [(c.sentence, passages[c.passage], c.score) for _, _, c in chosen]
    )
    number = {c.chunk_id: c.number for c in quoted.citations}
    lines = [f"{label} — {cite(c.sentence, passages[c.passage], number)}" for _, label, c in chosen]
    return replace(quoted, text="\n".join(lines), short_answer="")


def answer(question: Question, passages: list[Passage], finder: ExtractiveGenerator) -> Answer:
    newest_first = question.shape == "latest"
    if asks_about_everything(question.text, {p.source for p in passages}):
        # "What's the latest?": the newest articles retrieval brought, each by its opening
        openings = opening_sentences(passages)
        if not openings:
            return refusal(question.full, "no article with a sentence to show")
        return _by_article(question, openings, passages, newest_first)
    found = topic_evidence(question, passages, finder)
    if isinstance(found, Answer):
        return found
    key: dict[str, Candidate] = {}
    relevant: dict[str, list[Candidate]] = {}  # each article's relevant sentences, best first
    for candidate in found.candidates:  # best first
        if candidate.score < MIN_RELEVANCE * found.best.score:
            continue
        passage = passages[candidate.passage]
        key.setdefault(passage.doc_id or passage.chunk_id, candidate)
        if not candidate.pair:
            relevant.setdefault(passage.doc_id or passage.chunk_id, []).append(candidate)
    if not newest_first:
        events = _events(found, passages, finder)
        if len({key for key, _, _ in events}) >= MIN_STATED_DATES:
            return _timeline_of_events(question, events, passages)
    return _by_article(question, list(key.values()), passages, newest_first, relevant)


def _by_article(
    question: Question,
    key: list[Candidate],
    passages: list[Passage],
    newest_first: bool,
    relevant: dict[str, list[Candidate]] | None = None,
) -> Answer:
    """One line per article in date order: "7 April 2021 — <headline>: <sentence> [n]".
    For "the latest", the newest article, which is the news asked for, says up to
    LATEST_SENTENCES of its relevant sentences, in its own order."""
    dated = sorted(
        key,
        key=lambda c: passages[c.passage].date or "",
        reverse=newest_first,
    )
    undated = [c for c in dated if not passages[c.passage].date]
    dated = [c for c in dated if passages[c.passage].date] + undated
    dated = dated[:MAX_ARTICLES]
    told: list[list[Candidate]] = [[c] for c in dated]
    if newest_first and relevant and dated:
        newest = passages[dated[0].passage]
        more = [
            c
            for c in relevant.get(newest.doc_id or newest.chunk_id, [])
            if c.sentence != dated[0].sentence
        ][: LATEST_SENTENCES - 1]
        told[0] = sorted([dated[0], *more], key=lambda c: _position(c, passages))
    quoted = compose(
        question.full, [(c.sentence, passages[c.passage], c.score) for line in told for c in line]
    )
    number = {c.chunk_id: c.number for c in quoted.citations}
    lines = []
    for line in told:
        passage = passages[line[0].passage]
        when = long_date_or_blank(passage.date) or "undated"
        said = " ".join(cite(c.sentence, passages[c.passage], number) for c in line)
        lines.append(f"{when} — {passage.title}: {said}")
    first = passages[dated[0].passage]
    short = f"{long_date_or_blank(first.date) or 'undated'}: {first.title}" if newest_first else ""
    return replace(quoted, text="\n".join(lines), short_answer=short)

""" "What's the latest on …" and "how did … develop": the relevant articles in date order,
newest first for the latest, oldest first for a timeline, one line each:
"7 April 2021 — <headline>: <its key sentence> [n]". A timeline whose sentences state
dates of their own ("in November 2018", "last year" in a 2018 article) is told by those
dates instead, one line per event: a single article can hold a whole story. An article
with no date still orders its own events ("last June", "back in December", "on
Tuesday"), after every dated one; a timeline of one article ("the events in the Reuters
report") is told by that article's dates alone.

An article is relevant when its best sentence is about the topic (the sentence finder's
evidence, at a share of the best article's score); its key sentence is that sentence.
Articles without a date come last. Refused only when nothing retrieved is about it.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from index.text import chunk_sentences
from qa.dates import day_key, long_date_or_blank, resolve, sort_key, undated_place
from qa.extractive import Candidate, ExtractiveGenerator, cite, compose, refusal, with_antecedent
from qa.question import Question, asks_about_everything, asks_within_one_article
from qa.strategies.common import TopicEvidence, opening_sentences, topic_evidence
from qa.strategies.when import date_expressions
from qa.types import Answer, Passage

MIN_RELEVANCE = 0.6  # an article's best sentence keeps this share of the best score
# a sentence that states when it happened is an event of the story at a lower share
DATED_RELEVANCE = 0.45
MAX_ARTICLES = 6
MAX_EVENTS = 8
LATEST_SENTENCES = 3  # of the newest article, in an answer to "the latest"
MIN_STATED_DATES = 2  # a timeline by the dates the sentences state needs two of them


def _events(
    found: TopicEvidence,
    passages: list[Passage],
    finder: ExtractiveGenerator,
    within: str | None = None,
) -> list[tuple[tuple[int, ...], str, Candidate]]:
    """Relevant sentences with the date each states (a relative one resolved against its
    article's date), or else its article's publication date: (sort key, label, sentence).
    A sentence that states a date is an event of the story at a lower share of the best
    score (DATED_RELEVANCE): "last June at the SCO summit in Astana, India and Pakistan
    were admitted" tells how the SCO's work developed without the question's words.
    ``within`` names the one article a question asks about: then every sentence of it that
    states a date is an event, and no other sentence.

    In an article with no date, a relative date ("last June", "back in December") still
    orders its events: they follow every dated event, in the order their dates give, each
    labelled with the article's own words."""
    out: list[tuple[tuple[int, ...], str, Candidate]] = []
    seen: set[str] = set()
    undated_articles: list[str] = []
    lowest = 0.0 if within else DATED_RELEVANCE * found.best.score
    for candidate in [*found.candidates, *_rest_of_article(within, found, passages)]:
        if candidate.pair or candidate.score < lowest or candidate.sentence in seen:
            continue
        passage = passages[candidate.passage]
        if within and (passage.doc_id or passage.chunk_id) != within:
            continue
        seen.add(candidate.sentence)
        relevant = candidate.score >= MIN_RELEVANCE * found.best.score
        doc = finder.parse_sentence(candidate.sentence, passage)
        published = day_key(passage.date)
        article = passage.doc_id or passage.chunk_id
        if published is None and article not in undated_articles:
            undated_articles.append(article)
        order = undated_articles.index(article) if published is None else 0
        stated = stated_date(doc, passage.date, order)
        if stated is None:
            # one article's account is told by the dates it states
            if published is None or not relevant or within:
                continue
            stated = ((DATED, *published), f"{long_date_or_blank(passage.date)} (published)")
        out.append((stated[0], stated[1], candidate))
    return out


def _rest_of_article(
    within: str | None, found: TopicEvidence, passages: list[Passage]
) -> list[Candidate]:
    """The sentences of the asked article's retrieved passages that the topic's evidence
    left out: an event of its account need not share the question's words."""
    if not within:
        return []
    chosen = {c.sentence for c in found.candidates}
    return [
        Candidate(sentence, i, coverage=0.0, context_coverage=0.0, terms=frozenset())
        for i, passage in enumerate(passages)
        if (passage.doc_id or passage.chunk_id) == within
        for sentence in chunk_sentences(passage.text)
        if sentence not in chosen
    ]


DATED, UNDATED = 0, 1  # an undated article's events follow every dated one


def stated_date(doc: Any, published: str, order: int) -> tuple[tuple[int, ...], str] | None:
    """The date a sentence states, as (sort key, label): the finest it gives ("In the
    autumn of last year in October" is October). In an article with no date, a relative
    date is placed by ``dates.undated_place`` after every dated event, ``order`` keeping
    each undated article's events together, and labelled with the article's own words."""
    day = day_key(published)
    best: tuple[tuple[int, ...], str] | None = None
    finest = -1
    for text, tense, _ in date_expressions(doc):
        found: tuple[tuple[int, ...], str]
        resolved = resolve(text, published, tense)
        key = sort_key(resolved.text) if resolved else None
        place = undated_place(text, tense) if key is None and day is None else None
        if resolved and key:
            found, fineness = ((DATED, *_within(key, day)), resolved.text), _fineness(*key[1:])
        elif place is not None:
            found = ((UNDATED, order, *place), f"“{text}” (undated article)")
            fineness = _fineness(*place[2:])
        else:
            continue
        if fineness > finest:
            best, finest = found, fineness
    return best


def _fineness(month: int, day: int) -> int:
    return (month > 0) + (day > 0)


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
    events: list[tuple[tuple[int, ...], str, Candidate]],
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
        best = passages[found.best.passage]
        within = asks_within_one_article(question.text) and (best.doc_id or best.chunk_id)
        events = _events(found, passages, finder, within or None)
        if len({key for key, _, _ in events}) >= MIN_STATED_DATES:
            return _timeline_of_events(question, events, passages)
    return _by_article(question, list(key.values()), passages, newest_first, relevant, finder)


BACKSTORY_MONTHS = 2  # a sentence dated this long before its article tells what led up to it


def _backstory(candidate: Candidate, passages: list[Passage], finder: ExtractiveGenerator) -> bool:
    """Whether the sentence tells of a time well before its article's day ("The United
    States signed an agreement with the Taliban last year" in an April 2021 report): for
    "the latest", the article's own news comes first."""
    passage = passages[candidate.passage]
    published = day_key(passage.date)
    if published is None:
        return False
    stated = stated_date(finder.parse_sentence(candidate.sentence, passage), passage.date, 0)
    if stated is None or stated[0][0] != DATED:
        return False
    year, month = stated[0][1], stated[0][2]
    if not month:
        return year < published[0]
    return (published[0] * 12 + published[1]) - (year * 12 + month) >= BACKSTORY_MONTHS


def _by_article(
    question: Question,
    key: list[Candidate],
    passages: list[Passage],
    newest_first: bool,
    relevant: dict[str, list[Candidate]] | None = None,
    finder: ExtractiveGenerator | None = None,
) -> Answer:
    """One line per article in date order: "7 April 2021 — <headline>: <sentence> [n]".
    For "the latest", the newest article, which is the news asked for, says up to
    LATEST_SENTENCES of its relevant sentences, in its own order, its news before its
    backstory."""
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
        pool = [dated[0]] + [
            c
            for c in relevant.get(newest.doc_id or newest.chunk_id, [])
            if c.sentence != dated[0].sentence
        ]
        if finder is not None:
            # "… signed an agreement last year" is what led up to the news, not the news
            pool.sort(key=lambda c: _backstory(c, passages, finder))
        told[0] = sorted(pool[:LATEST_SENTENCES], key=lambda c: _position(c, passages))
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

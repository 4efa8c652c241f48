"""When-questions: the date the evidence gives, made absolute when it is relative.

A question about when an article came out ("On what date was the article '…'
published?") gets that article's date: the one whose headline shares at least half of
the question's words. Otherwise, in order of preference: a date the sentence states in
full ("on 7 April 2021"); a relative one ("last year", "on Friday") resolved against the
article's publication date, saying so; otherwise the publication date itself, labelled
as such, since the report's date is all the articles tell.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from typing import Any

from index.text import chunk_sentences
from qa.dates import is_absolute, long_date, long_date_or_blank, resolve
from qa.extractive import Candidate, Evidence, ExtractiveGenerator, refusal
from qa.question import Question
from qa.spans import date_spans, mentions, new_to, numbers_in, said_up_to_its_verb
from qa.strategies.common import READ_CANDIDATES, lead_answer, readable
from qa.strategies.yesno import subject_agrees, subject_of
from qa.synonyms import one_word_verb, one_word_verbs
from qa.types import Answer, Passage

# a sentence dating the asked action's own verb may score this share of the best
ACTION_SHARE_OF_BEST = 0.75
MIN_HEADLINE_SHARE = 0.5  # of the question's own words, for "when was the article … published"
_PUBLISHED = re.compile(
    r"\b(?:published|posted|dated|came out|date of (?:the|this|that) (?:article|report|story))\b",
    re.I,
)
# what was published must be a piece of the coverage ("when was the article … published"),
# not what an article reports on ("when was the JAMA study published")
_PIECE = re.compile(
    r"\b(?:article|report|story|piece|post|column|review|coverage|interview|headline)s?\b", re.I
)
_PUBLICATION_WORDS = (
    "when what which date day was were is the article report story published posted dated"
)


def answer(question: Question, passages: list[Passage], finder: ExtractiveGenerator) -> Answer:
    dated = _publication_answer(question, passages, finder)
    if dated is not None:
        return dated
    found = finder.evidence(question, passages)
    if isinstance(found, str):
        return finder.sentence_answer(question, passages)
    told = _from_evidence(question, found, passages, finder)
    return told if told is not None else finder.answer_from(found, passages)


def event_date(
    question: Question, passages: list[Passage], finder: ExtractiveGenerator
) -> Answer | None:
    """The date of the question's event from a sentence where its subject does the asked
    action, or from a headline that reports it; None otherwise (no fallback to any
    sentence's date or to a publication date): a date another comparison rests on."""
    found = finder.evidence(question, passages)
    if isinstance(found, str) or not question.subject:
        return None
    return _from_evidence(question, found, passages, finder, own_action_only=True)


def _from_evidence(
    question: Question,
    found: Evidence,
    passages: list[Passage],
    finder: ExtractiveGenerator,
    own_action_only: bool = False,
) -> Answer | None:
    # sentences where the question's subject does the asked action come first, then those
    # that do not give the action to another, then the headline that reports it
    # "On what date did England pile up 267 …?": a sentence without the 267 is of
    # another innings
    figures = _figures(question.text)
    stated = [c for c in readable(found) if figures <= numbers_in(c.sentence)]
    if not stated:
        return refusal(question.full, f"no sentence about it states {', '.join(sorted(figures))}")
    docs = [(c, finder.parse_sentence(c.sentence, passages[c.passage])) for c in stated]
    agreeing = [c for c, doc in docs if question.subject and subject_agrees(doc, question, finder)]
    candidates = [c for c, doc in docs if not someone_else_did_it(doc, question, finder)]
    # a date stated in full before one counted from the article's day
    weights = set(found.weights)
    for pool, absolute in ((agreeing, True), (agreeing, False)):
        dated = _dated_answer(question, pool, passages, finder, weights, absolute_only=absolute)
        if dated is not None:
            return dated
    headline = _reported_in_headline(question, passages, finder)
    if headline is not None or own_action_only:
        return headline
    # a sentence that says the asked action, by a date on that action ("hit No. 1 … on
    # Jan. 15, 1972", not "broken in Nov. 2021 when … hit No. 1"), dates it before one that
    # only shares its names ("… DON MCLEAN IS BORN"), read further down the ranking than a
    # short answer is
    action = finder.terms_of(question.focus_lemma) if question.focus_lemma else set()

    def says_the_action(text: str) -> bool:
        return bool(action & finder.same_terms(found, text))

    wider = [
        c
        for c in found.candidates[: 2 * READ_CANDIDATES]
        if c.score >= ACTION_SHARE_OF_BEST * found.best.score
        and figures <= numbers_in(c.sentence)
        and not someone_else_did_it(
            finder.parse_sentence(c.sentence, passages[c.passage]), question, finder
        )
    ]
    acting = [c for c in wider if says_the_action(c.sentence)]
    if acting:
        dated = _dated_answer(
            question, acting, passages, finder, weights, on_the_action=says_the_action
        )
        if dated is not None:
            return dated
    dated = _dated_answer(question, candidates, passages, finder, weights)
    if dated is not None:
        return dated
    if not candidates:
        return refusal(question.full, "the sentences about it date another's action")
    best = candidates[0]
    passage = passages[best.passage]
    if _yet_to_come(question, best, passage, finder):
        # "… will play Scrooge in a Melbourne season": the report's date is not the day
        return refusal(question.full, "the articles give no date for what was still to come")
    try:
        published = long_date(date.fromisoformat(passage.date[:10]))
    except ValueError:  # a sentence with no date is no answer to "when"
        return refusal(question.full, "the sentences about it state no date, nor does its article")
    lead = f"The articles give no date for it; the report is dated {published}"
    return lead_answer(
        question.full,
        lead,
        f"{published} (publication date)",
        [(best.sentence, passage, best.score)],
        finder,
    )


_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
_DAY_OF_MONTH = re.compile(
    rf"\b{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?\b|\b\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH}\b",
    re.I,
)
_NAMED_NUMBER = re.compile(r"\b[A-Z][\w-]*\s+\d+\b")  # "Series 9", "Ultra 2"


def _figures(text: str) -> set[str]:
    """The figures a question states that a sentence dating its event must state too:
    not the days of dates ("After the October 7 attack") nor numbers in names ("the
    Series 9")."""
    return numbers_in(_NAMED_NUMBER.sub(" ", _DAY_OF_MONTH.sub(" ", text)))


def _yet_to_come(
    question: Question, candidate: Candidate, passage: Passage, finder: ExtractiveGenerator
) -> bool:
    """Whether the question asks when something is to happen, or the sentence about it
    tells it as still to come: then the report's own date does not date it."""
    if asks_ahead(finder.parse_question(question.text)):
        return True
    doc = finder.parse_sentence(candidate.sentence, passage)
    # the main verb, or what it reports ("Microsoft will gain a seat, OpenAI announced")
    told = [t for t in doc if t.dep_ == "ROOT" or (t.dep_ == "ccomp" and t.head.dep_ == "ROOT")]
    return any(_tense(t) == "future" for t in told)


def _dated_answer(
    question: Question,
    candidates: list[Candidate],
    passages: list[Passage],
    finder: ExtractiveGenerator,
    terms: set[str],
    *,
    absolute_only: bool = False,
    on_the_action: Callable[[str], bool] | None = None,
) -> Answer | None:
    """The first date the candidates state (nearest the question's ``terms``), made
    absolute; failing that, a relative date in an undated article, quoted as such. A
    question about what is to come ("When was that season set to start?") is not
    answered by the date of something done ("Epic announced Friday that the season would
    return … come November 3": Friday is when it was announced)."""
    undated: tuple[str, Any] | None = None  # a relative date in an article with no date
    ahead = asks_ahead(finder.parse_question(question.text))
    for candidate in candidates:
        passage = passages[candidate.passage]
        doc = finder.parse_sentence(candidate.sentence, passage)
        asked = [t.i for t in doc if finder.terms_of(t.text) & terms]
        # with ``on_the_action``: a sentence that says the action is dated by a date on it
        says = on_the_action if on_the_action is not None and on_the_action(doc.text) else None

        for text, tense, start in sorted(
            date_expressions(doc), key=lambda span: _distance(span[2], asked)
        ):
            if ahead and tense == "past":
                continue
            # a date on the asked action ("hit No. 1 … on Jan. 15, 1972"), not on another
            # verb ("broken in Nov. 2021 when … hit No. 1")
            if says is not None and not said_up_to_its_verb(doc[start], says):
                continue
            resolved = resolve(text, passage.date, tense)
            if (
                resolved is None
                and not passage.date
                and undated is None
                and not is_absolute(text)
                and new_to(question, text, finder.terms_of)
            ):
                undated = (text, candidate)
            # "on Thursday" quoted in the question is news once it is a calendar date
            if resolved is None or not new_to(question, resolved.text, finder.terms_of):
                continue
            if absolute_only and not resolved.absolute:
                continue
            cited = [(candidate.sentence, passage, candidate.score)]
            if resolved.absolute:
                return lead_answer(question.full, resolved.text, resolved.text, cited, finder)
            lead = f"{resolved.text} ({resolved.explanation})"
            return lead_answer(question.full, lead, resolved.text, cited, finder)
    if undated is not None and not absolute_only:
        # "Last year" in an article that carries no date: say so rather than guess a year
        text, candidate = undated
        lead = f"“{text}”, the article says; it carries no date to count that from"
        cited = [(candidate.sentence, passages[candidate.passage], candidate.score)]
        return lead_answer(question.full, lead, text, cited, finder)
    return None


def date_expressions(doc: Any) -> list[tuple[str, str, int]]:
    """Each date a sentence states as a reader would quote it, with the tense of its verb
    and the token where it starts: "last Friday" where the model tagged "Friday", "February
    2019" for the "February" of "in February and May 2019"."""
    return [
        (_with_modifier(doc, _with_shared_year(doc, text, start), start), _tense(doc[start]), start)
        for text, start in date_spans(doc)
    ]


_MODIFIERS = frozenset({"last", "next", "this", "previous", "past", "coming"})
_OWN_DAYS = ("today", "tonight", "yesterday", "tomorrow", "now")


def _with_modifier(doc: Any, text: str, start: int) -> str:
    """ "last Friday's news": the model may tag "Friday" alone; the word before it counts."""
    before = doc[start - 1] if start > 0 else None
    if (
        before is not None
        and before.lower_ in _MODIFIERS
        and not text.lower().startswith(before.lower_)
        and not text.lower().startswith(_OWN_DAYS)  # "we discussed this today"
    ):
        return f"{before.text} {text}"
    return text


def _with_shared_year(doc: Any, text: str, start: int) -> str:
    """ "February" of "in February and May 2019" takes the year the pair shares."""
    if is_absolute(text):
        return text
    tail = doc[start : start + 6].text
    match = re.match(rf"{re.escape(text)}\s*(?:and|or|to|-|–)\s*\w+\s+((?:19|20)\d\d)\b", tail)
    return f"{text} {match.group(1)}" if match else text


def _distance(start: int, asked: list[int]) -> int:
    """Tokens between a date and the nearest word of the question: in "Starting in
    2019, … culminated in the signing of an agreement on February 29, 2020", the date
    of the signing is the one beside "signing"."""
    return min((abs(start - i) for i in asked), default=0)


def _tense(token: Any) -> str:
    """ "past" or "future" for the verb a date token belongs to, "" when it says neither
    ("a May 1 deadline approaches")."""
    verb = token
    infinitive = False
    for _ in range(8):
        if verb.lower_ in _AHEAD:
            return "future"  # "another meeting due in mid-February"
        if verb.pos_ in ("VERB", "AUX"):
            auxiliaries = [c for c in verb.children if c.dep_ in ("aux", "auxpass")]
            # "is scheduled to be sentenced in March": an infinitive has the tense of
            # the verb it depends on
            if not any(c.lower_ == "to" for c in auxiliaries) or verb.head is verb:
                break
            infinitive = True
        if verb.head is verb:
            return ""
        verb = verb.head
    if verb.pos_ not in ("VERB", "AUX"):
        return ""
    auxiliaries = [c for c in verb.children if c.dep_ in ("aux", "auxpass")]
    if any(c.lower_ in ("will", "shall", "'ll") for c in auxiliaries):
        return "future"
    if verb.tag_ == "VBD" or any(c.tag_ == "VBD" for c in auxiliaries):
        return "past"  # "held", "was held", "had been held"
    perfect = any(c.lemma_ == "have" for c in auxiliaries)
    if infinitive and verb.tag_ == "VBN" and not perfect:
        return "future"  # "their rivals, set to meet on 1 December"; "is due to open"
    if verb.tag_ == "VBN" and (perfect or not auxiliaries):
        return "past"  # "has held", "the meeting held in Moscow"
    return ""


_AHEAD = frozenset({"due", "upcoming", "forthcoming"})
_PLANNED = frozenset({"schedule", "slate", "set", "expect", "plan"})


def asks_ahead(doc: Any) -> bool:
    """Whether a question asks when something is to happen: "When will …?", "When is China
    due to host …?", "When was the season set to start?", "When is the vote scheduled?"."""
    for token in doc:
        # "When will …?", not the "Will" of "When did Will Smith speak?"
        modal = token.dep_ == "aux" and token.lower_ in ("will", "shall", "'ll")
        if modal and (token.text.islower() or token.i == 0):
            return True
        if token.lower_ in _AHEAD:
            return True
        if token.lemma_.lower() in _PLANNED and (
            any(c.dep_ == "xcomp" for c in token.children)
            # "is scheduled", also where the parser hangs "scheduled" off the "is"
            or any(t.lower_ in ("is", "are") and t.pos_ == "AUX" for t in doc)
        ):
            return True
    return False


_NAMED_DOERS = frozenset({"PERSON", "ORG", "GPE"})


def _is_name(token: Any) -> bool:
    return bool(
        token.ent_type_ in _NAMED_DOERS or (token.pos_ == "PROPN" and token.text[:1].isupper())
    )


def someone_else_did_it(doc: Any, question: Question, finder: ExtractiveGenerator) -> bool:
    """Whether the sentence gives the asked action to another doer, and never to the
    question's subject: for "When did Lavrov visit Pakistan?", "Asif's visit follows a
    visit by Foreign Secretary Janjua in October 2017" dates Janjua's visit. A sentence
    without the action, or whose doer the parse does not show or is not a name ("the
    bloc sent a letter" for "When did Breton send …?"), is not ruled out."""
    wanted = finder.terms_of(question.subject)
    action = finder.terms_of(question.focus_lemma)
    if not wanted or not action:
        return False
    doers: list[str] = []
    for token in doc:
        if not finder.terms_of(one_word_verb(token) or token.text) & action:
            continue
        doer = _doer(token)
        if doer is None or not any(_is_name(t) for t in doer):
            return False  # no doer shown, or one not named ("the bloc" may be the EU's)
        doers.append(" ".join(t.text for t in doer))
    return bool(doers) and not any(wanted & finder.terms_of(doer) for doer in doers)


def _doer(token: Any) -> list[Any] | None:
    """Who does what a verb or an action noun says (its tokens): the verb's subject or
    agent, the noun's owner ("Asif's visit") or its "by" ("a visit by Janjua"); None
    when the parse does not show one."""
    if token.pos_ in ("VERB", "AUX"):
        subject = subject_of(token)
        if subject is None or subject.pos_ == "PRON":
            return None
        return list(subject.subtree)
    if token.pos_ == "NOUN":
        for child in token.children:
            if child.dep_ == "poss" or (child.dep_ == "prep" and child.lower_ == "by"):
                return list(child.subtree)
    return None


def _reported_in_headline(
    question: Question, passages: list[Passage], finder: ExtractiveGenerator
) -> Answer | None:
    """The date of a dated article whose headline says the asked event ("Lavrov visits
    Pakistan in search of Afghan peace" for "When did Lavrov visit Pakistan?"): the
    subject, the action and every name of the question in the headline. A news headline
    tells what happened by the day it was published; the answer says that is the date."""
    action = finder.terms_of(question.focus_lemma)
    wanted = finder.terms_of(question.subject)
    if not action or not wanted:
        return None
    for passage in passages:
        day = long_date_or_blank(passage.date)
        terms = finder.terms_of(one_word_verbs(passage.title))
        if (
            not day
            or not action <= terms
            or not wanted & terms
            or not all(mentions(passage.title, name) for name in question.names)
        ):
            continue
        return _article_date(question, passage, "report", finder)
    return None


def _article_date(
    question: Question, passage: Passage, called: str, finder: ExtractiveGenerator
) -> Answer:
    """ "7 April 2021 (the date of the report “<headline>”)", citing its first sentence."""
    day = long_date_or_blank(passage.date)
    first = next(iter(chunk_sentences(passage.text)), passage.title)
    return lead_answer(
        question.full,
        f"{day} (the date of the {called} “{passage.title}”)",
        day,
        [(first, passage, 1.0)],
        finder,
    )


def _publication_answer(
    question: Question, passages: list[Passage], finder: ExtractiveGenerator
) -> Answer | None:
    """The date of the article the question names by its headline, when it asks when an
    article was published; None for any other question, or when no dated headline shares
    MIN_HEADLINE_SHARE of its words."""
    if not _PUBLISHED.search(question.text) or not _PIECE.search(question.text):
        return None
    wanted = finder.terms_of(question.text) - finder.terms_of(_PUBLICATION_WORDS)
    if not wanted:
        return None
    best: tuple[float, int] = (0.0, -1)
    for index, passage in enumerate(passages):
        if not long_date_or_blank(passage.date):
            continue
        share = len(wanted & finder.terms_of(passage.title)) / len(wanted)
        if share > best[0]:
            best = (share, index)
    share, index = best
    if share >= MIN_HEADLINE_SHARE:
        return _article_date(question, passages[index], "article", finder)
    # "the expanded troika meeting article": the article whose sentences are about it
    words = set(_PUBLICATION_WORDS.split()) | {"on", "in", "date", "day", "about", "of"}
    topic = " ".join(w for w in re.findall(r"[\w'’-]+", question.text) if w.lower() not in words)
    found = finder.evidence(finder.read(topic), passages) if len(topic.split()) >= 2 else None
    if found is None or isinstance(found, str):
        return None
    about = passages[found.best.passage]
    return _article_date(question, about, "article", finder) if about.date else None

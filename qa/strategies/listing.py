"""List questions ("Which countries …", "Who all …", "What are the …"): every item of the
asked kind that the supporting sentences give, once each, in the articles' order, each
with its citation.

The asked kind is an entity label read from the question's head noun ("countries" →
places, "companies" → organisations); where the noun names no kind, phrases headed by
the noun itself ("which resolutions"). With no item, the cited sentences stand.

A sentence that enumerates such items — two or more coordinated in one phrase — is what
a list question asks for: when one scores close to the best sentence, the items come
from the enumerating sentences only, not from sentences that merely name one item while
sharing more of the question's words ("the expanded troika … the Moscow format").
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from index.text import split_sentences
from qa.announced_list import AnnouncedList, items_after
from qa.extractive import Candidate, Evidence, ExtractiveGenerator, compose, refusal
from qa.places import names_no_such_place
from qa.question import AUXILIARIES, Question
from qa.spans import entity_spans, headed_spans, new_to, object_spans
from qa.strategies import explain
from qa.strategies.common import readable
from qa.types import Answer, Passage

MAX_ITEMS = 12


# A sentence that enumerates items of the asked kind ("the troika - Russia, China, the
# United States, to which Pakistan was later added") answers a list question better than
# the sentences best by their words that name one item each, if it scores this close to
# the best sentence.
ENUMERATION_SHARE = 0.7
MIN_ENUMERATED = 2  # new items coordinated in one phrase make an enumeration


def answer(question: Question, passages: list[Passage], finder: ExtractiveGenerator) -> Answer:
    found = finder.evidence(question, passages)
    if isinstance(found, str):
        return finder.sentence_answer(question, passages)
    announced = _announced(found, passages)
    if announced is not None:
        return _announced_answer(question, *announced)
    items: dict[str, str] = {}  # lower-case item -> as written
    sources: list[tuple[list[str], tuple[str, Passage, float]]] = []
    for candidate, fresh in _listing_sentences(question, found, passages, finder):
        fresh = [text for text in fresh if text.lower() not in items]
        if not fresh:
            continue
        for text in fresh:
            items[text.lower()] = text
        sources.append((fresh, (candidate.sentence, passages[candidate.passage], candidate.score)))
        for sentence, more in _read_on(question, candidate, passages, finder):
            more = [text for text in more if text.lower() not in items]
            if more:
                items.update({text.lower(): text for text in more})
                sources.append((more, (sentence, passages[candidate.passage], candidate.score)))
        if len(items) >= MAX_ITEMS:
            break
    if not items:
        if question.required or question.wh in ("who", "whom", "whose"):
            # "What damages did the judge award?", "Who was on the board?": sentences that
            # name no amount, no person, are about the question but do not answer it
            return refusal(
                question.full, f"no passage names the {question.head_noun or 'items'} asked for"
            )
        # "Today, the market for Twitter alternatives is a crowded one": the items may follow
        return explain.explained(question, found, passages, finder)
    quoted = compose(question.full, [cited for _, cited in sources])
    number_of = {c.chunk_id: c.number for c in quoted.citations}
    groups = [
        f"{_joined(found_items)} [{number_of[cited[1].chunk_id]}]" for found_items, cited in sources
    ]
    text = f"{'; '.join(groups)}. — {quoted.text}"
    return replace(quoted, text=text, short_answer=", ".join(items.values()))


def _announced(
    found: Evidence, passages: list[Passage]
) -> tuple[Candidate, Passage, AnnouncedList] | None:
    """The best of the sentences close to the best one that announces a list set out
    below it ("… will be the line-up moving forward:"), with its items."""
    for candidate in [
        c for c in found.candidates if c.score >= ENUMERATION_SHARE * found.best.score
    ]:
        passage = passages[candidate.passage]
        listed = items_after(candidate.sentence, passage, passages)
        if listed is not None:
            return candidate, passage, listed
    return None


def _announced_answer(
    question: Question, candidate: Candidate, passage: Passage, listed: AnnouncedList
) -> Answer:
    """ "item; item; item [n]. — <the announcing sentence> [n]"."""
    cited = [(candidate.sentence, passage, candidate.score)]
    if listed.passage is not passage:
        cited.append((listed.first, listed.passage, candidate.score))
    quoted = compose(question.full, cited, with_lists=False)
    number = next(c.number for c in quoted.citations if c.chunk_id == listed.passage.chunk_id)
    text = f"{'; '.join(listed.items)} [{number}]. — {quoted.text}"
    return replace(quoted, text=text, short_answer="; ".join(listed.items))


def _listing_sentences(
    question: Question, found: Evidence, passages: list[Passage], finder: ExtractiveGenerator
) -> list[tuple[Candidate, list[str]]]:
    """The sentences to take items from, best first, each with its new items: those that
    enumerate items (from the sentences within ENUMERATION_SHARE of the best) when there
    are any, else the few sentences best for a short answer."""
    close = readable(found)
    within = [c for c in found.candidates if c.score >= ENUMERATION_SHARE * found.best.score]
    read = [*close, *(c for c in within if c not in close)]
    enumerating: list[tuple[Candidate, list[str]]] = []
    listed: list[tuple[Candidate, list[str]]] = []
    for candidate in read:
        if candidate not in close and not _may_enumerate(question, candidate, passages, finder):
            continue
        doc = finder.parse_sentence(candidate.sentence, passages[candidate.passage])
        fresh, enumerates = _new_items(question, doc, finder)
        if enumerates:
            enumerating.append((candidate, fresh))
        elif fresh and candidate in close:
            listed.append((candidate, fresh))
    return enumerating or listed


def _may_enumerate(
    question: Question, candidate: Candidate, passages: list[Passage], finder: ExtractiveGenerator
) -> bool:
    """Whether the sentence can hold an enumeration of the asked kind, told without
    parsing it where the entities are stored: fewer than MIN_ENUMERATED mentions of an
    entity of the asked labels cannot make one (a list parses up to 12 sentences)."""
    if not question.answer_labels:
        return True
    found = finder.entities_in(candidate.sentence, passages[candidate.passage])
    if found is None:
        return True
    return sum(e.label in question.answer_labels for e in found) >= MIN_ENUMERATED


def _new_items(question: Question, doc: Any, finder: ExtractiveGenerator) -> tuple[list[str], bool]:
    """The sentence's items of the asked kind that the question does not name, and
    whether MIN_ENUMERATED of them are coordinated in one phrase."""
    if question.answer_labels:
        spans = entity_spans(doc, question.answer_labels)
    else:
        spans = headed_spans(doc, question.head_noun) if question.head_noun else []
        if not spans and _asks_the_objects(question, finder):
            # "What topics did they discuss?" — "They discussed X, Y and Z"
            spans = object_spans(doc, _says_the_verb(question, finder))
    if question.head_noun:
        spans = [(t, i) for t, i in spans if not names_no_such_place(question.head_noun, t)]
    new = {start for text, start in spans if new_to(question, text, finder.terms_of)}
    # an item the question names still belongs to a list that gives new ones: "Russia,
    # Afghanistan, Pakistan, China …" for a meeting "on Afghanistan"
    lists = Counter(_enumeration(doc, start) for start in new)
    fresh = [
        (text, start) for text, start in spans if start in new or _enumeration(doc, start) in lists
    ]
    first, size = lists.most_common(1)[0] if lists else (0, 0)
    if size < MIN_ENUMERATED:
        return list(dict.fromkeys(text for text, _ in fresh)), False
    # a sentence joined with its neighbour: the items of the enumerating one
    enumerating = doc[first].sent
    return list(
        dict.fromkeys(text for text, start in fresh if doc[start].sent == enumerating)
    ), True


MAX_READ_ON = 2  # sentences after one whose verb lists the items


def _read_on(
    question: Question, candidate: Candidate, passages: list[Passage], finder: ExtractiveGenerator
) -> list[tuple[str, list[str]]]:
    """The sentences right after one that lists the asked verb's objects, in its paragraph,
    while they say the verb again, with their objects: a list told over several
    sentences ("we discussed the Syrian settlement, the chemical dossier … We discussed
    the alarming situation in the Palestinian-Israeli settlement")."""
    if question.answer_labels or not _asks_the_objects(question, finder):
        return []
    is_verb = _says_the_verb(question, finder)
    passage = passages[candidate.passage]
    for paragraph in passage.text.split("\n\n"):
        sentences = split_sentences(paragraph)
        # a pair of sentences reads on from its second
        at = next((i for i, s in enumerate(sentences) if candidate.sentence.endswith(s)), None)
        if at is None:
            continue
        out: list[tuple[str, list[str]]] = []
        for sentence in sentences[at + 1 : at + 1 + MAX_READ_ON]:
            doc = finder.parse_sentence(sentence, passage)
            spans = [
                t for t, _ in object_spans(doc, is_verb) if new_to(question, t, finder.terms_of)
            ]
            if not spans:
                break
            out.append((sentence, list(dict.fromkeys(spans))))
        return out
    return []


def _asks_the_objects(question: Question, finder: ExtractiveGenerator) -> bool:
    """Whether the list asked for is what the question's verb acts on ("What topics did
    they discuss?"), not who does it ("Which map apps limited live traffic data?": what
    they limited is no app)."""
    if not question.focus_lemma or not finder.terms_of(question.focus_lemma):
        return False
    doc = finder.parse_question(question.text)
    wh = next((t for t in doc if t.tag_ in ("WDT", "WP")), None)
    if wh is None:
        return True
    end = wh.head.i if wh.tag_ == "WDT" and wh.head.i > wh.i else wh.i
    after = doc[end + 1 :]
    if not after:
        return True
    auxiliary = after[0].pos_ == "AUX" or after[0].lower_ in AUXILIARIES
    if not auxiliary:
        return bool(after[0].pos_ != "VERB")  # "Which map apps limited …?" asks the doers
    if len(after) < 2 or after[1].pos_ not in ("VERB", "ADV"):
        return True  # "What did OpenAI unveil?": the doer stands after the auxiliary
    # "Which apps have limited …?" asks the doers, "What issues were discussed?" what
    # was acted on
    return bool(after[0].lemma_.lower() == "be" and after[1].tag_ == "VBN")


def _says_the_verb(question: Question, finder: ExtractiveGenerator) -> Callable[[Any], bool]:
    """Whether a token is the question's verb, or a reporter's synonym of it."""
    verb = finder.terms_of(question.focus_lemma)

    def is_verb(token: Any) -> bool:
        return token.lemma_.lower() == question.focus_lemma or bool(
            finder.terms_of(token.text) & verb
        )

    return is_verb


def _joined(items: list[str]) -> str:
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


def _enumeration(doc: Any, start: int) -> int:
    """The first conjunct of the coordination the item starting at token ``start``
    stands in ("Russia, Afghanistan and India" → "Russia"): items of one list share it."""
    token = doc[start]
    token = next((e.root for e in doc.ents if e.start == start), token)
    for _ in range(len(doc)):
        if token.dep_ != "conj" or token.head is token:
            break
        token = token.head
    return int(token.i)

"""Inventories: "Which foreign ministers appear in these articles?", "Which US presidents
are mentioned across the articles?", "Which Pakistani officials are named in these
reports?".

Such a question has no topic a sentence could be about: it asks for every person of a
kind the passages name. A person is of the asked kind when the text gives them the
asked role ("Foreign Minister Sergey Lavrov", "Pakistan's army chief, General Bajwa"),
with every word of it ("foreign" too); a plain noun for people ("officials", "people",
"leaders") takes anyone with a title. A nationality the question puts on a role ("US
presidents") must not be contradicted by the one a title of the person's gives
("Russian President …"); a title without one is taken. On a plain noun for people the
nationality is all the kind says ("Pakistani officials"), so a title of theirs must give
it ("Pakistani Prime Minister", "Foreign Minister of Pakistan", "Pakistan's army
chief"). Each person is named once (surnames and spellings of one name merged, the
fullest form kept), in the passages' order, cited by the sentence that first titles
them. The question is tried here whatever shape the reader gave it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Any

from index.text import chunk_sentences
from qa.extractive import ExtractiveGenerator, compose
from qa.question import Question
from qa.spans import same_name, title_tokens
from qa.types import Answer, Passage

MAX_PEOPLE = 12
_INVENTORY = re.compile(
    r"\b(?:mentioned|named|appear|appears|featured?|cited|quoted)\b.*"
    r"\b(?:in|across|by|throughout)\s+(?:all\s+)?(?:these|the|this|those)\s+"
    r"(?:articles|reports|stories|pieces|coverage|news)\b",
    re.I,
)
# Nouns for people in general: anyone with a title is of the kind.
PEOPLE_NOUNS = frozenset(
    {"official", "people", "person", "leader", "figure", "politician", "individual", "name"}
)
NATIONALITY_LABELS = frozenset({"NORP", "GPE"})
_US = frozenset({"us", "usa", "america", "american", "united states", "u.s", "u.s.a"})


@dataclass(frozen=True)
class Role:
    """A role asked for by a noun and the words on it: "Afghan foreign minister" →
    minister, with "foreign", of Afghanistan."""

    noun: str
    words: frozenset[str]
    countries: frozenset[str]


def role_of(noun: Any) -> Role:
    """The role a parsed noun asks for, with its qualifying words and nationalities."""
    modifiers = [t for t in noun.children if t.dep_ in ("amod", "compound", "nmod")]
    return Role(
        noun=noun.lemma_.lower(),
        words=frozenset(
            t.lemma_.lower() for t in modifiers if t.ent_type_ not in NATIONALITY_LABELS
        ),
        countries=frozenset(
            country_key(t.text) for t in modifiers if t.ent_type_ in NATIONALITY_LABELS
        ),
    )


def asked_kind(question: Question, finder: ExtractiveGenerator) -> Any:
    """The noun an inventory question asks for ("officials" in "Which Pakistani officials
    are named in these reports?"), or None when the question is no inventory. Read here,
    past the words that qualify it, because the small parser often takes "Which" before
    an adjective for a pronoun of its own."""
    if question.wh not in ("which", "what") or not _INVENTORY.search(question.text):
        return None
    doc = finder.parse_question(question.text)
    wh = next((t for t in doc if t.lower_ == question.wh), None)
    if wh is None or wh.i + 1 >= len(doc):
        return None
    for token in doc[wh.i + 1 : wh.i + 5]:
        if token.pos_ == "NOUN":
            return token
        if token.dep_ not in ("amod", "compound"):
            return None
    return None


def answer(
    question: Question, passages: list[Passage], finder: ExtractiveGenerator
) -> Answer | None:
    """The people of the asked kind, or None when the question is no inventory or no
    passage names one (the question's shape then decides, as for any question)."""
    noun = asked_kind(question, finder)
    if noun is None:
        return None
    asked = role_of(noun)
    people: list[_Person] = []
    for passage in passages:
        for sentence in chunk_sentences(passage.text):
            parsed = finder.parse_sentence(sentence, passage)
            for ent in parsed.ents:
                if ent.label_ != "PERSON":
                    continue
                title = title_of(parsed, ent)
                person = _person(people, ent.text.strip())
                person.countries |= {
                    country_key(t.text) for t in title if t.ent_type_ in NATIONALITY_LABELS
                }
                if person.sentence is None and has_role(title, asked.noun, asked.words):
                    person.sentence, person.passage = sentence, passage
    # "Pakistani officials": the nationality is the kind, so a title must give it;
    # "US presidents": the role is, and a title with no nationality does not say no
    generic = asked.noun in PEOPLE_NOUNS
    found = [
        (p.name, p.sentence, p.passage)
        for p in people
        if p.sentence is not None
        and p.passage is not None
        and (
            not asked.countries
            or bool(asked.countries & p.countries)
            or (not generic and not p.countries)
        )
    ][:MAX_PEOPLE]
    if not found:
        return None
    quoted = compose(
        question.full, [(sentence, passage, passage.score) for _, sentence, passage in found]
    )
    number = {c.chunk_id: c.number for c in quoted.citations}
    names = ", ".join(f"{name} [{number[passage.chunk_id]}]" for name, _, passage in found)
    short = ", ".join(name for name, _, _ in found)
    return replace(quoted, text=f"{names}.\n{quoted.text}", short_answer=short)


@dataclass
class _Person:
    """A person the passages name: the fullest form of the name, the nationalities their
    titles give anywhere, and the first sentence that gives them the asked role."""

    name: str
    countries: set[str] = field(default_factory=set)
    sentence: str | None = None
    passage: Passage | None = None


def _person(people: list[_Person], name: str) -> _Person:
    """The person ``name`` names, added if new (a surname or a spelling of a known name
    is that person)."""
    for person in people:
        if same_name(person.name, name) or person.name.split()[-1] == name.split()[-1]:
            if len(name) > len(person.name):
                person.name = name
            return person
    people.append(_Person(name))
    return people[-1]


def title_of(parsed: Any, ent: Any) -> list[Any]:
    """The words that title a name, without the name: "Russian Foreign Minister",
    "Foreign Minister of Pakistan", "Pakistan's army chief"."""
    title = [t for t in title_tokens(parsed, ent.start) if t.i < ent.start or t.i >= ent.end]
    of = [
        g
        for t in title
        for c in t.children
        if c.dep_ == "prep" and c.lower_ == "of"
        for g in c.children
        if g.dep_ == "pobj"
    ]
    return title + of


def has_role(title: list[Any], role: str, role_words: frozenset[str]) -> bool:
    words = {t.lemma_.lower() for t in title}
    if role in PEOPLE_NOUNS:
        return any(t.pos_ in ("NOUN", "PROPN") for t in title)
    return role in words and role_words <= words


def country_key(word: str) -> str:
    """A nationality or country word's key: "Pakistani" and "Pakistan's" are one country."""
    word = re.sub(r"['’]s$", "", word.lower()).strip(".")
    return "us" if word in _US else word[:5]

"""What a question asks for, read from its words alone.

The extractive generator checks candidate sentences against it: the main verb
("What did the Taliban *guarantee*?"), the expected answer type (a number for "how
many", a date for "when", a name for "who"), the noun a "how many" question counts, and
the attribute a "what is X's Y" question wants.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from index.morphology import PARTICIPLES

QUESTION_WORDS = frozenset(
    """what which who whom whose when where why how mani much did doe do done say said
    tell told accord name kind type year time person peopl countri organis organ
    organiz happen could would should might can will shall mention report describ
    a an the and or but if of to in on at by for with about from into over after before
    between during against is are was were be been being have has had it its this that
    these those there their they them he she his her him we our you your i me my as
    than then so not no also besides other anoth regard articl stori news piec since ahead
    according else reason""".split()
)

NUMBER = re.compile(
    r"\b(?:\d[\d,.]*|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|"
    r"dozens?|hundreds?|thousands?|millions?|billions?|several|a few)\b",
    re.I,
)
# "How much will the pipeline cost?" is not answered by "the agreement of 2015": a year
# counts as a quantity only when a noun follows it ("2015 votes").
QUANTITY = re.compile(
    r"(?<![\w-])(?!one\s+(?:of|day|another)\b)(?!(?:19|20)\d\d\b(?!\s+(?!(?:and|or|to|the|in|on|at|by|as|for|with|when|was|were|"
    r"is|had|has|after|before|until)\b)[a-z]))" + NUMBER.pattern[2:],
    re.I,
)
_YEAR_OR_DATE = re.compile(
    r"\b(?:(?:19|20)\d\d|january|february|march|april|may|june|july|august|september|"
    r"october|november|december|monday|tuesday|wednesday|thursday|friday|saturday|sunday|"
    r"yesterday|today|last (?:week|month|year)|next (?:week|month|year))\b",
    re.I,
)
_AGE = re.compile(r"\b(?:\d{1,3}[- ]years?[- ]old|aged? \d{1,3}|\d{1,3}-year-old)\b", re.I)
NAME = re.compile(r"(?<![.!?]\s)(?<!^)\b[A-Z][a-z]+(?:\s+[A-Z][a-z]+)*")


_FOCUS = re.compile(
    r"^\W*(?i:what|which|who|whom|how|why|where|when)\b[^?]*?\b(?i:did|does|do|will|would|can|could|should)\s+"
    r"(?:(?:the|a|an)\s+)?(?:he|she|they|it|we|you|(?:[A-Z][\w'.-]*\s+)*[A-Z][\w'.-]*)\s+([a-z][a-z-]+)\b"
)
_LIGHT_VERBS = frozenset(
    "do say said tell mean happen think make get go take see know want "
    "done made told meant thought seen known based called named".split()
)


# The passive form: "What was discussed at the meeting?", "When was the deal signed?".
_PASSIVE_FOCUS = re.compile(
    r"^\W*(?i:what|which|who|whom|how|why|where|when)\b(?:\s+[a-z]+){0,3}?\s+(?i:was|were|is|are)\s+"
    r"(?:[\w'.-]+\s+){0,5}?("
    + "|".join(sorted(PARTICIPLES, key=len, reverse=True))
    + r"|[a-z]{3,}ed)\b"
)


def focus_verb(question: str) -> str:
    """The question's main verb: "guarantee" in "What did the Taliban guarantee in Doha?",
    "discussed" in "What was discussed at the meeting?"."""
    match = _FOCUS.search(question) or _PASSIVE_FOCUS.search(question)
    if not match or match.group(1) in _LIGHT_VERBS:
        return ""
    return match.group(1)


@dataclass(frozen=True)
class AnswerType:
    pattern: re.Pattern[str] | None
    required: bool


def answer_type(question: str) -> AnswerType:
    q = question.lower()
    if re.search(r"\bhow old\b|\bwhat age\b", q):
        return AnswerType(_AGE, True)
    if re.search(r"\bhow (?:many|much)\b|\bwhat (?:number|percentage|share)\b", q):
        return AnswerType(QUANTITY, True)
    if re.search(
        r"\bwhen\b|\bwhat (?:year|date|month|day)\b|\bwhich (?:year|date|month|day)\b|\bin what year\b",
        q,
    ):
        return AnswerType(_YEAR_OR_DATE, False)
    if re.search(
        r"\bwho\b|\bwhom\b|\bwhich (?:country|countries|organi[sz]ation|company|city|person|people|group)\b|\bwhere\b",
        q,
    ):
        return AnswerType(NAME, False)
    return AnswerType(None, False)


_COUNTED = re.compile(
    r"\bhow (?:many|much)\s+((?:[\w'-]+\s+){0,2}?[\w'-]+?)"
    r"(?=\s+(?:are|is|was|were|did|do|does|had|has|have|will|would|can|could|there|in|of|"
    r"to|for|at|on|from|with|per|each)\b|\s*[?.,]|$)",
    re.I,
)


def counted_noun(question: str) -> str:
    """What a "how many" question counts: "troops" in "How many US troops are in
    Afghanistan?", "" in "How much will it cost?" (no noun: any amount will do)."""
    match = _COUNTED.search(question)
    if not match:
        return ""
    words = match.group(1).split()
    if words[0].lower() in _AUXILIARIES:
        return ""
    return words[-1]  # the head noun: "troops" of "US troops"


_COPULAR = re.compile(r"^\W*(?:what|who|which)\s+(?:is|was|are|were)\s+(.+?)\W*$", re.I)
_OWNED = re.compile(r"^(?:the\s+|a\s+|an\s+)?(?:[\w.-]+\s+){0,3}?[\w.-]+'s\s+(.+)$", re.I)
_OF = re.compile(
    r"^(?:the|a|an)\s+((?:[\w-]+\s+){0,2}?[\w-]+)\s+(?:of|between|in|for|at|on)\s", re.I
)
_CLAUSE_END = re.compile(
    r"\s+(?:in|to|at|for|on|from|during|with|between|who|that|which|of)\b.*$", re.I
)


def asked_attribute(question: str) -> str:
    """What a "what is X's Y" / "who is the Y of X" question asks for: its Y ("political
    party", "population"). A sentence that lacks it does not answer, however much it
    says about X."""
    match = _COPULAR.match(question)
    if not match:
        return ""
    rest = match.group(1)
    owned = _OWNED.match(rest)
    if owned:
        return _CLAUSE_END.sub("", owned.group(1))
    of = _OF.match(rest)
    return of.group(1) if of else ""


_AUXILIARIES = frozenset("are is was were did do does had has have will would can could".split())

"""Words news reports use for one another, so a question's wording need not be the article's.

"What did Imran Khan stress?" is answered by "Khan highlighted the importance of …";
"What did Lavrov thank Qatar for?" by "… expressed gratitude to Qatar for …". Stemming
joins forms of one word, and the embedding model blurs meanings but cannot say which
word of a sentence answers: this table joins the few verbs (and their nouns) that
reporters swap for each other. It is a general resource of English news prose, the
counterpart of ``index.morphology``'s irregular verbs, and holds no corpus fact.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from typing import Any

# One group a line. A word that, once stemmed, is also a common phrase stays out:
# "accord" would make every "according to" an agreement.
GROUPS = """
stress emphasise emphasize emphasis highlight underline underscore
urge call appeal
warn warning caution
thank thanks gratitude grateful appreciate appreciation
promise pledge vow guarantee commitment
propose proposal suggest suggestion initiative
give hand provide supply deliver transfer donate
pay spend buy purchase acquire
refuse reject decline
criticise criticize criticism condemn denounce
discuss discussion talks debate
threaten threat
kill die death dead
worry concern alarm fear
help assist assistance aid
invite invitation
attend participate participation
withdraw withdrawal pullout
increase rise raise grow growth
reduce decrease cut curb
accuse blame
agree agreement deal
back support endorse backer
express convey offer
clinch reach strike
reach hit
ready willing prepared
beat defeat win victory
"""


# Phrasal verbs reporters use for one-word verbs ("took part in" for "participated in"):
# the one word → the phrase's verb forms and particle. Only phrases with one reading in
# news prose.
PHRASAL_VERBS = {
    "participate": ("take takes took taken taking", "part"),
    "meet": ("hold holds held holding", "talks"),
    "proceed": ("go goes went gone going", "ahead"),
    "resign": ("step steps stepped stepping", "down"),
    "withdraw": ("pull pulls pulled pulling", "out"),
    "conduct": ("carry carries carried carrying", "out"),
    "propose": ("put puts putting", "forward"),
    "reject": ("turn turns turned turning", "down"),
    "cancel": ("call calls called calling", "off"),
}
_ONE_WORD = {
    (form, particle): word
    for word, (forms, particle) in PHRASAL_VERBS.items()
    for form in forms.split()
}
_PARTICLES = tuple(f" {particle}" for particle in sorted({p for _, p in _ONE_WORD}))
_PHRASAL = re.compile(rf"\b([A-Za-z]+) ({'|'.join(p.strip() for p in _PARTICLES)})\b", re.I)


@functools.lru_cache(maxsize=100_000)
def one_word_verbs(text: str) -> str:
    """``text`` with its phrasal verbs replaced by their one-word verbs, so "did Afghanistan
    take part" and "Afghanistan participates" share the verb's term. (It runs on every
    text the answerer analyses, and the same sentences recur: kept per text.)"""
    lower = text.lower()
    if not any(particle in lower for particle in _PARTICLES):
        return text
    return _PHRASAL.sub(
        lambda m: _ONE_WORD.get((m.group(1).lower(), m.group(2).lower()), m.group(0)), text
    )


def one_word_verb(verb: Any) -> str:
    """The one-word verb of the phrasal verb a parsed verb token opens ("stepping" in
    "stepping down": "resign"), or "" when the word after it makes none."""
    following = verb.doc[verb.i + 1] if verb.i + 1 < len(verb.doc) else None
    return _ONE_WORD.get((verb.lower_, following.lower_), "") if following is not None else ""


def synonym_table(analyze: Callable[[str], list[str]]) -> dict[str, frozenset[str]]:
    """Each analysed (stemmed) word of the table → the analysed words of its group."""
    table: dict[str, set[str]] = {}
    for line in GROUPS.strip().splitlines():
        stems = {stem for word in line.split() for stem in analyze(word)}
        for stem in stems:
            table.setdefault(stem, set()).update(stems)
    return {stem: frozenset(group - {stem}) for stem, group in table.items()}


# Words for opposite outcomes, one pair a line: a report that the claim's subject "lost"
# answers "Did they win?" with "No". Kept to pairs with one reading in news prose.
OPPOSITES = """
win lose
acquit convict
acquit guilty
innocent guilty
easy hard
easy difficult
accept reject
approve reject
rise fall
increase decrease
gain lose
pass fail
succeed fail
stay quit
stay leave
support oppose
back oppose
confirm deny
allow ban
legal illegal
welcome oppose
welcome object
welcome condemn
"""


def opposite_table(analyze: Callable[[str], list[str]]) -> dict[str, frozenset[str]]:
    """Each word's stem → the stems of its opposites (both ways)."""
    out: dict[str, set[str]] = {}
    for line in OPPOSITES.strip().splitlines():
        a, b = (analyze(word)[0] for word in line.split())
        out.setdefault(a, set()).add(b)
        out.setdefault(b, set()).add(a)
    return {k: frozenset(v) for k, v in out.items()}

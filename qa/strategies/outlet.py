"""Which outlet reported it: "Which outlet reported that Taylor Swift was named Time's
Person of the Year?", "Between TalkSport's report on Robertson and CBS's article on
Walker, which news source reported an injury sustained on international duty?".

The answer is not in any sentence: it is the outlet of the article whose sentence bears
the claim out, which each passage carries. The claim is the question after its "which
outlet reported"; the sentences that support it (the sentence finder's evidence, close
to the best) give their outlets, each named with its article's date and cited. When the
question names the outlets to choose from, only those are answers, and "Both" when each
bears the claim out. Refused when no sentence does, or the articles carry no outlet.
"""

from __future__ import annotations

import re
from dataclasses import replace

from qa.dates import MONTHS, day_key
from qa.extractive import ExtractiveGenerator, refusal
from qa.question import Question
from qa.strategies.common import cited_lines, names_outlet, outlets_of
from qa.types import Answer, Passage

# a supporting sentence scores at least this share of the best one
MIN_SHARE_OF_BEST = 0.9
MAX_OUTLETS = 3

WHICH_OUTLET = re.compile(
    r"\b(?:which|what) (?:news ?)?(?:outlets?|sources?|publications?|news ?papers?|"
    r"sites?|websites?|papers?)\b\s*(?:,\s*)?(?:(?:first|also|has|had|did|was|were)\s+)*"
    r"(?P<verb>report\w*|cover\w*|publish\w*|wr[io]te\w*|mention\w*|detail\w*|"
    r"highlight\w*|describ\w*|discuss\w*|feature\w*|said|says|ran)?\s*(?:that|on|about|how)?\s*",
    re.I,
)


_ANOTHER_QUESTION = re.compile(
    r",?\s+and\s+(?=(?:did|does|do|was|is|were|are|has|have|who|what|which|when|where|how)\b)",
    re.I,
)


_JUDGEMENT = re.compile(
    r"\b(?:consisten\w*|inconsisten\w*|contradict\w*|differ\w*|same|similar)\b",
    re.I,
)


def asks_which_outlet(text: str) -> bool:
    return WHICH_OUTLET.search(text) is not None


def answer(question: Question, passages: list[Passage], finder: ExtractiveGenerator) -> Answer:
    asked = WHICH_OUTLET.search(question.text)
    if asked is None:
        return refusal(question.full, "the question asks for no outlet")
    # "…, and did the same outlet report …?" is a question of its own
    claim = _ANOTHER_QUESTION.split(question.text[asked.end() :])[0].strip(" ?")
    if len(claim.split()) < 2:
        return refusal(question.full, "the question says nothing the outlet reported")
    if _JUDGEMENT.search(claim):
        return refusal(question.full, "whether a report is consistent is a judgement, not a fact")
    setting = question.text[: asked.start()]
    offered = [o for o in outlets_of(passages) if names_outlet(setting, o)]
    pool = [p for p in passages if p.outlet and (not offered or p.source in offered)]
    # "the report from The Guardian on October 6th": the months the reports are dated in
    months = {MONTHS.index(m) + 1 for m in re.findall(r"[a-z]+", setting.lower()) if m in MONTHS}
    if months:
        pool = [p for p in pool if (day := day_key(p.date)) is not None and day[1] in months]
    if not pool:
        why = "no article of the outlets named" if offered else "the articles carry no outlet"
        return refusal(question.full, why)
    found = finder.evidence(finder.read(claim), pool)
    if isinstance(found, str):
        return refusal(question.full, f"{found} for {claim!r}")
    bar = MIN_SHARE_OF_BEST * found.best.score
    support: dict[str, tuple[str, Passage, float]] = {}
    for candidate in found.candidates:
        passage = pool[candidate.passage]
        if candidate.score >= bar and not candidate.pair:
            support.setdefault(passage.source, (candidate.sentence, passage, candidate.score))
    if not support:
        return refusal(question.full, f"no sentence bears out {claim!r}")
    shown = list(support.values())[:MAX_OUTLETS]
    quoted, numbers = cited_lines(question.full, shown)
    if len(offered) >= 2 and len(support) >= len(offered):
        lead = "Both"
    else:
        lead = "; ".join(p.outlet for _, p, _ in shown)
    return replace(quoted, text=f"{lead} {numbers}.\n{quoted.text}", short_answer=lead)

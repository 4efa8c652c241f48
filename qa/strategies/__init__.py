"""One answer strategy per question shape, behind one protocol.

The extractive generator reads the question once (``qa.question``) and hands it here;
``answer_by_shape`` picks the strategy for its shape. Each strategy builds on the
sentence finder (``qa.extractive``): it finds the evidence the same way and differs in
what it makes of it — a short typed answer, a date, "Yes"/"No", a list. A strategy that
finds nothing better gives the cited sentences themselves; none guesses.

Four readings come before the shape's strategy, because the question reader cannot tell
them by shape alone: which outlet reported something (its answer is an article's outlet,
not a span of any sentence), an inventory ("Which foreign ministers appear in these articles?",
read as a list, a factoid or an explanation depending on the parse), two events ordered
by "before"/"after" in a yes/no or comparison question, and a yes/no question about who
won ("Did the USMNT beat Germany?"). Each answers only when it holds (``None``
otherwise), and the shape's strategy answers the rest.
"""

from __future__ import annotations

from typing import Protocol

from qa.extractive import ExtractiveGenerator
from qa.question import Question, Shape
from qa.strategies import (
    chronology,
    comparison,
    contest,
    event_order,
    explain,
    factoid,
    inventory,
    listing,
    outlet,
    summary,
    when,
    yesno,
)
from qa.types import Answer, Passage


class Strategy(Protocol):
    def __call__(
        self, question: Question, passages: list[Passage], finder: ExtractiveGenerator
    ) -> Answer: ...


def _sentences(question: Question, passages: list[Passage], finder: ExtractiveGenerator) -> Answer:
    """A shape without a strategy of its own: the sentences that answer it, cited."""
    return finder.sentence_answer(question, passages)


STRATEGIES: dict[Shape, Strategy] = {
    "factoid": factoid.answer,
    "when": when.answer,
    "yesno": yesno.answer,
    "list": listing.answer,
    "summary": summary.answer,
    "latest": chronology.answer,
    "timeline": chronology.answer,
    "comparison": comparison.answer,
    "explain": explain.answer,
}


# "Which Russian officials are mentioned in these articles?" is read as a list, a factoid
# or, when the parser takes "Which" for a pronoun, an explanation
INVENTORY_SHAPES = frozenset({"list", "factoid", "explain"})


def answer_by_shape(
    question: Question, passages: list[Passage], finder: ExtractiveGenerator
) -> Answer:
    if question.wh in ("which", "what") and outlet.asks_which_outlet(question.text):
        return outlet.answer(question, passages, finder)
    if question.shape in ("yesno", "comparison"):
        if question.shape == "yesno" and comparison.orders_reports(question, passages):
            return comparison.answer(question, passages, finder)
        ordered = event_order.answer(question, passages, finder)
        if ordered is not None:
            return ordered
        result = contest.answer(question, passages, finder)
        if result is not None:
            return result
    if question.shape in INVENTORY_SHAPES:
        people = inventory.answer(question, passages, finder)
        if people is not None:
            return people
    return STRATEGIES.get(question.shape, _sentences)(question, passages, finder)

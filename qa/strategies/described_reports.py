"""Reports a question names by what they are about rather than by outlet: "Do both the
February 2018 preview of Asif's trip and Lavrov's press conference mention the 70th
anniversary?", "Did both the Rabbani article and the 2021 Pakistan-visit article …?".

Each side of the "both … and …" phrase before the verb, when each has a word for a
piece of coverage (REPORT_HEADS), is a description of one article. The article it describes is
the retrieved one whose headline and text are closest to the description, by meaning
and by words, among those its year, month and outlet, if it gives them, allow; the two descriptions must
lead to two articles, each by a margin over the next (DESCRIPTION_MARGIN), or nothing
is resolved and the question is answered as before.
"""

from __future__ import annotations

import re
from typing import Any

from qa.dates import MONTHS, long_date_or_blank
from qa.extractive import ExtractiveGenerator
from qa.question import Question
from qa.spans import tokens_text
from qa.strategies.common import names_outlet, outlets_of
from qa.types import Passage

REPORT_HEADS = frozenset(
    {
        "article",
        "report",
        "story",
        "piece",
        "coverage",
        "account",
        "preview",
        "remark",
        "remarks",
        "speech",
        "statement",
        "conference",
        "interview",
        "newspaper",
        "paper",
        "briefing",
        "review",
    }
)
# An article fits a description by meaning (MiniLM cosine with its headline and text)
# and by words (the share of the description's terms its text has), half each; it must
# lead the next article by DESCRIPTION_MARGIN.
SIMILARITY_WEIGHT = 0.5
DESCRIPTION_MARGIN = 0.02
_YEAR = re.compile(r"\b(?:19|20)\d\d\b")


def described_sides(
    question: Question, passages: list[Passage], finder: ExtractiveGenerator
) -> list[str] | None:
    """The doc ids of the two articles a "both A and B" question describes, in its
    order; None when its sides are not descriptions of reports or do not resolve to two
    articles."""
    doc = finder.parse_question(question.text)
    both = next((t for t in doc if t.lower_ == "both"), None)
    root = next((t for t in doc if t.dep_ == "ROOT"), None)
    if both is None or root is None or root.i <= both.i:
        return None
    # the words between "both" and the verb the sides share, split at the "and" that
    # leaves a word for a report on each side (the parser's tree for such a phrase is
    # often wrong: "the report" made the verb's subject)
    region = [t for t in doc[both.i + 1 : root.i] if t.dep_ not in ("aux", "auxpass")]
    descriptions: list[str] = []
    for k, token in enumerate(region):
        left, right = region[:k], region[k + 1 :]
        if token.lower_ == "and" and _names_a_report(left) and _names_a_report(right):
            descriptions = [tokens_text(left), tokens_text(right)]
    if not descriptions:
        return None
    articles = _articles(passages)
    chosen = [_described(d, articles, passages, finder) for d in descriptions]
    if None in chosen or chosen[0] == chosen[1]:
        return None
    return [c for c in chosen if c is not None]


def _names_a_report(tokens: list[Any]) -> bool:
    return any(
        t.pos_ == "NOUN" and (t.lemma_.lower() in REPORT_HEADS or t.lower_ in REPORT_HEADS)
        for t in tokens
    )


def _articles(passages: list[Passage]) -> dict[str, list[Passage]]:
    out: dict[str, list[Passage]] = {}
    for passage in passages:
        out.setdefault(passage.doc_id or passage.chunk_id, []).append(passage)
    return out


def _described(
    description: str,
    articles: dict[str, list[Passage]],
    passages: list[Passage],
    finder: ExtractiveGenerator,
) -> str | None:
    """The article the description fits, if one clearly does."""
    allowed = [doc for doc, parts in articles.items() if _allows(description, parts[0], passages)]
    if not allowed:
        return None
    # an article's date in words counts for "the February 2018 preview"
    texts = [
        f"{long_date_or_blank(articles[d][0].date)}. {articles[d][0].title}. "
        + " ".join(p.text for p in articles[d])
        for d in allowed
    ]
    vectors = finder.embed([description, *texts])
    wanted = finder.terms_of(description)
    scores = sorted(
        (
            (
                SIMILARITY_WEIGHT * float(vectors[0] @ vectors[i + 1])
                + (1 - SIMILARITY_WEIGHT)
                * len(wanted & finder.terms_of(texts[i]))
                / max(1, len(wanted)),
                doc,
            )
            for i, doc in enumerate(allowed)
        ),
        reverse=True,
    )
    if len(scores) > 1 and scores[0][0] - scores[1][0] < DESCRIPTION_MARGIN:
        return None
    return scores[0][1]


def _allows(description: str, passage: Passage, passages: list[Passage]) -> bool:
    """Whether the article can be the one described: a year or month the description
    gives is its date's (an undated article may be any), an outlet it names is its own."""
    lower = description.lower()
    years = _YEAR.findall(description)
    if years and passage.date and passage.date[:4] not in years:
        return False
    months = [i + 1 for i, m in enumerate(MONTHS) if re.search(rf"\b{m}\b", lower)]
    if months and passage.date and int(passage.date[5:7]) not in months:
        return False
    named = [o for o in outlets_of(passages) if names_outlet(description, o)]
    return not named or passage.source in named

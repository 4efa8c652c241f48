"""The citation checker on scripted model outputs: what an LLM writes is not taken on trust."""

from __future__ import annotations

import re

from qa.citations import check_citations, is_refusal
from qa.types import Passage, Unverified

STOP = frozenset("the a an of to in on and was were is are it its by for with that".split())


def analyze(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", text.lower())


def passage(n: int, text: str) -> Passage:
    return Passage(
        chunk_id=f"c{n}",
        text=text,
        title=f"Title {n}",
        source="Wire",
        date="2023-10-01",
        url="",
        file="f.txt",
        doc_id=f"d{n}",
        score=0.5,
    )


PASSAGES = [
    passage(1, "Russia delivered four Mi-35M helicopters to Pakistan in 2017."),
    passage(2, "Lavrov visited Islamabad in April 2021 for talks on Afghanistan."),
    passage(3, "The pipeline from Karachi to Lahore will carry liquefied natural gas."),
]


def check(text: str):  # type: ignore[no-untyped-def]
    return check_citations(text, PASSAGES, analyze, STOP)


def test_citations_are_renumbered_in_order_of_first_use() -> None:
    checked = check(
        "Lavrov visited Islamabad in April 2021 [2]. Russia delivered four helicopters [1]."
    )
    assert (
        checked.text
        == "Lavrov visited Islamabad in April 2021 [1]. Russia delivered four helicopters [2]."
    )
    assert [(c.number, c.chunk_id) for c in checked.citations] == [(1, "c2"), (2, "c1")]
    assert checked.unverified == []


def test_numbers_that_point_at_no_passage_are_removed() -> None:
    checked = check(
        "Russia delivered four helicopters to Pakistan [1][7]. The pipeline carries gas [9]."
    )
    assert "[7]" not in checked.text and "[9]" not in checked.text
    assert checked.dropped == [7, 9]
    assert [c.chunk_id for c in checked.citations] == ["c1"]
    # the pipeline sentence lost its only marker, so it is now unverified
    assert checked.unverified == [
        Unverified(sentence="The pipeline carries gas.", reason="no citation")
    ]


def test_a_sentence_whose_cited_passage_does_not_support_it_is_flagged() -> None:
    checked = check("Lavrov signed a wheat export treaty with Brazil [3].")
    assert len(checked.unverified) == 1
    assert "does not support" in checked.unverified[0].reason


def test_a_sentence_without_any_citation_is_flagged() -> None:
    checked = check("Russia delivered helicopters [1]. Moscow also promised tanks to Kabul.")
    assert [u.sentence for u in checked.unverified] == ["Moscow also promised tanks to Kabul."]


def test_grouped_markers_are_split_and_checked() -> None:
    checked = check("Russia delivered helicopters and Lavrov visited Islamabad [1, 2].")
    assert checked.text == "Russia delivered helicopters and Lavrov visited Islamabad [1][2]."
    assert len(checked.citations) == 2


def test_a_supported_sentence_becomes_the_citation_s_quote() -> None:
    checked = check("Russia delivered four Mi-35M helicopters to Pakistan [1].")
    assert checked.citations[0].quote == "Russia delivered four Mi-35M helicopters to Pakistan."


def test_a_model_saying_the_articles_do_not_cover_it_is_a_refusal() -> None:
    assert is_refusal("The articles don't say who won the match.")
    assert is_refusal("The passages do not mention the population of Karachi.")
    assert not is_refusal("Russia delivered helicopters [1].")
    assert check("The articles don't say who won.").unverified == []

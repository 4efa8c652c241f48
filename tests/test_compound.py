"""Two questions asked as one: split, each answered, and joined with one citation list."""

from __future__ import annotations

import pytest

from qa.compound import joined_answer, split_question
from qa.types import Answer, Citation


@pytest.mark.parametrize(
    ("question", "parts"),
    [
        (
            "When did Epic announce the return to Chapter 1, and when was that season set to start?",
            (
                "When did Epic announce the return to Chapter 1?",
                "When was that season set to start?",
            ),
        ),
        (
            "Who scored Arsenal's first goal at Sevilla, and who set it up?",
            ("Who scored Arsenal's first goal at Sevilla?", "Who set it up?"),
        ),
        (
            "What's the latest on the Bills, and how had their game against Cincinnati gone?",
            ("What's the latest on the Bills?", "How had their game against Cincinnati gone?"),
        ),
    ],
)
def test_a_question_joined_to_another_by_and_and_a_wh_word_is_two_questions(
    question: str, parts: tuple[str, str]
) -> None:
    assert split_question(question) == parts


@pytest.mark.parametrize(
    "question",
    [
        "Which countries did Lavrov and Asif discuss?",  # "and" inside one question
        "Did Russia and Pakistan sign a deal, and was it ratified?",  # no wh-word after "and"
        # a benchmark question stringing claims in relative clauses is one question
        "Who is the individual associated with the cryptocurrency industry facing a criminal "
        "trial on fraud and conspiracy charges, as reported by both The Verge and TechCrunch, "
        "and who is accused by prosecutors of committing fraud for personal gain?",
    ],
)
def test_one_question_is_not_split(question: str) -> None:
    assert split_question(question) is None


def cited(text: str, *chunks: str, short: str = "") -> Answer:
    citations = [
        Citation(
            number=n,
            title="t",
            source="s",
            date="",
            url="",
            text=chunk,
            score=1.0,
            chunk_id=chunk,
            quote=f"Quote from {chunk}.",
        )
        for n, chunk in enumerate(chunks, start=1)
    ]
    return Answer(text=text, citations=citations, short_answer=short)


def refused(reason: str) -> Answer:
    return Answer(text="The articles don't say.", refused=True, refusal_reason=reason)


PARTS = ("Who met whom?", "When did they meet?")


def test_the_second_answer_s_citations_follow_the_first_s_and_a_shared_passage_keeps_its_number() -> (
    None
):
    first = cited("Lavrov [1]. — Quote from a [1]. Quote from b [2].", "a", "b", short="Lavrov")
    second = cited("Friday [1]. — Quote from c [1]. Quote from a [2].", "c", "a", short="Friday")
    joined = joined_answer("Who met whom, and when did they meet?", PARTS, first, second)
    assert [c.chunk_id for c in joined.citations] == ["a", "b", "c"]
    assert joined.text.endswith("Friday [3]. — Quote from c [3]. Quote from a [1].")
    assert joined.short_answer == "Lavrov" and joined.text.startswith("Lavrov")


def test_a_part_the_articles_do_not_answer_says_so_in_its_own_words() -> None:
    joined = joined_answer("q", PARTS, cited("Lavrov [1].", "a"), refused("nothing"))
    assert not joined.refused
    assert joined.text.endswith('answers "When did they meet".')


def test_two_unanswered_parts_are_one_refusal_of_the_question() -> None:
    joined = joined_answer("Who met whom, and when?", PARTS, refused("x"), refused("y"))
    assert joined.refused and not joined.citations and "Who met whom, and when" in joined.text


def test_an_answer_the_first_part_already_gives_is_not_repeated() -> None:
    first = cited("Intro. Quote from a [1].", "a")
    joined = joined_answer("q", PARTS, first, cited("Quote from a [1].", "a"))
    assert joined.text == first.text


def test_an_elliptical_second_part_the_articles_cannot_read_alone_is_left_out() -> None:
    first = cited("Four helicopters [1].", "a", short="Four helicopters")
    joined = joined_answer("q", ("What kind of helicopters?", "How many?"), first, refused("?"))
    assert joined.text == first.text

"""Follow-up questions: what the retrieval query carries over from the conversation."""

from __future__ import annotations

from qa.followup import standalone_query

FLAGSHIP = "What is the flagship energy project between Russia and Pakistan?"


def test_a_question_that_stands_alone_is_left_as_it_is() -> None:
    history = [{"role": "user", "content": FLAGSHIP}]
    question = "Who did Lavrov meet at army headquarters in Rawalpindi?"
    assert standalone_query(question, history) == question


def test_a_pronoun_carries_the_names_of_the_earlier_question_and_of_its_answer() -> None:
    history = [
        {"role": "user", "content": FLAGSHIP},
        {
            "role": "assistant",
            "content": "We discussed energy cooperation [1]. The flagship project is the "
            "North-South Gas Pipeline from Karachi to Lahore [1].",
        },
    ]
    query = standalone_query("Which cities will it connect?", history)
    assert query.startswith("Which cities will it connect?")
    for name in ("Russia", "Pakistan", "North-South Gas Pipeline", "Karachi"):
        assert name in query
    assert " We " not in f"{query} "  # a sentence's first word is no name


def test_a_refusal_names_nothing_to_carry() -> None:
    history = [
        {"role": "user", "content": "What did Zamir Kabulov say about Pakistan?"},
        {
            "role": "assistant",
            "content": "The articles don't say. I found nothing in the indexed articles that "
            'answers "What did Zamir Kabulov say about Pakistan".',
        },
    ]
    query = standalone_query("What did he warn about?", history)
    assert query == "What did he warn about? Zamir Kabulov Pakistan"


def test_a_question_word_run_on_with_its_verb_and_a_possessive_are_no_part_of_a_name() -> None:
    history = [{"role": "user", "content": "What's on Don McLean's new Christmas album?"}]
    query = standalone_query("When did his best-known song reach No. 1?", history)
    assert query.endswith("Don McLean Christmas")


def test_an_answer_s_verdict_is_no_name_to_carry() -> None:
    history = [
        {"role": "user", "content": "Is there a news publisher suing Google over AI?"},
        {
            "role": "assistant",
            "content": "Yes [1]. — The lawsuit says Google's AI search hurts publishers [1].",
        },
    ]
    assert "Yes" not in standalone_query("Who publishes it?", history).split()

"""Text primitives: sentences, dates, normalisation."""

from __future__ import annotations

from datetime import date

import pytest

from index.text import find_date, fold, normalize_line, parse_date, split_sentences


def test_sentences_split_at_full_stops_but_not_at_abbreviations_or_initials() -> None:
    text = (
        "Mr. Smith met Gen. J. R. Allen in the U.S. capital on Jan. 5. They talked. "
        '"It went well," he said. Was it? Yes! Prices rose 2.5 percent.'
    )
    assert split_sentences(text) == [
        "Mr. Smith met Gen. J. R. Allen in the U.S. capital on Jan. 5.",
        "They talked.",
        '"It went well," he said.',
        "Was it?",
        "Yes!",
        "Prices rose 2.5 percent.",
    ]


def test_sentence_ending_in_a_quote_is_split_after_the_quote() -> None:
    text = 'He said the talks were "excellent." The minister agreed.'
    assert split_sentences(text) == ['He said the talks were "excellent."', "The minister agreed."]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("18 March 2021", date(2021, 3, 18)),
        ("February 20, 2018", date(2018, 2, 20)),
        ("Published on Sept. 3rd, 2019 at noon", date(2019, 9, 3)),
        ("2023-10-02T10:00:00+00:00", date(2023, 10, 2)),
        ("Thursday April 25, 2024", date(2024, 4, 25)),
        ("31 February 2021", None),
        ("no date here", None),
    ],
)
def test_dates_in_the_formats_news_pages_use(text: str, expected: date | None) -> None:
    assert parse_date(text) == expected


def test_find_date_reports_where_the_date_is() -> None:
    found = find_date("Moscow, 07 April 2021 Read: 788")
    assert (
        found is not None and found[0] == date(2021, 4, 7) and found[1].group(0) == "07 April 2021"
    )


def test_normalisation_straightens_quotes_and_folds_space() -> None:
    assert (
        normalize_line("\u201cHi\u201d\u00a0 there\u2019s \u2014 ok\u200b ") == '"Hi" there\'s - ok'
    )
    assert fold("U.S.-backed  Forces!") == "u s backed forces"


def test_phrasal_verbs_become_the_one_word_verb_in_every_form() -> None:
    from qa.synonyms import one_word_verbs

    assert one_word_verbs("They took part; he is stepping down") == "They participate; he is resign"
    assert one_word_verbs("Lavrov held talks with Khan") == "Lavrov meet with Khan"
    assert one_word_verbs("a part to take") == "a part to take"

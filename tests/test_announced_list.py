"""A list announced by a colon and set out below it, one item a line."""

from __future__ import annotations

from dataclasses import replace

from qa.announced_list import items_after
from qa.extractive import compose
from tests.test_strategies import passage

ANNOUNCING = "Valve says this will be the Steam Deck line-up from now on:"
LINE_UP = (
    f"{ANNOUNCING}\n\n256GB Steam Deck LCD ($399)\n\n512GB Steam Deck OLED ($549)\n\n"
    "1TB Steam Deck OLED ($649)\n\nAs a result, the older models will drop in price."
)


def test_the_items_are_the_lines_below_the_colon_up_to_running_prose() -> None:
    listed = items_after(ANNOUNCING, passage(1, LINE_UP), [])
    assert listed is not None
    assert listed.items == [
        "256GB Steam Deck LCD ($399)",
        "512GB Steam Deck OLED ($549)",
        "1TB Steam Deck OLED ($649)",
    ]


def test_bulleted_items_count_even_when_they_end_a_sentence() -> None:
    text = "The card pays:\n- 3% on groceries.\n- 1% on everything else.\nThat is all."
    listed = items_after("The card pays:", passage(1, text), [])
    assert listed is not None and listed.items == ["3% on groceries.", "1% on everything else."]


def test_a_colon_followed_by_prose_announces_no_list() -> None:
    text = "He said:\n\nWe will win the next game. Nobody doubts it."
    assert items_after("He said:", passage(1, text), []) is None
    assert items_after("He won the game.", passage(1, "He won the game.\n\nA\n\nB"), []) is None


def test_a_list_is_read_on_into_the_article_s_next_chunk() -> None:
    first = replace(passage(1, f"Some news. {ANNOUNCING}"), doc_id="steam", position=0)
    rest = replace(passage(2, LINE_UP.split("\n\n", 1)[1]), doc_id="steam", position=1)
    listed = items_after(ANNOUNCING, first, [first, rest])
    assert listed is not None and listed.passage is rest and len(listed.items) == 3


def test_a_quoted_announcing_sentence_carries_its_items() -> None:
    answer = compose("What is the line-up?", [(ANNOUNCING, passage(1, LINE_UP), 1.0)])
    assert answer.text == (
        f"{ANNOUNCING} 256GB Steam Deck LCD ($399); 512GB Steam Deck OLED ($549); "
        "1TB Steam Deck OLED ($649) [1]."
    )

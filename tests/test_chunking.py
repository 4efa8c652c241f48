"""Chunking: a token budget, whole sentences, paragraphs kept."""

from __future__ import annotations

from index import Settings
from index.chunking import TokenCounter, chunk_paragraphs
from index.embedding import model_path
from index.text import split_sentences

COUNTER = TokenCounter(model_path(Settings()))


def paragraphs(n: int) -> list[str]:
    return [
        " ".join(
            f"Sentence {p}-{s} reports that the talks in Moscow went on for hours."
            for s in range(6)
        )
        for p in range(n)
    ]


def test_chunks_respect_the_token_budget_including_the_header() -> None:
    header = "A headline about talks\nWire · 2021-03-18"
    for budget in (64, 128, 256):
        chunks = chunk_paragraphs(paragraphs(8), header=header, budget=budget, counter=COUNTER)
        assert len(chunks) > 1
        for chunk in chunks:
            assert COUNTER.count(f"{header}\n\n{chunk}") + 2 <= budget


def test_no_sentence_is_cut_and_every_sentence_is_kept_once_in_order() -> None:
    source = paragraphs(8)
    chunks = chunk_paragraphs(source, header="H", budget=128, counter=COUNTER)
    sentences = [s for p in source for s in split_sentences(p)]
    rejoined = [s for c in chunks for para in c.split("\n\n") for s in split_sentences(para)]
    assert rejoined == sentences


def test_paragraph_breaks_survive_inside_a_chunk() -> None:
    chunks = chunk_paragraphs(
        ["First paragraph here.", "Second one here."], header="H", budget=256, counter=COUNTER
    )
    assert chunks == ["First paragraph here.\n\nSecond one here."]


def test_a_sentence_longer_than_the_budget_is_split_rather_than_dropped() -> None:
    monster = ", ".join(f"item number {i} in a very long list" for i in range(120)) + "."
    chunks = chunk_paragraphs([monster], header="H", budget=64, counter=COUNTER)
    assert len(chunks) > 3
    assert all(COUNTER.count(c) <= 64 for c in chunks)
    assert " ".join(chunks).replace("  ", " ") == monster

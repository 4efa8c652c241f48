"""Sentence-aware chunking with a token budget measured by the embedding model's tokenizer.

A chunk is whole sentences packed in reading order until the next sentence would pass
the budget. The budget covers the header (title, outlet, date) that is embedded with the
chunk, as the model sees 256 tokens at most. A sentence is never cut, unless it alone is
longer than the whole budget (a table or a list flattened into one line): only then is it
split at clause, then word, boundaries.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from index.text import split_sentences

SPECIAL_TOKENS = 2  # [CLS] and [SEP]
MIN_BODY_TOKENS = 48


@dataclass(frozen=True)
class Piece:
    text: str
    tokens: int
    paragraph: int


class TokenCounter:
    """Counts tokens with the model's own tokenizer (fast Rust ``tokenizers``)."""

    def __init__(self, model_path: Path) -> None:
        self._tokenizer = _load_tokenizer(str(model_path / "tokenizer.json"))

    def count_many(self, texts: list[str]) -> list[int]:
        if not texts:
            return []
        encodings = self._tokenizer.encode_batch(texts, add_special_tokens=False)
        return [len(e.ids) for e in encodings]

    def count(self, text: str) -> int:
        return self.count_many([text])[0]


@lru_cache(maxsize=4)
def _load_tokenizer(path: str):  # type: ignore[no-untyped-def]
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_file(path)
    tokenizer.no_truncation()
    tokenizer.no_padding()
    return tokenizer


def chunk_paragraphs(
    paragraphs: tuple[str, ...] | list[str],
    *,
    header: str,
    budget: int,
    counter: TokenCounter,
) -> list[str]:
    """Pack the paragraphs' sentences into chunk texts of at most ``budget`` tokens."""
    body_budget = max(MIN_BODY_TOKENS, budget - counter.count(header) - SPECIAL_TOKENS - 1)
    pieces = _pieces(paragraphs, body_budget, counter)
    chunks: list[str] = []
    current: list[Piece] = []
    used = 0
    for piece in pieces:
        if current and used + piece.tokens > body_budget:
            chunks.append(_join(current))
            current, used = [], 0
        current.append(piece)
        used += piece.tokens
    if current:
        chunks.append(_join(current))
    return chunks


def _pieces(
    paragraphs: tuple[str, ...] | list[str], budget: int, counter: TokenCounter
) -> list[Piece]:
    sentences: list[tuple[str, int]] = [
        (sentence, number)
        for number, paragraph in enumerate(paragraphs)
        for sentence in split_sentences(paragraph)
    ]
    counts = counter.count_many([s for s, _ in sentences])
    pieces: list[Piece] = []
    for (sentence, number), tokens in zip(sentences, counts, strict=True):
        if tokens <= budget:
            pieces.append(Piece(sentence, tokens, number))
        else:
            pieces.extend(
                Piece(part, n, number) for part, n in _split_long(sentence, budget, counter)
            )
    return pieces


def _split_long(sentence: str, budget: int, counter: TokenCounter) -> list[tuple[str, int]]:
    """Split an over-budget sentence at clause boundaries, falling back to words."""
    parts = [p for p in re.split(r"(?<=[;:,])\s+", sentence) if p]
    if len(parts) == 1:
        parts = sentence.split()
    out: list[tuple[str, int]] = []
    current = ""
    for part in parts:
        candidate = f"{current} {part}".strip()
        if current and counter.count(candidate) > budget:
            out.append((current, counter.count(current)))
            current = part
        else:
            current = candidate
    if current:
        out.append((current, counter.count(current)))
    return out


def _join(pieces: list[Piece]) -> str:
    text = pieces[0].text
    for before, piece in itertools.pairwise(pieces):
        text += ("\n\n" if piece.paragraph != before.paragraph else " ") + piece.text
    return text

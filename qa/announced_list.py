"""A list that a sentence announces with a colon and the article sets out below it:

    Valve says, will be the Steam Deck line-up moving forward:

    256GB Steam Deck LCD ($399)

    512GB Steam Deck OLED ($549)

The items are paragraphs of their own, not sentences: they neither end a sentence nor
name an entity the parser would pick out, so neither the sentence finder nor the entity
lists see them, and an answer quoting the announcing sentence stops at its colon. Here
the paragraphs after such a sentence are read as its items: those that start with a
bullet, or that end without a full stop, up to the first paragraph of running prose.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from qa.types import Passage

MAX_ITEMS = 12
MIN_ITEMS = 2
MAX_ITEM_WORDS = 25  # a longer item is shown by its first words
_BULLET = re.compile(r"^\s*(?:[-–—•*·]+|\d{1,2}[.)]|[a-z][.)])\s+")
_SENTENCE_END = re.compile(r"[.!?][\"'”’)\]]*$")


@dataclass(frozen=True)
class AnnouncedList:
    """The items as shown, the passage they stand in, and the first item as written
    there (the quote that cites that passage when it is not the sentence's own)."""

    items: list[str]
    passage: Passage
    first: str


def announces(sentence: str) -> bool:
    """Whether the sentence ends by announcing what follows."""
    return sentence.rstrip().endswith(":")


def items_after(sentence: str, passage: Passage, passages: list[Passage]) -> AnnouncedList | None:
    """The items set out after ``sentence`` in its article (read on into the article's
    next chunk when the sentence ends its chunk and that chunk was retrieved too); None
    when fewer than MIN_ITEMS follow."""
    if not announces(sentence):
        return None
    start = passage.text.find(sentence.rstrip())
    if start < 0:
        return None
    holder = passage
    following = passage.text[start + len(sentence.rstrip()) :]
    if not following.strip():
        holder = _next_chunk(passage, passages) or passage
        following = holder.text if holder is not passage else ""
    items: list[str] = []
    first = ""
    for paragraph in re.split(r"\n\s*\n|\n", following):
        paragraph = paragraph.strip()
        if not paragraph:
            continue
        bulleted = bool(_BULLET.match(paragraph))
        if not bulleted and _SENTENCE_END.search(paragraph):
            break  # running prose again
        first = first or paragraph
        items.append(_shown(_BULLET.sub("", paragraph).strip(' “”"')))
        if len(items) >= MAX_ITEMS:
            break
    if len(items) < MIN_ITEMS:
        return None
    return AnnouncedList(items=items, passage=holder, first=first)


def _next_chunk(passage: Passage, passages: list[Passage]) -> Passage | None:
    if passage.position < 0:
        return None
    return next(
        (p for p in passages if p.doc_id == passage.doc_id and p.position == passage.position + 1),
        None,
    )


def _shown(item: str) -> str:
    words = item.split()
    if len(words) <= MAX_ITEM_WORDS:
        return item
    return " ".join(words[:MAX_ITEM_WORDS]).rstrip(",;:—–-") + " …"

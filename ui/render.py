"""Turning answers, passages and index facts into what the browser shows.

Everything that comes from an article or a user is rendered as text: HTML is escaped,
and in the chat (which renders Markdown) article sentences also have their Markdown
punctuation escaped, so a `[link](javascript:…)` in an article stays literal text.
Only the markup we add ourselves — citation links, cards, highlights — is live.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from typing import Any
from urllib.parse import urlparse

from index import IndexStats, split_sentences
from qa import Answer, Citation

_MARKDOWN_SPECIALS = re.compile(r"([\\`*_\[\]|~])")
_LINE_START_SPECIALS = re.compile(r"^(\s*)([#>+-]|\d+[.)])", re.M)
_MARKER = re.compile(r"\\\[(\d{1,3})\\\]")


def escape_markdown(text: str) -> str:
    """Text that a Markdown renderer shows literally: no HTML, no links, no emphasis."""
    escaped = _MARKDOWN_SPECIALS.sub(r"\\\1", html.escape(text, quote=False))
    return _LINE_START_SPECIALS.sub(_escape_line_start, escaped)


def _escape_line_start(match: re.Match[str]) -> str:
    """Headings, quotes and list markers only mean something at the start of a line."""
    marker = match.group(2)
    if marker[0].isdigit():
        return f"{match.group(1)}{marker[:-1]}\\{marker[-1]}"
    return f"{match.group(1)}\\{marker}"


def escape_html(text: str) -> str:
    """Markdown stays allowed (for LLM answers); raw HTML becomes visible text."""
    return html.escape(text, quote=False)


def answer_markdown(answer: Answer, *, literal: bool = True) -> str:
    """The answer for the chat, each ``[n]`` a link to source card n.

    ``literal`` (the extractive generator's sentences are article text) escapes
    Markdown too; an LLM's answer keeps its Markdown but never its HTML. The short
    answer (a name, a number, "Yes"), when the text begins with it, comes first in bold.
    """
    short, rest = split_short_answer(answer)
    lead = f"**{escape_markdown(short)}**" if short else ""
    if not literal:
        text = _defuse_links(escape_html(rest))
        return lead + re.sub(r"\[(\d{1,3})\]", r"[[\1]](#source-\1)", text)
    return lead + _MARKER.sub(r"[[\1]](#source-\1)", escape_markdown(rest))


def split_short_answer(answer: Answer) -> tuple[str, str]:
    """(short answer, the rest of the text) when the text begins with the short answer
    (its first letter may be capitalised there); ("", text) otherwise."""
    short = answer.short_answer.strip()
    if short and answer.text[: len(short)].casefold() == short.casefold():
        return answer.text[: len(short)], answer.text[len(short) :]  # as the text writes it
    return "", answer.text


def answer_notes(answer: Answer) -> str:
    """What the reader should know about an answer: sentences the citation check could
    not verify, and an extractive fallback when the LLM failed."""
    notes = []
    for item in answer.unverified:
        notes.append(
            f"⚠️ *Unverified:* “{escape_markdown(item.sentence)}” ({escape_markdown(item.reason)})"
        )
    if answer.fallback:
        notes.append(f"ℹ️ {escape_markdown(answer.fallback)}")
    return "\n\n" + "\n\n".join(notes) if notes else ""


def _defuse_links(text: str) -> str:
    """Markdown links and images may only point at http(s) or an in-page anchor."""

    def keep_safe(match: re.Match[str]) -> str:
        target = match.group(2).strip()
        if target.startswith("#") or urlparse(target).scheme in ("http", "https"):
            return match.group(0)
        return match.group(1)

    return re.sub(r"!?\[([^\]]*)\]\(([^)]*)\)", keep_safe, text)


def source_cards(citations: Sequence[Citation]) -> str:
    """HTML cards for an answer's citations: title, date, outlet, the passage with the
    quoted sentences highlighted, and the score."""
    if not citations:
        return ""
    cards = [_card(c) for c in citations]
    return '<div class="nd-cards">' + "".join(cards) + "</div>"


def cards_from_records(records: Sequence[dict[str, Any]]) -> str:
    """Source cards from citations kept as JSON (a conversation saved in the browser)."""
    citations = []
    for r in records:
        try:
            citations.append(
                Citation(
                    number=int(r.get("number") or 0),
                    title=str(r.get("title") or ""),
                    source=str(r.get("source") or ""),
                    date=str(r.get("date") or ""),
                    url=str(r.get("url") or ""),
                    text=str(r.get("text") or ""),
                    score=float(r.get("score") or 0.0),
                    quote=str(r.get("quote") or ""),
                )
            )
        except (TypeError, ValueError, AttributeError):
            continue
    return source_cards(citations)


def _card(citation: Citation) -> str:
    title = html.escape(citation.title or "(untitled)")
    link = _safe_url(citation.url)
    heading = (
        f'<a href="{link}" target="_blank" rel="noopener noreferrer">{title}</a>' if link else title
    )
    facts = " · ".join(html.escape(part) for part in (citation.source, citation.date) if part)
    return (
        f'<div class="nd-card" id="source-{citation.number}">'
        f'<div class="nd-card-head"><span class="nd-num">{citation.number}</span> {heading}</div>'
        f'<div class="nd-card-meta">{facts}'
        f'<span class="nd-score">score {citation.score:.2f}</span></div>'
        f'<div class="nd-card-text">{highlight(citation.text, citation.quote)}</div>'
        "</div>"
    )


def highlight(passage: str, quote: str) -> str:
    """The passage as HTML-escaped text, with each quoted sentence inside ``<mark>``."""
    spans: list[tuple[int, int]] = []
    for sentence in _quoted_sentences(quote):
        start = passage.find(sentence)
        if start >= 0:
            spans.append((start, start + len(sentence)))
    spans.sort()
    out, position = [], 0
    for start, end in spans:
        if start < position:
            continue
        out.append(html.escape(passage[position:start]))
        out.append(f"<mark>{html.escape(passage[start:end])}</mark>")
        position = end
    out.append(html.escape(passage[position:]))
    return "".join(out).replace("\n\n", "<br><br>")


def _quoted_sentences(quote: str) -> list[str]:
    return [s for s in split_sentences(quote) if len(s) > 3]


def _safe_url(url: str) -> str:
    parsed = urlparse(url.strip())
    if parsed.scheme in ("http", "https") and parsed.netloc:
        return html.escape(url.strip(), quote=True)
    return ""


def corpus_line(stats: IndexStats | None) -> str:
    """One line that says what the chat knows about."""
    if stats is None or not stats.documents:
        return (
            "No articles are indexed yet: add some in the **Index** tab, or run `newsdesk ingest`."
        )
    span = (
        f", {stats.first_date} to {stats.last_date}"
        if stats.first_date and stats.first_date != stats.last_date
        else ""
    )
    outlets = len(stats.sources)
    return (
        f"Ask about {stats.documents:,} indexed article{'s' * (stats.documents != 1)} "
        f"from {outlets:,} source{'s' * (outlets != 1)}{span}. "
        "Every claim in an answer cites its passage."
    )


def stats_markdown(stats: IndexStats | None, problem: str = "") -> str:
    """The Index tab's table of what is indexed."""
    if stats is None:
        return f"**No index yet.** {escape_markdown(problem)}".strip()
    duplicates = ", ".join(f"{n:,} {what}" for what, n in stats.duplicates.items())
    rows = [
        ("Documents", f"{stats.documents:,}"),
        ("Chunks", f"{stats.chunks:,}"),
        ("Dates", f"{stats.first_date or '–'} to {stats.last_date or '–'}"),
        ("Sources", f"{len(stats.sources):,}"),
        ("Duplicates dropped", duplicates or "–"),
        (
            "Sentence vectors",
            f"{stats.sentence_vectors:,} stored ahead of time"
            if stats.sentence_vectors
            else "none yet (the server embeds them in the background; `newsdesk warm`)",
        ),
        ("Last update", stats.updated_at or "–"),
    ]
    if not stats.complete:
        rows.append(("Warning", "the last ingest did not finish; run `newsdesk ingest`"))
    table = "\n".join(f"| {name} | {escape_markdown(value)} |" for name, value in rows)
    return "| | |\n|---|---|\n" + table

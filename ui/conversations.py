"""Conversations as plain JSON, so the browser can keep them and a person can export them.

A conversation is ``{"id", "title", "updated", "turns"}``; a turn is the question, the
reply as the chat showed it, and the answer (text, citations, generator; ``None`` when
the question got an error instead). The browser keeps every conversation in
``localStorage`` (``gr.BrowserState``) as ``{"current": id, "conversations": [...]}``,
newest first. Everything here is a pure function of those values.
"""

from __future__ import annotations

import html
import re
import secrets
from datetime import UTC, datetime
from typing import Any

from qa import Answer

MAX_CONVERSATIONS = 50  # localStorage holds about 5 MB; answers carry their passages
TITLE_CHARS = 60

Turn = dict[str, Any]
Conversation = dict[str, Any]
Store = dict[str, Any]

CITATION_FIELDS = ("number", "title", "source", "date", "url", "text", "score", "quote")


def empty_store() -> Store:
    return {"current": "", "conversations": []}


def new_conversation(user: str = "") -> Conversation:
    """An empty conversation; ``user`` is who owns it when sign-in is on ("" otherwise)."""
    return {"id": secrets.token_hex(8), "user": user, "title": "", "updated": "", "turns": []}


def answer_record(answer: Answer) -> dict[str, Any]:
    """What a turn keeps of an Answer: enough to show it again, export it, and vote on it."""
    data = answer.to_dict()
    return {
        "text": data["text"],
        "short_answer": data["short_answer"],
        "refused": data["refused"],
        "generator": data["generator"],
        "citations": [{k: c.get(k) for k in CITATION_FIELDS} for c in data["citations"]],
    }


def add_turn(
    conversation: Conversation, question: str, reply: str, answer: Answer | None
) -> Conversation:
    turn = {
        "question": question,
        "reply": reply,
        "answer": answer_record(answer) if answer is not None else None,
    }
    return {
        **conversation,
        "title": conversation.get("title") or _title(question),
        "updated": datetime.now(UTC).isoformat(timespec="seconds"),
        "turns": [*conversation.get("turns", []), turn],
    }


def _title(question: str) -> str:
    text = " ".join(question.split())
    return text if len(text) <= TITLE_CHARS else text[: TITLE_CHARS - 1].rstrip() + "…"


def ask_history(conversation: Conversation) -> list[dict[str, str]]:
    """The turns ``ask()`` reads for follow-ups: answered questions only."""
    history: list[dict[str, str]] = []
    for turn in conversation.get("turns", []):
        if turn.get("answer"):
            history += [
                {"role": "user", "content": str(turn["question"])},
                {"role": "assistant", "content": str(turn["answer"]["text"])},
            ]
    return history


def turn_for_message(conversation: Conversation, index: int) -> Turn | None:
    """The turn whose reply is chat message ``index`` (each turn shows two messages)."""
    turns = conversation.get("turns", [])
    if index < 0 or index % 2 != 1 or index // 2 >= len(turns):
        return None
    turn: Turn = turns[index // 2]
    return turn


def saved(store: Store | None, conversation: Conversation) -> Store:
    """The store with this conversation saved (moved to the top) and made current."""
    store = _valid(store)
    if not conversation.get("turns"):
        return {**store, "current": conversation.get("id", "")}
    others = [c for c in store["conversations"] if c.get("id") != conversation["id"]]
    return {
        "current": conversation["id"],
        "conversations": [conversation, *others][:MAX_CONVERSATIONS],
    }


def deleted(store: Store | None, conversation_id: str) -> Store:
    store = _valid(store)
    kept = [c for c in store["conversations"] if c.get("id") != conversation_id]
    current = store["current"] if store["current"] != conversation_id else ""
    return {"current": current, "conversations": kept}


def find(store: Store | None, conversation_id: str, user: str = "") -> Conversation | None:
    """The kept conversation with this id, if ``user`` owns it.

    A browser may be shared: with sign-in on, each user sees only their own."""
    for conversation in _valid(store)["conversations"]:
        if conversation.get("id") == conversation_id and conversation.get("user", "") == user:
            found: Conversation = conversation
            return found
    return None


def current(store: Store | None, user: str = "") -> Conversation:
    """The conversation to show on opening the page: the one last open, if kept."""
    store = _valid(store)
    return find(store, store["current"], user) or new_conversation(user)


def choices(store: Store | None, user: str = "") -> list[tuple[str, str]]:
    """(label, id) of the user's conversations for the sidebar, newest first."""
    return [
        (str(c.get("title") or "Untitled"), str(c["id"]))
        for c in _valid(store)["conversations"]
        if c.get("id") and c.get("user", "") == user
    ]


def _valid(store: Store | None) -> Store:
    """Whatever the browser sent, as a store: a damaged value starts afresh."""
    if not isinstance(store, dict) or not isinstance(store.get("conversations"), list):
        return empty_store()
    conversations = [
        c
        for c in store["conversations"]
        if isinstance(c, dict) and isinstance(c.get("turns"), list) and c.get("id")
    ]
    return {"current": str(store.get("current") or ""), "conversations": conversations}


# --- export --------------------------------------------------------------------------------


def to_markdown(conversation: Conversation, *, exported_at: datetime | None = None) -> str:
    """The conversation as a Markdown document: each question, its answer with ``[n]``
    markers, and that answer's numbered sources (title, outlet, date, url).

    Article and user text is HTML-escaped and its links defused, so the file is safe
    to render anywhere.
    """
    when = (exported_at or datetime.now(UTC)).strftime("%Y-%m-%d %H:%M UTC")
    title = _safe(conversation.get("title") or "Conversation")
    lines = [f"# Newsdesk: {title}", "", f"Exported {when}.", ""]
    for turn in conversation.get("turns", []):
        lines += [f"## {_safe(str(turn.get('question', '')))}", ""]
        answer = turn.get("answer")
        if not answer:
            lines += [_safe(plain(str(turn.get("reply", "")))), ""]
            continue
        lines += [_safe(str(answer.get("text", ""))), ""]
        citations = answer.get("citations") or []
        if citations:
            lines += ["Sources:", ""]
            lines += [source_line(c) for c in citations]
            lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def source_line(citation: dict[str, Any]) -> str:
    """``[n] Title. Outlet, date. <url>``: one numbered source."""
    facts = ", ".join(
        _safe(str(citation.get(k) or "")) for k in ("source", "date") if citation.get(k)
    )
    url = str(citation.get("url") or "")
    link = f" <{url}>" if re.match(r"https?://\S+$", url) else ""
    title = _safe(str(citation.get("title") or "(untitled)"))
    return f"[{citation.get('number')}] {title}." + (f" {facts}." if facts else "") + link


def _safe(text: str) -> str:
    return html.escape(text, quote=False).replace("](", "]\\(")


def plain(markdown: str) -> str:
    """A chat message's Markdown escapes and citation links undone: the text again."""
    text = re.sub(r"\[\[(\d+)\]\]\(#source-\d+\)", r"[\1]", markdown)
    return re.sub(r"\\(.)", r"\1", html.unescape(text))


def file_name(conversation: Conversation) -> str:
    slug = re.sub(r"[^A-Za-z0-9]+", "-", str(conversation.get("title") or "")).strip("-").lower()
    return f"newsdesk-{slug[:40] or 'conversation'}.md"

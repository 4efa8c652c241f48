"""Follow-up questions: carry the conversation's subjects into the retrieval query.

"What did he warn could happen?" after "What did Zamir Kabulov say about Pakistan?"
retrieves nothing useful alone. Without an LLM, we add the names and key phrases of the
previous user turns to the query when the new question leans on them: it uses a
pronoun or a definite reference, or is too short to stand alone.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from qa.citations import is_refusal

_PRONOUNS = re.compile(
    r"\b(?:he|she|they|him|her|them|his|hers|their|theirs|it|its|this|that|these|those|"
    r"there|the (?:minister|president|country|company|official|group|deal|agreement|meeting|visit))\b",
    re.I,
)
_NAME = re.compile(
    r"\b(?:[A-Z][\w'-]+|[A-Z]{2,})(?:\s+(?:of\s+|the\s+)?(?:[A-Z][\w'-]+|[A-Z]{2,}))*"
)
_LEADING = frozenset(
    "What Which Who Whom Whose When Where Why How Did Does Do Is Are Was Were Can Could Would Should Tell Give List The A An And But In On At "
    "We I You He She It They Our Their His Her Its This That These Those Last Today Yesterday "
    "Yes No".split()  # an answer's verdict is no name
)


def message_text(content: Any) -> str:
    """Flatten a chat message's content (a string, or Gradio's list of parts) to text."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return " ".join(message_text(part) for part in content)
    if isinstance(content, dict):
        return str(content.get("text") or content.get("content") or "")
    return ""


def earlier_user_turns(history: Sequence[dict[str, Any]] | None) -> list[str]:
    return [message_text(m.get("content")) for m in history or [] if m.get("role") == "user"]


def standalone_query(question: str, history: Sequence[dict[str, Any]] | None) -> str:
    """The retrieval query for ``question`` in the light of the conversation so far.

    The names come from the latest user turn that has any, and then from the answer
    it got: "Which cities will it connect?" after "What is the flagship energy
    project?" means the pipeline the answer named.
    """
    turns = [t for t in earlier_user_turns(history) if t.strip()]
    if not turns:
        return question
    leans = bool(_PRONOUNS.search(question)) or len(re.findall(r"\w+", question)) <= 5
    if not leans:
        return question
    carried: list[str] = []

    def carry(names: list[str], most: int) -> None:
        for name in names[:most]:
            if name.lower() not in question.lower() and name not in carried:
                carried.append(name)

    for turn in reversed(turns[-3:]):
        carry(_names(turn), 10)
        if carried:
            break
    carry(_names(re.sub(r"\s*\[\d+\]", "", last_answer(history))), ANSWER_NAMES)
    return f"{question} {' '.join(carried)}".strip() if carried else question


ANSWER_NAMES = 3


def last_answer(history: Sequence[dict[str, Any]] | None) -> str:
    """The assistant's latest reply, unless it was a refusal (which names nothing)."""
    for message in reversed(list(history or [])):
        if message.get("role") == "user":
            return ""
        if message.get("role") == "assistant":
            text = message_text(message.get("content"))
            return "" if is_refusal(text) else text
    return ""


def _names(text: str) -> list[str]:
    names = []
    for match in _NAME.finditer(text):
        words = match.group(0).split()
        # "What's", "It's": a question word or pronoun with its verb run on
        while words and re.split(r"['’]", words[0])[0] in _LEADING:
            words = words[1:]
        if words:
            names.append(re.sub(r"['’]s$", "", " ".join(words)))  # "Don McLean's" → "Don McLean"
    return names

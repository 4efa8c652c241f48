"""Readers' votes on answers: one JSON line per vote in ``feedback.jsonl`` in the index folder.

Each line is written with a single ``os.write`` on a file opened with ``O_APPEND``
(under a lock, for threads of this process), so concurrent votes, even from several
server processes, never interleave inside a line. ``newsdesk feedback`` reads them back.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from index import Settings

FEEDBACK_FILE = "feedback.jsonl"
_lock = threading.Lock()


def feedback_path(settings: Settings) -> Path:
    return Path(settings.index_dir) / FEEDBACK_FILE


def vote_record(
    *,
    liked: bool,
    question: str,
    answer: dict[str, Any],
    user: str | None = None,
    now: datetime | None = None,
) -> dict[str, Any]:
    """One vote: the question, the answer and its citations, the generator and the time."""
    return {
        "time": (now or datetime.now(UTC)).isoformat(timespec="seconds"),
        "vote": "up" if liked else "down",
        "question": question,
        "answer": answer.get("text", ""),
        "short_answer": answer.get("short_answer", ""),
        "refused": bool(answer.get("refused")),
        "generator": answer.get("generator", ""),
        "citations": [
            {k: c.get(k) for k in ("number", "title", "source", "date", "url", "chunk_id")}
            for c in answer.get("citations") or []
        ],
        "user": user or "",
    }


def record_vote(settings: Settings, record: dict[str, Any]) -> Path:
    """Append one vote as one line, atomically."""
    path = feedback_path(settings)
    path.parent.mkdir(parents=True, exist_ok=True)
    line = (json.dumps(record, ensure_ascii=False) + "\n").encode("utf-8")
    with _lock:
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            written = os.write(fd, line)
        finally:
            os.close(fd)
    if written != len(line):
        raise OSError(f"only {written} of {len(line)} bytes of a vote reached {path}")
    return path


def read_votes(path: Path) -> list[dict[str, Any]]:
    """Every readable vote; a damaged line (a disk that filled up) is skipped."""
    votes = []
    try:
        lines = path.read_text("utf-8", errors="replace").splitlines()
    except FileNotFoundError:
        return []
    for line in lines:
        try:
            vote = json.loads(line)
        except json.JSONDecodeError:
            continue
        if isinstance(vote, dict):
            votes.append(vote)
    return votes


def votes_table(votes: Iterable[dict[str, Any]], width: int = 60) -> str:
    """A small table for the terminal: time, vote, generator, sources, question."""
    rows = [("time", "vote", "generator", "sources", "question")]
    up = down = 0
    for v in votes:
        up += v.get("vote") == "up"
        down += v.get("vote") == "down"
        question = " ".join(str(v.get("question", "")).split())
        if len(question) > width:
            question = question[: width - 1] + "…"
        rows.append(
            (
                str(v.get("time", ""))[:19].replace("T", " "),
                str(v.get("vote", "")),
                str(v.get("generator", "")),
                str(len(v.get("citations") or [])),
                question,
            )
        )
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    lines = [
        "  ".join(cell.ljust(w) for cell, w in zip(r[:4], widths, strict=False)) + "  " + r[4]
        for r in rows
    ]
    lines.append(f"{up} up, {down} down")
    return "\n".join(lines)

"""Score a QA file (the format of shared/eval/README.md) against ``ask``.

Follow-up questions are asked inside a real conversation: their ``history`` turns are
asked first and their answers kept, exactly as a person chatting would.
"""

from __future__ import annotations

import json
import re
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from index.errors import ConfigError
from qa.types import Answer

REFUSAL = re.compile(
    r"\b(?:articles|corpus|sources?)\b.*\b(?:don't|do not|does not|doesn't)\b|\bno information\b",
    re.I,
)


_CURLY = {0x2018: "'", 0x2019: "'", 0x201C: '"', 0x201D: '"'}


def normalise(text: str) -> str:
    text = text.lower().translate(_CURLY)
    text = re.sub(r"[-\u2010-\u2015]", " ", text)
    return " ".join(text.split())


@dataclass
class Row:
    id: str
    kind: str
    correct: bool
    refused: bool
    cited: int
    cited_with_evidence: int
    ms: float
    text: str
    shape: str = ""


@dataclass
class Report:
    rows: list[Row] = field(default_factory=list)

    def _answerable(self) -> list[Row]:
        return [r for r in self.rows if r.kind != "refuse"]

    @property
    def accuracy(self) -> float:
        rows = self._answerable()
        return sum(r.correct for r in rows) / len(rows) if rows else 0.0

    @property
    def citation_precision(self) -> float:
        rows = self._answerable()
        cited = sum(r.cited for r in rows)
        return sum(r.cited_with_evidence for r in rows) / cited if cited else 0.0

    @property
    def supported(self) -> float:
        rows = self._answerable()
        return sum(r.cited_with_evidence > 0 for r in rows) / len(rows) if rows else 0.0

    @property
    def refusals(self) -> float:
        rows = [r for r in self.rows if r.kind == "refuse"]
        return sum(r.correct for r in rows) / len(rows) if rows else 0.0

    @property
    def false_refusals(self) -> float:
        rows = self._answerable()
        return sum(r.refused for r in rows) / len(rows) if rows else 0.0

    @property
    def p50_ms(self) -> float:
        return statistics.median(r.ms for r in self.rows) if self.rows else 0.0

    def table(self) -> str:
        lines = [f"{'id':<8} {'kind':<9} {'ok':<3} {'cites':<6} {'ms':>6}  answer"]
        for r in self.rows:
            cites = f"{r.cited_with_evidence}/{r.cited}"
            lines.append(
                f"{r.id:<8} {r.kind:<9} {'✓' if r.correct else '✗':<3} {cites:<6} {r.ms:>6.0f}  {r.text[:90]}"
            )
        return "\n".join(lines)

    def by_shape(self) -> str:
        """Accuracy per question shape (for ``refuse``: the share correctly refused)."""
        shapes: dict[str, list[Row]] = {}
        for r in self.rows:
            shapes.setdefault(r.shape or r.kind, []).append(r)
        return " · ".join(
            f"{shape} {sum(r.correct for r in rows) / len(rows):.2f} ({len(rows)})"
            for shape, rows in sorted(shapes.items())
        )

    def summary(self) -> str:
        return (
            f"accuracy {self.accuracy:.2f} · citation precision {self.citation_precision:.2f} · "
            f"supported {self.supported:.2f} · refusals {self.refusals:.2f} · "
            f"false refusals {self.false_refusals:.2f} · p50 {self.p50_ms:.0f} ms · n={len(self.rows)}"
        )


def load_questions(path: Path) -> list[dict[str, Any]]:
    try:
        lines = path.read_text("utf-8").splitlines()
    except OSError as exc:
        raise ConfigError(f"cannot read {path}: {exc.strerror or exc}") from exc
    questions = []
    for number, line in enumerate(lines, start=1):
        if line.strip():
            try:
                questions.append(json.loads(line))
            except json.JSONDecodeError as exc:
                raise ConfigError(f"{path}:{number} is not valid JSON: {exc.msg}") from exc
    return questions


def evaluate(questions: Sequence[dict[str, Any]], ask: Callable[..., Answer]) -> Report:
    report = Report()
    for q in questions:
        history: list[dict[str, str]] = []
        for turn in q.get("history", []):
            earlier = ask(turn, history)
            history += [
                {"role": "user", "content": turn},
                {"role": "assistant", "content": earlier.text},
            ]
        started = time.perf_counter()
        answer = ask(q["question"], history)
        ms = (time.perf_counter() - started) * 1000
        report.rows.append(_score(q, answer, ms))
    return report


def _score(q: dict[str, Any], answer: Answer, ms: float) -> Row:
    text = normalise(answer.text)
    evidence = [normalise(e) for e in q.get("evidence", [])]
    with_evidence = sum(any(e in normalise(c.text) for e in evidence) for c in answer.citations)
    if q["kind"] == "refuse":
        correct = not answer.citations and bool(REFUSAL.search(answer.text))
    else:
        correct = all(any(normalise(alt) in text for alt in group) for group in q.get("all_of", []))
        if q.get("expect_yesno"):
            correct = correct and first_yes_no(text) == q["expect_yesno"]
        if q.get("order"):
            correct = correct and in_order(text, [normalise(o) for o in q["order"]])
    return Row(
        id=str(q.get("id", "")),
        kind=str(q["kind"]),
        correct=correct,
        refused=answer.refused or not answer.citations,
        cited=len(answer.citations),
        cited_with_evidence=with_evidence,
        ms=ms,
        text=answer.text,
        shape=str(q.get("shape", "")),
    )


def first_yes_no(text: str) -> str:
    """The answer's first "yes" or "no" as a word: what a strict reader takes as its verdict."""
    match = re.search(r"\b(yes|no)\b", text)
    return match.group(1) if match else ""


def in_order(text: str, items: list[str]) -> bool:
    """Whether each item occurs in ``text`` after the one before it."""
    at = -1
    for item in items:
        found = text.find(item, at + 1)
        if found < 0:
            return False
        at = found
    return True

"""`newsdesk chat --save FILE` and `newsdesk ask` on a terminal, with a real index."""

from __future__ import annotations

import io
import re
import sys
from pathlib import Path

import pytest

from index import Settings, ingest
from tests.conftest import SEED_CORPUS
from ui.cli import main


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("cli") / "index"
    ingest(Settings(index_dir=folder), [SEED_CORPUS])
    return folder


def test_chat_save_keeps_the_conversation_with_numbered_sources(
    index_dir: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    questions = [
        "What did Zamir Kabulov say about Pakistan?",
        "What did he warn could happen if too much pressure was put on it?",
        "",
    ]
    monkeypatch.setattr(sys, "stdin", io.StringIO("\n".join(questions) + "\n"))
    saved = tmp_path / "talk.md"
    assert main(["--index-dir", str(index_dir), "chat", "--save", str(saved)]) == 0
    printed = capsys.readouterr().out
    text = saved.read_text("utf-8")
    assert text.startswith("# Newsdesk: What did Zamir Kabulov say about Pakistan?")
    assert f"## {questions[0]}" in text and f"## {questions[1]}" in text
    assert "destabilise" in text
    sources = re.findall(r"^\[(\d+)\] (.+?)\. ", text, re.M)
    assert sources and sources[0][0] == "1"
    for number, title in sources:
        assert f"[{number}] {title}" in printed  # the same sources the terminal showed

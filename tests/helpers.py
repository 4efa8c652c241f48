"""Small helpers for tests: settings for a tmp index, reading Chroma back directly, and a
running `newsdesk serve`."""

from __future__ import annotations

import contextlib
import itertools
import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import chromadb
import pytest

from index import Settings
from index.text import jaccard, word_shingles

# Page furniture seen in the seed corpus: none of it may survive cleaning.
SEED_FURNITURE = [
    "Skip to main content",
    "Share this post",
    "Read: 788",
    "Advertisement",
    "Thumbnail",
    "More about",
    "Must read",
    "Latest news",
    "News Line",
    "Thursday April 25, 2024",
]


def settings_for(tmp_path: Path, **overrides: object) -> Settings:
    return Settings.from_env(index_dir=tmp_path / "index", **overrides)


def stored_chunks(settings: Settings) -> tuple[list[str], list[str], list[dict[str, object]]]:
    """Every stored chunk's id, text and metadata, read straight from Chroma."""
    client = chromadb.PersistentClient(path=str(settings.index_dir))
    got = client.get_collection(settings.collection).get(include=["documents", "metadatas"])
    return got["ids"], list(got["documents"] or []), [dict(m or {}) for m in got["metadatas"] or []]


def most_similar_pair(texts: list[str]) -> float:
    shingles = [word_shingles(t, 3) for t in texts]
    return max((jaccard(a, b) for a, b in itertools.combinations(shingles, 2)), default=0.0)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def get_json(url: str) -> tuple[int, dict]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


@contextlib.contextmanager
def running_server(
    index_dir: Path, log_path: Path, extra_env: dict[str, str] | None = None
) -> Iterator[str]:
    """`newsdesk serve` on a free port until the block ends; yields its base URL."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSDESK_")}
    env["NEWSDESK_INDEX_DIR"] = str(index_dir)
    env.update(extra_env or {})
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "ui.cli", "serve", "--port", str(port)],
            cwd=Path(__file__).resolve().parents[1],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        url = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 240
            while True:
                if process.poll() is not None:
                    pytest.fail(f"the server exited: {log_path.read_text()[-3000:]}")
                if time.monotonic() > deadline:
                    pytest.fail("the server did not answer /healthz within 240 s")
                try:
                    get_json(f"{url}/healthz")
                    break
                except OSError:
                    time.sleep(0.5)
            yield url
        finally:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()

"""Load: many people chatting with one server at once, over loopback.

    .venv/bin/python bench/load.py [--conversations 16] [--questions 25] [--index-dir DIR]

Starts `newsdesk serve` over the bundled corpus on a free loopback port, then:

1. plays every conversation alone, one after another, through `gradio_client` (its own
   session each, as a browser tab has), recording each reply: the reference;
2. plays all conversations at once, one thread and one session each, and times each turn.

Conversations use the chat endpoint, whose conversation memory lives in the server's
per-session state, and ask follow-ups ("Who said that?"). Each starts at a different
point of the question list, so at any moment the sessions ask different things. A reply
that differs from the reference means an answer reached the wrong conversation (or the
server mixed up their memories); an exception is an error. Both must be zero.

Bounded: at most conversations x questions turns, each with a 120 s timeout.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from index import Settings, ingest  # noqa: E402

FOLLOW_UPS = ["Who said that?", "When was that?", "What else do the articles say about it?"]
TURN_TIMEOUT = 120


def question_list() -> list[str]:
    """The public smoke questions, with a follow-up after every third."""
    questions = [
        json.loads(line)["question"]
        for line in (ROOT.parent / "shared" / "eval" / "dev_qa.jsonl").read_text().splitlines()
        if line.strip()
    ]
    out: list[str] = []
    for i, question in enumerate(questions):
        out.append(question)
        if i % 3 == 2:
            out.append(FOLLOW_UPS[(i // 3) % len(FOLLOW_UPS)])
    return out


def conversation(i: int, turns: int, pool: list[str]) -> list[str]:
    start = (i * 7) % len(pool)
    questions = [pool[(start + j) % len(pool)] for j in range(turns)]
    if questions[0] in FOLLOW_UPS:  # a conversation cannot open with "Who said that?"
        questions[0] = pool[0]
    return questions


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(index_dir: Path, log: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSDESK_")}
    env.update(NEWSDESK_INDEX_DIR=str(index_dir), GRADIO_ANALYTICS_ENABLED="False")
    process = subprocess.Popen(
        [sys.executable, "-m", "ui.cli", "serve", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"the server exited; see {log}")
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=5):
                return process, url
        except OSError:
            time.sleep(0.5)
    process.kill()
    raise SystemExit("the server did not start within 300 s")


def text_of(message: dict[str, Any]) -> str:
    content = message["content"]
    if isinstance(content, list):
        return "".join(part.get("text", "") for part in content)
    return str(content)


def play(url: str, questions: list[str], start: threading.Barrier | None = None) -> dict:
    """One conversation in its own session: replies, per-turn seconds, errors."""
    from gradio_client import Client

    client = Client(url + "/", verbose=False)
    shown: list[dict[str, Any]] = []
    replies: list[str] = []
    seconds: list[float] = []
    errors: list[str] = []
    if start is not None:
        start.wait()
    for question in questions:
        began = time.perf_counter()
        try:
            job = client.submit(question, shown, 10, [], "", "", api_name="/chat")
            new_shown, _cards, _box = job.result(timeout=TURN_TIMEOUT)
        except Exception as exc:  # counted and reported, never hidden
            errors.append(f"{question[:50]!r}: {type(exc).__name__}: {exc}"[:300])
            replies.append("<error>")
            continue
        seconds.append(time.perf_counter() - began)
        if len(new_shown) != len(shown) + 2 or text_of(new_shown[-2]).replace("\\", "") != question:
            errors.append(f"{question[:50]!r}: the transcript came back with another turn")
        replies.append(text_of(new_shown[-1]))
        shown = new_shown
    return {"replies": replies, "seconds": seconds, "errors": errors}


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--conversations", type=int, default=16)
    parser.add_argument("--questions", type=int, default=25)
    parser.add_argument("--index-dir", type=Path, default=ROOT / ".newsdesk" / "bench-seed")
    parser.add_argument("--corpus", type=Path, default=ROOT / "corpus")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "load.json")
    args = parser.parse_args()

    ingest(Settings(index_dir=args.index_dir), [args.corpus])
    pool = question_list()
    plans = [conversation(i, args.questions, pool) for i in range(args.conversations)]
    args.out.parent.mkdir(parents=True, exist_ok=True)
    spawned = time.perf_counter()
    server, url = start_server(args.index_dir, args.out.with_suffix(".server.log"))
    try:
        listening_s = time.perf_counter() - spawned
        play(url, pool[:1])  # the first answer also warms the caches
        first_answer_s = time.perf_counter() - spawned
        began = time.perf_counter()
        alone = [play(url, plan) for plan in plans]
        alone_wall = time.perf_counter() - began

        barrier = threading.Barrier(args.conversations)
        began = time.perf_counter()
        with ThreadPoolExecutor(args.conversations) as pool_:
            together = list(pool_.map(lambda plan: play(url, plan, barrier), plans))
        wall = time.perf_counter() - began
    finally:
        server.terminate()
        server.wait(timeout=30)

    turns = args.conversations * args.questions
    errors = [e for r in together for e in r["errors"]] + [e for r in alone for e in r["errors"]]
    wrong = sum(
        a != b
        for solo, busy in zip(alone, together, strict=True)
        for a, b in zip(solo["replies"], busy["replies"], strict=True)
        if "<error>" not in (a, b)
    )
    busy_s = [s for r in together for s in r["seconds"]]
    solo_s = [s for r in alone for s in r["seconds"]]
    result = {
        "conversations": args.conversations,
        "questions each": args.questions,
        "turns": turns,
        "errors": len(errors),
        "replies unlike the same conversation played alone": wrong,
        "concurrent p50 s": round(statistics.median(busy_s), 3),
        "concurrent p95 s": round(percentile(busy_s, 0.95), 3),
        "concurrent throughput turns/s": round(turns / wall, 2),
        "one at a time p50 s": round(statistics.median(solo_s), 3),
        "one at a time throughput turns/s": round(turns / alone_wall, 2),
        "server start to /healthz s": round(listening_s, 1),
        "server start to first answer s": round(first_answer_s, 1),
        "cpu cores": os.cpu_count(),
        "first errors": errors[:5],
    }
    args.out.write_text(json.dumps(result, indent=2), "utf-8")
    print(json.dumps(result, indent=2))
    return 0 if not errors and not wrong else 1


if __name__ == "__main__":
    sys.exit(main())

"""Cold start to the first answer: a fresh process imports qa, opens the index, answers.

    .venv/bin/python bench/cold_start.py --index-dir DIR [--runs 3] [--code ROOT]

Each run is a new Python process started with the clock already running; it imports
``qa``, calls ``ask`` once and reports the seconds from its spawn to the answer, and its
peak RSS. One untimed run first (it builds whatever the code saves on first use, and
warms the page cache for every run alike), then ``--runs`` timed ones; the median is
the figure. ``--code`` runs another checkout's code (e.g. a worktree of an older commit)
on the same index, so a before/after comparison differs only in the code. Runs on the
CPU (``NEWSDESK_DEVICE=cpu``), and on CUDA as well when torch sees a device.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
QUESTION = "Which company announced a new AI model?"

CHILD = """
import json, resource, sys, time
sys.path.insert(0, sys.argv[1])
import qa
answer = qa.ask(sys.argv[3])
seconds = time.time() - float(sys.argv[2])
rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
print(json.dumps({"seconds": seconds, "rss_mb": rss_mb, "refused": answer.refused}))
"""


def one_run(code: Path, index_dir: Path, question: str, device: str) -> dict[str, float]:
    env = {
        **os.environ,
        "NEWSDESK_INDEX_DIR": str(index_dir),
        "NEWSDESK_DEVICE": device,
        "HF_HUB_OFFLINE": "1",
        "TOKENIZERS_PARALLELISM": "false",
        "ANONYMIZED_TELEMETRY": "False",
    }
    result = subprocess.run(
        [sys.executable, "-c", CHILD, str(code), repr(time.time()), question],
        cwd=code,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    if result.returncode != 0:
        raise SystemExit(result.stderr[-3000:])
    data: dict[str, float] = json.loads(result.stdout.strip().splitlines()[-1])
    return data


def devices() -> list[str]:
    import torch

    return ["cpu", "cuda"] if torch.cuda.is_available() else ["cpu"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--index-dir", type=Path, required=True)
    parser.add_argument("--code", type=Path, default=ROOT, help="checkout whose code runs")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--question", default=QUESTION)
    args = parser.parse_args()
    for device in devices():
        one_run(args.code, args.index_dir, args.question, device)
        runs = [one_run(args.code, args.index_dir, args.question, device) for _ in range(args.runs)]
        seconds = [r["seconds"] for r in runs]
        print(
            f"{device}: cold start to first answer median {statistics.median(seconds):.2f} s "
            f"(runs {', '.join(f'{s:.2f}' for s in seconds)}), "
            f"peak RSS {max(r['rss_mb'] for r in runs)} MB; code {args.code}, "
            f"index {args.index_dir}",
            flush=True,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""ask() and retrieve() latency on an index, in a warm process.

    .venv/bin/python bench/latency.py [--index-dir DIR] [--corpus PATH]
    .venv/bin/python bench/latency.py --index-dir DIR --corpus PATH --by-shape QSET.jsonl

Builds (or reuses) the index of the bundled corpus and warms the process with one
question. Then it times retrieve() on each question of ../shared/eval/dev_qa.jsonl,
then ask() on each, twice: first with the candidate sentences not yet embedded (the
question's own vector is cached by then), and again with everything cached.

With ``--by-shape``, the questions are those of a question set instead, and ask()
(first time) is reported per shape as the set labels it (summaries and timelines embed
the sentences of several articles, so they are reported apart from factoids).

"First time" means not yet embedded in this process. Candidate sentences that a warm-up
(``newsdesk warm``) stored in the index folder are read, not embedded; the first line
says how many of the index's candidate texts are stored. ``--without-stored-vectors``
ignores them, as an index that was never warmed answers.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from index import Settings, embedding, ingest  # noqa: E402
from index.sentence_vectors import SentenceVectors  # noqa: E402
from qa import ask, retrieve  # noqa: E402
from qa.engine import get_engine  # noqa: E402
from qa.warm import corpus_candidates  # noqa: E402


def percentiles(samples: list[float]) -> str:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]
    return f"p50 {statistics.median(ordered):.0f} ms, p95 {p95:.0f} ms"


def timed(fn, *args, **kwargs) -> float:  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    fn(*args, **kwargs)
    return (time.perf_counter() - started) * 1000


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--index-dir", type=Path, default=ROOT / ".newsdesk" / "bench-seed")
    parser.add_argument("--corpus", type=Path, default=ROOT / "corpus")
    parser.add_argument("--by-shape", type=Path, help="a question set (JSONL with shape)")
    parser.add_argument(
        "--without-stored-vectors",
        action="store_true",
        help="embed every candidate sentence, as if the index had never been warmed",
    )
    args = parser.parse_args()
    settings = Settings(index_dir=args.index_dir)
    ingest(settings, [args.corpus])
    stored_vectors(settings, use=not args.without_stored_vectors)
    if args.by_shape:
        return by_shape(settings, args.by_shape)
    questions = [
        json.loads(line)["question"]
        for line in (ROOT.parent / "shared" / "eval" / "dev_qa.jsonl").read_text().splitlines()
        if line.strip()
    ]
    ask("What is this corpus about?", settings=settings)
    retrieval = [timed(retrieve, q, 10, settings=settings) for q in questions]
    cold = [timed(ask, q, settings=settings) for q in questions]
    cached = [timed(ask, q, settings=settings) for q in questions]
    print(f"index {settings.index_dir}: {len(questions)} questions")
    print(f"  retrieve(k=10)      {percentiles(retrieval)}")
    print(f"  ask, first time     {percentiles(cold)}")
    print(f"  ask, cached vectors {percentiles(cached)}")
    return 0


def stored_vectors(settings: Settings, use: bool) -> None:
    """Print how many candidate texts have a stored vector; with ``use`` False, give
    the engine an empty store (in a scratch folder) so that every candidate is embedded."""
    engine = get_engine(settings)
    texts = corpus_candidates(engine.lexical.texts)
    missing = len(engine.sentence_vectors.missing(texts))
    print(f"stored sentence vectors: {len(texts) - missing:,} of {len(texts):,} candidate texts")
    if not use:
        scratch = Path(tempfile.mkdtemp(prefix="no-stored-vectors-"))
        engine.sentence_vectors = SentenceVectors(scratch, embedding.model_name(settings))
        print("  not used (--without-stored-vectors)")


def by_shape(settings: Settings, qset: Path) -> int:
    rows = [json.loads(line) for line in qset.read_text("utf-8").splitlines() if line.strip()]
    ask("What is this corpus about?", settings=settings)
    for row in rows:  # every question's retrieval lanes embedded, as in the main run
        retrieve(row["question"], 10, settings=settings)
    times: dict[str, list[float]] = {}
    for row in rows:
        times.setdefault(row["shape"], []).append(timed(ask, row["question"], settings=settings))
    print(f"index {settings.index_dir}: {len(rows)} questions of {qset.name}, ask first time")
    for shape, samples in sorted(times.items()):
        print(f"  {shape:<12} n={len(samples):<3} {percentiles(samples)}")
    every = [t for samples in times.values() for t in samples]
    print(f"  {'all':<12} n={len(every):<3} {percentiles(every)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

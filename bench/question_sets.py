"""Every question set of the project, on both corpora, in one run, answer by answer.

    .venv/bin/python bench/question_sets.py --multihop-index DIR [--heldout] [--only NAME]
    .venv/bin/python bench/question_sets.py --multihop-index DIR --compare OLD.json

Runs the public smoke set, ``tests/data/extra_qa.jsonl``, ``bench/data/heldout_qa.jsonl``
and every ``bench/data/qsets/*.jsonl`` that is not a held-out half (``--heldout`` adds
those: run them once, at the end of a piece of work). Each set is asked of the index of
its corpus (the bundled corpus is indexed under ``.newsdesk/bench-seed``; the MultiHop-RAG
index is ``--multihop-index``), scored as ``newsdesk eval`` scores it, and every answer is
written to ``bench/results/question_sets.json``. With ``--compare`` the answers that
changed against an earlier run's file are listed, with their right/wrong before and after:
a change that fixes one question and breaks another shows here.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from index import Settings, ingest  # noqa: E402
from qa import ask, evaluate, load_questions  # noqa: E402

SHARED = ROOT.parent / "shared"
QSETS = ROOT / "bench" / "data" / "qsets"
RESULTS = ROOT / "bench" / "results" / "question_sets.json"


def question_sets(heldout: bool) -> list[Path]:
    sets = [
        SHARED / "eval" / "dev_qa.jsonl",
        ROOT / "tests" / "data" / "extra_qa.jsonl",
        ROOT / "bench" / "data" / "heldout_qa.jsonl",
    ]
    sets += [p for p in sorted(QSETS.glob("*.jsonl")) if heldout or "heldout" not in p.stem]
    return sets


def corpus_of(questions: list[dict[str, Any]]) -> str:
    corpora = {q.get("corpus", "bundled") for q in questions}
    if len(corpora) != 1:
        raise SystemExit(f"a question set mixes corpora: {sorted(corpora)}")
    return corpora.pop()


def run(paths: list[Path], settings_for: dict[str, Settings]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for path in paths:
        questions = load_questions(path)
        settings = settings_for[corpus_of(questions)]
        report = evaluate(questions, lambda q, h, s=settings: ask(q, h, settings=s))
        out[path.stem] = {
            "summary": report.summary(),
            "by_shape": report.by_shape(),
            "accuracy": report.accuracy,
            "refusals": report.refusals,
            "false_refusals": report.false_refusals,
            "answers": {
                r.id: {"ok": r.correct, "shape": r.shape, "text": r.text} for r in report.rows
            },
        }
        print(f"{path.stem:<28} {report.summary()}")
        if any(r.shape for r in report.rows):
            print(f"{'':<28} {report.by_shape()}")
    return out


def compare(old: dict[str, Any], new: dict[str, Any]) -> None:
    gained = lost = reworded = 0
    for name, result in new.items():
        before = old.get(name, {}).get("answers", {})
        for qid, answer in result["answers"].items():
            was = before.get(qid)
            if was is None or was["text"] == answer["text"]:
                continue
            mark = {(False, True): "+", (True, False): "-"}.get((was["ok"], answer["ok"]), "~")
            gained += mark == "+"
            lost += mark == "-"
            reworded += mark == "~"
            print(f"{mark} {name} {qid} [{answer['shape']}]")
            print(f"    before: {was['text'][:300]}")
            print(f"    after:  {answer['text'][:300]}")
    print(f"changed answers: {gained} newly right, {lost} newly wrong, {reworded} reworded")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--multihop-index", type=Path, required=True)
    parser.add_argument("--heldout", action="store_true", help="also the held-out halves")
    parser.add_argument("--only", action="append", default=[], help="set names (file stems)")
    parser.add_argument("--compare", type=Path, help="an earlier run's question_sets.json")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args()
    bundled = Settings(index_dir=ROOT / ".newsdesk" / "bench-seed")
    ingest(bundled, [ROOT / "corpus"])
    settings_for = {"bundled": bundled, "multihop": Settings(index_dir=args.multihop_index)}
    paths = question_sets(args.heldout)
    if args.only:
        paths = [p for p in paths if p.stem in args.only]
    result = run(paths, settings_for)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=1, ensure_ascii=False), "utf-8")
    if args.compare:
        compare(json.loads(args.compare.read_text("utf-8")), result)
    return 0


if __name__ == "__main__":
    sys.exit(main())

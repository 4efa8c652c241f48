"""The ``newsdesk`` command: ``ingest`` and ``stats`` (``ask``, ``chat``, ``serve``, ``eval`` follow).

Errors from our exception tree are printed as one line with what to do, and the exit
code is 1 (2 for bad usage); a traceback means a bug.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from index import NewsdeskError, Settings, index_stats, ingest


def _offline_environment() -> None:
    for name, value in {
        "HF_HUB_OFFLINE": "1",
        "TRANSFORMERS_OFFLINE": "1",
        "ANONYMIZED_TELEMETRY": "False",
        "GRADIO_ANALYTICS_ENABLED": "False",
        "TOKENIZERS_PARALLELISM": "false",
    }.items():
        os.environ.setdefault(name, value)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="newsdesk", description="Cited answers from a folder of news articles."
    )
    parser.add_argument(
        "--index-dir",
        type=Path,
        help="index folder (default .newsdesk/index, or NEWSDESK_INDEX_DIR)",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p_ingest = commands.add_parser("ingest", help="add article files to the index, or update it")
    p_ingest.add_argument("paths", nargs="*", type=Path, help="files or folders (default: corpus/)")
    p_ingest.add_argument("--chunk-tokens", type=int, help="token budget of a chunk (default 256)")
    p_ingest.add_argument("--batch-size", type=int, help="texts per embedding batch (default 32)")
    p_ingest.add_argument(
        "--replace", action="store_true", help="forget folders ingested before; index only these"
    )
    p_ingest.add_argument("--rebuild", action="store_true", help="re-embed everything from scratch")
    p_ingest.add_argument("--quiet", action="store_true", help="no progress bar")

    commands.add_parser("stats", help="show what the index holds")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    _offline_environment()
    args = build_parser().parse_args(argv)
    try:
        settings = Settings.from_env(
            index_dir=args.index_dir,
            chunk_tokens=getattr(args, "chunk_tokens", None),
            embed_batch_size=getattr(args, "batch_size", None),
        )
        if args.command == "ingest":
            return _ingest(settings, args)
        if args.command == "stats":
            print(index_stats(settings).summary())
            return 0
    except NewsdeskError as exc:
        print(f"newsdesk: error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("newsdesk: interrupted; run the same command again to finish", file=sys.stderr)
        return 130
    return 2


def _ingest(settings: Settings, args: argparse.Namespace) -> int:
    bar = None

    def progress(done: int, total: int) -> None:
        nonlocal bar
        if args.quiet:
            return
        if bar is None:
            from tqdm import tqdm

            bar = tqdm(total=total, unit="chunk", desc="embedding", file=sys.stderr)
        bar.update(done - bar.n)

    try:
        report = ingest(
            settings,
            args.paths or None,
            replace=args.replace,
            rebuild=args.rebuild,
            progress=progress,
        )
    finally:
        if bar is not None:
            bar.close()
    for path, reason in report.skipped:
        print(f"newsdesk: warning: skipped {path}: {reason}", file=sys.stderr)
    print(report.summary(with_skipped=False))
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

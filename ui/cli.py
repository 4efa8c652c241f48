"""The ``newsdesk`` command: ``ingest``, ``stats``, ``ask``, ``chat``, ``eval``, ``serve``,
``feedback`` and ``hash-password``.

Errors from our exception tree are printed as one line with what to do, and the exit
code is 1 (2 for bad usage); a traceback means a bug.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

from index import NewsdeskError, Settings, index_stats, ingest
from ui import conversations, feedback


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
    parser.add_argument(
        "--chroma-url", help="use a Chroma server (`chroma run`) instead of the embedded store"
    )
    parser.add_argument(
        "--generator",
        choices=["extractive", "llm"],
        help="answer generator (default: llm when an LLM server is configured)",
    )
    parser.add_argument(
        "--llm-base-url", help="OpenAI-compatible server, e.g. http://127.0.0.1:11434/v1"
    )
    parser.add_argument("--llm-model", help="model name on that server")
    parser.add_argument(
        "--auth",
        help="sign-in for `serve`: a file of user:hash[:admin] lines (or NEWSDESK_AUTH)",
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
    p_warm = commands.add_parser(
        "warm", help="embed the articles' sentences now, so answers need not (resumable)"
    )
    p_warm.add_argument("--quiet", action="store_true", help="no progress bar")

    p_ask = commands.add_parser("ask", help="answer one question with citations")
    p_ask.add_argument("question")
    p_ask.add_argument("-k", type=int, default=10, help="passages to retrieve (default 10)")
    p_ask.add_argument("--json", action="store_true", help="print the answer as JSON")
    p_ask.add_argument(
        "--source", action="append", dest="sources", help="only this outlet/file (repeatable)"
    )
    p_ask.add_argument(
        "--from", dest="date_from", type=_date, help="only articles from this date (YYYY-MM-DD)"
    )
    p_ask.add_argument(
        "--to", dest="date_to", type=_date, help="only articles up to this date (YYYY-MM-DD)"
    )

    p_chat = commands.add_parser("chat", help="a conversation in the terminal")
    p_chat.add_argument("-k", type=int, default=10)
    p_chat.add_argument(
        "--save", type=Path, metavar="FILE", help="keep the conversation as Markdown in FILE"
    )

    p_serve = commands.add_parser("serve", help="start the browser chat")
    p_serve.add_argument("--host", default="127.0.0.1", help="address to listen on")
    p_serve.add_argument("--port", type=int, default=7860, help="port (default 7860)")

    p_eval = commands.add_parser("eval", help="score a QA file (see shared/eval/README.md)")
    p_eval.add_argument("file", type=Path)

    commands.add_parser("feedback", help="readers' votes on answers (feedback.jsonl)")

    p_hash = commands.add_parser(
        "hash-password", help="print a NEWSDESK_AUTH line for a user (asks for the password)"
    )
    p_hash.add_argument("user")
    p_hash.add_argument("--admin", action="store_true", help="the user may upload articles")
    return parser


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date like 2023-10-31") from exc


def main(argv: Sequence[str] | None = None) -> int:
    _offline_environment()
    args = build_parser().parse_args(argv)
    try:
        settings = Settings.from_env(
            index_dir=args.index_dir,
            chunk_tokens=getattr(args, "chunk_tokens", None),
            embed_batch_size=getattr(args, "batch_size", None),
            chroma_url=args.chroma_url,
            generator=args.generator,
            llm_base_url=args.llm_base_url,
            llm_model=args.llm_model,
            auth=str(args.auth) if args.auth else None,
        )
        if args.command == "ingest":
            return _ingest(settings, args)
        if args.command == "stats":
            print(index_stats(settings).summary())
            return 0
        if args.command == "warm":
            return _warm(settings, args)
        if args.command == "ask":
            return _ask(settings, args)
        if args.command == "chat":
            return _chat(settings, args)
        if args.command == "eval":
            return _eval(settings, args)
        if args.command == "feedback":
            print(feedback.votes_table(feedback.read_votes(feedback.feedback_path(settings))))
            return 0
        if args.command == "hash-password":
            return _hash_password(args)
        if args.command == "serve":
            from ui.app import serve

            serve(settings, host=args.host, port=args.port)
            return 0
    except NewsdeskError as exc:
        print(f"newsdesk: error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("newsdesk: interrupted; run the same command again to finish", file=sys.stderr)
        return 130
    return 2


class _ProgressBar:
    """A tqdm bar on stderr, opened at the first report (``--quiet``: none at all)."""

    def __init__(self, unit: str, quiet: bool) -> None:
        self.unit, self.quiet = unit, quiet
        self.bar: Any = None

    def __call__(self, done: int, total: int) -> None:
        if self.quiet:
            return
        if self.bar is None:
            from tqdm import tqdm

            self.bar = tqdm(total=total, unit=self.unit, desc="embedding", file=sys.stderr)
        self.bar.update(done - self.bar.n)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def _warm(settings: Settings, args: argparse.Namespace) -> int:
    from qa import warm_sentence_vectors

    progress = _ProgressBar("sentence", args.quiet)
    try:
        report = warm_sentence_vectors(settings, progress=progress)
    finally:
        progress.close()
    print(
        f"{report.texts:,} candidate sentences in the index; {report.embedded:,} embedded "
        f"now in {report.seconds:.1f} s, the rest were stored already"
    )
    return 0


def _ingest(settings: Settings, args: argparse.Namespace) -> int:
    progress = _ProgressBar("chunk", args.quiet)
    try:
        report = ingest(
            settings,
            args.paths or None,
            replace=args.replace,
            rebuild=args.rebuild,
            progress=progress,
        )
    finally:
        progress.close()
    for path, reason in report.skipped:
        print(f"newsdesk: warning: skipped {path}: {reason}", file=sys.stderr)
    print(report.summary(with_skipped=False))
    if report.chunks_added:
        print(
            "Answers are about four times faster once the new sentences are embedded: "
            "`newsdesk warm` does it now, `newsdesk serve` in the background."
        )
    return 0


def _ask(settings: Settings, args: argparse.Namespace) -> int:
    from qa import ask_stream

    stream = ask_stream(
        args.question,
        k=args.k,
        sources=args.sources,
        date_from=args.date_from,
        date_to=args.date_to,
        settings=settings,
        pieces=not args.json,
    )
    live = not args.json and settings.answer_generator == "llm" and sys.stdout.isatty()
    streamed = []
    for piece in stream:
        streamed.append(piece)
        if live:
            print(piece, end="", flush=True)
    answer = stream.answer
    if args.json:
        print(json.dumps(answer.to_dict(), indent=2, ensure_ascii=False))
        return 0
    if live:
        print()
        if "".join(streamed).strip() == answer.text.strip():
            print(render_sources(answer))
            return 0
        print("checked:")
    print(render_answer(answer))
    return 0


def render_answer(answer: Any, *, bold: bool | None = None) -> str:
    """The answer, its short answer first in bold (on a terminal), then its sources."""
    return "\n".join(filter(None, [answer_text(answer, bold=bold), render_sources(answer)]))


def answer_text(answer: Any, *, bold: bool | None = None) -> str:
    """The answer's text; when it begins with the short answer, that part in bold
    (ANSI on a terminal; unchanged when printed to a pipe or file)."""
    if bold is None:
        bold = sys.stdout.isatty()
    from ui.render import split_short_answer

    short, rest = split_short_answer(answer)
    if not bold or not short:
        return str(answer.text)
    return f"\033[1m{short}\033[0m{rest}"


def render_sources(answer: Any) -> str:
    """The numbered sources, then any sentence the citation check could not verify."""
    lines = []
    for c in answer.citations:
        when = f", {c.date}" if c.date else ""
        lines.append(f"  [{c.number}] {c.title} ({c.source}{when})")
    for item in answer.unverified:
        lines.append(f"  unverified: {item.sentence} ({item.reason})")
    if answer.fallback:
        lines.append(f"  note: {answer.fallback}")
    return "\n".join(lines)


def _chat(settings: Settings, args: argparse.Namespace) -> int:
    from qa import QuestionError, ask_stream

    history: list[dict[str, str]] = []
    kept = conversations.new_conversation()
    print("Ask about the articles. An empty line or Ctrl-D ends the chat; /new starts over.")
    if args.save:
        print(f"The conversation is saved as Markdown in {args.save} after each answer.")
    while True:
        try:
            question = input("you> ").strip()
        except EOFError:
            print()
            return 0
        if not question:
            return 0
        if question == "/new":
            history = []
            continue
        try:
            stream = ask_stream(question, history, k=args.k, settings=settings)
            live = settings.answer_generator == "llm"
            for piece in stream:
                if live:
                    print(piece, end="", flush=True)
            answer = stream.answer
        except QuestionError as exc:
            print(f"newsdesk: {exc}")
            continue
        if live:
            print("\nchecked:" if answer.generator == "llm" else "")
        print(render_answer(answer))
        history += [
            {"role": "user", "content": question},
            {"role": "assistant", "content": answer.text},
        ]
        if args.save:
            kept = conversations.add_turn(kept, question, answer.text, answer)
            _save_chat(args.save, kept)


def _save_chat(path: Path, conversation: dict[str, Any]) -> None:
    """Write the whole conversation again, atomically, so an interrupted chat keeps it."""
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(conversations.to_markdown(conversation), "utf-8")
    os.replace(tmp, path)


def _hash_password(args: argparse.Namespace) -> int:
    """Read a password (twice, unechoed on a terminal; one line from a pipe) and print
    the ``user:hash[:admin]`` line for the NEWSDESK_AUTH file."""
    import getpass

    from ui.auth import hash_password

    if ":" in args.user or not args.user.strip():
        print("newsdesk: error: a user name cannot be empty or contain ':'", file=sys.stderr)
        return 2
    if sys.stdin.isatty():
        password = getpass.getpass(f"Password for {args.user}: ")
        if getpass.getpass("Again: ") != password:
            print("newsdesk: error: the passwords differ", file=sys.stderr)
            return 1
    else:
        password = sys.stdin.readline().rstrip("\n")
    if len(password) < 8:
        print("newsdesk: error: use a password of at least 8 characters", file=sys.stderr)
        return 1
    print(f"{args.user}:{hash_password(password)}" + (":admin" if args.admin else ""))
    return 0


def _eval(settings: Settings, args: argparse.Namespace) -> int:
    from qa import ask, evaluate, load_questions

    questions = load_questions(args.file)
    report = evaluate(questions, lambda q, h: ask(q, h, settings=settings))
    print(report.table())
    if any(row.shape for row in report.rows):
        print(f"by shape: {report.by_shape()}")
    print(report.summary())
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

"""The browser chat: a Gradio app over ``qa.ask``, with source cards and uploads.

One process serves the page, the ``ask`` API endpoint (``gradio_client``) and
``GET /healthz``. The app talks to the index only through ``qa``'s public API and
the ingestion pipeline, so it stays a thin layer: what is on screen is what
``ask()`` returned.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import gradio as gr
from fastapi import FastAPI
from fastapi.responses import JSONResponse

from index.errors import IndexNotBuiltError, NewsdeskError
from index.loaders import SUPPORTED_SUFFIXES
from index.manifest import MANIFEST_FILE
from index.settings import Settings
from index.stats import IndexStats, index_stats
from index.store import ChunkStore
from qa import Answer, AnswerStream, ask, ask_stream
from qa.followup import message_text
from ui import render
from ui.uploads import add_uploads

log = logging.getLogger("newsdesk.ui")

CONCURRENCY = 4  # chats answered at once; ask() is CPU-bound, more would only queue in torch
QUEUE_SIZE = 64
REMOTE_STATS_SECONDS = 5  # how often a shared Chroma server is asked whether it changed
DEFAULT_K = 10

CSS = """
.nd-header h1 { margin-bottom: 0.1em; }
.nd-cards { display: flex; flex-direction: column; gap: 0.6em; }
.nd-card { border: 1px solid var(--border-color-primary); border-radius: 8px; padding: 0.6em 0.8em;
           background: var(--background-fill-secondary); }
.nd-card-head { font-weight: 600; }
.nd-num { display: inline-block; min-width: 1.6em; text-align: center; border-radius: 4px;
          background: var(--color-accent-soft); margin-right: 0.3em; }
.nd-card-meta { font-size: 0.85em; color: var(--body-text-color-subdued); margin: 0.2em 0 0.4em; }
.nd-score { float: right; }
.nd-card-text { font-size: 0.9em; white-space: normal; }
.nd-card-text mark { background: #fde68a; color: inherit; padding: 0 0.1em; }
.nd-empty { color: var(--body-text-color-subdued); font-style: italic; }
"""

NO_SOURCES = '<p class="nd-empty">Sources for the latest answer appear here.</p>'
REFUSED_SOURCES = (
    '<p class="nd-empty">No sources: the indexed articles don\'t cover this question.</p>'
)
NO_INDEX_REPLY = (
    "There is no index yet, so I have nothing to answer from. Add articles in the "
    "**Index** tab, or run `newsdesk ingest` on a folder of articles."
)
INTERNAL_ERROR_REPLY = (
    "Something went wrong on our side while answering (the details are in the server "
    "log). Please try again."
)


class _StatsCache:
    """Index stats, read again only when the index may have changed.

    Locally that is when an ingest has touched the manifest. On a shared Chroma server
    another machine may ingest, so at most every few seconds the cache asks for the
    collection's contents marker and chunk count (two small requests) and re-reads every
    chunk's metadata only when either differs: a busy /healthz stays cheap at 100k chunks.
    A problem (server down, no index) is looked at again on the next request.
    """

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._lock = threading.Lock()
        self._key: object = None
        self._value: IndexStats | None = None
        self._problem = ""
        self._store: ChunkStore | None = None
        self._remote_key: tuple[str, int] | None = None
        self._remote_checked_at = 0.0

    def get(self) -> tuple[IndexStats | None, str]:
        with self._lock:
            try:
                key = (self._manifest_mtime(), self._shared_store_key())
                if key != self._key or self._value is None:
                    self._value, self._problem = index_stats(self.settings), ""
                    self._key = key
            except NewsdeskError as exc:
                self._value, self._problem, self._key = None, str(exc), None
                self._store, self._remote_key = None, None
            return self._value, self._problem

    def _manifest_mtime(self) -> float:
        try:
            return (self.settings.index_dir / MANIFEST_FILE).stat().st_mtime
        except OSError:
            return -1.0

    def _shared_store_key(self) -> tuple[str, int] | None:
        if not self.settings.chroma_url:
            return None
        now = time.monotonic()
        if self._remote_key is None or now - self._remote_checked_at >= REMOTE_STATS_SECONDS:
            if self._store is None:
                self._store = ChunkStore(self.settings, create=False)
            self._remote_key = (self._store.contents_marker(), self._store.count())
            self._remote_checked_at = now
        return self._remote_key


def _parse_day(text: str, label: str) -> date | None:
    text = (text or "").strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise NewsdeskError(f'the "{label}" date must look like 2023-10-31, not "{text}"') from None


def _passages(k: object) -> int:
    """The k setting as ``ask`` wants it: the default when unset, an int otherwise."""
    if k is None or k == "":
        return DEFAULT_K
    try:
        return int(float(k))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise NewsdeskError(f"k (passages to read) must be a number, not {k!r}") from None


def build_blocks(settings: Settings) -> gr.Blocks:
    stats_cache = _StatsCache(settings)
    stats, _ = stats_cache.get()
    examples = _answerable_examples(settings) if stats else []

    def start(
        question: str,
        history: list[dict[str, Any]] | None,
        k: float,
        sources: list[str] | None,
        date_from: str,
        date_to: str,
        generator: str | None = None,
    ) -> AnswerStream:
        return ask_stream(
            question,
            history=history,
            k=_passages(k),
            sources=sources or None,
            date_from=_parse_day(date_from, "from"),
            date_to=_parse_day(date_to, "to"),
            generator=generator or None,
            settings=settings,
        )

    def respond(
        message: str,
        conversation: list[dict[str, str]],
        shown: list[dict[str, Any]],
        k: float,
        sources: list[str] | None,
        date_from: str,
        date_to: str,
        generator: str | None = None,
    ) -> Iterator[tuple[list[dict[str, Any]], list[dict[str, str]], str, str]]:
        question = message_text(message).strip()
        if not question:
            yield shown, conversation, gr.skip(), ""
            return
        shown = [*shown, {"role": "user", "content": render.escape_markdown(question)}]
        yield shown, conversation, gr.skip(), ""
        cards = NO_SOURCES
        try:
            stream = start(question, conversation, k, sources, date_from, date_to, generator)
            partial = ""
            for piece in stream:
                partial += piece
                preview = render.answer_markdown(Answer(text=partial), literal=False)
                yield (
                    [*shown, {"role": "assistant", "content": preview}],
                    conversation,
                    gr.skip(),
                    "",
                )
            answer = stream.answer
        except IndexNotBuiltError:
            reply = NO_INDEX_REPLY
        except NewsdeskError as exc:
            reply = f"⚠️ {render.escape_markdown(_sentence(str(exc)))}"
        except Exception:
            log.exception("answering %r failed", question[:200])
            reply = INTERNAL_ERROR_REPLY
        else:
            reply = render.answer_markdown(
                answer, literal=answer.generator == "extractive"
            ) + render.answer_notes(answer)
            cards = render.source_cards(answer.citations) or REFUSED_SOURCES
            conversation = [
                *conversation,
                {"role": "user", "content": question},
                {"role": "assistant", "content": answer.text},
            ]
        yield [*shown, {"role": "assistant", "content": reply}], conversation, cards, ""

    def new_chat() -> tuple[list[dict[str, Any]], list[dict[str, str]], str, str]:
        return [], [], NO_SOURCES, ""

    def upload(
        files: list[str] | None,
        progress: gr.Progress = gr.Progress(),  # noqa: B008 (Gradio's idiom: it injects a tracker)
    ) -> tuple[str, str, str, Any, None]:
        paths = [Path(f) for f in files or []]
        if not paths:
            status = "Choose one or more article files first."
        else:

            def report(done: int, total: int) -> None:
                progress((done, total), desc="Embedding new passages", unit="chunks")

            progress(0, desc="Checking the files")
            try:
                status = add_uploads(settings, paths, progress=report).summary()
            except NewsdeskError as exc:
                status = f"⚠️ {_sentence(str(exc))} Nothing was added."
            except Exception:
                log.exception("upload failed")
                status = "⚠️ The upload failed on our side (details in the server log). Nothing was added."
        current, problem = stats_cache.get()
        return (
            render.escape_markdown(status).replace("\n", "  \n"),
            render.stats_markdown(current, problem),
            render.corpus_line(current),
            gr.Dropdown(choices=list(current.sources) if current else []),
            None,
        )

    def ask_api(
        question: str,
        history: list[dict[str, Any]] | None = None,
        k: int = DEFAULT_K,
        sources: list[str] | None = None,
        date_from: str = "",
        date_to: str = "",
        generator: str = "",
    ) -> dict[str, Any]:
        """Answer a question from the indexed articles. Returns text, refused, citations
        (number, title, source, date, url, text, score, quote) and meta."""
        try:
            stream = start(question, history, k, sources, date_from, date_to, generator)
            for _ in stream:
                pass
            return stream.answer.to_dict()
        except NewsdeskError as exc:
            raise gr.Error(_sentence(str(exc))) from None
        except Exception:
            log.exception("API ask failed")
            raise gr.Error("internal error while answering; see the server log") from None

    blocks = gr.Blocks(title="Newsdesk", analytics_enabled=False)
    with blocks:
        with gr.Column(elem_classes="nd-header"):
            gr.Markdown("# Newsdesk")
            corpus_md = gr.Markdown(render.corpus_line(stats))
        with gr.Tab("Chat"), gr.Row(equal_height=False):
            with gr.Column(scale=3, min_width=320):
                chatbot = gr.Chatbot(
                    label="Conversation",
                    height=520,
                    buttons=["copy"],
                    sanitize_html=True,
                    render_markdown=True,
                    placeholder="Ask a question about the indexed articles.",
                    examples=[{"text": q} for q in examples] or None,
                    elem_id="nd-chat",
                )
                with gr.Row():
                    question_box = gr.Textbox(
                        placeholder="Ask about the articles… (Enter to send)",
                        show_label=False,
                        scale=5,
                        max_lines=6,
                        autofocus=True,
                        elem_id="nd-question",
                    )
                    send = gr.Button("Ask", variant="primary", scale=1, min_width=80)
                clear = gr.Button("New chat", size="sm", variant="secondary")
                with gr.Accordion("Settings", open=False):
                    k_slider = gr.Slider(1, 20, value=DEFAULT_K, step=1, label="Passages to read")
                    source_filter = gr.Dropdown(
                        choices=list(stats.sources) if stats else [],
                        multiselect=True,
                        label="Only these sources",
                    )
                    with gr.Row():
                        from_box = gr.Textbox(label="From date", placeholder="YYYY-MM-DD")
                        to_box = gr.Textbox(label="To date", placeholder="YYYY-MM-DD")
            with gr.Column(scale=2, min_width=300):
                gr.Markdown("### Sources")
                cards = gr.HTML(NO_SOURCES, elem_id="nd-sources")
        with gr.Tab("Index"):
            stats_md = gr.Markdown(render.stats_markdown(*stats_cache.get()))
            uploader = gr.File(
                label=f"Add articles ({', '.join(SUPPORTED_SUFFIXES)}; up to "
                f"{min(settings.max_upload_mb, settings.max_file_mb):g} MB each)",
                file_count="multiple",
                file_types=list(SUPPORTED_SUFFIXES),
                elem_id="nd-upload",
            )
            add_button = gr.Button("Add to index", variant="primary", elem_id="nd-add")
            upload_status = gr.Markdown(elem_id="nd-upload-status")

        conversation = gr.State([])
        chat_inputs = [
            question_box,
            conversation,
            chatbot,
            k_slider,
            source_filter,
            from_box,
            to_box,
        ]
        chat_outputs = [chatbot, conversation, cards, question_box]
        question_box.submit(respond, chat_inputs, chat_outputs, api_name="chat")
        send.click(respond, chat_inputs, chat_outputs, api_visibility="private")
        chatbot.example_select(_example_text, None, question_box, api_visibility="private").then(
            respond, chat_inputs, chat_outputs, api_visibility="private"
        )
        clear.click(new_chat, None, chat_outputs, api_visibility="private")
        chatbot.clear(new_chat, None, chat_outputs, api_visibility="private")
        add_button.click(
            upload,
            [uploader],
            [upload_status, stats_md, corpus_md, source_filter, uploader],
            api_name="upload",
        )
        gr.api(ask_api, api_name="ask")  # type: ignore[attr-defined]
    blocks.queue(default_concurrency_limit=CONCURRENCY, max_size=QUEUE_SIZE)
    return blocks


def _example_text(event: gr.SelectData) -> str:
    value = event.value
    return str(value.get("text", "")) if isinstance(value, dict) else str(value)


def _sentence(text: str) -> str:
    text = text.strip()
    return text[:1].upper() + text[1:] + ("" if text.endswith((".", "!", "?")) else ".")


def _answerable_examples(settings: Settings, limit: int = 4, tries: int = 10) -> list[str]:
    """Example questions about the newest indexed headlines, kept only when Newsdesk
    can answer them: an example that gets "the articles don't say" helps nobody."""
    from qa.engine import get_engine

    try:
        metadatas = get_engine(settings).lexical.metadatas
    except NewsdeskError:
        return []
    docs = {str(m.get("doc_id", "")): m for m in metadatas}
    ordered = sorted(docs.values(), key=lambda m: -int(m.get("date_int") or 0))
    titles = [str(m.get("title", "")) for m in ordered if m.get("title")]
    kept = []
    for question in render.example_questions(titles, limit=tries):
        try:
            if not ask(question, settings=settings).refused:
                kept.append(question)
        except NewsdeskError:
            break
        if len(kept) >= limit:
            break
    return kept


def create_app(settings: Settings) -> FastAPI:
    """The chat at ``/`` and a health check at ``/healthz``, in one ASGI app."""
    app = FastAPI(title="Newsdesk")
    stats_cache = _StatsCache(settings)

    @app.get("/healthz")
    def healthz() -> JSONResponse:
        stats, problem = stats_cache.get()
        if stats is None:
            return JSONResponse({"status": "no index", "detail": problem}, status_code=503)
        if settings.chroma_url:  # the store lives elsewhere: check that it answers now
            try:
                ChunkStore(settings, create=False).count()
            except NewsdeskError as exc:
                return JSONResponse(
                    {"status": "store unavailable", "detail": str(exc)}, status_code=503
                )
        return JSONResponse(
            {
                "status": "ok" if stats.complete else "degraded",
                "documents": stats.documents,
                "chunks": stats.chunks,
                "sources": len(stats.sources),
                "first_date": stats.first_date,
                "last_date": stats.last_date,
                "updated_at": stats.updated_at,
            }
        )

    blocks = build_blocks(settings)
    mounted: FastAPI = gr.mount_gradio_app(
        app,
        blocks,
        path="/",
        css=CSS,
        theme=gr.themes.Soft(),
        footer_links=["api"],
        max_file_size=int(min(settings.max_upload_mb, settings.max_file_mb) * 1_000_000),
        ssr_mode=False,
        show_error=False,
    )
    return mounted


def serve(settings: Settings, host: str = "127.0.0.1", port: int = 7860) -> None:
    import uvicorn

    app = create_app(settings)
    _warm_up(settings)
    print(f"Newsdesk is running at http://{host}:{port}  (Ctrl+C to stop)", flush=True)
    uvicorn.run(app, host=host, port=port, log_level="warning")


def _warm_up(settings: Settings) -> None:
    """Load the embedding model now, so the first question is not the slow one."""
    from qa.engine import get_engine

    try:
        get_engine(settings).embed_query("warm up")
    except NewsdeskError as exc:
        print(f"newsdesk: {exc}", flush=True)

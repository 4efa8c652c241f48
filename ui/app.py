"""The browser chat: a Gradio app over ``qa``'s public API, with source cards, kept
conversations, feedback, sign-in and uploads.

One process serves the page, the ``ask`` API endpoint (``gradio_client``) and
``GET /healthz``. The page's layout is here; what each button does is a named method
of ``ui.handlers.Desk``.
"""

from __future__ import annotations

import base64
import logging
import secrets
import signal
import threading
from pathlib import Path
from typing import Any

import gradio as gr
from fastapi import FastAPI, Request, Response
from fastapi.responses import JSONResponse

from index import SUPPORTED_SUFFIXES
from qa import NewsdeskError, Settings, ask, health, index_info, keep_warm, retrieve
from ui import conversations, render
from ui.auth import LoginLimiter, Users, load_users, upload_permission
from ui.examples import answerable_examples
from ui.handlers import DEFAULT_K, NO_SOURCES, Desk

log = logging.getLogger("newsdesk.ui")

CONCURRENCY = 4  # chats answered at once; ask() is CPU-bound, more would only queue in torch
QUEUE_SIZE = 64
STORAGE_KEY = "newsdesk-conversations"
SECRET_FILE = ".browser-secret"

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


def build_blocks(
    settings: Settings,
    *,
    host: str = "127.0.0.1",
    users: Users | None = None,
    examples: list[str] | None = None,
) -> gr.Blocks:
    """The page: a sidebar of kept conversations, the Chat tab and the Index tab."""
    desk = Desk(settings, host=host, users=users)
    stats, problem = desk.stats()
    if examples is None:
        examples = example_questions(settings) if stats else []

    # Every answer re-exports its conversation, and Gradio serves each export from a
    # copy in its cache: without this, a long-running server keeps one copy per answer.
    # Hourly, copies older than a day go; all of them when the server stops.
    blocks = gr.Blocks(title="Newsdesk", analytics_enabled=False, delete_cache=(3600, 86400))
    with blocks:
        store = gr.BrowserState(
            conversations.empty_store(),
            storage_key=STORAGE_KEY,
            secret=browser_secret(settings),
        )
        session = gr.State(conversations.new_conversation())
        with gr.Sidebar(open=False, label="Conversations"):
            sidebar_new = gr.Button("New chat", size="sm", elem_id="nd-new-chat")
            conversation_list = gr.Radio(
                choices=[], label="Kept in this browser", elem_id="nd-conversations"
            )
            delete = gr.Button(
                "Delete this conversation", size="sm", variant="stop", elem_id="nd-delete"
            )
            if users:
                gr.Button("Sign out", size="sm", link="/logout", elem_id="nd-sign-out")
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
                    feedback_options=("Like", "Dislike"),
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
                with gr.Row():
                    clear = gr.Button(
                        "New chat", size="sm", variant="secondary", elem_id="nd-clear"
                    )
                    export = gr.DownloadButton(
                        "Export as Markdown",
                        size="sm",
                        variant="secondary",
                        interactive=False,
                        elem_id="nd-export",
                    )
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
                    generator_choice = gr.Radio(
                        choices=settings.generators,
                        value=settings.answer_generator,
                        label="Answers written by",
                        visible=len(settings.generators) > 1,
                    )
            with gr.Column(scale=2, min_width=300):
                gr.Markdown("### Sources")
                cards = gr.HTML(NO_SOURCES, elem_id="nd-sources")
        with gr.Tab("Index"):
            stats_md = gr.Markdown(render.stats_markdown(stats, problem))
            # Without sign-in the answer is the same for everyone, so it is settled here;
            # with sign-in it depends on who opens the page (the load event below).
            # Re-rendering the uploader while a person picks a file could drop the file.
            allowed, why = desk.may_upload(None)
            shown_to_all = allowed and not users
            upload_note = gr.Markdown(
                "" if allowed or users else f"🔒 {why}",
                visible=not allowed and not users,
                elem_id="nd-upload-off",
            )
            uploader = gr.File(
                label=f"Add articles ({', '.join(SUPPORTED_SUFFIXES)}; up to "
                f"{min(settings.max_upload_mb, settings.max_file_mb):g} MB each)",
                file_count="multiple",
                file_types=list(SUPPORTED_SUFFIXES),
                elem_id="nd-upload",
                visible=shown_to_all,
            )
            add_button = gr.Button(
                "Add to index", variant="primary", elem_id="nd-add", visible=shown_to_all
            )
            upload_status = gr.Markdown(elem_id="nd-upload-status")

        chat_inputs = [
            question_box,
            session,
            chatbot,
            k_slider,
            source_filter,
            from_box,
            to_box,
            generator_choice,
        ]
        chat_outputs = [chatbot, session, cards, question_box]
        kept_outputs = [store, conversation_list, export]
        private: dict[str, Any] = {"api_visibility": "private"}

        # A question sent while the last answer is still finishing waits for it (Gradio's
        # default, "once", would drop it); the box keeps what is typed meanwhile.
        asked: dict[str, Any] = {"trigger_mode": "always_last"}
        question_box.submit(desk.respond, chat_inputs, chat_outputs, api_name="chat", **asked).then(
            desk.keep, [session, store], kept_outputs, **private
        )
        send.click(desk.respond, chat_inputs, chat_outputs, **private, **asked).then(
            desk.keep, [session, store], kept_outputs, **private
        )
        chatbot.example_select(example_text, None, question_box, **private).then(
            desk.respond, chat_inputs, chat_outputs, **private
        ).then(desk.keep, [session, store], kept_outputs, **private)
        chatbot.like(desk.vote, [session, chatbot], None, **private)

        new_outputs = [chatbot, session, cards, question_box, *kept_outputs]
        for trigger in (clear.click, sidebar_new.click, chatbot.clear):
            trigger(desk.new_chat, [store], new_outputs, **private)
        delete.click(desk.delete_conversation, [session, store], new_outputs, **private)
        conversation_list.input(
            desk.open_conversation,
            [conversation_list, store],
            [chatbot, session, cards, store, export],
            **private,
        )
        blocks.load(
            desk.restore, [store], [chatbot, session, cards, conversation_list, export], **private
        )
        if users:
            blocks.load(desk.upload_access, None, [upload_note, uploader, add_button], **private)

        add_button.click(
            desk.upload,
            [uploader],
            [upload_status, stats_md, corpus_md, source_filter, uploader],
            api_name="upload",
        )
        gr.api(desk.ask_api, api_name="ask")  # type: ignore[attr-defined]
    blocks.queue(default_concurrency_limit=CONCURRENCY, max_size=QUEUE_SIZE)
    return blocks


def example_text(event: gr.SelectData) -> str:
    value = event.value
    return str(value.get("text", "")) if isinstance(value, dict) else str(value)


def example_questions(settings: Settings) -> list[str]:
    """One answerable example question per shape the index can answer.

    They are checked with the extractive generator even when an LLM is configured: it
    says as well whether the index holds the evidence, in milliseconds, and start-up
    then never waits for (or pays) a model server."""
    try:
        documents = index_info(settings).documents
    except NewsdeskError:
        return []
    return answerable_examples(
        documents, lambda q: not ask(q, generator="extractive", settings=settings).refused
    )


def browser_secret(settings: Settings) -> str:
    """The key that encrypts conversations in the browser, kept in the index folder so
    they still open after a restart. Without a writable folder: a key for this run."""
    path = Path(settings.index_dir) / SECRET_FILE
    try:
        if path.is_file():
            return path.read_text("ascii").strip()
        path.parent.mkdir(parents=True, exist_ok=True)
        secret = secrets.token_urlsafe(24)
        path.write_text(secret, "ascii")
        path.chmod(0o600)
        return secret
    except OSError:
        return secrets.token_urlsafe(24)


def create_app(settings: Settings, *, host: str = "127.0.0.1") -> FastAPI:
    """The chat at ``/`` and a health check at ``/healthz``, in one ASGI app.

    With ``settings.auth``, Gradio's sign-in guards the page and its API, ``/healthz``
    wants the sign-in cookie or HTTP basic credentials, and an address that fails
    ``MAX_FAILED_LOGINS`` times in a minute gets 429 until the minute is over.
    """
    users = load_users(settings.auth)
    limiter = LoginLimiter()
    app = FastAPI(title="Newsdesk")
    gradio_app: dict[str, Any] = {}

    async def limit_logins(request: Request, call_next: Any) -> Response:
        if request.method != "POST" or request.url.path.rstrip("/") != "/login":
            response: Response = await call_next(request)
            return response
        address = request.client.host if request.client else "?"
        wait = limiter.retry_after(address)
        if wait > 0:
            log.warning("sign-in from %s refused: too many failed attempts", address)
            return JSONResponse(
                {"detail": f"Too many failed sign-ins; try again in {wait:.0f} s."},
                status_code=429,
                headers={"Retry-After": str(int(wait) + 1)},
            )
        response = await call_next(request)
        if response.status_code == 200:
            limiter.succeeded(address)
        else:
            limiter.failed(address)
            log.info("failed sign-in from %s", address)  # never the password
        return response

    if users:  # without sign-in there is nothing to guess, and no wrapper on every request
        app.middleware("http")(limit_logins)

    @app.get("/healthz")
    def healthz(request: Request) -> JSONResponse:
        if users and not _signed_in(request, users, gradio_app.get("app"), limiter):
            return JSONResponse(
                {"status": "unauthorized", "detail": "sign in, or send basic-auth credentials"},
                status_code=401,
                headers={"WWW-Authenticate": 'Basic realm="newsdesk"'},
            )
        state = health(settings)
        return JSONResponse(state.to_dict(), status_code=200 if state.ok else 503)

    blocks = build_blocks(settings, host=host, users=users)
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
        auth=users.check if users else None,
        auth_message="Sign in to ask Newsdesk." if users else None,
    )
    gradio_app["app"] = next(
        (r.app for r in mounted.routes if getattr(r, "path", None) == "" and hasattr(r, "app")),
        None,
    )
    return mounted


def _signed_in(request: Request, users: Users, gradio_app: Any, limiter: LoginLimiter) -> bool:
    """A Gradio sign-in cookie, or ``Authorization: Basic`` with a valid user."""
    if gradio_app is not None:
        cookie_id = getattr(gradio_app, "cookie_id", "")
        for name in (f"access-token-{cookie_id}", f"access-token-unsecure-{cookie_id}"):
            token = request.cookies.get(name)
            if token and gradio_app.tokens.get(token):
                return True
    header = request.headers.get("authorization", "")
    if not header.lower().startswith("basic "):
        return False
    address = request.client.host if request.client else "?"
    if limiter.retry_after(address) > 0:
        return False
    try:
        user, _, password = base64.b64decode(header[6:]).decode("utf-8").partition(":")
    except (ValueError, UnicodeDecodeError):
        return False
    if users.check(user, password):
        return True
    limiter.failed(address)
    return False


SHUTDOWN_GRACE_SECONDS = 3


def serve(settings: Settings, host: str = "127.0.0.1", port: int = 7860) -> None:
    import uvicorn

    app = create_app(settings, host=host)
    _warm_up(settings)
    if settings.warm:
        # A daemon thread: stopping the server may cut a batch short, which the file
        # survives (a torn last record is ignored) and the next start resumes.
        threading.Thread(
            target=keep_warm, args=(settings, threading.Event()), name="warm", daemon=True
        ).start()
    print(f"Newsdesk is running at http://{host}:{port}  (Ctrl+C to stop)", flush=True)
    allowed, why = upload_permission(host, load_users(settings.auth), None)
    if settings.auth:
        print("Sign-in is on (NEWSDESK_AUTH); users marked admin may upload.", flush=True)
    elif not allowed:
        print(f"newsdesk: {why}", flush=True)
    # uvicorn shuts down gracefully on SIGTERM, then raises the signal again for the
    # handler it found. Python's default for SIGTERM kills the process outright, so exit
    # hooks (the chat's export folder, Gradio's cache) would never run: exit normally.
    # An open chat page holds a streaming connection that would keep a graceful shutdown
    # waiting for ever: such connections get a few seconds, then are closed.
    signal.signal(signal.SIGTERM, _exit_on_sigterm)
    uvicorn.run(
        app,
        host=host,
        port=port,
        log_level="warning",
        timeout_graceful_shutdown=SHUTDOWN_GRACE_SECONDS,
    )


def _exit_on_sigterm(signum: int, frame: object) -> None:
    raise SystemExit(0)


def _warm_up(settings: Settings) -> None:
    """Load the embedding model now, so the first question is not the slow one."""
    try:
        retrieve("warm up", k=1, settings=settings)
    except NewsdeskError as exc:
        print(f"newsdesk: {exc}", flush=True)

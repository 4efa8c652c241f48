"""What the chat page does when a person acts: one named method per event.

``Desk`` holds what every handler needs (the settings, who may upload, where exports
go); ``ui.app.build_blocks`` only lays out the page and wires these methods to it, so
each can be called and tested alone. The conversation of a browser tab is a
``ui.conversations`` dict in a ``gr.State``; every conversation is also kept in the
browser (``gr.BrowserState``) so a reload, or a later visit, finds it again.
"""

from __future__ import annotations

import atexit
import hashlib
import logging
import shutil
import tempfile
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import gradio as gr

from index import UploadResult, add_uploads
from qa import (
    Answer,
    AnswerStream,
    IndexNotBuiltError,
    NewsdeskError,
    Settings,
    ask_stream,
    index_info,
)
from ui import conversations, feedback, render
from ui.auth import Users, upload_permission

log = logging.getLogger("newsdesk.ui")

DEFAULT_K = 10

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

Messages = list[dict[str, Any]]
Conversation = dict[str, Any]


class Desk:
    """The chat's handlers, bound to one configuration."""

    def __init__(
        self,
        settings: Settings,
        *,
        host: str = "127.0.0.1",
        users: Users | None = None,
        export_dir: Path | None = None,
    ) -> None:
        self.settings = settings
        self.host = host
        self.users = users or Users()
        if export_dir is None:
            # Our own scratch folder: removed when the server stops (uvicorn turns
            # SIGTERM and Ctrl+C into a normal exit, so this runs for both).
            export_dir = Path(tempfile.mkdtemp(prefix="newsdesk-export-"))
            atexit.register(shutil.rmtree, export_dir, True)
        self.export_dir = export_dir

    # --- asking ---------------------------------------------------------------------------

    def start(
        self,
        question: str,
        history: list[dict[str, Any]] | None,
        k: object,
        sources: list[str] | None,
        date_from: str,
        date_to: str,
        generator: str | None = None,
    ) -> AnswerStream:
        return ask_stream(
            question,
            history=history,
            k=passages(k),
            sources=sources or None,
            date_from=parse_day(date_from, "from"),
            date_to=parse_day(date_to, "to"),
            generator=generator or None,
            settings=self.settings,
        )

    def respond(
        self,
        message: str,
        conversation: Conversation | None,
        shown: Messages | None,
        k: float,
        sources: list[str] | None,
        date_from: str,
        date_to: str,
        generator: str | None = None,
    ) -> Iterator[tuple[Messages, Conversation, Any, str]]:
        """Answer one chat message: the question at once, the answer as it streams,
        then the checked answer with its source cards. Problems become chat messages."""
        conversation = conversation or conversations.new_conversation()
        shown = list(shown or [])
        question = message_text(message).strip()
        if not question:
            yield shown, conversation, gr.skip(), ""
            return
        shown = [*shown, {"role": "user", "content": render.escape_markdown(question)}]
        yield shown, conversation, gr.skip(), ""
        cards = NO_SOURCES
        answer: Answer | None = None
        try:
            stream = self.start(
                question,
                conversations.ask_history(conversation),
                k,
                sources,
                date_from,
                date_to,
                generator,
            )
            partial = ""
            for piece in stream:
                partial += piece
                preview = render.answer_markdown(Answer(text=partial), literal=False)
                yield (
                    [*shown, {"role": "assistant", "content": preview}],
                    conversation,
                    gr.skip(),
                    gr.skip(),
                )
            answer = stream.answer
        except IndexNotBuiltError:
            reply = NO_INDEX_REPLY
        except NewsdeskError as exc:
            reply = f"⚠️ {render.escape_markdown(sentence(str(exc)))}"
        except Exception:
            log.exception("answering %r failed", question[:200])
            reply = INTERNAL_ERROR_REPLY
        else:
            reply = render.answer_markdown(
                answer, literal=answer.generator == "extractive"
            ) + render.answer_notes(answer)
            cards = render.source_cards(answer.citations) or REFUSED_SOURCES
        conversation = conversations.add_turn(conversation, question, reply, answer)
        # the box was emptied when the question was taken; what is typed there since is
        # the next question, kept
        yield [*shown, {"role": "assistant", "content": reply}], conversation, cards, gr.skip()

    def ask_api(
        self,
        question: str,
        history: list[dict[str, Any]] | None = None,
        k: int = DEFAULT_K,
        sources: list[str] | None = None,
        date_from: str = "",
        date_to: str = "",
        generator: str = "",
    ) -> dict[str, Any]:
        """Answer a question from the indexed articles. Returns text, short_answer,
        refused, citations (number, title, source, date, url, text, score, quote)..."""
        try:
            stream = self.start(question, history, k, sources, date_from, date_to, generator)
            for _ in stream:
                pass
            return stream.answer.to_dict()
        except NewsdeskError as exc:
            raise gr.Error(sentence(str(exc))) from None
        except Exception:
            log.exception("API ask failed")
            raise gr.Error("internal error while answering; see the server log") from None

    # --- conversations kept in the browser --------------------------------------------------

    def restore(
        self, store: dict[str, Any] | None, request: gr.Request | None = None
    ) -> tuple[Any, ...]:
        """On opening the page: the conversation last open, and the list of all.
        (messages, conversation, cards, sidebar list, export button)."""
        user = user_of(request)
        return self.show(conversations.current(store, user), store, user)

    def show(
        self, conversation: Conversation, store: dict[str, Any] | None, user: str = ""
    ) -> tuple[Any, ...]:
        """(chat messages, conversation, cards, sidebar list, export button)."""
        return (
            messages_of(conversation),
            conversation,
            cards_of(conversation),
            self.sidebar(store, conversation, user),
            self.export_button(conversation),
        )

    def keep(
        self,
        conversation: Conversation,
        store: dict[str, Any] | None,
        request: gr.Request | None = None,
    ) -> tuple[Any, ...]:
        """After an answer: save the conversation in the browser; (store, sidebar, export)."""
        user = user_of(request)
        conversation = {**conversation, "user": user}
        store = conversations.saved(store, conversation)
        return store, self.sidebar(store, conversation, user), self.export_button(conversation)

    def open_conversation(
        self,
        chosen: str | None,
        store: dict[str, Any] | None,
        request: gr.Request | None = None,
    ) -> tuple[Any, ...]:
        """A conversation picked in the sidebar: (messages, conversation, cards, store, export)."""
        user = user_of(request)
        conversation = conversations.find(
            store, chosen or "", user
        ) or conversations.new_conversation(user)
        store = conversations.saved(store, conversation)
        messages, conversation, cards, _, export = self.show(conversation, store, user)
        return messages, conversation, cards, store, export

    def new_chat(
        self, store: dict[str, Any] | None, request: gr.Request | None = None
    ) -> tuple[Any, ...]:
        """Start over; the old conversation stays in the sidebar.
        (messages, conversation, cards, question box, store, sidebar, export)."""
        user = user_of(request)
        fresh = conversations.new_conversation(user)
        store = conversations.saved(store, fresh)
        return (
            [],
            fresh,
            NO_SOURCES,
            "",
            store,
            self.sidebar(store, fresh, user),
            self.export_button(fresh),
        )

    def delete_conversation(
        self,
        conversation: Conversation | None,
        store: dict[str, Any] | None,
        request: gr.Request | None = None,
    ) -> tuple[Any, ...]:
        """Forget the open conversation in this browser and start a new one."""
        user = user_of(request)
        if conversations.find(store, (conversation or {}).get("id", ""), user):
            store = conversations.deleted(store, (conversation or {}).get("id", ""))
        return self.new_chat(store, request)

    def sidebar(
        self, store: dict[str, Any] | None, conversation: Conversation, user: str = ""
    ) -> Any:
        choices = conversations.choices(store, user)
        value = (
            conversation.get("id") if any(c[1] == conversation.get("id") for c in choices) else None
        )
        return gr.Radio(choices=choices, value=value)

    def export_button(self, conversation: Conversation) -> Any:
        path = self.export_file(conversation)
        return gr.DownloadButton(value=str(path) if path else None, interactive=path is not None)

    def export_file(self, conversation: Conversation) -> Path | None:
        """The conversation as a Markdown file, or None while it is empty.

        The file is rewritten after every turn, so each conversation has one folder
        holding one file (its name follows the title): a long-running server does not
        pile up a file per answer. The folder name is a hash of owner and id, which
        come from the browser and must not choose a path."""
        if not conversation.get("turns"):
            return None
        key = f"{conversation.get('user', '')}\0{conversation.get('id', '')}"
        folder = self.export_dir / hashlib.sha256(key.encode()).hexdigest()[:24]
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / conversations.file_name(conversation)
        for old in folder.glob("*.md"):
            if old != path:
                old.unlink(missing_ok=True)
        path.write_text(conversations.to_markdown(conversation), "utf-8")
        return path

    # --- feedback ---------------------------------------------------------------------------

    def vote(
        self,
        conversation: Conversation | None,
        shown: Messages | None,
        like: gr.LikeData,
        request: gr.Request,
    ) -> None:
        """A thumbs up or down on an answer, appended to feedback.jsonl.

        A vote cast while the answer is still arriving is kept too, with the question
        and the text shown so far (its citations are not known yet)."""
        if like.liked not in (True, False):
            return  # a vote taken back
        index = like.index if isinstance(like.index, int) else like.index[0]
        turn = conversations.turn_for_message(conversation or {}, index)
        if turn is not None:
            if not turn.get("answer"):
                return  # an error message, not an answer
            question, answer = str(turn["question"]), turn["answer"]
        else:
            shown = shown or []
            if index % 2 != 1 or index >= len(shown):
                return
            question = conversations.plain(message_text(shown[index - 1].get("content")))
            answer = {"text": conversations.plain(message_text(like.value)), "citations": []}
        record = feedback.vote_record(
            liked=bool(like.liked),
            question=question,
            answer=answer,
            user=getattr(request, "username", None),
        )
        try:
            feedback.record_vote(self.settings, record)
        except OSError:
            log.exception("could not record a vote")
            raise gr.Error("Your vote could not be saved (see the server log).") from None
        gr.Info("Thanks: your vote was recorded.")

    # --- uploads ----------------------------------------------------------------------------

    def may_upload(self, username: str | None) -> tuple[bool, str]:
        return upload_permission(self.host, self.users, username)

    def upload_access(self, request: gr.Request) -> tuple[Any, Any, Any]:
        """On opening the page: the upload box for those who may add articles, and for
        the others a note saying why not and how to turn uploads on."""
        allowed, why = self.may_upload(getattr(request, "username", None))
        return (
            gr.Markdown(value="" if allowed else f"🔒 {why}", visible=not allowed),
            gr.File(visible=allowed),
            gr.Button(visible=allowed),
        )

    def upload(
        self,
        files: list[str] | None,
        request: gr.Request,
        progress: gr.Progress = gr.Progress(),  # noqa: B008 (Gradio's idiom: it injects a tracker)
    ) -> tuple[str, str, str, Any, None]:
        """Check and ingest uploaded files; (status, stats table, corpus line, sources, box)."""
        allowed, why = self.may_upload(getattr(request, "username", None))
        if not allowed:
            raise gr.Error(why)
        paths = [Path(f) for f in files or []]
        if not paths:
            status = "Choose one or more article files first."
        else:

            def report(done: int, total: int) -> None:
                progress((done, total), desc="Embedding new passages", unit="chunks")

            progress(0, desc="Checking the files")
            try:
                result: UploadResult = add_uploads(self.settings, paths, progress=report)
                status = result.summary()
            except NewsdeskError as exc:
                status = f"⚠️ {sentence(str(exc))} Nothing was added."
            except Exception:
                log.exception("upload failed")
                status = "⚠️ The upload failed on our side (details in the server log). Nothing was added."
        stats, problem = self.stats()
        return (
            render.escape_markdown(status).replace("\n", "  \n"),
            render.stats_markdown(stats, problem),
            render.corpus_line(stats),
            gr.Dropdown(choices=list(stats.sources) if stats else []),
            None,
        )

    def stats(self) -> tuple[Any, str]:
        """(IndexStats or None, the problem when there is none)."""
        try:
            return index_info(self.settings).stats, ""
        except NewsdeskError as exc:
            return None, str(exc)


def user_of(request: gr.Request | None) -> str:
    """Who is signed in ("" without sign-in)."""
    return str(getattr(request, "username", None) or "")


def messages_of(conversation: Conversation) -> Messages:
    """The chat messages a kept conversation shows: each question, then its reply."""
    shown: Messages = []
    for turn in conversation.get("turns", []):
        shown.append({"role": "user", "content": render.escape_markdown(str(turn["question"]))})
        shown.append({"role": "assistant", "content": str(turn["reply"])})
    return shown


def cards_of(conversation: Conversation) -> str:
    """The source cards of the conversation's latest answer."""
    turns = conversation.get("turns", [])
    if not turns or not turns[-1].get("answer"):
        return NO_SOURCES
    return render.cards_from_records(turns[-1]["answer"]["citations"]) or REFUSED_SOURCES


def message_text(content: object) -> str:
    """A chat message's text, whether Gradio sent a string or a list of parts."""
    if isinstance(content, str):
        return content
    if isinstance(content, dict):
        return message_text(content.get("text") or content.get("content") or "")
    if isinstance(content, list):
        return " ".join(message_text(part) for part in content).strip()
    return "" if content is None else str(content)


def parse_day(text: str, label: str) -> date | None:
    text = (text or "").strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise NewsdeskError(f'the "{label}" date must look like 2023-10-31, not "{text}"') from None


def passages(k: object) -> int:
    """The k setting as ``ask`` wants it: the default when unset, an int otherwise."""
    if k is None or k == "":
        return DEFAULT_K
    try:
        return int(float(k))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise NewsdeskError(f"k (passages to read) must be a number, not {k!r}") from None


def sentence(text: str) -> str:
    text = text.strip()
    return text[:1].upper() + text[1:] + ("" if text.endswith((".", "!", "?")) else ".")

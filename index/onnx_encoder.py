"""MiniLM run by ONNX Runtime: the same vectors as the torch model, in about half the time.

Embedding is most of an answer's time (the question's sentences are embedded when it is
asked) and most of an ingest's. On a CPU, ONNX Runtime's fused attention, GELU and layer
norm kernels run MiniLM 1.5x (256-token chunks) to 2x (sentences) faster than torch's
eager mode, with vectors equal to within 1e-6 — it is the same graph, not a quantised one
(int8 quantisation was 3x faster but moved cosine similarities by up to 0.16).

The graph is exported from the packaged model once per machine with ``torch.onnx`` and
kept in a cache folder under a name made from the model folder's files (name, size,
modification time), so a reinstalled or different model gets its own export. An export
is kept only if its vectors match the torch model's on probe texts; it is written under
a temporary name and renamed, so two processes exporting at once leave one good file.
Only the ``tokenizers`` library and ONNX Runtime run at question time.
"""

from __future__ import annotations

import hashlib
import logging
import os
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

log = logging.getLogger("newsdesk.index")

# Bumped when the export itself changes (inputs, outputs, opset), so old files are not used.
EXPORT_FORMAT = 1
OPSET = 17
# Largest difference, per vector component, between the export's vectors and torch's
# that still counts as the same model (measured: below 1e-6).
TOLERANCE = 1e-4
_INPUTS = ("input_ids", "attention_mask", "token_type_ids")
# Texts and padded tokens per model run (see ``OnnxMeanPoolingEncoder._vectors``).
RUN_TEXTS = 8
RUN_TOKENS = 256
# Probe texts for the check: short, long (cut at the token limit), non-Latin, and a batch
# that pads, so every path through the graph is compared.
_PROBES = [
    "Russia gave Pakistan four Mi-35M helicopters.",
    "Short.",
    " ".join(["The port authority announced a new night crossing for the ferry."] * 40),
    "Новости дня: заявление министра.",
]


class OnnxUnavailable(RuntimeError):
    """The ONNX path cannot be used here; the message says why."""


def graph_path(model_dir: Path, max_length: int, cache_dir: Path) -> Path:
    """Where the export of this model folder lives in ``cache_dir``."""
    digest = hashlib.sha256(f"{EXPORT_FORMAT} {OPSET} {max_length}".encode())
    for file in sorted(p for p in model_dir.rglob("*") if p.is_file()):
        stat = file.stat()
        digest.update(f"{file.relative_to(model_dir)} {stat.st_size} {stat.st_mtime_ns}".encode())
    return cache_dir / f"{model_dir.name}-{digest.hexdigest()[:16]}.onnx"


class OnnxMeanPoolingEncoder:
    """``MeanPoolingEncoder`` with the transformer run by ONNX Runtime: stripped texts,
    cut at the model's token limit, the mean of the token vectors under the attention
    mask, then (if asked) L2-normalised."""

    def __init__(self, session: Any, tokenizer: Any) -> None:
        self.session = session
        self.tokenizer = tokenizer

    def encode(
        self,
        texts: list[str],
        batch_size: int = 32,
        normalize_embeddings: bool = False,
        show_progress_bar: bool = False,
    ) -> np.ndarray:
        return encode_in_batches(
            texts, batch_size, lambda batch: self._vectors(batch, normalize_embeddings)
        )

    def _vectors(self, texts: list[str], normalize: bool) -> np.ndarray:
        """Vectors of one batch, run through the model in small runs of texts of similar
        length (``RUN_TOKENS``, ``RUN_TEXTS``): one padded run of 20 sentences took 95 ms
        against 50 ms in runs of up to 8, and 192 chunks 5.5 s in runs of 32 against 3.4–3.9 s
        in runs of 1 or 2 (padding, and a working set that leaves the CPU caches). A budget
        of 256 tokens rather than 512 took an answer's embedding from 76 to 69 ms."""
        encodings = self.tokenizer.encode_batch(texts)
        inputs = {
            "input_ids": np.array([e.ids for e in encodings], dtype=np.int64),
            "attention_mask": np.array([e.attention_mask for e in encodings], dtype=np.int64),
            "token_type_ids": np.array([e.type_ids for e in encodings], dtype=np.int64),
        }
        lengths = inputs["attention_mask"].sum(1)
        order = np.argsort(lengths, kind="stable")
        vectors = np.zeros((len(texts), 0), dtype=np.float32)
        for rows in _runs(lengths[order].tolist()):
            chosen = order[rows]
            width = int(lengths[chosen].max())
            feeds = {name: value[chosen, :width] for name, value in inputs.items()}
            tokens = np.asarray(self.session.run(None, feeds)[0], dtype=np.float32)
            mask = feeds["attention_mask"][..., None].astype(np.float32)
            if not vectors.shape[1]:
                vectors = np.zeros((len(texts), tokens.shape[2]), dtype=np.float32)
            vectors[chosen] = (tokens * mask).sum(1) / np.clip(mask.sum(1), 1e-9, None)
        if normalize:
            vectors /= np.clip(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12, None)
        return vectors


def encode_in_batches(
    texts: list[str], batch_size: int, vectors_of: Callable[[list[str]], np.ndarray]
) -> np.ndarray:
    """``vectors_of`` over ``batch_size`` texts at a time, stripped as sentence-transformers
    strips them; the rows of every batch in one matrix. Both mean-pooling encoders (this
    one and torch's ``MeanPoolingEncoder``) batch this way."""
    out = [
        vectors_of([str(text).strip() for text in texts[start : start + batch_size]])
        for start in range(0, len(texts), batch_size)
    ]
    return np.concatenate(out) if out else np.zeros((0, 0), dtype=np.float32)


def _runs(lengths: list[int]) -> list[slice]:
    """Consecutive runs of texts sorted by token count: at most RUN_TEXTS texts, and
    at most RUN_TOKENS tokens once padded (a longer text runs alone)."""
    runs: list[slice] = []
    start = 0
    while start < len(lengths):
        end = start + 1
        while (
            end < len(lengths)
            and end - start < RUN_TEXTS
            and lengths[end] * (end + 1 - start) <= RUN_TOKENS
        ):
            end += 1
        runs.append(slice(start, end))
        start = end
    return runs


def load(model_dir: Path, max_length: int, cache_dir: Path) -> OnnxMeanPoolingEncoder:
    """The encoder for a mean-pooling model folder, exporting it first if ``cache_dir``
    has no export of it yet."""
    graph = graph_path(model_dir, max_length, cache_dir)
    if not graph.is_file():
        export(model_dir, max_length, graph)
    try:
        session = _session(graph)
    except Exception as exc:  # a damaged file: export again, once
        log.warning("the cached ONNX model %s is unreadable (%s); exporting again", graph, exc)
        export(model_dir, max_length, graph)
        session = _session(graph)
    return OnnxMeanPoolingEncoder(session, _tokenizer(model_dir, max_length))


def _session(graph: Path) -> Any:
    try:
        import onnxruntime
    except ImportError as exc:
        raise OnnxUnavailable("onnxruntime is not installed") from exc
    options = onnxruntime.SessionOptions()
    # Idle pool threads would otherwise spin after each batch, taking the CPU from the
    # NER stage that runs between batches at ingest.
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    options.log_severity_level = 3
    return onnxruntime.InferenceSession(str(graph), options, providers=["CPUExecutionProvider"])


def _tokenizer(model_dir: Path, max_length: int) -> Any:
    """The model's fast tokenizer as transformers sets it up: cut at ``max_length``,
    padded to the longest text of a batch (``tokenizer.json`` itself says 128 and fixed
    padding, which transformers and sentence-transformers override)."""
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
    tokenizer.enable_truncation(max_length=max_length, strategy="longest_first")
    padding = tokenizer.padding or {}
    tokenizer.enable_padding(
        pad_id=padding.get("pad_id", 0),
        pad_type_id=padding.get("pad_type_id", 0),
        pad_token=padding.get("pad_token", "[PAD]"),
    )
    return tokenizer


def export(model_dir: Path, max_length: int, target: Path) -> None:
    """Export the model folder's transformer to ``target``, kept only if its vectors
    match the torch model's on the probe texts."""
    try:
        import onnx  # noqa: F401  (torch.onnx needs it to write the file)
        import torch
    except ImportError as exc:
        raise OnnxUnavailable(
            f"exporting the model needs {exc.name}, which is not installed"
        ) from exc
    from index.embedding import MeanPoolingEncoder

    log.info("exporting %s to ONNX (once per machine) at %s", model_dir, target)
    torch_model = MeanPoolingEncoder(model_dir, "cpu", max_length)
    expected = torch_model.encode(_PROBES, normalize_embeddings=True)
    sample = torch_model.tokenizer(
        _PROBES[:2], padding=True, truncation=True, max_length=max_length, return_tensors="pt"
    )
    target.parent.mkdir(parents=True, exist_ok=True)
    scratch = target.with_name(f"{target.name}.{os.getpid()}.tmp")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            torch.onnx.export(
                _last_hidden_state(torch_model.model),
                tuple(sample[name] for name in _INPUTS),
                str(scratch),
                input_names=list(_INPUTS),
                output_names=["token_vectors"],
                dynamic_axes={
                    name: {0: "batch", 1: "tokens"} for name in (*_INPUTS, "token_vectors")
                },
                opset_version=OPSET,
                dynamo=False,
            )
        probe = OnnxMeanPoolingEncoder(_session(scratch), _tokenizer(model_dir, max_length))
        got = probe.encode(_PROBES, batch_size=2, normalize_embeddings=True)
        difference = float(np.abs(got - expected).max())
        if difference > TOLERANCE:
            raise OnnxUnavailable(
                f"the ONNX export of {model_dir} differs from the torch model by {difference:.2g}"
            )
        os.replace(scratch, target)
    except OnnxUnavailable:
        raise
    except Exception as exc:
        raise OnnxUnavailable(f"exporting {model_dir} to ONNX failed: {exc}") from exc
    finally:
        scratch.unlink(missing_ok=True)


def _last_hidden_state(model: Any) -> Any:
    """The transformer with its token vectors as the one output (what the export traces)."""
    import torch

    class LastHiddenState(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.model = model

        def forward(self, input_ids: Any, attention_mask: Any, token_type_ids: Any) -> Any:
            return self.model(
                input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
            ).last_hidden_state

    return LastHiddenState()

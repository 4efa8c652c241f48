"""One frozen ``Settings`` object, built at the edge from env vars and CLI flags.

Library code never reads the environment itself: the CLI, the web app and ``ask()``
build a ``Settings`` (``Settings.from_env(**overrides)``) and pass it down.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from index.errors import ConfigError

DEFAULT_INDEX_DIR = Path(".newsdesk") / "index"
DEFAULT_CORPUS_DIR = Path("corpus")
COLLECTION_NAME = "newsdesk"


@dataclass(frozen=True, kw_only=True)
class Settings:
    """Everything configurable, with the env var that sets it.

    ``index_dir``        NEWSDESK_INDEX_DIR      where Chroma, BM25 and the manifest live
    ``corpus_dir``       NEWSDESK_CORPUS_DIR     what ``newsdesk ingest`` reads by default
    ``collection``       NEWSDESK_COLLECTION     Chroma collection name
    ``chunk_tokens``     NEWSDESK_CHUNK_TOKENS   token budget of a chunk, header included
    ``embed_batch_size`` NEWSDESK_EMBED_BATCH    texts per embedding batch
    ``device``           NEWSDESK_DEVICE         "cpu", "cuda" or "" for automatic
    ``model_path``       NEWSDESK_EMBED_MODEL    folder of a sentence-transformers model;
                                                 "" means the packaged all-MiniLM-L6-v2
    ``embed_runtime``    NEWSDESK_EMBED_RUNTIME  "onnx", "torch" or "" for automatic: ONNX
                                                 Runtime on a CPU (about twice as fast,
                                                 same vectors), torch on CUDA or when the
                                                 model cannot be exported
    ``model_cache``      NEWSDESK_MODEL_CACHE    where the ONNX export of the model is kept;
                                                 default ~/.cache/newsdesk/models
    ``max_file_mb``      NEWSDESK_MAX_FILE_MB    larger files are skipped with a warning
    ``max_upload_mb``    NEWSDESK_MAX_UPLOAD_MB  larger browser uploads are refused (default
                                                 10: a bigger archive is a job for
                                                 ``newsdesk ingest``, not a browser tab)
    ``upload_folder``    NEWSDESK_UPLOAD_DIR     where the web app keeps uploaded articles;
                                                 default: ``uploads`` inside the index folder
    ``chroma_url``       NEWSDESK_CHROMA_URL     a Chroma server (``chroma run``), e.g.
                                                 http://127.0.0.1:8000; "" = embedded store
                                                 in ``index_dir``
    ``generator``        NEWSDESK_GENERATOR      "extractive" or "llm"; "" picks "llm" when
                                                 an LLM server is configured
    ``llm_base_url``     NEWSDESK_LLM_BASE_URL   OpenAI-compatible server, e.g.
                                                 http://127.0.0.1:11434/v1 (Ollama)
    ``llm_model``        NEWSDESK_LLM_MODEL      the model name the server knows
    ``llm_api_key``      NEWSDESK_LLM_API_KEY    sent as a bearer token; never printed
    ``llm_timeout``      NEWSDESK_LLM_TIMEOUT    seconds per request (default 60)
    ``llm_retries``      NEWSDESK_LLM_RETRIES    retries after a failed request (default 1)
    ``llm_fallback``     NEWSDESK_LLM_FALLBACK   "1": answer extractively when the LLM
                                                 fails; "0": report the error instead
    ``warm``             NEWSDESK_WARM           "1" (default): ``newsdesk serve`` embeds the
                                                 corpus's candidate sentences in the
                                                 background (``qa.warm``); "0": it does not
    ``auth``             NEWSDESK_AUTH           sign-in for the web app: a file of
                                                 ``user:scrypt-hash[:admin]`` lines, or
                                                 inline ``user:password[:admin]`` pairs
                                                 (comma-separated); never printed
    """

    index_dir: Path = DEFAULT_INDEX_DIR
    corpus_dir: Path = DEFAULT_CORPUS_DIR
    collection: str = COLLECTION_NAME
    chunk_tokens: int = 256
    embed_batch_size: int = 32
    device: str = ""
    model_path: str = ""
    embed_runtime: str = ""
    model_cache: Path | None = None
    max_file_mb: float = 64.0
    max_upload_mb: float = 10.0
    upload_folder: Path | None = None
    chroma_url: str = ""
    generator: str = ""
    llm_base_url: str = ""
    llm_model: str = ""
    llm_api_key: str = field(default="", repr=False)
    llm_timeout: float = 60.0
    llm_retries: int = 1
    llm_fallback: bool = True
    warm: bool = True
    auth: str = field(default="", repr=False)

    def __post_init__(self) -> None:
        for name in ("index_dir", "corpus_dir", "upload_folder", "model_cache"):
            value = getattr(self, name)
            if value is not None and not isinstance(value, Path):
                object.__setattr__(self, name, Path(getattr(self, name)))
        if not 32 <= self.chunk_tokens <= 4096:
            raise ConfigError(
                f"chunk_tokens must be between 32 and 4096, got {self.chunk_tokens}; "
                "set NEWSDESK_CHUNK_TOKENS or --chunk-tokens to a value in that range"
            )
        if self.embed_batch_size < 1:
            raise ConfigError(f"embed_batch_size must be at least 1, got {self.embed_batch_size}")
        if self.device not in ("", "cpu", "cuda"):
            raise ConfigError(f'device must be "cpu", "cuda" or empty, got {self.device!r}')
        if self.embed_runtime not in ("", "onnx", "torch"):
            raise ConfigError(
                f'embed_runtime must be "onnx", "torch" or empty, got {self.embed_runtime!r} '
                "(NEWSDESK_EMBED_RUNTIME)"
            )
        if self.chroma_url and not re.fullmatch(
            r"https?://[^/:\s]+(?::\d{1,5})?/?", self.chroma_url
        ):
            raise ConfigError(
                f"NEWSDESK_CHROMA_URL must look like http://host:port, got {self.chroma_url!r}"
            )
        if self.generator not in ("", "extractive", "llm"):
            raise ConfigError(
                f'generator must be "extractive" or "llm", got {self.generator!r} '
                "(NEWSDESK_GENERATOR or --generator)"
            )
        if self.generator == "llm" and not (self.llm_base_url and self.llm_model):
            raise ConfigError(
                "the llm generator needs NEWSDESK_LLM_BASE_URL and NEWSDESK_LLM_MODEL "
                "(or --llm-base-url and --llm-model)"
            )
        if self.llm_timeout <= 0 or self.llm_retries < 0:
            raise ConfigError("NEWSDESK_LLM_TIMEOUT must be positive and NEWSDESK_LLM_RETRIES >= 0")
        if self.max_file_mb <= 0 or self.max_upload_mb <= 0:
            raise ConfigError(
                "NEWSDESK_MAX_FILE_MB and NEWSDESK_MAX_UPLOAD_MB must be positive, got "
                f"{self.max_file_mb} and {self.max_upload_mb}"
            )

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, **overrides: Any) -> Settings:
        """Build settings from ``NEWSDESK_*`` variables, then apply non-None overrides."""
        env = os.environ if env is None else env
        values: dict[str, Any] = {}
        for f in fields(cls):
            var = _ENV_NAMES.get(f.name)
            if var and env.get(var, "").strip():
                values[f.name] = _convert(f.name, var, env[var].strip())
        values.update({k: v for k, v in overrides.items() if v is not None})
        for key in ("index_dir", "corpus_dir", "upload_folder", "model_cache"):
            if key in values:
                values[key] = Path(values[key])
        return cls(**values)

    @property
    def answer_generator(self) -> str:
        """The generator ``ask`` uses unless told otherwise."""
        if self.generator:
            return self.generator
        return "llm" if self.llm_base_url and self.llm_model else "extractive"

    @property
    def generators(self) -> list[str]:
        """Every generator this configuration can use."""
        return ["extractive", "llm"] if self.llm_base_url and self.llm_model else ["extractive"]

    @property
    def upload_dir(self) -> Path:
        return self.upload_folder or self.index_dir / "uploads"

    def with_(self, **changes: Any) -> Settings:
        return replace(self, **{k: v for k, v in changes.items() if v is not None})


_ENV_NAMES = {
    "index_dir": "NEWSDESK_INDEX_DIR",
    "corpus_dir": "NEWSDESK_CORPUS_DIR",
    "collection": "NEWSDESK_COLLECTION",
    "chunk_tokens": "NEWSDESK_CHUNK_TOKENS",
    "embed_batch_size": "NEWSDESK_EMBED_BATCH",
    "device": "NEWSDESK_DEVICE",
    "model_path": "NEWSDESK_EMBED_MODEL",
    "embed_runtime": "NEWSDESK_EMBED_RUNTIME",
    "model_cache": "NEWSDESK_MODEL_CACHE",
    "max_file_mb": "NEWSDESK_MAX_FILE_MB",
    "max_upload_mb": "NEWSDESK_MAX_UPLOAD_MB",
    "upload_folder": "NEWSDESK_UPLOAD_DIR",
    "chroma_url": "NEWSDESK_CHROMA_URL",
    "generator": "NEWSDESK_GENERATOR",
    "llm_base_url": "NEWSDESK_LLM_BASE_URL",
    "llm_model": "NEWSDESK_LLM_MODEL",
    "llm_api_key": "NEWSDESK_LLM_API_KEY",
    "llm_timeout": "NEWSDESK_LLM_TIMEOUT",
    "llm_retries": "NEWSDESK_LLM_RETRIES",
    "llm_fallback": "NEWSDESK_LLM_FALLBACK",
    "warm": "NEWSDESK_WARM",
    "auth": "NEWSDESK_AUTH",
}

_TYPES: dict[str, type] = {
    "chunk_tokens": int,
    "embed_batch_size": int,
    "max_file_mb": float,
    "max_upload_mb": float,
    "llm_timeout": float,
    "llm_retries": int,
}


def _convert(name: str, var: str, raw: str) -> Any:
    if name in ("llm_fallback", "warm"):
        if raw.lower() in ("1", "true", "yes", "on"):
            return True
        if raw.lower() in ("0", "false", "no", "off"):
            return False
        raise ConfigError(f"{var}={raw!r} must be 1 or 0")
    kind = _TYPES.get(name, str)
    try:
        return kind(raw)
    except ValueError as exc:
        raise ConfigError(f"{var}={raw!r} is not a valid {kind.__name__}") from exc

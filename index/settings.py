"""One frozen ``Settings`` object, built at the edge from env vars and CLI flags.

Library code never reads the environment itself: the CLI, the web app and ``ask()``
build a ``Settings`` (``Settings.from_env(**overrides)``) and pass it down.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
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
    ``max_file_mb``      NEWSDESK_MAX_FILE_MB    larger files are skipped with a warning
                                                 (and larger uploads refused)
    ``upload_folder``    NEWSDESK_UPLOAD_DIR     where the web app keeps uploaded articles;
                                                 default: ``uploads`` inside the index folder
    """

    index_dir: Path = DEFAULT_INDEX_DIR
    corpus_dir: Path = DEFAULT_CORPUS_DIR
    collection: str = COLLECTION_NAME
    chunk_tokens: int = 256
    embed_batch_size: int = 32
    device: str = ""
    model_path: str = ""
    max_file_mb: float = 64.0
    upload_folder: Path | None = None

    def __post_init__(self) -> None:
        for name in ("index_dir", "corpus_dir", "upload_folder"):
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
        if self.max_file_mb <= 0:
            raise ConfigError(f"max_file_mb must be positive, got {self.max_file_mb}")

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
        for key in ("index_dir", "corpus_dir", "upload_folder"):
            if key in values:
                values[key] = Path(values[key])
        return cls(**values)

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
    "max_file_mb": "NEWSDESK_MAX_FILE_MB",
    "upload_folder": "NEWSDESK_UPLOAD_DIR",
}

_TYPES: dict[str, type] = {"chunk_tokens": int, "embed_batch_size": int, "max_file_mb": float}


def _convert(name: str, var: str, raw: str) -> Any:
    kind = _TYPES.get(name, str)
    try:
        return kind(raw)
    except ValueError as exc:
        raise ConfigError(f"{var}={raw!r} is not a valid {kind.__name__}") from exc

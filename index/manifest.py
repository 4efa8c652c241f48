"""The manifest: what the index was built from, and whether the last build finished.

It lives beside Chroma (``manifest.json`` in the index folder) and is written
atomically. ``state`` is "dirty" while an ingest is writing and "clean" once it has
finished, so a run that sees an unchanged fingerprint *and* a clean state can skip all
work, and a run after an interrupted one never does.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from index.errors import IndexUnusableError

MANIFEST_FILE = "manifest.json"
LOCK_FILE = ".ingest.lock"  # held (flock) by the one ingest writing the index
VERSION = 1


@dataclass
class Manifest:
    state: str = "dirty"
    roots: list[str] = field(default_factory=list)
    fingerprint: str = ""
    model: str = ""
    chunk_tokens: int = 0
    updated_at: str = ""
    documents: int = 0
    chunks: int = 0
    last_report: dict[str, Any] = field(default_factory=dict)
    version: int = VERSION


def load_manifest(index_dir: Path) -> Manifest | None:
    path = index_dir / MANIFEST_FILE
    try:
        data = json.loads(path.read_text("utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError):
        return (
            None  # unreadable or half-written: treated as no manifest, the next ingest rewrites it
        )
    if not isinstance(data, dict) or data.get("version") != VERSION:
        return None
    known = {k: v for k, v in data.items() if k in Manifest.__dataclass_fields__}
    try:
        return Manifest(**known)
    except TypeError:
        return None


def save_manifest(index_dir: Path, manifest: Manifest) -> None:
    path = index_dir / MANIFEST_FILE
    tmp = path.with_suffix(".tmp")
    try:
        index_dir.mkdir(parents=True, exist_ok=True)
        with tmp.open("w", encoding="utf-8") as handle:
            json.dump(asdict(manifest), handle, indent=2, sort_keys=True)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        raise IndexUnusableError(
            f"cannot write {path}: {exc.strerror or exc}. Check that the index folder is "
            "writable and the disk has space."
        ) from exc

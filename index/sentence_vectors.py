"""Vectors of corpus sentences kept on disk, so an answer need not embed its candidates.

An extractive answer weighs a dozen candidate sentences by their similarity to the
question, and embedding them was most of a factoid's time on a CPU (about 100 of 130 ms
on a 2-core machine: MiniLM runs near the CPU's arithmetic limit, so only embedding
fewer texts helps). Candidates are corpus text, so they can be embedded before anyone
asks: ``qa.warm`` embeds every chunk's candidate texts and stores them here, and the
engine looks each candidate up before embedding it.

The file is content-addressed: each record is the 64-bit BLAKE2b digest of a text and
that text's vector. A lookup is by the text itself, so an ingest that changes the chunks
never makes a stored vector wrong (the vectors of texts no chunk holds any more are only
dead weight). A vector read back is the one the model gives that text (ONNX Runtime gives
a text the same vector, to the bit, alone or in any batch: measured), so answers are the
same with or without the file.

Two files in the index folder, appended in step under an exclusive lock (so a server
warming in the background and a ``newsdesk warm`` at the same time interleave whole
records): ``sentence_vectors.bin``, a 64-byte header (magic, format, vector size, the
model's digest) then the vectors as float32 rows, memory-mapped, so only the rows looked
up are read; and ``sentence_vectors.keys``, each row's digest, read whole at start (8
bytes a row: 0.6 MB for the MultiHop-RAG index, against its 109 MB of vectors). A row
counts once both files hold it: what a killed writer left half-written is ignored, and
cut off by the next append. A file written for another model, or unreadable, counts as
empty and is started again by the next warm-up.
"""

from __future__ import annotations

import fcntl
import hashlib
import logging
import os
import struct
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import BinaryIO

import numpy as np

log = logging.getLogger("newsdesk.index")

FILE_NAME = "sentence_vectors.bin"
MAGIC = b"NDSV"
FORMAT = 1
# How often a lookup checks whether the file grew (another process, or a warm-up holding
# an older engine, appended to it): a stat call, and a re-sort only when it did.
CHECK_SECONDS = 30.0
HEADER = struct.Struct("<4sII52s")  # magic, format, vector size, digest of the model name
assert HEADER.size == 64


def text_key(text: str) -> int:
    """The 64-bit digest a text's vector is stored under."""
    return int.from_bytes(hashlib.blake2b(text.encode("utf-8"), digest_size=8).digest(), "little")


class SentenceVectors:
    """The stored vectors of one index folder, for one embedding model."""

    def __init__(self, index_dir: Path, model_key: str) -> None:
        self.path = Path(index_dir) / FILE_NAME
        self.keys_path = self.path.with_suffix(".keys")
        self.model_key = _model_digest(model_key)
        self._lock = threading.Lock()
        self._keys = np.zeros(0, dtype="<u8")  # sorted
        self._rows = np.zeros(0, dtype=np.int64)  # the row of each sorted key
        self._vectors: np.ndarray | None = None
        self._size = -1  # the keys file's size when last read
        self._checked = 0.0
        self.refresh()

    def __len__(self) -> int:
        return len(self._keys)

    def refresh(self) -> None:
        """Read the files again (after this or another process appended to them)."""
        size = _size(self.keys_path)
        keys, vectors = self._read()
        order = np.argsort(keys, kind="stable")
        with self._lock:
            self._size, self._checked = size, time.monotonic()
            self._keys, self._rows, self._vectors = keys[order], order, vectors

    def lookup(self, texts: Sequence[str]) -> list[np.ndarray | None]:
        """Each text's stored vector, or None where there is none."""
        if time.monotonic() - self._checked >= CHECK_SECONDS:
            self._checked = time.monotonic()
            if _size(self.keys_path) != self._size:
                self.refresh()
        with self._lock:
            vectors, keys, rows = self._vectors, self._keys, self._rows
        if vectors is None or not len(keys) or not texts:
            return [None] * len(texts)
        wanted = np.array([text_key(t) for t in texts], dtype="<u8")
        at = np.minimum(np.searchsorted(keys, wanted), len(keys) - 1)
        return [
            np.array(vectors[rows[position]], dtype=np.float32) if keys[position] == key else None
            for key, position in zip(wanted, at, strict=True)
        ]

    def missing(self, texts: Sequence[str]) -> list[str]:
        """The distinct texts with no stored vector, in order."""
        distinct = list(dict.fromkeys(texts))
        return [t for t, v in zip(distinct, self.lookup(distinct), strict=True) if v is None]

    def add(self, texts: Sequence[str], vectors: np.ndarray) -> None:
        """Append the texts' vectors, under an exclusive lock on the vectors file.
        Lookups see them after the next ``refresh``: sorting a million keys again after
        every batch would cost a warm-up a fifth of its time."""
        vectors = np.asarray(vectors, dtype=np.float32)
        if vectors.ndim != 2 or len(vectors) != len(texts):
            raise ValueError(f"expected {len(texts)} vectors, got an array of {vectors.shape}")
        if not len(texts):
            return
        dim = vectors.shape[1]
        keys = np.array([text_key(t) for t in texts], dtype="<u8")
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.path, "a+b") as file, open(self.keys_path, "a+b") as key_file:
            fcntl.flock(file, fcntl.LOCK_EX)
            try:
                if self._dim(file) != dim:  # none yet, or another model's: start again
                    file.truncate(0)
                    key_file.truncate(0)
                    file.write(HEADER.pack(MAGIC, FORMAT, dim, self.model_key))
                    file.flush()
                rows = _rows(
                    os.fstat(file.fileno()).st_size, os.fstat(key_file.fileno()).st_size, dim
                )
                # what a killed writer left beyond the last whole row goes
                file.truncate(HEADER.size + rows * dim * 4)
                key_file.truncate(rows * 8)
                key_file.seek(0, os.SEEK_END)
                key_file.write(keys.tobytes())
                file.seek(0, os.SEEK_END)
                file.write(vectors.tobytes())
                key_file.flush()
                file.flush()
            finally:
                fcntl.flock(file, fcntl.LOCK_UN)

    def _dim(self, file: BinaryIO) -> int | None:
        return _header_dim(file, self.model_key)

    def _read(self) -> tuple[np.ndarray, np.ndarray | None]:
        """The keys and the memory-mapped vectors of the rows both files hold."""
        empty = np.zeros(0, dtype="<u8")
        try:
            with open(self.path, "rb") as file:
                dim = self._dim(file)
                size = os.fstat(file.fileno()).st_size
            if dim is None:
                return empty, None
            keys = np.fromfile(self.keys_path, dtype="<u8")
            rows = _rows(size, len(keys) * 8, dim)
            if not rows:
                return empty, None
            vectors = np.memmap(
                self.path, dtype="<f4", mode="r", offset=HEADER.size, shape=(rows, dim)
            )
        except (OSError, ValueError) as exc:
            if self.path.exists():
                log.warning(
                    "cannot read the stored sentence vectors %s (%s): answers are the same, "
                    "only slower; `newsdesk warm` stores them again",
                    self.path,
                    exc,
                )
            return empty, None
        return keys[:rows], vectors


def stored_count(index_dir: Path, model_key: str) -> int:
    """How many vectors the folder holds for this model (``len`` of its
    ``SentenceVectors``), from the two files' sizes alone: for ``newsdesk stats``, which
    need not read and sort the keys."""
    path = Path(index_dir) / FILE_NAME
    try:
        with open(path, "rb") as file:
            dim = _header_dim(file, _model_digest(model_key))
            size = os.fstat(file.fileno()).st_size
        keys_size = path.with_suffix(".keys").stat().st_size
    except OSError:
        return 0
    return _rows(size, keys_size, dim) if dim else 0


def _model_digest(model_key: str) -> bytes:
    return hashlib.sha256(model_key.encode("utf-8")).hexdigest()[:32].encode()


def _header_dim(file: BinaryIO, model_digest: bytes) -> int | None:
    """The vector size the file's header gives, if the header is this format's and this
    model's; else None."""
    file.seek(0)
    raw = file.read(HEADER.size)
    if len(raw) < HEADER.size:
        return None
    magic, fmt, dim, key = HEADER.unpack(raw)
    if (magic, fmt) != (MAGIC, FORMAT) or key.rstrip(b"\0") != model_digest or dim < 1:
        return None
    return int(dim)


def _rows(vectors_size: int, keys_size: int, dim: int) -> int:
    """Rows both files hold whole."""
    return max(0, min((vectors_size - HEADER.size) // (dim * 4), keys_size // 8))


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return -1

"""Chunk ids, texts and metadata on disk beside Chroma, read back without asking Chroma.

Reading every chunk back from Chroma was most of a cold start (0.9 s of 7 s at 7k
chunks, most of 22 s at 100k). The BM25 folder therefore also holds the chunks it was
built from, in flat files that open in milliseconds and are memory-mapped rather than
read: a text or a metadata row is decoded only when a question reaches it, so the
texts of 100k chunks do not sit in the Python heap.

    ids.txt                one chunk id per line, in row order
    texts.bin, texts.idx.npy         UTF-8 texts end to end, and their n + 1 offsets
    metadata.bin, metadata.idx.npy   one compact JSON object per chunk, and offsets
    vectors.npy            each chunk's unit embedding (float32, one row per chunk)
    sources.npy, dates.npy each chunk's outlet (an index into the saved list of outlets,
                           -1 for none) and date (YYYYMMDD, 0 for none)

The last three let retrieval search the chunks of some outlets or dates itself
(``DenseRows``): Chroma's filtered search took 63 ms a query at 100k chunks, most of a
question's time there, against about 5 ms for a product over the matching rows.

``write_rows`` writes them; ``file_digests`` and ``damaged`` let the caller record and
check each file's size and SHA-256, so a truncated or scribbled file is noticed and the
snapshot rebuilt instead of served.
"""

from __future__ import annotations

import hashlib
import json
import mmap
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar, overload

import numpy as np

from index.store import Metadata

ROW_FILES = (
    "ids.txt",
    "texts.bin",
    "texts.idx.npy",
    "metadata.bin",
    "metadata.idx.npy",
    "vectors.npy",
    "sources.npy",
    "dates.npy",
)
_READ_BLOCK = 1 << 20
# Decoded metadata rows kept in memory: a question reads 300-500 distinct rows.
KEPT_METADATA_ROWS = 5000

T = TypeVar("T")


class Rows(Sequence[T]):
    """A read-only sequence decoded row by row from a memory-mapped file.

    With ``keep`` > 0 the last decoded rows are kept (up to ``keep``, then forgotten all
    at once): one question reads the same metadata row in every retrieval lane, each a
    JSON decode. Kept rows are shared, so callers must not change them."""

    def __init__(
        self, data: Any, offsets: np.ndarray, decode: Callable[[bytes], T], keep: int = 0
    ) -> None:
        self._data = data
        self._offsets = offsets
        self._decode = decode
        self._keep = keep
        self._kept: dict[int, T] = {}

    def __len__(self) -> int:
        return max(0, len(self._offsets) - 1)

    @overload
    def __getitem__(self, row: int) -> T: ...

    @overload
    def __getitem__(self, row: slice) -> list[T]: ...

    def __getitem__(self, row: int | slice) -> T | list[T]:
        if isinstance(row, slice):
            return [self[i] for i in range(*row.indices(len(self)))]
        kept = self._kept.get(row)  # only rows in range are kept: no bounds check needed
        if kept is not None:
            return kept
        n = len(self)
        if row < 0:
            row += n
        if not 0 <= row < n:
            raise IndexError(f"row {row} out of range for {n} rows")
        start, end = int(self._offsets[row]), int(self._offsets[row + 1])
        value = self._decode(bytes(self._data[start:end]))
        if self._keep:
            if len(self._kept) >= self._keep:
                self._kept = {}
            self._kept[row] = value
        return value

    def __iter__(self) -> Iterator[T]:
        for row in range(len(self)):
            yield self[row]


def _text(raw: bytes) -> str:
    return raw.decode("utf-8")


def _metadata(raw: bytes) -> Metadata:
    value = json.loads(raw)
    if not isinstance(value, dict):
        raise ValueError("a metadata row is not an object")
    return value


def encode_metadata(metadata: Metadata) -> bytes:
    return json.dumps(metadata, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


@dataclass(frozen=True)
class DenseRows:
    """Each chunk's unit vector, outlet and date, row by row (memory-mapped when read)."""

    vectors: np.ndarray  # (n, d) float32, unit length
    source_codes: np.ndarray  # (n,) int32: index into the outlets, -1 for none
    dates: np.ndarray  # (n,) int32: YYYYMMDD, 0 for none

    def rows(self, source_codes: Sequence[int], date_from: int, date_to: int) -> np.ndarray:
        """The rows of those outlets (all when empty) within the dates (0: unbounded).
        Either bound excludes undated rows (date 0), as the BM25 lanes' filter does;
        Chroma's ``$lte`` on ``date_int`` kept them."""
        keep = np.ones(len(self.dates), dtype=bool)
        if source_codes:
            keep &= np.isin(self.source_codes, np.asarray(source_codes, dtype=np.int32))
        if date_from:
            keep &= self.dates >= date_from
        if date_to:
            keep &= (self.dates <= date_to) & (self.dates > 0)
        return np.flatnonzero(keep)

    def nearest(
        self, queries: Sequence[Sequence[float]], rows: np.ndarray, k: int
    ) -> list[list[tuple[int, float]]]:
        """For each query vector, the ``k`` rows among ``rows`` of highest cosine
        similarity, best first: an exact search."""
        if not len(rows) or not len(queries):
            return [[] for _ in queries]
        matrix = np.asarray(self.vectors[rows], dtype=np.float32)
        scores = np.asarray(queries, dtype=np.float32) @ matrix.T
        k = min(k, len(rows))
        out: list[list[tuple[int, float]]] = []
        for row_scores in scores:
            best = np.argpartition(-row_scores, k - 1)[:k]
            best = best[np.argsort(-row_scores[best], kind="stable")]
            out.append([(int(rows[i]), float(row_scores[i])) for i in best])
        return out


def write_rows(
    folder: Path,
    ids: Sequence[str],
    texts: Sequence[str],
    metadatas: Sequence[bytes],
    dense: DenseRows,
) -> None:
    """The chunks as ``ROW_FILES`` in ``folder``; metadata rows already encoded."""
    (folder / "ids.txt").write_text("\n".join(ids), "utf-8")
    _write_blob(folder / "texts.bin", folder / "texts.idx.npy", [t.encode() for t in texts])
    _write_blob(folder / "metadata.bin", folder / "metadata.idx.npy", list(metadatas))
    np.save(folder / "vectors.npy", np.asarray(dense.vectors, dtype=np.float32))
    np.save(folder / "sources.npy", np.asarray(dense.source_codes, dtype=np.int32))
    np.save(folder / "dates.npy", np.asarray(dense.dates, dtype=np.int32))


def _write_blob(data_path: Path, offsets_path: Path, rows: list[bytes]) -> None:
    offsets = np.zeros(len(rows) + 1, dtype=np.int64)
    offsets[1:] = np.cumsum([len(r) for r in rows], dtype=np.int64)
    with data_path.open("wb") as handle:
        for row in rows:
            handle.write(row)
    np.save(offsets_path, offsets)


def read_rows(folder: Path) -> tuple[list[str], Rows[str], Rows[Metadata], DenseRows]:
    """What ``write_rows`` wrote; raises ValueError when the files disagree in length."""
    text = (folder / "ids.txt").read_text("utf-8")
    ids = text.split("\n") if text else []
    texts = Rows(*_open_blob(folder / "texts.bin", folder / "texts.idx.npy"), _text)
    metadatas = Rows(
        *_open_blob(folder / "metadata.bin", folder / "metadata.idx.npy"),
        _metadata,
        keep=KEPT_METADATA_ROWS,
    )
    dense = DenseRows(
        *(
            np.load(folder / name, mmap_mode="r", allow_pickle=False)
            for name in ("vectors.npy", "sources.npy", "dates.npy")
        )
    )
    if not len(ids) == len(texts) == len(metadatas) == len(dense.source_codes) == len(dense.dates):
        raise ValueError(f"{len(ids)} ids, {len(texts)} texts, {len(metadatas)} metadata rows")
    if len(ids) and dense.vectors.shape[0] != len(ids):
        raise ValueError(f"{len(ids)} ids, {dense.vectors.shape[0]} vectors")
    return ids, texts, metadatas, dense


def _open_blob(data_path: Path, offsets_path: Path) -> tuple[Any, np.ndarray]:
    offsets = np.load(offsets_path, mmap_mode="r", allow_pickle=False)
    size = data_path.stat().st_size
    if offsets.ndim != 1 or len(offsets) < 1 or int(offsets[-1]) != size:
        raise ValueError(f"{data_path.name} does not match its offsets")
    if size == 0:
        return b"", offsets
    with data_path.open("rb") as handle:
        return mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ), offsets


def file_digests(folder: Path) -> dict[str, list[Any]]:
    """Size and SHA-256 of every file in ``folder``, by name."""
    return {
        path.name: [path.stat().st_size, _sha256(path)]
        for path in sorted(folder.iterdir())
        if path.is_file()
    }


def damaged(folder: Path, recorded: dict[str, list[Any]]) -> str:
    """Why the files in ``folder`` are not the ones recorded, or "" when they are."""
    for name, (size, digest) in recorded.items():
        path = folder / name
        try:
            if path.stat().st_size != size:
                return f"{name} has {path.stat().st_size} bytes, not {size}"
            if _sha256(path) != digest:
                return f"{name} does not match its checksum"
        except OSError as exc:
            return f"{name}: {exc.strerror or exc}"
    missing = [n for n in ROW_FILES if n not in recorded]
    return f"no record of {', '.join(missing)}" if missing else ""


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(_READ_BLOCK):
            digest.update(block)
    return digest.hexdigest()

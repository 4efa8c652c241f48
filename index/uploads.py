"""Articles uploaded through the web app: checked, named safely, kept, then ingested.

``add_uploads`` is the ingest entry point for uploads: the web app hands it the
temporary files it received and shows ``UploadResult.summary()``.

An upload is checked completely before anything is written: type, size, encoding and
whether it holds any article at all. Only files that pass are copied into the upload
folder (one of the index's remembered folders), so a bad upload changes nothing. The
copies are kept, so the next full ingest still finds them.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from index.errors import NewsdeskError
from index.loaders import SUPPORTED_SUFFIXES, SkipFile, parse_bytes
from index.pipeline import IngestReport, Progress, ingest
from index.settings import Settings

MAX_NAME_CHARS = 100


class UploadError(NewsdeskError):
    """An uploaded file that cannot be added, with the reason and what to do."""


@dataclass
class UploadResult:
    saved: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    rejected: list[tuple[str, str]] = field(default_factory=list)
    report: IngestReport | None = None

    def summary(self) -> str:
        lines = []
        if self.saved:
            lines.append(f"Added {len(self.saved)} file(s): {', '.join(self.saved)}.")
        if self.unchanged:
            lines.append(f"Already indexed, nothing to do: {', '.join(self.unchanged)}.")
        for name, reason in self.rejected:
            lines.append(f"Not added: {name}: {reason}.")
        if self.report is not None and self.saved:
            r = self.report
            lines.append(
                f"The index now holds {r.chunks_total:,} chunks (+{r.chunks_added} new; "
                f"{r.duplicate_documents} duplicate documents and {r.duplicate_chunks} "
                "near-duplicate chunks dropped)."
            )
        return "\n".join(lines) or "No files were given."


def safe_name(name: str) -> str:
    """A file name with no folders, no hidden-file dot, and only plain characters."""
    base = os.path.basename(name.replace("\\", "/")).strip()
    stem, dot, suffix = base.rpartition(".")
    if not dot:
        stem, suffix = base, ""
    stem = re.sub(r"[^A-Za-z0-9._-]+", "_", stem).strip("._-")[: MAX_NAME_CHARS - 10] or "upload"
    suffix = re.sub(r"[^A-Za-z0-9]+", "", suffix).lower()[:10]
    return f"{stem}.{suffix}" if suffix else stem


def check_upload(name: str, data: bytes, max_bytes: int) -> None:
    """Raise UploadError unless the bytes are an article file Newsdesk can read."""
    suffix = Path(name).suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise UploadError(
            f"{suffix or 'files without an extension'} cannot be indexed; "
            f"upload {', '.join(SUPPORTED_SUFFIXES)}"
        )
    if len(data) > max_bytes:
        raise UploadError(
            f"the file is {len(data) / 1e6:.1f} MB; uploads are limited to "
            f"{max_bytes / 1e6:g} MB (NEWSDESK_MAX_UPLOAD_MB). Add bigger files with "
            "`newsdesk ingest FOLDER`"
        )
    if not data.strip():
        raise UploadError("the file is empty")
    try:
        articles = parse_bytes(data, suffix, name)
    except SkipFile as exc:
        raise UploadError(str(exc)) from exc
    if not any(a.text.strip() for a in articles):
        raise UploadError("no article text was found in it")


def add_uploads(
    settings: Settings, files: list[Path], *, progress: Progress | None = None
) -> UploadResult:
    """Check every file, keep the good ones in the upload folder and ingest them."""
    result = UploadResult()
    max_bytes = int(min(settings.max_upload_mb, settings.max_file_mb) * 1_000_000)
    accepted: list[tuple[str, bytes]] = []
    for path in files:
        name = safe_name(path.name)
        try:
            if path.stat().st_size > max_bytes:
                raise UploadError(
                    f"the file is {path.stat().st_size / 1e6:.1f} MB; uploads are limited to "
                    f"{max_bytes / 1e6:g} MB (NEWSDESK_MAX_UPLOAD_MB). Add bigger files with "
                    "`newsdesk ingest FOLDER`"
                )
            data = path.read_bytes()
            check_upload(name, data, max_bytes)
        except UploadError as exc:
            result.rejected.append((name, str(exc)))
            continue
        except OSError as exc:
            result.rejected.append((name, f"it could not be read ({exc.strerror or exc})"))
            continue
        accepted.append((name, data))
    if not accepted:
        return result

    folder = settings.upload_dir
    folder.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for name, data in accepted:
        target = _free_name(folder, name, data)
        if target is None:
            result.unchanged.append(name)
            continue
        _write_atomically(target, data)
        written.append(target)
        result.saved.append(target.name)
    if not written:
        return result
    try:
        result.report = ingest(settings, [folder], progress=progress)
    except BaseException:
        for path in written:  # the index did not take them: leave no trace
            path.unlink(missing_ok=True)
        raise
    return result


def _free_name(folder: Path, name: str, data: bytes) -> Path | None:
    """Where to keep an upload: its own name, or name-2, name-3… when a different file
    already has it; None when the very same bytes are already there."""
    digest = hashlib.sha256(data).digest()
    stem, suffix = os.path.splitext(name)
    for n in range(1, 1000):
        candidate = folder / (name if n == 1 else f"{stem}-{n}{suffix}")
        if not candidate.exists():
            return candidate
        if hashlib.sha256(candidate.read_bytes()).digest() == digest:
            return None
    raise UploadError(f"too many uploads are named {name}; rename the file")


def _write_atomically(target: Path, data: bytes) -> None:
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".upload-")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise

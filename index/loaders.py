"""Read article files of every supported format into ``RawArticle`` records.

Formats: ``.txt``, ``.md``, ``.html``/``.htm`` (main text extracted by trafilatura, a
library made for news pages) and ``.json``/``.jsonl`` article records. A file that
cannot be read raises ``SkipFile`` with a reason a person can act on; the caller
reports it and carries on with the next file.
"""

from __future__ import annotations

import json
import os
import re
import stat
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

SUPPORTED_SUFFIXES = (".txt", ".md", ".markdown", ".html", ".htm", ".json", ".jsonl")


class SkipFile(Exception):
    """A file (or a record inside it) that cannot be ingested, with the reason why."""


@dataclass(frozen=True, kw_only=True)
class RawArticle:
    """An article as found: text not yet cleaned, metadata as far as the format gives it."""

    text: str
    source_file: str
    title: str = ""
    outlet: str = ""
    url: str = ""
    author: str = ""
    published: str = ""
    category: str = ""
    markup: str = "text"  # "text" | "markdown" | "extracted" (already clean main text)
    warnings: tuple[str, ...] = field(default=())


def discover(paths: list[Path]) -> Iterator[Path]:
    """Every candidate file under ``paths``, in a stable order, hidden entries skipped.

    Folders are walked recursively without following symlinked folders, so a symlink
    loop cannot trap the walk.
    """
    for root in paths:
        if root.is_file():
            yield root
            continue
        found: list[Path] = []
        for folder, dirs, files in os.walk(root, followlinks=False):
            dirs[:] = sorted(d for d in dirs if not d.startswith("."))
            found.extend(Path(folder) / f for f in files if not f.startswith("."))
        yield from sorted(found)


def read_bytes(path: Path, max_bytes: int) -> bytes:
    try:
        info = path.stat()
        if stat.S_ISDIR(info.st_mode):
            raise SkipFile("is a directory")
        if not stat.S_ISREG(info.st_mode):  # reading a pipe or device could block forever
            raise SkipFile("is not a regular file (a pipe, socket or device)")
        size = info.st_size
        if size > max_bytes:
            raise SkipFile(
                f"too large ({size / 1e6:.1f} MB, the limit is {max_bytes / 1e6:.0f} MB; "
                "raise NEWSDESK_MAX_FILE_MB to ingest it)"
            )
        with path.open("rb") as handle:
            return handle.read()
    except PermissionError as exc:
        raise SkipFile("cannot be read: permission denied") from exc
    except IsADirectoryError as exc:
        raise SkipFile("is a directory") from exc
    except OSError as exc:
        raise SkipFile(f"cannot be read: {exc.strerror or exc}") from exc


def decode(data: bytes) -> str:
    """Decode UTF-8 (a BOM is fine, and UTF-16 with a BOM); refuse binary and legacy text."""
    if not data.strip():
        raise SkipFile("is empty")
    utf16_mark = data.startswith((b"\xff\xfe", b"\xfe\xff"))
    if utf16_mark:
        text = _utf16_text(data)
        if text is not None:
            return text
    if b"\x00" in data[:8192] or _looks_binary(data[:8192]):
        raise SkipFile("looks binary, not text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        if utf16_mark:
            raise SkipFile(
                f"is not UTF-8: it starts with a UTF-16 mark (bytes {data[0]:02X} {data[1]:02X}) "
                "but the rest does not read as UTF-16 text; if the rest is plain text, drop "
                "those two bytes, e.g. tail -c +3 FILE > fixed.txt"
            ) from exc
        guess = _guess_encoding(data)
        hint = f" (it looks like {guess})" if guess else ""
        raise SkipFile(
            f"is not UTF-8{hint}: byte 0x{data[exc.start]:02x} at offset {exc.start}; "
            f"convert it, e.g. iconv -f {guess or 'ENCODING'} -t utf-8"
        ) from exc


# Share of a UTF-16 reading that must be printable (letters, marks, digits, punctuation,
# symbols, spaces, line breaks) for it to count as text.
MIN_UTF16_PRINTABLE = 0.95
# Above this share of two-ASCII-byte code units, a "UTF-16" file is ASCII behind a stray
# mark. Measured: FF FE + English prose reads 97-100 % such units (a UTF-8 quote mark
# is not ASCII); real UTF-16 text has none in Latin, Cyrillic, Greek or Korean (a NUL or
# non-ASCII byte in every unit), about 27 % in Chinese, 66 % in kana-heavy Japanese and
# 72 % across the whole hiragana block.
MAX_UTF16_ASCII_PAIRS = 0.9
_ASCII_TEXT_BYTES = frozenset(b"\t\n\r" + bytes(range(0x20, 0x7F)))


def _utf16_text(data: bytes) -> str | None:
    """``data`` (which starts with a UTF-16 mark) read as UTF-16, or None if that is not text.

    Any even number of bytes decodes as UTF-16, so a mark alone proves nothing: FF FE in
    front of plain ASCII "decodes" into CJK ideographs (b"He" becomes U+6548), and such a
    document would be indexed as gibberish. The reading is kept only when nearly all of it
    is printable and its code units are not pairs of ASCII bytes.
    """
    try:
        text = data.decode("utf-16")
    except UnicodeDecodeError:
        return None
    sample = text[:8192]
    if not sample:
        return text
    printable = sum(1 for c in sample if c.isprintable() or c in "\t\n\r\f")
    if printable < MIN_UTF16_PRINTABLE * len(sample):
        return None
    units = data[2 : 2 + 2 * 8192]
    pairs = len(units) // 2
    ascii_pairs = sum(
        1
        for i in range(0, 2 * pairs, 2)
        if units[i] in _ASCII_TEXT_BYTES and units[i + 1] in _ASCII_TEXT_BYTES
    )
    return None if ascii_pairs > MAX_UTF16_ASCII_PAIRS * pairs else text


def _looks_binary(sample: bytes) -> bool:
    control = sum(1 for b in sample if b < 32 and b not in (9, 10, 12, 13))
    return control > max(8, len(sample) // 50)


def _guess_encoding(data: bytes) -> str:
    try:
        from charset_normalizer import from_bytes
    except ImportError:  # pragma: no cover - charset_normalizer comes with requests
        return ""
    best = from_bytes(data[:65536]).best()
    return best.encoding if best and best.encoding not in ("utf_8", "ascii") else ""


def load_file(path: Path, *, max_bytes: int, label: str) -> list[RawArticle]:
    """The articles in one file; ``label`` is how the file is named in metadata and messages."""
    check_suffix(path)
    return parse_bytes(read_bytes(path, max_bytes), path.suffix.lower(), label)


def check_suffix(path: Path) -> None:
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise SkipFile(
            f"unsupported file type {suffix or '(no extension)'}; "
            f"supported: {', '.join(SUPPORTED_SUFFIXES)}"
        )


def parse_bytes(data: bytes, suffix: str, label: str) -> list[RawArticle]:
    """The articles in a file's bytes, read according to its suffix."""
    text = decode(data)
    if suffix in (".json", ".jsonl"):
        return _load_records(text, label, jsonl=suffix == ".jsonl")
    if suffix in (".html", ".htm"):
        return [_load_html(text, label)]
    markup = "markdown" if suffix in (".md", ".markdown") else "text"
    title, published, body = _front_matter(text) if markup == "markdown" else ("", "", text)
    return [
        RawArticle(text=body, source_file=label, title=title, published=published, markup=markup)
    ]


# --- HTML ----------------------------------------------------------------------------


def _load_html(html: str, label: str) -> RawArticle:
    import trafilatura  # imported here: only HTML needs it, and it costs half a second

    extracted = trafilatura.extract(
        html,
        output_format="json",
        with_metadata=True,
        include_comments=False,
        include_tables=False,
        favor_precision=True,
    )
    if not extracted:
        raise SkipFile("has no article text that could be extracted from the HTML")
    data = json.loads(extracted)
    text = data.get("text") or ""
    if not text.strip():
        raise SkipFile("has no article text that could be extracted from the HTML")
    return RawArticle(
        text=text,
        source_file=label,
        title=data.get("title") or "",
        outlet=data.get("sitename") or "",
        url=data.get("url") or "",
        author=data.get("author") or "",
        published=data.get("date") or "",
        category=data.get("categories") or "",
        markup="extracted",
    )


# --- Markdown front matter -----------------------------------------------------------

_FRONT_MATTER = re.compile(r"\A---\s*\n(.*?)\n---\s*\n", re.DOTALL)


def _front_matter(text: str) -> tuple[str, str, str]:
    match = _FRONT_MATTER.match(text)
    if not match:
        return "", "", text
    fields: dict[str, str] = {}
    for line in match.group(1).splitlines():
        key, sep, value = line.partition(":")
        if sep:
            fields[key.strip().lower()] = value.strip().strip("'\"")
    return fields.get("title", ""), fields.get("date", ""), text[match.end() :]


# --- JSON records --------------------------------------------------------------------

_TEXT_KEYS = ("body", "text", "content", "article", "article_text", "full_text")
_TITLE_KEYS = ("title", "headline", "name")
_OUTLET_KEYS = ("source", "outlet", "publisher", "site", "sitename", "publication")
_DATE_KEYS = ("published_at", "published", "date", "publication_date", "pubdate", "time")
_URL_KEYS = ("url", "link", "href")
_AUTHOR_KEYS = ("author", "authors", "byline")
_CATEGORY_KEYS = ("category", "section", "categories")


def _load_records(text: str, label: str, *, jsonl: bool) -> list[RawArticle]:
    records: list[tuple[str, Any]] = []
    if jsonl:
        for number, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                records.append((f"{label}:{number}", json.loads(line)))
            except json.JSONDecodeError as exc:
                records.append((f"{label}:{number}", SkipFile(f"line {number}: {exc.msg}")))
    else:
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise SkipFile(
                f"is not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}"
            ) from exc
        items = _record_list(data)
        records = [(f"{label}#{i}", item) for i, item in enumerate(items)]

    articles: list[RawArticle] = []
    problems: list[str] = []
    for where, record in records:
        if isinstance(record, SkipFile):
            problems.append(str(record))
            continue
        try:
            articles.append(_record_to_article(record, where))
        except SkipFile as exc:
            problems.append(f"record {where.rsplit('#', 1)[-1]}: {exc}")
    if not articles:
        detail = f" ({'; '.join(problems[:3])})" if problems else ""
        raise SkipFile(f"has no article records with text{detail}")
    if problems:
        shown = "; ".join(problems[:3]) + (
            f"; and {len(problems) - 3} more" if len(problems) > 3 else ""
        )
        first = articles[0]
        articles[0] = RawArticle(
            **{**first.__dict__, "warnings": (f"skipped {len(problems)} record(s): {shown}",)}
        )
    return articles


def _record_list(data: Any) -> list[Any]:
    if isinstance(data, list):
        return data
    if isinstance(data, dict):
        for key in ("articles", "documents", "data", "items", "records", "results"):
            if isinstance(data.get(key), list):
                return list(data[key])
        return [data]
    raise SkipFile("holds neither an article record nor a list of them")


def _record_to_article(record: Any, where: str) -> RawArticle:
    if not isinstance(record, dict):
        raise SkipFile("is not an object")
    text = _first_text(record, _TEXT_KEYS)
    if not text.strip():
        raise SkipFile(f"has no text (looked for {', '.join(_TEXT_KEYS)})")
    return RawArticle(
        text=text,
        source_file=where,
        title=_first_text(record, _TITLE_KEYS),
        outlet=_first_text(record, _OUTLET_KEYS),
        url=_first_text(record, _URL_KEYS),
        author=_first_text(record, _AUTHOR_KEYS),
        published=_first_text(record, _DATE_KEYS),
        category=_first_text(record, _CATEGORY_KEYS),
        markup="text",
    )


def _first_text(record: dict[str, Any], keys: tuple[str, ...]) -> str:
    for key in keys:
        value = record.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip()
        if isinstance(value, list):
            parts = [
                v if isinstance(v, str) else str(v.get("name", "")) if isinstance(v, dict) else ""
                for v in value
            ]
            joined = ", ".join(p for p in parts if p)
            if joined:
                return joined
        if isinstance(value, dict) and isinstance(value.get("name"), str):
            return str(value["name"])
    return ""

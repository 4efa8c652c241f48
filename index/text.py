"""Text primitives shared by cleaning, chunking and answering.

Normalisation, a sentence splitter that knows common abbreviations, word shingles for
near-duplicate detection, and date parsing for the formats news pages use.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from datetime import date

_QUOTES = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u2032": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u201f": '"',
        "\u2033": '"',
        "\u00ab": '"',
        "\u00bb": '"',
        "\u2013": "-",
        "\u2014": " - ",
        "\u2212": "-",
        "\u2026": "...",
    }
)
_INVISIBLE = re.compile(r"[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


_NEEDS_WORK = re.compile(
    "[\u2018-\u201f\u2032\u2033\u00ab\u00bb\u2013\u2014\u2212\u2026\u200b-\u200d"
    "\u2060\ufeff\u00ad\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u00a0\u2000-\u200a\u202f"
    "\u205f\u3000\t]|  "
)


def normalize_line(text: str) -> str:
    """Canonical spacing and punctuation for one line: NFC, straight quotes, single spaces."""
    if not text.isascii():
        text = unicodedata.normalize("NFC", text)
    if not _NEEDS_WORK.search(text):
        return text.strip()
    text = _INVISIBLE.sub("", text).translate(_QUOTES)
    text = _CONTROL.sub(" ", text)
    return _SPACES.sub(" ", text).strip()


_WORD = re.compile(r"[^\W_]+")


def fold(text: str) -> str:
    """A comparison key: lower case, letters and digits only, single spaces."""
    return " ".join(_WORD.findall(normalize_line(text).lower()))


def content_hash(text: str, length: int = 32) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:length]


# --- sentences -----------------------------------------------------------------------

_ABBREVIATIONS = frozenset(
    """
    mr mrs ms dr prof sr jr st gen col lt sgt capt cmdr adm gov sen rep rev hon pres
    inc ltd co corp bros plc llc vs etc al fig no nos vol pp approx dept est jan feb
    mar apr jun jul aug sep sept oct nov dec mon tue tues wed thu thur thurs fri sat
    sun u.s u.k u.n e.g i.e a.m p.m ph.d u.s.a d.c
    """.split()
)
_BOUNDARY = re.compile(r"""(?<=[.!?])["')\]]*\s+(?=["'(\[]?[A-Z0-9])""")


def chunk_sentences(text: str) -> list[str]:
    """The sentences of a chunk, paragraph by paragraph: a sentence never runs across
    a paragraph break (a headline or a list item ends with none of ".!?")."""
    return [s for paragraph in text.split("\n\n") for s in split_sentences(paragraph)]


def split_sentences(paragraph: str) -> list[str]:
    """Split one paragraph into sentences without cutting abbreviations or initials."""
    paragraph = paragraph.strip()
    if not paragraph:
        return []
    sentences: list[str] = []
    start = 0
    for match in _BOUNDARY.finditer(paragraph):
        head = paragraph[start : match.start()].rstrip()
        if _ends_with_abbreviation(head):
            continue
        candidate = paragraph[start : match.end()].strip()
        if candidate:
            sentences.append(candidate)
        start = match.end()
    tail = paragraph[start:].strip()
    if tail:
        sentences.append(tail)
    return sentences


def _ends_with_abbreviation(head: str) -> bool:
    head = head.rstrip("\"')]")
    if not head.endswith("."):
        return False
    last = head.rsplit(None, 1)[-1].rstrip(".").lstrip("\"'([").lower()
    if last in _ABBREVIATIONS:
        return True
    # Single initials ("J. Smith") and dotted acronyms ("U.S.") do not end sentences
    # unless followed by more text we cannot see; err on keeping the sentence whole.
    return (len(last) == 1 and last.isalpha()) or bool(re.fullmatch(r"(?:[a-z]\.)+[a-z]", last))


# --- shingles ------------------------------------------------------------------------


def word_shingles(text: str, size: int) -> set[str]:
    """The set of ``size``-word shingles of the folded text (the words themselves if short)."""
    return shingles_of_words(fold(text).split(), size)


def shingles_of_words(words: list[str], size: int) -> set[str]:
    if len(words) <= size:
        return {" ".join(words)} if words else set()
    return {" ".join(words[i : i + size]) for i in range(len(words) - size + 1)}


def jaccard(a: set[str], b: set[str]) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)


# --- dates ---------------------------------------------------------------------------

_MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}
_MONTH = r"(?P<month>" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>(?:19|20)\d\d)"
_WEEKDAY = r"(?:mon|tues?|wed(?:nes)?|thu(?:rs)?|fri|sat(?:ur)?|sun)(?:day)?\.?,?"
DATE_PATTERNS = [
    re.compile(rf"\b{_DAY}\s+{_MONTH},?\s+{_YEAR}\b", re.IGNORECASE),
    re.compile(rf"\b{_MONTH}\s+{_DAY},?\s+{_YEAR}\b", re.IGNORECASE),
    re.compile(r"\b(?P<year>(?:19|20)\d\d)-(?P<month>[01]\d)-(?P<day>[0-3]\d)\b"),
]
WEEKDAY_PREFIX = re.compile(rf"^\s*{_WEEKDAY}\s+", re.IGNORECASE)


def find_dates(text: str) -> list[tuple[date, re.Match[str]]]:
    """Every calendar date written out in ``text``, in reading order, with its match."""
    found = [
        (parsed, match)
        for pattern in DATE_PATTERNS
        for match in pattern.finditer(text)
        if (parsed := _to_date(match)) is not None
    ]
    return sorted(found, key=lambda item: item[1].start())


def find_date(text: str) -> tuple[date, re.Match[str]] | None:
    """The first calendar date written out in ``text`` and the match that found it."""
    found = find_dates(text)
    return found[0] if found else None


def parse_date(text: str) -> date | None:
    """Parse a date given on its own (ISO timestamps included); None when there is none."""
    text = text.strip()
    iso = re.match(r"^((?:19|20)\d\d)-(\d\d)-(\d\d)", text)
    if iso:
        try:
            return date(int(iso[1]), int(iso[2]), int(iso[3]))
        except ValueError:
            return None
    found = find_date(text)
    return found[0] if found else None


def _to_date(match: re.Match[str]) -> date | None:
    month_text = match["month"].lower().rstrip(".")
    month = _MONTHS.get(month_text) or (int(month_text) if month_text.isdigit() else 0)
    try:
        return date(int(match["year"]), month, int(match["day"]))
    except ValueError:
        return None

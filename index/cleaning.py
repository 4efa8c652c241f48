"""Turn a scraped article into a headline, a date and clean paragraphs.

Scraped news text carries page furniture: navigation ("Skip to main content"), share
and subscribe prompts, "Advertisement", view counters ("Read: 788"), thumbnails and
captions, "More about:" tag lists, crawl-date banners, credit lines, and sometimes the
whole article twice. The rules below are general shapes of such furniture, not lists
of lines from particular files:

* a short line (few words, no sentence punctuation) matching a furniture class;
* anything before the headline that is not the headline, a date or a byline;
* short non-sentence lines trailing after the last real paragraph;
* counter fragments ("Read: 788", "5 min read") inside short lines;
* paragraphs repeating the headline (kickers glued to it included);
* paragraphs repeated within the article (counted as duplicates, kept once).
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from datetime import date

from index.loaders import RawArticle
from index.text import WEEKDAY_PREFIX, find_date, fold, normalize_line, parse_date

_FURNITURE = re.compile(
    r"""^(?:
        skip\ to\ (?:the\ )?(?:main\ )?(?:content|navigation|article)
      | (?:main\ |site\ )?(?:menu|navigation|search|home(?:page)?|close|open|toggle\ navigation)
      | back\ to\ (?:top|home)
      | (?:latest|breaking|top|more|related|trending|popular|recent|featured)\ ?(?:news|stories|articles|posts|headlines|videos)?
      | news\ ?line | must[\s-]read | editor'?s\ picks?
      | read\ (?:more|also|next|full\ (?:story|article))\b.*
      | recommended(?:\ for\ you)? | you\ may\ (?:also\ )?like\b.* | see\ also\b.*
      | more\ (?:about|from|on|in)\b.* | tags?\s*:.* | topics?\s*:.* | filed\ under\b.*
      | share(?:\ (?:this|on|via|the|article|story|post)\b.*)? | tweet | email | print
      | copy\ (?:link|url) | whatsapp | facebook | twitter | linkedin | telegram | reddit
      | follow\ (?:us|me)\b.* | subscribe\b.* | sign\ (?:up|in)\b.* | log\ ?in | register
      | (?:get\ )?(?:our\ )?newsletters?\b.* | join\ (?:us|the\ conversation)\b.*
      | advertisement | advertising | sponsored(?:\ content)? | promoted | \[?ad\]?
      | (?:story\ continues\ )?below\ (?:this\ )?(?:ad|advertisement)
      | thumbnails? | (?:featured\ )?image | photo | video | gallery | play\ video
      | (?:photo|image|picture|video|file\ photo)\s*(?:credit|courtesy|source)?\s*:.*
      | (?:getty|ap|afp|reuters|shutterstock)\ images?\b.*
      | we\ use\ cookies\b.* | accept(?:\ all)?\ cookies | privacy\ policy | terms\ of\ (?:use|service)
      | ©.* | copyright\s*(?:©|\(c\)|\d{4}).* | all\ rights\ reserved\b.*
      | comments? | leave\ a\ (?:comment|reply) | \d+\ comments?
      | print\ this\ (?:page|article) | listen\ to\ (?:this\ )?article\b.*
    )\W*$""",
    re.IGNORECASE | re.VERBOSE,
)
_COUNTER = re.compile(
    r"""(?:\b(?:read|reads|views?|viewed|hits|comments?|shares?|likes?)\b\s*[:\-]?\s*\d[\d,.]*\s*[km]?\b
      | \b\d[\d,.]*\s*[km]?\s+(?:views|reads|comments|shares|likes)\b
      | \b\d+\s*(?:min|mins|minute|minutes)\s+read\b)""",
    re.IGNORECASE | re.VERBOSE,
)
_BYLINE = re.compile(r"^by\s+(?P<who>[^.!?]{2,80})$", re.IGNORECASE)
_DATE_LABEL = re.compile(
    r"^(?:published|updated|posted|last\ updated|date)\b\s*:?\s*(?:on\s+)?", re.IGNORECASE | re.X
)
_SENTENCE_END = re.compile(r"""[.!?:;]["')\]]*$""")
_MARKDOWN_IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)")
_MARKDOWN_LINK = re.compile(r"\[([^\]]+)\]\([^)]*\)")
_MARKDOWN_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+")
_MARKDOWN_EMPHASIS = re.compile(r"(\*\*|__|`)")

SHORT_LINE_WORDS = 8


@dataclass(frozen=True, kw_only=True)
class CleanArticle:
    title: str
    paragraphs: tuple[str, ...]
    published: date | None
    author: str
    outlet: str
    url: str
    category: str
    source_file: str
    repeated_paragraphs: int
    furniture_lines: int

    @property
    def body(self) -> str:
        return "\n\n".join(self.paragraphs)


def clean_article(raw: RawArticle) -> CleanArticle:
    """Clean one raw article; see the module docstring for the rules."""
    lines = _paragraphs(raw.text, markdown=raw.markup == "markdown")
    markdown_title = _markdown_title(raw.text) if raw.markup == "markdown" else ""
    furniture = 0
    kept: list[str] = []
    for line in lines:
        if _is_furniture(line):
            furniture += 1
            continue
        stripped = _strip_counters(line)
        if stripped != line:
            furniture += 1
            if not stripped:
                continue
        kept.append(stripped)

    title = normalize_line(raw.title or markdown_title)
    title_index = -1
    if not title:
        title_index = _find_headline(kept)
        title = kept[title_index] if title_index >= 0 else ""

    published = parse_date(raw.published) if raw.published else None
    author = raw.author
    header_dates: list[tuple[int, date, bool]] = []
    body: list[str] = []
    seen: set[str] = set()
    repeated = 0
    title_key = fold(title)
    for index, line in enumerate(kept):
        in_header = not body
        if index < title_index:
            dated = _date_line(line)
            if dated:
                header_dates.append((index, dated[0], dated[1]))
            furniture += 1
            continue
        if index == title_index:
            continue
        if title_key and _repeats_headline(line, title_key):
            furniture += 1
            continue
        dated = _date_line(line) if in_header else None
        if dated:
            header_dates.append((index, dated[0], dated[1]))
            continue
        byline = _BYLINE.match(line)
        if byline and in_header and len(line.split()) <= SHORT_LINE_WORDS:
            author = author or byline["who"].strip()
            continue
        key = fold(line)
        if key in seen:
            repeated += 1
            continue
        seen.add(key)
        body.append(line)

    trailing = _trailing_furniture(body)
    furniture += trailing
    if trailing:
        body = body[:-trailing]
    if published is None:
        published = _choose_date(header_dates, title_index)
    if not title and body:
        title = _title_from_text(body[0])
    return CleanArticle(
        title=title,
        paragraphs=tuple(body),
        published=published,
        author=normalize_line(author),
        outlet=normalize_line(raw.outlet),
        url=raw.url.strip(),
        category=normalize_line(raw.category),
        source_file=raw.source_file,
        repeated_paragraphs=repeated,
        furniture_lines=furniture,
    )


def _paragraphs(text: str, *, markdown: bool) -> list[str]:
    """Paragraphs of the text: blank-line blocks, re-joined where lines were hard-wrapped."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    paragraphs: list[str] = []
    for block in re.split(r"\n\s*\n", text):
        lines = [_markdown_to_text(x) if markdown else x for x in block.split("\n")]
        lines = [normalize_line(x) for x in lines]
        lines = [x for x in lines if x]
        if not lines:
            continue
        if _hard_wrapped(lines):
            paragraphs.append(" ".join(lines))
        else:
            paragraphs.extend(lines)
    return paragraphs


def _hard_wrapped(lines: list[str]) -> bool:
    """True when a block's lines are one paragraph wrapped at a fixed width.

    Wrapped prose breaks mid-sentence: most breaks continue with a lower-case word or
    follow a comma or hyphen. Separate short lines (captions, lists) do not.
    """
    if len(lines) < 2 or max(len(x) for x in lines) > 120:
        return False
    breaks = list(itertools.pairwise(lines))
    continued = sum(
        1
        for before, after in breaks
        if not _SENTENCE_END.search(before) and (after[:1].islower() or before[-1:] in ",-")
    )
    return continued * 2 >= len(breaks)


def _markdown_to_text(line: str) -> str:
    line = _MARKDOWN_IMAGE.sub("", line)
    line = _MARKDOWN_LINK.sub(r"\1", line)
    line = _MARKDOWN_HEADING.sub("", line)
    line = re.sub(r"^\s*[-*+]\s+", "", line)
    return _MARKDOWN_EMPHASIS.sub("", line)


def _markdown_title(text: str) -> str:
    match = re.search(r"^\s{0,3}#\s+(.+)$", text, re.MULTILINE)
    return _markdown_to_text(match.group(1)) if match else ""


def _is_short(line: str) -> bool:
    return len(line.split()) <= SHORT_LINE_WORDS and not _SENTENCE_END.search(line)


def _is_furniture(line: str) -> bool:
    return len(line.split()) <= SHORT_LINE_WORDS and bool(_FURNITURE.match(line))


def _strip_counters(line: str) -> str:
    if len(line.split()) > SHORT_LINE_WORDS + 4:
        return line
    stripped = _COUNTER.sub(" ", line)
    if stripped == line:
        return line
    return normalize_line(re.sub(r"^[\s|·•\-–—]+|[\s|·•\-–—]+$", "", stripped))


def _date_line(line: str) -> tuple[date, bool] | None:
    """A line that only states a date (a dateline or banner): (date, has weekday)."""
    if len(line) > 80:
        return None
    found = find_date(line)
    if not found:
        return None
    parsed, match = found
    rest = (line[: match.start()] + " " + line[match.end() :]).strip()
    rest = _DATE_LABEL.sub("", WEEKDAY_PREFIX.sub("", rest)).strip(" ,|·-–—:")
    if len(rest.split()) > 2:
        return None
    return parsed, bool(WEEKDAY_PREFIX.match(line))


def _choose_date(candidates: list[tuple[int, date, bool]], title_index: int) -> date | None:
    """Prefer a dateline after the headline; a weekday banner above it is the crawl date."""
    after = [d for i, d, _ in candidates if i > title_index]
    if after:
        return after[0]
    plain_before = [d for i, d, weekday in candidates if not weekday]
    return plain_before[0] if plain_before else None


def _find_headline(lines: list[str]) -> int:
    """Index of the first headline-like line, searched only until the article begins."""
    for index, line in enumerate(lines):
        words = len(line.split())
        if _date_line(line) or _BYLINE.match(line):
            continue
        if 3 <= words <= 30 and not line.endswith(".") and sum(c.isalpha() for c in line) > 10:
            return index
        if words > 30 or (line.endswith(".") and words >= 12):
            return -1
    return -1


def _repeats_headline(line: str, title_key: str) -> bool:
    """The headline again, or glued to a short kicker ("News" + headline)."""
    key = fold(line)
    if key == title_key:
        return True
    if len(key) <= len(title_key) + 25 and (key.endswith(title_key) or key.startswith(title_key)):
        return len(title_key) >= 15
    return False


def _trailing_furniture(body: list[str]) -> int:
    """How many short non-sentence lines (credits, section names) end the article."""
    count = 0
    for line in reversed(body):
        if _is_short(line) and len(line.split()) <= 6:
            count += 1
        else:
            break
    return count if count < len(body) else 0


def _title_from_text(paragraph: str, words: int = 12) -> str:
    parts = paragraph.split()
    return " ".join(parts[:words]) + ("…" if len(parts) > words else "")

"""Dates in news prose, read against the article's own date.

Reporters write "on Friday", "last year", "earlier this month": such a date means
something only beside the day the article was published. ``resolve`` turns a date
expression into a calendar date, month or year when the text and the publication date
allow it, and says how it got there.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

MONTHS = (
    "january february march april may june july august september october november december"
).split()
WEEKDAYS = "monday tuesday wednesday thursday friday saturday sunday".split()
_YEAR = re.compile(r"\b(1[89]\d\d|20\d\d)\b")
_MONTH = re.compile(r"\b(" + "|".join(MONTHS) + r")\b", re.I)
_DAY = re.compile(r"\b([0-3]?\d)(?:st|nd|rd|th)?\b")


@dataclass(frozen=True)
class Resolved:
    """A date expression as the reader should see it."""

    text: str  # "Friday, 16 February 2018"
    absolute: bool  # the sentence itself gave the date; no publication date was needed
    explanation: str = ""  # "“on Friday”, counted from the article's date, 20 February 2018"


def long_date(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def is_absolute(expression: str) -> bool:
    """Whether the expression pins a date by itself: a year, or a month with a day."""
    return bool(_YEAR.search(expression))


def resolve(expression: str, published: str, tense: str = "") -> Resolved | None:
    """The date an expression means, or None when it means none we can tell.

    ``tense`` is that of the verb the expression belongs to, "past", "future" or "" when
    the sentence does not say: it decides which year a month without one is in ("held
    in November": the last November; "will open in May": the next May; "a May 1 deadline
    approaches": the nearest May 1)."""
    text = expression.strip()
    lower = text.lower()
    if is_absolute(text):
        return Resolved(text, True)
    try:
        base = date.fromisoformat(published[:10])
    except ValueError:
        return None
    why = f"“{text}”, counted from the article's date, {long_date(base)}"
    if re.search(r"\btoday\b|\bthis morning\b|\btonight\b", lower):
        return Resolved(long_date(base), False, why)
    if "yesterday" in lower:
        return Resolved(long_date(base - timedelta(days=1)), False, why)
    if "tomorrow" in lower:
        return Resolved(long_date(base + timedelta(days=1)), False, why)
    step = -1 if re.search(r"\blast\b|\bprevious\b|\bago\b", lower) else 1 if "next" in lower else 0
    if re.search(r"\byear\b", lower) and (step or "this" in lower):
        return Resolved(str(base.year + step), False, why)
    if re.search(r"\bmonth\b", lower) and (step or "this" in lower):
        month = (base.month - 1 + step) % 12 + 1
        year = base.year + (base.month - 1 + step) // 12
        return Resolved(f"{MONTHS[month - 1].capitalize()} {year}", False, why)
    if re.search(r"\bweek\b", lower) and (step or "this" in lower):
        monday = base - timedelta(days=base.weekday()) + timedelta(weeks=step)
        return Resolved(f"the week of {long_date(monday)}", False, why)
    weekday = next((i for i, name in enumerate(WEEKDAYS) if name in lower), None)
    if weekday is not None:
        # News reports the past: "on Friday" is the latest Friday up to the article's day
        # ("next Friday" the first one after it).
        if step > 0:
            delta = (weekday - base.weekday()) % 7 or 7
            day = base + timedelta(days=delta)
        elif step < 0:  # "last Friday" in a Friday's paper is a week before
            day = base - timedelta(days=(base.weekday() - weekday) % 7 or 7)
        else:
            day = base - timedelta(days=(base.weekday() - weekday) % 7)
        return Resolved(f"{WEEKDAYS[weekday].capitalize()}, {long_date(day)}", False, why)
    month_match = _MONTH.search(text)
    if month_match:
        month = MONTHS.index(month_match.group(1).lower()) + 1
        day_match = _DAY.search(text.replace(month_match.group(0), " "))
        number = int(day_match.group(1)) if day_match else 0
        number = number if 1 <= number <= 31 else 0
        year, which = _year_of(month, number, base, "future" if step > 0 else tense)
        label = f"{MONTHS[month - 1].capitalize()} {year}"
        if number:
            label = f"{number} {label}"
        return Resolved(label, False, f"“{text}”, {which} the article's date, {long_date(base)}")
    return None


def _year_of(month: int, day: int, base: date, tense: str) -> tuple[int, str]:
    """The year of a month (and day) named without one, seen from ``base``: the last
    such date up to it for the past, the first from it for the future, else the
    nearest. Also how it was chosen, for the reader."""

    def when(year: int) -> date:
        return date(year, month, min(day or 15, 28))

    # a month alone counts as reached in any day of it
    this_year = (month, day or base.day)
    if tense == "past":
        past = this_year <= (base.month, base.day)
        return (base.year if past else base.year - 1), "the last up to"
    if tense == "future":
        ahead = this_year >= (base.month, base.day)
        return (base.year if ahead else base.year + 1), "the first from"
    year = min((base.year - 1, base.year, base.year + 1), key=lambda y: abs(when(y) - base))
    return year, "the nearest to"


def sort_key(resolved: str) -> tuple[int, int, int] | None:
    """ "Friday, 16 February 2018" → (2018, 2, 16); "March 2021" → (2021, 3, 0); "2019" →
    (2019, 0, 0); None without a year. A month or year sorts before its days."""
    year = _YEAR.search(resolved)
    if not year:
        return None
    month = _MONTH.search(resolved)
    number = MONTHS.index(month.group(1).lower()) + 1 if month else 0
    rest = resolved.replace(year.group(0), " ")
    if month:
        rest = rest.replace(month.group(0), " ")
    day = _DAY.search(rest) if month else None
    return int(year.group(1)), number, int(day.group(1)) if day else 0


def long_date_or_blank(iso: str) -> str:
    """ "2021-04-07" → "7 April 2021"; "" for no or an unreadable date."""
    try:
        return long_date(date.fromisoformat(iso[:10]))
    except ValueError:
        return ""


def day_key(iso: str) -> tuple[int, int, int] | None:
    """ "2021-04-07" → (2021, 4, 7): an article's day as ``sort_key`` gives it; None for no
    or an unreadable date."""
    return sort_key(long_date_or_blank(iso))


def undated_place(expression: str, tense: str = "") -> tuple[int, int, int, int] | None:
    """Where a date stands against the day of an article that carries no date, for
    ordering its events: (years from the article's year, before/at/after its day, month,
    day).

    "Last June", "back in December", "on Tuesday" and "will be held in February" in an
    undated report still tell their order. A past month named without a year is taken as
    last year's, as "last June" in a February report is: a guess only for ordering, never
    shown as a date. None for an absolute date (it sorts by itself) and for anything with
    no month, day or year to place, or a month whose verb does not say past or future."""
    lower = expression.lower()
    if is_absolute(expression):
        return None
    step = -1 if re.search(r"\blast\b|\bprevious\b|\bpast\b", lower) else 0
    step = 1 if re.search(r"\bnext\b|\bcoming\b", lower) else step
    month_match = _MONTH.search(lower)
    month = MONTHS.index(month_match.group(1)) + 1 if month_match else 0
    rest = lower.replace(month_match.group(0), " ") if month_match else lower
    day_match = _DAY.search(rest) if month else None
    day = int(day_match.group(1)) if day_match and 1 <= int(day_match.group(1)) <= 31 else 0
    future = tense == "future" or step > 0
    if re.search(r"\byear\b", lower):  # "last year", "in June last year", "this year"
        return (step, 0, month, day) if step else (0, 1 if future else -1, month, day)
    if month:  # "last June", "back in December", "will be held in February"
        if future:
            return 0, 1, month, day
        return (-1, 0, month, day) if step or tense == "past" else None
    if re.search(r"\btoday\b|\byesterday\b|\btonight\b|\bthis (?:week|morning)\b", lower):
        return 0, 0, 0, 0
    if any(name in lower for name in WEEKDAYS):
        return 0, step, 0, 0  # "on Tuesday": the article's week
    if re.search(r"\bmonth\b|\bweek\b", lower) and step:
        return 0, step, 0, 0
    return None


def told_apart(a: tuple[int, ...], b: tuple[int, ...]) -> bool:
    """Whether two sort keys tell which came first: they differ at a level both state (a
    month is neither before nor after a day in it)."""
    for x, y in zip(a, b, strict=True):
        if x == 0 or y == 0:
            return False
        if x != y:
            return True
    return False

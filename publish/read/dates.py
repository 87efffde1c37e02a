"""Dates as people write them in front matter (ISO, "30 October 2025", "Oct 30, 2025", datetimes with zones) -> a date."""
from __future__ import annotations

import datetime as dt
import re
from typing import Any

_MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"), ("may",),
            ("june", "jun"), ("july", "jul"), ("august", "aug"), ("september", "sep", "sept"),
            ("october", "oct"), ("november", "nov"), ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}
_NAMES = {number: name.capitalize() for name, number in _MONTHS.items() if len(name) > 3 or name == "may"}
_WEEKDAY = r"(?:mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)[a-z]*\.?,?\s+"
_DAY = r"(?P<day>\d{1,2})(?:st|nd|rd|th)?"
_MONTH = r"(?P<month>[a-z]+)\.?"
_YEAR = r"(?P<year>\d{4})"
#: a time of day and an optional zone after a date: "09:00", "09:00:00.5", "+08:00", "+0800", "Z", "UTC"
_TIME = r"(?:(?:[t ]|,?\s+(?:at\s+)?)\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?(?:\s*(?:am|pm))?(?:\s*(?:z|utc|gmt|[+-]\d{2}:?\d{2}|[a-z]{3,4}))?)?"
_WORDY = [
    re.compile(rf"^(?:{_WEEKDAY})?{_DAY}\s+{_MONTH},?\s+{_YEAR}{_TIME}$"),  # 30 October 2025, Thu, 30 Oct 2025 09:00 +0000
    re.compile(rf"^(?:{_WEEKDAY})?{_MONTH}\s+{_DAY},?\s+{_YEAR}{_TIME}$"),  # October 30, 2025; Oct 30 2025
]
_ISO_DATE = re.compile(r"^(?P<year>\d{4})[-/.](?P<month>\d{1,2})[-/.](?P<day>\d{1,2})" + _TIME + "$")
_NUMERIC = re.compile(r"^(?P<a>\d{1,2})(?P<sep>[-/.])(?P<b>\d{1,2})(?P=sep)(?P<year>\d{2}|\d{4})$")
#: Quarto's and others' words for "when the file is rendered": publish never reads the clock.
CLOCK_WORDS = frozenset({"today", "now", "last-modified", "last modified", "modified", "current"})

EXAMPLES = "2025-10-30, 30 October 2025 or October 30, 2025"


class DateProblem(ValueError):
    """Why a text is not a date, said for the writer."""


def _make(year: int, month: int, day: int, written: str) -> dt.date:
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise DateProblem(f"{written!r} is not a day of the calendar; write a date such as {EXAMPLES}") from None


def parse_date(value: Any) -> dt.date:
    """The calendar date a front-matter value says (the date as written, whatever its time zone).

    Raises DateProblem with the reason when it is no date, or an ambiguous one such as 03/04/2025."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise DateProblem(f"a date must be written as text such as {EXAMPLES}")
    text = " ".join(str(value).split())
    lowered = text.lower()
    if not text:
        raise DateProblem(f"the date is empty; write one such as {EXAMPLES}")
    match = _ISO_DATE.match(lowered)
    if match:
        return _make(int(match["year"]), int(match["month"]), int(match["day"]), text)
    for pattern in _WORDY:
        match = pattern.match(lowered)
        if match:
            month = _MONTHS.get(match["month"])
            if month is None:
                raise DateProblem(f"{match['month']!r} in {text!r} is not an English month name; write the date as {EXAMPLES}")
            return _make(int(match["year"]), month, int(match["day"]), text)
    match = _NUMERIC.match(lowered)
    if match:
        a, b = int(match["a"]), int(match["b"])
        if len(match["year"]) == 2:
            raise DateProblem(f"{text!r} has a two-digit year; write the whole date as 2025-10-30 (year-month-day)")
        year = int(match["year"])
        if a > 12 >= b:
            return _make(year, b, a, text)  # day first: 30/10/2025
        if b > 12 >= a:
            return _make(year, a, b, text)  # month first: 10/30/2025
        if a == b:
            return _make(year, a, b, text)
        if a <= 12 and b <= 12:
            first = _make(year, b, a, text)
            second = _make(year, a, b, text)
            raise DateProblem(
                f"{text!r} is ambiguous: it is {first.day} {_NAMES[first.month]} in most countries and "
                f"{_NAMES[second.month]} {second.day} in the US; write it as {first.isoformat()} or "
                f"{second.isoformat()} (year-month-day)"
            )
    raise DateProblem(f"{text!r} is not a date publish can read; write it as {EXAMPLES}")

"""Dates in a report's sentences, read against the report's own date, with their precision.

A reviewer wants each candidate claim dated the way the text dates it: "on Saturday" in a
report of Sunday 8 December 2024 is 7 December (to the day), "last week" a week (to the week),
"in March" a month. Only expressions that can be placed are returned; without the report's date
a weekday or "yesterday" cannot be, and is left out rather than guessed.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

__all__ = ["TextDate", "adverbials", "dates_in"]

_MONTHS = {name.lower(): i for i, name in enumerate(calendar.month_name) if name}
_MONTHS |= {name.lower(): i for i, name in enumerate(calendar.month_abbr) if name}
_MONTHS["sept"] = 9
_DAYS = {name.lower(): i for i, name in enumerate(calendar.day_name)}

_MONTH = r"(?P<month>" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>(?:19|20)\d\d)"
_WEEKDAYS = "|".join(_DAYS)
_PATTERNS = [
    (re.compile(rf"\b{_DAY}\s+(?:of\s+)?{_MONTH}(?:,?\s+{_YEAR})?\b", re.I), "day"),
    (re.compile(rf"\b{_MONTH}\s+{_DAY}(?:,?\s+{_YEAR})?\b", re.I), "day"),
    (re.compile(rf"\b(?:in|since|during|by|until|early|late|mid-?)\s+{_MONTH}(?:\s+{_YEAR})?\b", re.I), "month"),
    (re.compile(rf"\b{_MONTH}\s+{_YEAR}\b", re.I), "month"),
    (re.compile(r"\b(?P<iso>(?:19|20)\d\d-[01]\d-[0-3]\d)\b"), "day"),
    (re.compile(r"\b(?P<last>last\s+)?(?:on|this|late on|early on)?\s*(?P<weekday>" + _WEEKDAYS + r")\b", re.I), "day"),
    (re.compile(r"\b(?P<relative>yesterday|today|last night|this morning|overnight)\b", re.I), "day"),
    (re.compile(r"\b(?P<week>last week|this week|earlier this week)\b", re.I), "week"),
    (re.compile(r"\b(?P<month_rel>last month|this month|earlier this month)\b", re.I), "month"),
]


_D = r"[0-3]?\d(?:st|nd|rd|th)?"
_M = r"(?:" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_Y = r"(?:19|20)\d\d"
_WHEN = (
    rf"(?:(?:{_D}\s*(?:and|-|–|to)\s*)?{_D}\s+(?:of\s+)?{_M}(?:,?\s+{_Y})?|{_M}\s+{_D}(?:,?\s+{_Y})?|{_M}\s+{_Y}"
    rf"|{_M}|{_Y}|(?:{_WEEKDAYS})(?:,?\s+{_D}\s+(?:of\s+)?{_M}(?:,?\s+{_Y})?|,?\s+{_M}\s+{_D}(?:,?\s+{_Y})?"
    r"|\s+(?:morning|afternoon|evening|night))?)"
)
"""A date: "3 January 2021", "May 7", "March", "Saturday", "Monday, 16 January" (the weekday and its date are one
phrase: left apart, ", 16 January," stays in the parse and breaks it)."""
_ADVERBIAL = re.compile(
    rf"\b(?:(?:on|in|since|during|by|from|until|till|early|late|early on|late on|as of|between)\s+{_WHEN}"
    rf"|(?:(?:early|late)\s+)?(?:on|in)\s+the\s+(?:morning|afternoon|evening|night)\s+of\s+{_WHEN}"
    r"|(?:(?:until|since)\s+)?(?:(?:last|this)\s+(?:" + _WEEKDAYS + r")|(?:last|this|earlier this)\s+(?:week|month))"
    r"|(?:later\s+|earlier\s+)?that\s+(?:day|night|morning|afternoon|evening|week)"
    r"|(?:on\s+)?the\s+(?:next|following)\s+(?:day|morning|night|week)"
    r"|yesterday|overnight|last night|this morning)\b",
    re.I,
)


def adverbials(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Spans of date phrases a parse is better without ("On 3 January 2021,", " on Saturday"), with their commas.

    Long sentences that open with a date are where link-grammar goes wrong most ("On 3 January
    2021, CPC fighters, led by ..., captured Bangassou" links "captured" to nothing); the phrase
    adds nothing to who did what to whom, and :func:`dates_in` reads it from the text itself.
    """
    spans = []
    for match in _ADVERBIAL.finditer(text, start, end):
        a, b = match.span()
        before, after = text[start:a], text[b:end]
        comma_after = after.lstrip().startswith(",")
        if not before.strip():  # "On 3 May, X took": the phrase, its comma and the spaces after it
            b += len(after) - len(after.lstrip(" ,")) if comma_after else 0
        elif before.rstrip().endswith(",") and comma_after:  # "X, on Saturday, took": both commas
            a = start + before.rstrip().rindex(",")
            b += after.index(",") + 1
        else:  # " on Saturday": the space before goes with it
            a -= len(before) - len(before.rstrip())
        spans.append((a, b))
    return spans


@dataclass(frozen=True)
class TextDate:
    """A date in the text: its words and offsets, the day it stands for, and how precisely."""

    text: str
    start: int
    end: int
    date: dt.date
    precision: str
    """day, week, month (kg's date precisions)."""


def dates_in(text: str, start: int, end: int, published: dt.date | None) -> list[TextDate]:
    """The dates in ``text[start:end]`` that can be placed, earliest in the text first; overlaps keep the longest."""
    found: list[TextDate] = []
    for pattern, precision in _PATTERNS:
        for match in pattern.finditer(text, start, end):
            date = _place(match, published)
            if date is not None:
                found.append(TextDate(match.group(), match.start(), match.end(), date, precision))
    kept: list[TextDate] = []
    for d in sorted(found, key=lambda d: (d.start, -(d.end - d.start))):
        if not kept or d.start >= kept[-1].end:
            kept.append(d)
    return kept


def _place(match: re.Match[str], published: dt.date | None) -> dt.date | None:
    groups = {k: v for k, v in match.groupdict().items() if v}
    if "iso" in groups:
        try:
            return dt.date.fromisoformat(groups["iso"])
        except ValueError:
            return None
    if "month" in groups:
        month = _MONTHS[groups["month"].lower().rstrip(".")]
        day = int(groups.get("day", 1))
        year = int(groups["year"]) if "year" in groups else _year_for(month, day, published)
        if year is None:
            return None
        try:
            return dt.date(year, month, day)
        except ValueError:
            return None
    if published is None:
        return None
    if "weekday" in groups:
        back = (published.weekday() - _DAYS[groups["weekday"].lower()]) % 7
        if back == 0 and "last" in groups:  # "last Saturday" in a Saturday's report: a week before
            back = 7
        return published - dt.timedelta(days=back)
    if "relative" in groups:
        word = groups["relative"].lower()
        return published - dt.timedelta(days=1 if word in {"yesterday", "last night"} else 0)
    if "week" in groups:
        return published - dt.timedelta(days=7 if groups["week"].lower() == "last week" else 0)
    if "month_rel" in groups:
        first = published.replace(day=1)
        return (first - dt.timedelta(days=1)).replace(day=1) if groups["month_rel"].lower() == "last month" else first
    return None


def _year_for(month: int, day: int, published: dt.date | None) -> int | None:
    """A day without a year is the latest such day not after the report ("20 March" in a report of 8 March 2025
    is 20 March 2024; "December" in a report of January is last December)."""
    if published is None:
        return None
    return published.year if (month, day) <= (published.month, published.day) else published.year - 1

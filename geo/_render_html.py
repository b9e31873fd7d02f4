"""Escaping and formatting for the map: everything taken from an article passes through here.

Quotes, outlets, urls, place names and dates are escaped with :func:`esc` or :func:`safe_url`
before they reach the page's data; the page only joins them with its own markup.
"""

from __future__ import annotations

import html
import re
from datetime import date
from urllib.parse import urlsplit

from geo.dates import FuzzyDate
from geo.exceptions import SidesError
from geo.sides import Sides

__all__ = [
    "KIND_LABELS",
    "esc",
    "fmt_day",
    "fmt_fuzzy",
    "fmt_iso",
    "safe_colour",
    "safe_url",
    "side_label",
]

#: Display names of the event kinds, in legend order.
KIND_LABELS: dict[str, str] = {
    "capture": "Capture",
    "withdraw": "Withdrawal",
    "contested": "Fighting",
    "control_claim": "Control claim",
    "offensive": "Offensive",
    "strike": "Strike",
    "override": "Analyst correction",
}

_COLOUR_RE = re.compile(r"#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})")
_MONTHS = (
    "January February March April May June July August September October November December"
).split()


def esc(value: object) -> str:
    """Escape any value for HTML text and attribute context (quotes included)."""
    return html.escape(str(value), quote=True)


def safe_url(url: str) -> str | None:
    """The url escaped for an ``href``, or None unless it is an absolute http(s) url."""
    url = url.strip()
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    if any(ch in url for ch in ('"', "'", "<", ">", "`", " ", "\n", "\r", "\t")):
        return None
    return esc(url)


def safe_colour(colour: str, default: str = "#888888") -> str:
    """A CSS hex colour, or ``default`` when the value is anything else."""
    return colour if _COLOUR_RE.fullmatch(colour) else default


def fmt_day(day: date | None) -> str:
    """``8 June 2020``; an em dash for no date."""
    if day is None:
        return "—"
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"


def fmt_fuzzy(fd: FuzzyDate) -> str:
    """``5 June 2020``, ``June 2020`` or ``2020``: a date at its precision."""
    if fd.precision == "day":
        return fmt_day(fd.value)
    if fd.precision == "month":
        return f"{_MONTHS[fd.value.month - 1]} {fd.value.year}"
    return str(fd.value.year)


def fmt_iso(text: str) -> str:
    """An ISO date at any precision (``2020-06``) as :func:`fmt_fuzzy` writes it."""
    try:
        return fmt_fuzzy(FuzzyDate.parse(text))
    except ValueError:
        return text


def side_label(sides: Sides, side_id: str) -> str:
    """The short name of a side, or the id itself (``contested``, ``unknown``)."""
    try:
        return sides.get(side_id).short
    except SidesError:  # "contested", "unknown" and strays are shown as they are
        return side_id

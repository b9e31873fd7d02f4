"""Resolve temporal expressions in war reporting against a publication date.

Reporting dates events relative to the day a story was filed ("on Saturday", "last month",
"a day after") far more often than it spells a date out. This module finds those expressions in
a sentence and turns each into a :class:`FuzzyDate`, a date known to a day, a month or a year.

Only ISO dates (``2020-06-08``) and dates with a written month (``8 June 2020``,
``June 8, 2020``) are reliable. Numeric dates with slashes are read day-first (``8/6/2020`` is
8 June), the wire-service habit, but American copy writes them month-first, so callers should
not lean on them.

All patterns are plain regular expressions without nested quantifiers, so scanning is linear in
the length of the text.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Literal

from dateutil import parser as _dateparser
from dateutil.relativedelta import FR, MO, SA, SU, TH, TU, WE, relativedelta

from geo._spans import select

__all__ = [
    "FuzzyDate",
    "Kind",
    "Precision",
    "TimeExpression",
    "day_offset",
    "find_time_expressions",
    "in_past",
    "parse_date",
    "published_from_text",
    "resolve_date",
    "shift",
    "undated",
]

logger = logging.getLogger(__name__)

Precision = Literal["day", "month", "year"]
Kind = Literal["explicit", "weekday", "relative", "month", "year", "vague", "anchor", "range"]

# Smaller is more precise; also the order in which overlapping candidates are preferred.
_RANK: dict[str, int] = {"day": 0, "month": 1, "year": 2}

# Explicit and prepositional years outside this range are counts, codes or typos, not dates.
_MIN_YEAR = 1900
_MAX_YEAR = 2100

# A year-less "8 June" further than this ahead of publication is last year's; closer, a plan.
_FUTURE_SLACK = relativedelta(months=2)


@dataclass(frozen=True, slots=True, order=True)
class FuzzyDate:
    """A date known to a precision. `value` is the first day of the period.

    Parameters
    ----------
    value
        First day of the period: any day for ``"day"``, the 1st for ``"month"``, 1 January for
        ``"year"``.
    precision
        How much of `value` is known.

    Raises
    ------
    ValueError
        If `precision` is unknown or `value` is not the first day of its period.
    """

    value: date
    precision: Precision

    def __post_init__(self) -> None:
        if self.precision not in _RANK:
            raise ValueError(f"unknown precision {self.precision!r}; expected day, month or year")
        if isinstance(self.value, datetime) or not isinstance(self.value, date):
            raise TypeError(f"value must be a date, not {type(self.value).__name__}")
        aligned = self.precision == "day" or (
            self.value.day == 1 and (self.precision == "month" or self.value.month == 1)
        )
        if not aligned:
            raise ValueError(
                f"{self.value.isoformat()} is not the first day of its {self.precision}"
            )

    @classmethod
    def containing(cls, day: date, precision: Precision) -> FuzzyDate:
        """The period of `precision` that contains `day`.

        Parameters
        ----------
        day
            Any day inside the period.
        precision
            Size of the period.

        Returns
        -------
        FuzzyDate
            The day, its month or its year.
        """
        if isinstance(day, datetime):
            day = day.date()
        if precision == "month":
            return cls(day.replace(day=1), "month")
        if precision == "year":
            return cls(date(day.year, 1, 1), "year")
        return cls(day, precision)

    def iso(self) -> str:
        """ISO 8601 text at this precision.

        Returns
        -------
        str
            ``"2020-06-05"``, ``"2020-06"`` or ``"2020"``.
        """
        if self.precision == "year":
            return f"{self.value.year:04d}"
        if self.precision == "month":
            return f"{self.value.year:04d}-{self.value.month:02d}"
        return self.value.isoformat()

    @property
    def first(self) -> date:
        """First day of the period."""
        return self.value

    @property
    def last(self) -> date:
        """Last day of the period."""
        if self.precision == "year":
            return date(self.value.year, 12, 31)
        if self.precision == "month":
            return self.value + relativedelta(months=1, days=-1)
        return self.value

    def compatible(self, other: FuzzyDate) -> bool:
        """Whether the two periods overlap, i.e. both could describe the same day.

        Parameters
        ----------
        other
            The date to compare with.

        Returns
        -------
        bool
            True when some day lies in both periods.
        """
        return self.first <= other.last and other.first <= self.last

    def refine(self, other: FuzzyDate) -> FuzzyDate:
        """The more precise of two compatible dates.

        Parameters
        ----------
        other
            A date overlapping this one.

        Returns
        -------
        FuzzyDate
            `other` when it is strictly more precise, else this date.

        Raises
        ------
        ValueError
            If the periods do not overlap.
        """
        if not self.compatible(other):
            raise ValueError(f"{self.iso()} and {other.iso()} do not overlap")
        return other if _RANK[other.precision] < _RANK[self.precision] else self

    @classmethod
    def parse(cls, text: str) -> FuzzyDate:
        """Read an ISO date at day, month or year precision.

        Parameters
        ----------
        text
            ``"2020"``, ``"2020-06"`` or ``"2020-06-05"``; surrounding spaces are ignored.

        Returns
        -------
        FuzzyDate
            The date, with the precision the text gives.

        Raises
        ------
        ValueError
            If the text is not such a date; the message names it.
        """
        match = _ISO_FUZZY_RE.fullmatch(text.strip())
        if match is None:
            raise ValueError(f"not an ISO date (YYYY, YYYY-MM or YYYY-MM-DD): {text!r}")
        year, month, day = match.groups()
        precision: Precision = "day" if day else "month" if month else "year"
        try:
            value = date(int(year), int(month or 1), int(day or 1))
        except ValueError as exc:
            raise ValueError(f"invalid date {text!r}: {exc}") from exc
        return cls(value, precision)


@dataclass(frozen=True, slots=True)
class TimeExpression:
    """A temporal expression found in a text and the date it resolves to.

    Parameters
    ----------
    start, end
        Character offsets of the expression in the text searched (half-open).
    text
        The matched words, including a leading word that qualifies them ("since", "last",
        "earlier on").
    date
        The resolved date.
    kind
        Which rule resolved it: ``"explicit"`` (a written day), ``"weekday"``, ``"relative"``
        (to publication: "yesterday", "last month"), ``"month"``, ``"year"``, ``"vague"``
        ("recently") or ``"anchor"`` (to the previous event: "a day later").
    """

    start: int
    end: int
    text: str
    date: FuzzyDate
    kind: Kind


@dataclass(frozen=True, slots=True)
class _Context:
    text: str
    published: date
    anchor: date
    # False when the article has no publication date: only dates with a year then resolve.
    dated: bool = True


_Found = tuple[Kind, FuzzyDate]
_Handler = Callable[[re.Match[str], _Context], _Found | None]

# --- vocabulary -------------------------------------------------------------------------------

_WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_WEEKDAYS = (MO, TU, WE, TH, FR, SA, SU)  # indexed like date.weekday()

_MONTHS: dict[str, int] = {
    name: number
    for number, names in enumerate(
        (
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sept", "sep"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ),
        start=1,
    )
    for name in names
}
_FULL_MONTHS = frozenset(
    {"january", "february", "march", "april", "may", "june", "july", "august", "september"}
    | {"october", "november", "december"}
)

_NUMBERS: dict[str, int] = {
    "a": 1,
    "an": 1,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
}

# --- pattern pieces ---------------------------------------------------------------------------
# Month and weekday names are case-sensitive on purpose: "march", "may" and "august" are also
# ordinary words, and only the capitalised forms are names. Everything else is case-insensitive
# through scoped (?i:...) groups. Whitespace runs are bounded so no start position can scan far.

_S = r"\s{1,4}"
_WD = "|".join(_WEEKDAY_NAMES)
_MONTH = (
    r"(?P<month>January|February|March|April|May|June|July|August|September|October|November"
    r"|December|(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\.?)(?!\w)"
)
# A day or year must not run on into a time ("16:00"), a count ("1,000") or a word ("6pm").
_DAY = r"(?P<day>[0-9]{1,2})(?:st|nd|rd|th)?(?!\w|[:.,][0-9])"
_YEAR = r"(?P<year>[0-9]{4})(?!\w|[:.,][0-9])"
_WEEKDAY_PREFIX = rf"(?:(?P<wd>{_WD}),?{_S})?"

_ISO_FUZZY_RE = re.compile(r"([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?")

_ISO_RE = re.compile(r"(?<![\w.-])(?P<year>[0-9]{4})-(?P<month>[0-9]{2})-(?P<day>[0-9]{2})(?!\w)")
_SLASH_RE = re.compile(
    r"(?<![\w./-])(?P<day>[0-9]{1,2})/(?P<month>[0-9]{1,2})/(?P<year>[0-9]{4})(?![\w/]|\.[0-9])"
)
_MDY_RE = re.compile(rf"(?<!\w){_WEEKDAY_PREFIX}{_MONTH}{_S}{_DAY}(?:,?{_S}{_YEAR})?")
_DMY_RE = re.compile(
    rf"(?<![\w,.:/-]){_WEEKDAY_PREFIX}(?:(?i:the){_S})?{_DAY}{_S}(?:(?i:of){_S})?{_MONTH}"
    rf"(?:,?{_S}{_YEAR})?"
)
_MONTH_YEAR_RE = re.compile(
    r"(?:(?<!\w)(?i:in|since|by|until|till|from|of|during|early|late|mid)[\s-]{1,4})?"
    rf"(?<!\w){_MONTH},?{_S}{_YEAR}"
)
_BARE_MONTH_RE = re.compile(
    r"(?:(?<!\w)(?P<prep>(?i:in|since|on|early|late|mid|by|until|till|from|of|during|before"
    r"|after|through|throughout|last))[\s-]{1,4})?"
    rf"(?<!\w){_MONTH}"
    # "in April 2019" and "June 8" belong to the other rules, even when they fail validation.
    r"(?!,?\s{1,4}[0-9]{4}(?![0-9])|\s{1,4}[0-9])"
)
_YEAR_RE = re.compile(
    r"(?<!\w)(?P<prep>(?i:in|since|during|until|till|from|throughout|early|late|mid"
    r"|(?:end|beginning|start|middle|spring|summer|autumn|fall|winter)\s{1,4}of))"
    r"(?:[\s-]{1,4}(?i:early|late|mid))?[\s-]{1,4}"
    rf"{_YEAR}(?!\s{{0,4}}(?i:GMT|UTC|BST|CET|EET|local|hrs|hours|h\b|am\b|pm\b))"
)
_WEEKDAY_RE = re.compile(
    r"(?<!\w)(?:(?P<mod>(?i:earlier|later|early|late)),?\s{1,4}(?:(?i:on)\s{1,4})?)?"
    r"(?:(?P<prep>(?i:last|next|this\s{1,4}coming|coming|this|from|since|on|by|until|till))"
    rf"{_S})?(?P<day>{_WD})(?!\w)"
)
_DAYWORD_RE = re.compile(
    rf"(?<!\w)(?:(?i:earlier|later){_S})?(?P<word>(?i:the{_S}day{_S}before{_S}yesterday"
    rf"|yesterday|today|tonight|last{_S}night|this{_S}(?:morning|afternoon|evening)))(?!\w)"
)
_COUNT_RE = re.compile(
    r"(?<![\w,.])(?P<n>(?i:an?|one|two|three|four|five|six|seven)|[0-9]{1,2})"
    rf"{_S}(?P<unit>(?i:days?|weeks?|nights?)){_S}"
    r"(?P<dir>(?i:after|later|before|earlier|ago))(?!\w)"
)
# Phrases dating an event relative to the one before it, with their offset in days.
_ANCHOR_PHRASES: dict[str, int] = {
    "the previous day": -1,
    "the preceding day": -1,
    "the previous night": -1,
    "the day before": -1,
    "the night before": -1,
    "the day earlier": -1,
    "the next day": 1,
    "the following day": 1,
    "the day after": 1,
    "the same day": 0,
    "that same day": 0,
    "that day": 0,
    "that night": 0,
    "earlier that day": 0,
    "later that day": 0,
    "earlier the same day": 0,
    "later the same day": 0,
    "earlier in the day": 0,
    "later in the day": 0,
    "hours later": 0,
    "hours earlier": 0,
}
_ANCHOR_RE = re.compile(
    r"(?<!\w)(?i:"
    + "|".join(p.replace(" ", _S) for p in sorted(_ANCHOR_PHRASES, key=lambda p: (-len(p), p)))
    + r")(?!\w)"
)
_CALENDAR_RE = re.compile(
    rf"(?<!\w)(?:(?P<mod>(?i:earlier|later|early|late)){_S}(?:(?i:in){_S})?)?"
    rf"(?P<which>(?i:this|last|next|previous)){_S}(?P<unit>(?i:week|weekend|month|year))(?!\w)"
)
_SPAN_RE = re.compile(
    rf"(?<!\w)(?:(?P<lead>(?i:in|over|during|within|for|throughout)){_S})?"
    rf"(?:(?P<the>(?i:the)){_S})?(?P<which>(?i:past|last|recent)){_S}"
    rf"(?:(?P<count>(?i:few|several|couple{_S}of|two|three|four|five|six|seven)|[0-9]{{1,2}}){_S})?"
    r"(?P<unit>(?i:hours|days|weeks|months|years|day|week|month|year))(?!\w)"
)
# Ranges of days: "on 3 and 4 March", "3-5 March 2016", "March 3-4", "from 28 February to 2
# March". Within a month they give the month, across months the year.
_TO = r"\s{0,4}(?:-|–|—|(?i:and|to|until|till|through)\s{1,4})\s{0,4}"
_RANGE_DMY_RE = re.compile(
    r"(?<![\w,.:/-])(?:(?i:between|from){_S})?(?P<d1>[0-9]{{1,2}})(?:st|nd|rd|th)?"
    r"(?:{_S}(?P<m1>{_MONTH_NAME}))?{_TO}(?P<day>[0-9]{{1,2}})(?:st|nd|rd|th)?{_S}"
    r"(?:(?i:of){_S})?{_MONTH}(?:,?{_S}{_YEAR})?".format(
        _S=_S, _TO=_TO, _MONTH=_MONTH, _YEAR=_YEAR, _MONTH_NAME=_MONTH.replace("?P<month>", "")
    )
)
_RANGE_MDY_RE = re.compile(
    rf"(?<!\w){_MONTH}{_S}(?P<d1>[0-9]{{1,2}})(?:st|nd|rd|th)?{_TO}"
    rf"(?P<day>[0-9]{{1,2}})(?:st|nd|rd|th)?(?!\w|[:.,][0-9])(?:,?{_S}{_YEAR})?"
)
# Every rule needs one of these: a digit, a calendar word, or a relative-time word.
_HINT_RE = re.compile(
    r"[0-9]|(?i:day|week|month|year|night|jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec"
    r"|recent|earlier|later|ago|past|tonight|morning|afternoon|evening|previous|preceding)"
)
_YEAR_AFTER_RE = re.compile(r",?\s{1,4}(?:of\s{1,4})?(?P<which>(?i:last|this))\s{1,4}(?i:year)\b")
_VAGUE_RE = re.compile(rf"(?<!\w)(?i:recently|earlier|in{_S}the{_S}past)(?!\w)")

# Words before a weekday that make it a plan rather than a report ("talks will resume on Monday").
_FUTURE_CUE_RE = re.compile(
    r"(?i)(?<!\w)(?:will|would|shall|won't|(?:is|are)\s{1,4}(?:due|set|expected|scheduled|slated)"
    r"|to\s{1,4}be\s{1,4}held)(?!\w)|['’]ll(?!\w)"
)
# ...unless a clause break or a reporting verb sits between cue and weekday ("troops will
# withdraw, he said on Monday").
_CLAUSE_BREAK_RE = re.compile(r"(?i)[,;:.!?]|(?<!\w)(?:said|says|told|announced|added)(?!\w)")
# "X comes a day after Y": the sentence dates Y, which lies before the anchor X.
_FOLLOWS_RE = re.compile(
    r"(?i)(?<!\w)(?:comes?|came|coming|follows?|followed|following)"
    r"(?:\s{1,4}(?:just|only|barely|merely|almost|nearly|some|about|exactly|more\s{1,4}than"
    r"|less\s{1,4}than))?\s{1,4}(?:the\s{1,4})?$"
)
_LOOKBACK = 80


def _words(text: str) -> str:
    return " ".join(text.lower().split())


def _month_number(name: str) -> int:
    return _MONTHS[name.rstrip(".").lower()]


def _valid_year(text: str | None) -> int | None:
    if text is None:
        return None
    year = int(text)
    return year if _MIN_YEAR <= year <= _MAX_YEAR else None


def _infer_year(month: int, day: int, published: date) -> date | None:
    """The latest `day` of `month` that is not well after publication."""
    limit = published + _FUTURE_SLACK
    for year in range(published.year, published.year - 8, -1):
        try:
            candidate = date(year, month, day)
        except ValueError:  # 29 February outside a leap year, or year 0
            continue
        if candidate <= limit:
            return candidate
    return None


def _is_future(ctx: _Context, start: int) -> bool:
    window = ctx.text[max(0, start - _LOOKBACK) : start]
    cues = list(_FUTURE_CUE_RE.finditer(window))
    return bool(cues) and _CLAUSE_BREAK_RE.search(window, cues[-1].end()) is None


def _follows(ctx: _Context, start: int) -> bool:
    return _FOLLOWS_RE.search(ctx.text[max(0, start - 40) : start]) is not None


# --- rules: each turns one match into (kind, date), or None to reject it ---------------------


def _iso(m: re.Match[str], ctx: _Context) -> _Found | None:
    if _valid_year(m["year"]) is None:
        return None
    return "explicit", FuzzyDate(date(int(m["year"]), int(m["month"]), int(m["day"])), "day")


def _textual(m: re.Match[str], ctx: _Context) -> _Found | None:
    month, day = _month_number(m["month"]), int(m["day"])
    if m["year"] is None:
        if not ctx.dated:
            return None
        inferred = _infer_year(month, day, ctx.published)
        return None if inferred is None else ("explicit", FuzzyDate(inferred, "day"))
    year = _valid_year(m["year"])
    if year is None:
        return None
    return "explicit", FuzzyDate(date(year, month, day), "day")


_BY_RE = re.compile(r"(?i)(?<!\w)by\s{1,4}$")


def _deadline(found: _Found | None, m: re.Match[str], ctx: _Context) -> _Found | None:
    """ "fell by Feb. 23" says no more than the month (codebook)."""
    if found is None or not _BY_RE.search(ctx.text[max(0, m.start() - 6) : m.start()]):
        return found
    kind, fuzzy = found
    return kind, FuzzyDate.containing(fuzzy.value, "month")


# A written day that heads a name is no date: "the March 3 Brigade", "July 14 Street".
_NAME_AFTER_RE = re.compile(
    r"\s{1,4}(?:Brigades?|Battalions?|Revolution|Revolutionaries|Movement|Martyrs|Street|"
    r"Square|Road|Bridge|Hospital|University|Stadium|Coalition|Front|Camp|Council|Uprising|"
    r"Agreement|Accords?|Group|Party|Forces?)\b"
)


def _written(m: re.Match[str], ctx: _Context) -> _Found | None:
    """A written day ("8 June", "June 8, 2020"), read as a deadline after "by"."""
    if _NAME_AFTER_RE.match(ctx.text, m.end()):
        return None
    return _deadline(_textual(m, ctx), m, ctx)


def _range(m: re.Match[str], ctx: _Context) -> _Found | None:
    """ "on 3 and 4 March": the month; "from 28 February to 2 March": the year."""
    month, first, last = _month_number(m["month"]), int(m["d1"]), int(m["day"])
    start_month = _month_number(m["m1"]) if m.groupdict().get("m1") else month
    if m["year"] is not None:
        year = _valid_year(m["year"])
    elif ctx.dated:
        inferred = _infer_year(month, last, ctx.published)
        year = inferred.year if inferred else None
    else:
        year = None
    if year is None or (start_month == month and first >= last):
        return None
    date(year, start_month, first), date(year, month, last)  # raise on 31 June
    if start_month != month:
        return "range", FuzzyDate(date(year, 1, 1), "year")
    return "range", FuzzyDate(date(year, month, 1), "month")


def _month_year(m: re.Match[str], ctx: _Context) -> _Found | None:
    year = _valid_year(m["year"])
    if year is None:
        return None
    return "month", FuzzyDate(date(year, _month_number(m["month"]), 1), "month")


def _bare_month(m: re.Match[str], ctx: _Context) -> _Found | None:
    name = m["month"].rstrip(".").lower()
    # "May" is also a modal verb and "Jan" a first name: alone they need a preposition.
    if (name == "may" or name not in _FULL_MONTHS) and m["prep"] is None:
        return None
    month = _MONTHS[name]
    year = ctx.published.year if month <= ctx.published.month else ctx.published.year - 1
    # "last June" written in June means a year ago, not this month.
    if (m["prep"] or "").lower() == "last" and month == ctx.published.month:
        year -= 1
    # "in April last year" / "in April this year" name the year after the month.
    which = _YEAR_AFTER_RE.match(ctx.text, m.end())
    if which is not None:
        year = ctx.published.year - (1 if which["which"].lower() == "last" else 0)
    return "month", FuzzyDate(date(year, month, 1), "month")


def _year(m: re.Match[str], ctx: _Context) -> _Found | None:
    year = _valid_year(m["year"])
    return None if year is None else ("year", FuzzyDate(date(year, 1, 1), "year"))


def _weekday(m: re.Match[str], ctx: _Context) -> _Found | None:
    target = _WEEKDAYS[_WEEKDAY_NAMES.index(m["day"])]
    prep = _words(m["prep"] or "")
    if prep == "last":
        day = ctx.published + relativedelta(days=-1, weekday=target(-1))
    elif prep in {"next", "coming", "this coming", "from"} or _is_future(ctx, m.start()):
        day = ctx.published + relativedelta(days=1, weekday=target(1))
    else:
        day = ctx.published + relativedelta(weekday=target(-1))
    return "weekday", FuzzyDate(day, "day")


def _dayword(m: re.Match[str], ctx: _Context) -> _Found | None:
    word = _words(m["word"])
    back = {"yesterday": 1, "last night": 1, "the day before yesterday": 2}.get(word, 0)
    return "relative", FuzzyDate(ctx.published - timedelta(days=back), "day")


_DURATION_RE = re.compile(r"(?i)(?<!\w)(?:for|over|during|within)\s{1,4}$")


def _count(m: re.Match[str], ctx: _Context) -> _Found | None:
    if _DURATION_RE.search(ctx.text[max(0, m.start() - 8) : m.start()]):
        return None  # "for three days before A took X" is a span of time, not a date
    n_text = m["n"].lower()
    n = _NUMBERS[n_text] if n_text in _NUMBERS else int(n_text)
    weeks = m["unit"].lower().startswith("week")
    days = n * 7 if weeks else n
    # "a week ago" does not fix the day: it gives the month (codebook).
    precision: Precision = "month" if weeks else "day"
    direction = m["dir"].lower()
    if direction == "ago":
        return "relative", FuzzyDate.containing(ctx.published - timedelta(days=days), precision)
    sign = 1 if direction in {"after", "later"} else -1
    if direction in {"after", "before"} and _follows(ctx, m.start()):
        sign = -sign
    return "anchor", FuzzyDate.containing(ctx.anchor + timedelta(days=sign * days), precision)


def _anchor_phrase(m: re.Match[str], ctx: _Context) -> _Found | None:
    phrase = _words(m.group())
    offset = _ANCHOR_PHRASES[phrase]
    if phrase.endswith(("after", "before")) and _follows(ctx, m.start()):
        offset = -offset
    return "anchor", FuzzyDate(ctx.anchor + timedelta(days=offset), "day")


def _calendar(m: re.Match[str], ctx: _Context) -> _Found | None:
    which, unit = m["which"].lower(), m["unit"].lower()
    kind: Kind = "relative"
    base = ctx.published
    if which == "previous":  # "the previous month" counts back from the last event
        kind, base, which = "anchor", ctx.anchor, "last"
    step = {"this": 0, "last": -1, "next": 1}[which]
    if unit in {"week", "weekend"}:
        day = base + timedelta(days=7 * step)
    elif unit == "month":
        day = base + relativedelta(months=step)
    else:
        day = base + relativedelta(years=step)
    mod = (m["mod"] or "").lower()
    if mod == "earlier" and which == "this" and unit == "year":
        kind = "vague"  # "earlier this year" says no more than "earlier"
    return kind, FuzzyDate.containing(day, "year" if unit == "year" else "month")


def _span(m: re.Match[str], ctx: _Context) -> _Found | None:
    which, unit = m["which"].lower(), m["unit"].lower()
    if which == "last" and m["the"] is None and m["lead"] is None and m["count"] is None:
        return None  # "last week" is the calendar week, handled by _calendar
    if which == "recent" and not unit.endswith("s"):
        return None
    if unit == "hours":
        return "relative", FuzzyDate(ctx.published, "day")
    if unit.startswith(("day", "week")) or unit == "month":
        return "relative", FuzzyDate.containing(ctx.published, "month")
    if unit == "year" and m["count"] is None:
        return "relative", FuzzyDate.containing(ctx.published, "year")
    return "vague", FuzzyDate.containing(ctx.published, "year")


def _vague(m: re.Match[str], ctx: _Context) -> _Found | None:
    return "vague", FuzzyDate.containing(ctx.published, "year")


_RULES: tuple[tuple[re.Pattern[str], _Handler], ...] = (
    (_ISO_RE, _iso),
    (_SLASH_RE, _iso),
    (_RANGE_DMY_RE, _range),
    (_RANGE_MDY_RE, _range),
    (_MDY_RE, _written),
    (_DMY_RE, _written),
    (_MONTH_YEAR_RE, _month_year),
    (_BARE_MONTH_RE, _bare_month),
    (_YEAR_RE, _year),
    (_WEEKDAY_RE, _weekday),
    (_DAYWORD_RE, _dayword),
    (_COUNT_RE, _count),
    (_ANCHOR_RE, _anchor_phrase),
    (_CALENDAR_RE, _calendar),
    (_SPAN_RE, _span),
    (_VAGUE_RE, _vague),
)
# The rules that need no publication date: written dates with a year.
_ABSOLUTE: frozenset[_Handler] = frozenset({_iso, _range, _written, _month_year, _year})


def _as_date(value: date) -> date:
    return value.date() if isinstance(value, datetime) else value


def find_time_expressions(
    text: str, published: date | None, *, anchor: date | None = None
) -> list[TimeExpression]:
    """Find the temporal expressions in a text and resolve each one.

    Parameters
    ----------
    text
        A sentence or longer text.
    published
        Publication date of the article; relative expressions count from it. Without one,
        only dates that carry their year resolve ("4 June 2020", "in May 2020").
    anchor
        Date of the event described just before `text` (previous sentence or clause), for
        expressions such as "a day later". Defaults to `published`.

    Returns
    -------
    list of TimeExpression
        Non-overlapping expressions in text order. Where candidates overlap, a range of days
        wins ("3 and 4 March" is one expression), then the more precise, then the longer
        ("Monday, June 8, 2020" is one expression, not a weekday and a date).
    """
    if not _HINT_RE.search(text):
        return []  # most sentences carry no date: skip the dozen rule scans
    dated = published is not None
    pub = _as_date(published) if published is not None else date(_MAX_YEAR, 12, 31)
    ctx = _Context(text, pub, pub if anchor is None else _as_date(anchor), dated)
    candidates: list[TimeExpression] = []
    for pattern, handler in _RULES:
        if not dated and handler not in _ABSOLUTE:
            continue
        for match in pattern.finditer(text):
            try:
                found = handler(match, ctx)
            except (ValueError, OverflowError) as exc:  # 31 June, or arithmetic off the calendar
                logger.debug("ignoring %r: %s", match.group(), exc)
                continue
            if found is not None:
                kind, fuzzy = found
                candidates.append(
                    TimeExpression(match.start(), match.end(), match.group(), fuzzy, kind)
                )
    return select(
        candidates,
        lambda e: (e.start, e.end),
        len(text),
        lambda e: (e.kind != "range", _RANK[e.date.precision], e.start - e.end, e.start),
    )


def resolve_date(text: str, published: date, *, anchor: date | None = None) -> FuzzyDate | None:
    """The date on which the event of a sentence happened.

    Parameters
    ----------
    text
        The sentence.
    published
        Publication date of the article.
    anchor
        Date of the event of the previous sentence or clause; defaults to `published`.

    Returns
    -------
    FuzzyDate or None
        The date of the most precise expression (the first one on ties), or None when the
        sentence has no temporal expression.
    """
    expressions = find_time_expressions(text, published, anchor=anchor)
    if not expressions:
        return None
    best = min(expressions, key=lambda e: (_RANK[e.date.precision], e.start))
    return best.date


_HAS_YEAR_RE = re.compile(r"(?<![0-9])[0-9]{4}(?![0-9])")


def parse_date(text: str) -> date:
    """Read a full date typed by a user, e.g. for ``--published``.

    Parameters
    ----------
    text
        ``"2020-06-06"``, ``"June 6, 2020"``, ``"6 June 2020"`` and similar; numeric dates with
        slashes are read day-first.

    Returns
    -------
    date
        The date.

    Raises
    ------
    ValueError
        If the text is not a complete date with a four-digit year; the message names it.
    """
    cleaned = text.strip()
    try:
        return date.fromisoformat(cleaned)
    except ValueError:
        pass
    if _HAS_YEAR_RE.search(cleaned) is None:
        raise ValueError(f"not a full date with a four-digit year: {text!r}")
    try:
        # Two different defaults reveal a missing day, month or year: the results then differ.
        one = _dateparser.parse(cleaned, default=datetime(2000, 1, 1), dayfirst=True)
        two = _dateparser.parse(cleaned, default=datetime(2001, 2, 2), dayfirst=True)
    except (ValueError, OverflowError) as exc:
        raise ValueError(f"cannot read a date from {text!r} (try 2020-06-06)") from exc
    if one.date() != two.date():
        raise ValueError(f"not a full date (day, month and year are needed): {text!r}")
    return one.date()


# --- dating reported events -------------------------------------------------------------------


def in_past(expr: TimeExpression, published: date | None) -> FuzzyDate:
    """The date of a reported change, which lies in the past.

    A year-less date after publication is last year's, a weekday after it last week's; a date
    that carries its year is kept as written (labels follow the text).
    """
    when = expr.date
    if published is None or when.first <= published or re.search(r"\d{4}", expr.text):
        return when
    if when.precision == "day" and expr.kind == "weekday":
        return FuzzyDate(when.value - timedelta(days=7), "day")
    try:
        return FuzzyDate(when.value.replace(year=when.value.year - 1), when.precision)
    except ValueError:  # 29 February
        return FuzzyDate(when.value - timedelta(days=365), when.precision)


def day_offset(text: str) -> int | None:
    """The signed days of a count that dates one clause from another: "a day after" is 1,
    "two days before" -2; None for anything else."""
    m = _COUNT_RE.fullmatch(text.strip())
    if m is None or m["dir"].lower() not in ("after", "before"):
        return None
    n_text = m["n"].lower()
    n = _NUMBERS[n_text] if n_text in _NUMBERS else int(n_text)
    days = n * 7 if m["unit"].lower().startswith("week") else n
    return days if m["dir"].lower() == "after" else -days


def shift(when: FuzzyDate, days: int) -> FuzzyDate:
    """A date moved by ``days``, at its precision."""
    return FuzzyDate.containing(when.value + timedelta(days=days), when.precision)


Undated = Literal["news", "background", "present"]


def undated(published: date | None, how: Undated) -> FuzzyDate | None:
    """The date of an event the text does not date (codebook).

    ``news``: a report of the article's own news gets the publication month; ``background``
    ("had seized the town", "until rebels took X") the publication year; ``present`` (a
    claim that a side holds a place) the publication day. None without a publication date.
    """
    if published is None:
        return None
    if how == "present":
        return FuzzyDate(_as_date(published), "day")
    return FuzzyDate.containing(_as_date(published), "year" if how == "background" else "month")


# --- the writing day of an article ---------------------------------------------------------------

# A bare wire-service timestamp on its own line: yymmddHHMMSS plus milliseconds.
_STAMP_RE = re.compile(r"^\s*(\d{2})(\d{2})(\d{2})(\d{6,9})\s*$", re.MULTILINE)
_WEEKDAY_WORDS = tuple(w.lower() for w in _WEEKDAY_NAMES)
_WEEKDAY_MENTION_RE = re.compile(
    r"\b(?:on|announced|said|late|earlier on|later on)\s+(" + "|".join(_WEEKDAY_WORDS) + r")\b",
    re.IGNORECASE,
)
_MONTH_WORDS = (
    "January|February|March|April|May|June|July|August|September|October|November|December"
)
_FULL_DATE_RE = re.compile(
    r"\b(?:(" + "|".join(_WEEKDAY_WORDS) + r"),?\s+)?"
    r"(?:("
    + _MONTH_WORDS
    + r")\s+(\d{1,2}),?\s+(\d{4})|(\d{1,2})\s+("
    + _MONTH_WORDS
    + r"),?\s+(\d{4}))\b",
    re.IGNORECASE,
)
_START_CUE_RE = re.compile(
    r"(?:from|as of|effective|starting|until|begin|beginning|take effect)\s*$", re.IGNORECASE
)


def _weekday_before(day: date, weekday: int, *, inclusive: bool) -> date:
    delta = (day.weekday() - weekday) % 7
    if delta == 0 and not inclusive:
        delta = 7
    return day - timedelta(days=delta)


def published_from_text(text: str) -> tuple[date | None, str]:
    """Infer the day an article was written from its text.

    Two clues are used: a bare wire timestamp line (``200606095959993`` = 2020-06-06), and a
    weekday mention ("on Saturday") read against a full explicit date ("Monday, June 8,
    2020"): the article was written on that weekday, before the date when the date is
    announced as a future start ("from Monday, June 8"), else after it.

    Returns
    -------
    tuple
        The date (or None) and a short description of the clue used (``"unknown"``).
    """
    for m in _STAMP_RE.finditer(text):
        yy, mm, dd = (int(g) for g in m.groups()[:3])
        try:
            return date(2000 + yy, mm, dd), f"text: {m.group().strip()} stamp"
        except ValueError:
            continue
    full_dates = list(_FULL_DATE_RE.finditer(text))
    # A weekday that belongs to an explicit date ("on Friday, June 5") is not a writing day.
    in_dates = [(m.start(), m.end()) for m in full_dates]
    weekdays = [
        m.group(1).lower()
        for m in _WEEKDAY_MENTION_RE.finditer(text)
        if not any(s <= m.start(1) < e for s, e in in_dates)
    ]
    if not full_dates or not weekdays:
        return None, "unknown"
    # The most frequent weekday of the reporting ("on Saturday") is the writing day.
    weekday = max(set(weekdays), key=lambda w: (weekdays.count(w), -weekdays.index(w)))
    anchor = full_dates[-1]
    try:
        explicit = _dateparser.parse(anchor.group(0), fuzzy=False).date()
    except (ValueError, OverflowError):
        return None, "unknown"
    wd = _WEEKDAY_WORDS.index(weekday)
    if _START_CUE_RE.search(text[max(0, anchor.start() - 20) : anchor.start()]):
        published = _weekday_before(explicit, wd, inclusive=False)
    else:
        published = explicit + timedelta(days=(wd - explicit.weekday()) % 7)
    return published, f"text: {weekday.capitalize()} and {anchor.group(0).strip()}"

"""Safe HTML snippets for the map: popups, tooltips and labels built from article text.

Everything that comes from an article (quotes, outlets, urls, place names, dates) passes through
:func:`esc` or :func:`safe_url` here; nothing else in the renderer builds HTML from data.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from datetime import date
from urllib.parse import urlsplit

from geo.control import ControlChange, PlaceState, SourceRef
from geo.dates import FuzzyDate
from geo.exceptions import SidesError
from geo.sides import Sides

__all__ = [
    "KIND_LABELS",
    "change_popup",
    "change_tooltip",
    "esc",
    "fmt_day",
    "label_html",
    "place_popup",
    "place_tooltip",
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
_QUOTE_MAX = 320
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


def _fmt_fuzzy(fd: FuzzyDate) -> str:
    if fd.precision == "day":
        return fmt_day(fd.value)
    if fd.precision == "month":
        return f"{_MONTHS[fd.value.month - 1]} {fd.value.year}"
    return str(fd.value.year)


def _fmt_iso(text: str) -> str:
    try:
        return _fmt_fuzzy(FuzzyDate.parse(text))
    except ValueError:
        return text


def side_label(sides: Sides, side_id: str) -> str:
    """The short name of a side, or the id itself (``contested``, ``unknown``)."""
    try:
        return sides.get(side_id).short
    except SidesError:  # "contested", "unknown" and strays are shown as they are
        return side_id


def _badge(sides: Sides, side_id: str) -> str:
    colour = safe_colour(sides.colour(side_id))
    label = esc(side_label(sides, side_id))
    return f'<span class="fl-badge" style="background:{colour}">{label}</span>'


def _cut(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= _QUOTE_MAX else text[: _QUOTE_MAX - 1].rstrip() + "…"


def _source_item(ref: SourceRef) -> str:
    outlet = esc(ref.outlet.strip() or "unknown outlet")
    href = safe_url(ref.url)
    link = (
        f'<a href="{href}" target="_blank" rel="noopener noreferrer">{outlet}</a>'
        if href
        else outlet
    )
    when = f", {esc(_fmt_iso(ref.date))}" if ref.date else ""
    quote = f"<q>{esc(_cut(ref.quote))}</q>" if ref.quote.strip() else ""
    return f'<li>{quote}<span class="fl-src">{link}{when}</span></li>'


def _sources(title: str, refs: Iterable[SourceRef]) -> str:
    items = "".join(_source_item(r) for r in refs)
    return (
        f'<div class="fl-sec">{esc(title)}</div><ol class="fl-sources">{items}</ol>'
        if items
        else ""
    )


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def change_popup(change: ControlChange, sides: Sides) -> str:
    """Popup of one fused event: kind, side, place, date and precision, sources."""
    kind = KIND_LABELS.get(change.kind, change.kind)
    when = _fmt_fuzzy(change.date)
    prec = f"{change.date.precision} precision"
    approx = (
        f'<div class="fl-note">On the map from {esc(fmt_day(change.effective))} '
        "(the first report; the exact day is unknown)</div>"
        if change.approximate
        else ""
    )
    n = change.corroboration
    corr = f"Reported by {_plural(n, 'article')}" + (" (uncorroborated)" if n == 1 else "")
    parts = [
        '<div class="fl-pop">',
        f'<div class="fl-head">{_badge(sides, change.side)} <b>{esc(kind)}</b></div>',
        f'<div class="fl-place">{esc(change.place_name)}</div>',
        f'<div class="fl-meta">{esc(when)} <span class="fl-prec">({esc(prec)})</span></div>',
        approx,
        f'<div class="fl-meta">{esc(corr)}</div>',
        _sources("Sources", change.sources),
        _sources("Conflicting reports", change.conflicting),
        "</div>",
    ]
    return "".join(parts)


def change_tooltip(change: ControlChange, sides: Sides) -> str:
    """One line: ``Capture · Tarhuna · LNA · 5 June 2020``."""
    kind = KIND_LABELS.get(change.kind, change.kind)
    bits = (kind, change.place_name, side_label(sides, change.side), _fmt_fuzzy(change.date))
    return " · ".join(esc(b) for b in bits)


def place_popup(state: PlaceState, sides: Sides) -> str:
    """Popup of one place on one date: controller, since when, last report, evidence."""
    if state.controller == "contested":
        status = '<span class="fl-badge fl-badge-contested">Contested</span>'
    elif state.controller == "unknown":
        status = '<span class="fl-badge fl-badge-unknown">Unknown</span>'
    elif state.status == "claimed":
        status = f"Claimed by {_badge(sides, state.controller)} (unconfirmed)"
    else:
        status = f"Held by {_badge(sides, state.controller)}"
    if state.controller != "unknown":
        status += f' <span class="fl-prec">confidence {state.confidence:.2f}</span>'
    since = (
        f'<div class="fl-meta">Since {esc(fmt_day(state.since))}</div>'
        if state.since
        else '<div class="fl-meta">Since before the period mapped</div>'
        if state.from_baseline
        else ""
    )
    last = f'<div class="fl-meta">Last report {esc(fmt_day(state.last_report))}</div>'
    notes = []
    if state.stale:
        notes.append("No recent report: the situation may have changed.")
    if state.from_baseline:
        notes.append("From the baseline of known positions.")
    note = "".join(f'<div class="fl-note">{esc(n)}</div>' for n in notes)
    parts = [
        '<div class="fl-pop">',
        f'<div class="fl-place">{esc(state.place_name)}</div>',
        f'<div class="fl-head">{status}</div>',
        since,
        last if state.last_report else "",
        note,
        _sources(f"For: {_plural(state.sources_for, 'independent source')}", state.evidence),
        _sources(f"Against: {_plural(state.sources_against, 'independent source')}", state.against),
        "</div>",
    ]
    return "".join(parts)


def place_tooltip(state: PlaceState, sides: Sides) -> str:
    """One line: ``Tarhuna · LNA``."""
    ctl = state.controller
    who = "contested" if ctl == "contested" else side_label(sides, ctl)
    return f"{esc(state.place_name)} · {esc(who)}" + (" (stale)" if state.stale else "")


def label_html(name: str) -> str:
    """A map label for a place name."""
    return f'<span class="fl-label">{esc(name)}</span>'

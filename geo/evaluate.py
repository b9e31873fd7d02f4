"""Score extracted events against hand-labelled gold events.

Gold rows use the columns of ``spec/seeds/gold_events.csv``
(``article_id,place,place_canonical,lat,lon,event,side,date,date_precision,quote``).
A prediction matches a gold event when the article, kind and side agree and the places lie
within ``max_km`` (15 km by default); a gold row without coordinates (a place the gazetteer
lacks) matches by normalised place name instead. Matching is one-to-one, nearest first. Dates
are compared at the gold precision among matched pairs. Activity kinds (``offensive``,
``strike``) are not control events and are not scored.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from geo._counts import Counts
from geo._datafile import raise_it, read_csv_rows
from geo._geodesy import distance_km
from geo._normalise import normalise_name
from geo.exceptions import DataFileError
from geo.extract import CONTROL_KINDS

__all__ = ["KindScore", "Labelled", "Score", "read_gold", "read_predictions", "score"]


@dataclass(frozen=True, slots=True)
class Labelled:
    """An event reduced to what scoring compares; ``lat``/``lon`` in WGS84 degrees."""

    article: str
    kind: str
    side: str
    lat: float
    lon: float
    date: str = ""
    place: str = ""
    names: tuple[str, ...] = ()  # normalised place names, for rows without coordinates

    @property
    def located(self) -> bool:
        """True when the row has coordinates."""
        return not (math.isnan(self.lat) or math.isnan(self.lon))


@dataclass
class KindScore(Counts):
    """Counts for one kind."""

    dates_right: int = 0

    @property
    def date_accuracy(self) -> float:
        """Share of matched events whose date agrees at the gold precision."""
        return self.dates_right / self.tp if self.tp else 0.0


@dataclass
class Score:
    """Per-kind scores, their total, and the unmatched events for inspection."""

    kinds: dict[str, KindScore] = field(default_factory=dict)
    missed: list[Labelled] = field(default_factory=list)
    spurious: list[Labelled] = field(default_factory=list)
    misdated: list[tuple[Labelled, Labelled]] = field(default_factory=list)  # (gold, predicted)

    @property
    def total(self) -> KindScore:
        """All control kinds pooled."""
        out = KindScore()
        for k in self.kinds.values():
            out.tp += k.tp
            out.fp += k.fp
            out.fn += k.fn
            out.dates_right += k.dates_right
        return out


def _read_csv_rows(path: Path) -> Iterable[tuple[int, dict[str, str]]]:
    # Strict: not UTF-8 or a broken quote is an error at its own line (geo._datafile).
    return read_csv_rows(path, (), DataFileError, raise_it)


def read_gold(path: Path) -> list[Labelled]:
    """Read gold events.

    Raises
    ------
    DataFileError
        On a row with a missing field or a bad coordinate, naming the file and line.
    """
    out = []
    for line, row in _read_csv_rows(path):
        try:
            # A row without coordinates names a place the gazetteer lacks: matched by name.
            blank = not (row.get("lat") or "").strip() and not (row.get("lon") or "").strip()
            out.append(
                Labelled(
                    article=row["article_id"],
                    kind=row["event"],
                    side=row["side"],
                    lat=math.nan if blank else float(row["lat"]),
                    lon=math.nan if blank else float(row["lon"]),
                    date=row.get("date") or "",
                    place=row.get("place") or "",
                    names=_names(row.get("place"), row.get("place_canonical")),
                )
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise DataFileError(str(path), line, f"bad gold row: {exc}") from None
    return out


def _names(*names: object) -> tuple[str, ...]:
    return tuple(n for n in (normalise_name(str(x)) for x in names if x) if n)


def from_record(rec: Mapping[str, Any]) -> Labelled:
    """A prediction from an event record (``frontline extract`` jsonl fields)."""
    return Labelled(
        article=str(rec["doc_id"]),
        kind=str(rec["kind"]),
        side=str(rec["side"]),
        lat=float(rec["lat"]),
        lon=float(rec["lon"]),
        date=str(rec.get("date") or ""),
        place=str(rec.get("place") or ""),
        names=_names(rec.get("place"), rec.get("place_name")),
    )


def read_predictions(path: Path) -> list[Labelled]:
    """Read predictions from a jsonl file of event records.

    Raises
    ------
    DataFileError
        On a malformed line, naming the file and line.
    """
    out = []
    with path.open(encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            try:
                out.append(from_record(json.loads(line)))
            except (KeyError, TypeError, ValueError) as exc:
                raise DataFileError(str(path), lineno, f"bad prediction: {exc}") from None
    return out


def _date_agrees(gold: str, pred: str) -> bool:
    # Compare at the gold precision: "2020-06" accepts "2020-06-05", not "2020".
    return bool(gold) and len(pred) >= len(gold) and pred[: len(gold)] == gold


def score(
    gold: Iterable[Labelled], predicted: Iterable[Labelled], *, max_km: float = 15.0
) -> Score:
    """Match predictions to gold one-to-one and count per kind."""
    result = Score({k: KindScore() for k in CONTROL_KINDS})
    preds = [p for p in predicted if p.kind in CONTROL_KINDS]
    golds = [g for g in gold if g.kind in CONTROL_KINDS]
    pairs = []
    for gi, g in enumerate(golds):
        for pi, p in enumerate(preds):
            if (g.article, g.kind, g.side) != (p.article, p.kind, p.side):
                continue
            if g.located:
                d = distance_km((g.lat, g.lon), (p.lat, p.lon))
            else:
                d = 0.0 if set(g.names) & set(p.names) else math.inf
            if d <= max_km:
                # Nearest first, then the pair whose dates agree.
                pairs.append((d, not _date_agrees(g.date, p.date), gi, pi))
    pairs.sort()
    used_g: set[int] = set()
    used_p: set[int] = set()
    for _, date_wrong, gi, pi in pairs:
        if gi in used_g or pi in used_p:
            continue
        used_g.add(gi)
        used_p.add(pi)
        ks = result.kinds.setdefault(golds[gi].kind, KindScore())
        ks.tp += 1
        ks.dates_right += not date_wrong
        if date_wrong:
            result.misdated.append((golds[gi], preds[pi]))
    for gi, g in enumerate(golds):
        if gi not in used_g:
            result.kinds.setdefault(g.kind, KindScore()).fn += 1
            result.missed.append(g)
    for pi, p in enumerate(preds):
        if pi not in used_p:
            result.kinds.setdefault(p.kind, KindScore()).fp += 1
            result.spurious.append(p)
    return result

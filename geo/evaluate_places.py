"""Score place mentions against hand-labelled gold mentions.

Gold rows have the columns ``article_id,mention,place_canonical,lat,lon``: one row per distinct
surface string of a place of the theatre's country per article (codebook). A predicted mention
maps to its **surface string**: :attr:`geo.toponyms.Mention.text`, the span of the article
that names the place, with an article glued to the name kept ("al-Watiya"), a possessive
"'s" and surrounding quotes left out, and runs of white space read as one space. Strings are
compared case-sensitively (a dateline "TOWN X" is a mention of its own), as a set per article:
precision is the share of an article's distinct predicted strings that are gold strings,
recall the share of gold strings predicted, both pooled over articles. A mention resolved
through its parent ("the X district of Y") counts with its own string. For matched strings
with gold coordinates, ``placed`` counts those whose resolved place lies within ``max_km``.
"""

from __future__ import annotations

import csv
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from geo._counts import Counts
from geo._geodesy import distance_km
from geo.exceptions import DataFileError

__all__ = ["GoldMention", "PlaceScore", "PredictedMention", "read_gold_places", "score_places"]

_SPACE = re.compile(r"\s+")


def surface_key(text: str) -> str:
    """How a mention's string is compared: runs of white space as one space, trimmed."""
    return _SPACE.sub(" ", text).strip()


@dataclass(frozen=True, slots=True)
class GoldMention:
    """One gold row; ``lat``/``lon`` (WGS84) are None when the labeller left them empty."""

    article: str
    mention: str
    place: str
    lat: float | None
    lon: float | None


@dataclass(frozen=True, slots=True)
class PredictedMention:
    """A predicted mention reduced to what scoring compares; ``lat``/``lon`` in WGS84."""

    article: str
    mention: str
    lat: float
    lon: float


@dataclass
class PlaceScore(Counts):
    """Counts over all articles, and the strings that did not match."""

    placed: int = 0
    placeable: int = 0
    missed: list[tuple[str, str]] = field(default_factory=list)
    spurious: list[tuple[str, str]] = field(default_factory=list)

    @property
    def placed_share(self) -> float:
        """Share of matched strings with gold coordinates resolved within the distance."""
        return self.placed / self.placeable if self.placeable else 0.0


def _coord(value: str | None) -> float | None:
    value = (value or "").strip()
    return float(value) if value else None


def read_gold_places(path: Path) -> list[GoldMention]:
    """Read ``gold_places.csv``.

    Raises
    ------
    DataFileError
        On a missing column or a bad coordinate, naming the file and line.
    """
    out = []
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        for row in reader:
            try:
                out.append(
                    GoldMention(
                        article=row["article_id"].strip(),
                        mention=surface_key(row["mention"]),
                        place=(row.get("place_canonical") or "").strip(),
                        lat=_coord(row.get("lat")),
                        lon=_coord(row.get("lon")),
                    )
                )
            except (KeyError, AttributeError, ValueError) as exc:
                raise DataFileError(str(path), reader.line_num, f"bad gold row: {exc}") from None
    return out


def score_places(
    gold: Iterable[GoldMention],
    predicted: Iterable[PredictedMention],
    *,
    articles: Iterable[str] | None = None,
    max_km: float = 15.0,
) -> PlaceScore:
    """Match predicted strings to gold strings per article (see the module docstring).

    ``articles`` limits scoring to those articles (by default every article of the gold).
    """
    gold_by: dict[str, dict[str, GoldMention]] = defaultdict(dict)
    for g in gold:
        gold_by[g.article].setdefault(g.mention, g)
    pred_by: dict[str, dict[str, list[PredictedMention]]] = defaultdict(lambda: defaultdict(list))
    for p in predicted:
        pred_by[p.article][surface_key(p.mention)].append(p)
    scope = set(articles) if articles is not None else set(gold_by)
    result = PlaceScore()
    for article in sorted(scope):
        _score_article(result, gold_by.get(article, {}), pred_by.get(article, {}), max_km)
        result.missed += [
            (article, m)
            for m in sorted(set(gold_by.get(article, {})) - set(pred_by.get(article, {})))
        ]
        result.spurious += [
            (article, m)
            for m in sorted(set(pred_by.get(article, {})) - set(gold_by.get(article, {})))
        ]
    return result


def _score_article(
    result: PlaceScore,
    gold: Mapping[str, GoldMention],
    pred: Mapping[str, list[PredictedMention]],
    max_km: float,
) -> None:
    hits = set(gold) & set(pred)
    result.tp += len(hits)
    result.fn += len(set(gold) - hits)
    result.fp += len(set(pred) - hits)
    for mention in hits:
        g = gold[mention]
        if g.lat is None or g.lon is None:
            continue
        result.placeable += 1
        lat, lon = g.lat, g.lon
        if any(distance_km((lat, lon), (p.lat, p.lon)) <= max_km for p in pred[mention]):
            result.placed += 1

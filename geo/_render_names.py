"""Names and weights of places on the map: the names news uses, the places that matter most.

A gazetteer names a town as its source does ("Qaşr Āfiyah"); readers know it by the name in
the articles ("Qasr Afia"). :func:`news_names` takes, for each place, the form its mentions use
most often; :func:`importance` ranks places by size, so the map labels cities first.
"""

from __future__ import annotations

import csv
import logging
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from pathlib import Path
from typing import Protocol

__all__ = ["baseline_names", "importance", "news_names"]

log = logging.getLogger(__name__)

# A name starts with a capital, after at most a short lower-case article ("al-", "el-").
_NAME = re.compile(r"^(?:[^\W\d_]{1,3}[-‐’'])?[^\W\d_]", re.UNICODE)
_NOT_A_NAME = {"the", "its", "this", "that", "these", "those", "his", "her", "their", "our"}


class _Mention(Protocol):
    @property
    def place(self) -> str: ...

    @property
    def place_id(self) -> str: ...


class _Place(Protocol):
    @property
    def importance(self) -> float: ...


class _Gazetteer(Protocol):
    def __contains__(self, place_id: object) -> bool: ...

    def get(self, place_id: str) -> _Place: ...


def _is_name(surface: str) -> bool:
    m = _NAME.match(surface)
    if m is None or not m.group(0)[-1].isupper():
        return False
    return surface.split()[0].lower() not in _NOT_A_NAME


def news_names(mentions: Iterable[_Mention]) -> dict[str, str]:
    """The name news uses for each place id: the most frequent form of its mentions.

    Ties go to the shorter form, then alphabetical. Forms that are not names ("the city",
    "its airport", which the extractor resolves to a place named before) are not candidates.
    """
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    for m in mentions:
        surface = " ".join(m.place.split())
        if m.place_id and surface and _is_name(surface):
            counts[m.place_id][surface] += 1
    return {
        pid: min(c.items(), key=lambda kv: (-kv[1], len(kv[0]), kv[0]))[0]
        for pid, c in counts.items()
    }


def baseline_names(path: Path | str) -> dict[str, str]:
    """``place_name`` by ``place_id`` from a baseline CSV: the analyst's names for places no
    article mentions; an unreadable file gives none (the baseline loader reports its errors)."""
    try:
        with Path(path).open(encoding="utf-8", newline="") as fh:
            return {
                row["place_id"]: " ".join(row["place_name"].split())
                for row in csv.DictReader(fh)
                if row.get("place_id") and (row.get("place_name") or "").strip()
            }
    except (OSError, KeyError, csv.Error, UnicodeDecodeError) as exc:
        log.debug("no baseline names from %s: %s", path, exc)
        return {}


def importance(gazetteer: _Gazetteer, place_ids: Iterable[str]) -> dict[str, float]:
    """The 0-1 weight (:attr:`geo.gazetteer.Place.importance`: kind and population) of each
    place id the gazetteer knows."""
    return {pid: gazetteer.get(pid).importance for pid in place_ids if pid in gazetteer}

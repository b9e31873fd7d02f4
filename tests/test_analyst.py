"""Tests of geo.analyst: the baseline and overrides files, and their effect on the history."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from control_cases import BANI_WALID, DATA, SIRTE, TARHUNA, TRIPOLI, WASHKA, at, ev, history

from geo.control import UNKNOWN, BaselineEntry, load_baseline, load_overrides
from geo.exceptions import OverrideError
from geo.gazetteer import Gazetteer
from geo.sides import Sides


def test_packaged_baseline_is_complete(gazetteer: Gazetteer, sides: Sides) -> None:
    rows = {b.place_id: b for b in load_baseline(gazetteer=gazetteer, sides=sides)}
    assert rows[TRIPOLI].side == "GNA" and rows[TARHUNA].side == "LNA"
    assert rows["ourairports:HLLT"].side == "LNA"  # Tripoli International Airport
    assert rows["ourairports:HL77"].side == "GNA"  # al-Watiya
    assert rows[WASHKA].side == "LNA" and rows["osm:node/1185649367"].side == "GNA"
    assert {b.as_of for b in rows.values()} == {date(2020, 5, 20)}
    assert any(b.side == UNKNOWN for b in rows.values())


def test_overrides_reject_add_and_set(
    gazetteer: Gazetteer, sides: Sides, mini_baseline: list[BaselineEntry]
) -> None:
    overrides = load_overrides(DATA / "overrides_mini.csv", gazetteer=gazetteer, sides=sides)
    events = [
        ev("bad", "capture", "GNA", TARHUNA, "2020-06-01"),
        ev("a", "contested", "GNA", SIRTE, "2020-06-06"),
    ]
    h = history(events, sides, baseline=mini_baseline, overrides=overrides)
    day = h.state(date(2020, 6, 7))
    assert at(day, TARHUNA).controller == "LNA"  # the rejected event is gone
    assert at(day, BANI_WALID).controller == "GNA"  # added by the analyst
    assert at(h.state(date(2020, 6, 10)), SIRTE).controller == UNKNOWN  # set
    assert at(h.state(date(2020, 6, 10)), SIRTE).evidence[0].outlet == "analyst"


def test_packaged_overrides_load(gazetteer: Gazetteer, sides: Sides) -> None:
    for o in load_overrides(gazetteer=gazetteer, sides=sides):
        assert o.note and o.action in ("add", "reject", "set")


@pytest.mark.parametrize(
    ("row", "reason"),
    [
        ("grab,geonames:2210247,GNA,capture,2020-06-05,,n", "action"),
        ("add,nowhere:1,GNA,capture,2020-06-05,,n", "gazetteer"),
        ("add,geonames:2210247,Wagner,capture,2020-06-05,,n", "side"),
        ("add,geonames:2210247,GNA,capture,2020-13-05,,n", "invalid date"),
        ("add,geonames:2210247,GNA,capture,2020-06-05,,", "note"),
        ("add,geonames:2210247,GNA,conquer,2020-06-05,,n", "kind"),
        ("set,geonames:2210247,GNA,,,,n", "needs a date"),
    ],
)
def test_bad_override_names_file_and_line(
    tmp_path: Path, gazetteer: Gazetteer, sides: Sides, row: str, reason: str
) -> None:
    path = tmp_path / "overrides.csv"
    path.write_text(
        "action,place_id,side,kind,date,doc_id,note\n# a comment\n"
        f"reject,geonames:2210247,,,,,fine\n{row}\n"
    )
    with pytest.raises(OverrideError, match=rf"overrides\.csv:4: .*{reason}"):
        load_overrides(path, gazetteer=gazetteer, sides=sides)


def test_bad_baseline_names_file_and_line(
    tmp_path: Path, gazetteer: Gazetteer, sides: Sides
) -> None:
    path = tmp_path / "baseline.csv"
    path.write_text(
        "place_id,place_name,side,as_of,source_note\n"
        "geonames:2210247,Tripoli,GNA,2020-05-20,x\ngeonames:2210247,Tripoli,LNA,2020-05-20,x\n"
    )
    with pytest.raises(OverrideError, match=r"baseline\.csv:3: .*repeated"):
        load_baseline(path, gazetteer=gazetteer, sides=sides)

"""Data files read strictly (geo._datafile): a broken quote is an error at its own line and
swallows nothing; a file that is not UTF-8 is one line naming it (issue 14 #9)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from geo._datafile import read_csv_rows, read_text
from geo.analyst import load_baseline
from geo.cli import main
from geo.exceptions import DataFileError, GazetteerError, OverrideError, SidesError
from geo.gazetteer import Gazetteer
from geo.sides import Sides

ROOT = Path(__file__).parent.parent
GAZETTEER = ROOT / "data" / "gazetteer.csv"
THEATRE = ROOT / "data" / "theatres" / "libya-2019"


def _rows(path: Path) -> tuple[list[tuple[int, dict[str, str]]], list[DataFileError]]:
    errors: list[DataFileError] = []
    return list(read_csv_rows(path, ("id",), DataFileError, errors.append)), errors


def test_an_unterminated_quote_is_reported_at_its_line_and_swallows_nothing(
    tmp_path: Path,
) -> None:
    path = tmp_path / "data.csv"
    path.write_text('id,name\n1,one\n2,"two\n3,three\n4,"four, ""quoted"""\n5,five\n')
    rows, errors = _rows(path)
    assert [(line, r["id"]) for line, r in rows] == [(2, "1"), (4, "3"), (5, "4"), (6, "5")]
    assert rows[2][1]["name"] == 'four, "quoted"'
    (err,) = errors
    assert (err.line, str(err).split(": ", 1)[0]) == (3, f"{path}:3")
    assert "malformed CSV line" in str(err)


def test_stray_quotes_and_extra_fields_are_errors_short_rows_are_padded(tmp_path: Path) -> None:
    path = tmp_path / "data.csv"
    path.write_text('id,name,note\n1,"one"x,n\n2,two,n,extra\n3,three\n\n4,"four",n\r\n')
    rows, errors = _rows(path)
    assert [r["id"] for _, r in rows] == ["3", "4"]
    assert rows[0][1] == {"id": "3", "name": "three", "note": ""}
    assert [e.line for e in errors] == [2, 3]
    assert "4 fields, the header has 3" in str(errors[1])


def test_a_line_separator_inside_a_field_is_text(tmp_path: Path) -> None:
    path = tmp_path / "data.csv"
    path.write_text("id,name\n1,one\u2028still one\n2,two\n", encoding="utf-8")
    rows, errors = _rows(path)
    assert errors == [] and rows[0][1]["name"] == "one\u2028still one"


def test_a_file_that_is_not_utf8_is_one_error(tmp_path: Path) -> None:
    path = tmp_path / "data.csv"
    path.write_bytes("id,name\n1,Tarhuna\n2,Caf\xe9\n".encode("latin-1"))
    with pytest.raises(DataFileError) as info:
        read_text(path, DataFileError)
    assert str(info.value) == f"{path}:3: not UTF-8 (byte 0xe9); save the file as UTF-8"
    assert read_text(GAZETTEER, DataFileError).startswith("id,name")


def test_a_broken_quote_in_the_gazetteer_loses_one_row_not_178(tmp_path: Path) -> None:
    """Issue 14 #9: an unterminated quote swallowed 178 rows (Tarhuna disappeared)."""
    lines = GAZETTEER.read_text(encoding="utf-8").split("\n")
    tarhuna = next(i for i, line in enumerate(lines) if line.startswith("geonames:2210221,"))
    broken = tarhuna - 5
    lines[broken] = lines[broken].replace(",", ',"', 1)
    path = tmp_path / "gazetteer.csv"
    path.write_text("\n".join(lines), encoding="utf-8")
    whole = Gazetteer.load(GAZETTEER, aliases=False)
    errors: list[GazetteerError] = []
    gaz = Gazetteer.load(path, aliases=False, on_error=errors.append)
    assert [e.line for e in errors] == [broken + 1]
    assert len(gaz) == len(whole) - 1 and "geonames:2210221" in gaz
    assert gaz.lookup("Tarhuna")


@pytest.mark.parametrize(
    ("name", "make_args"),
    [
        ("gazetteer.csv", lambda p: ["places", str(ROOT / "seeds"), "--gazetteer", p]),
        ("sides.toml", lambda p: ["places", str(ROOT / "seeds"), "--sides", p]),
    ],
)
def test_latin1_data_files_are_one_line_through_the_cli(
    tmp_path: Path, name: str, make_args: object
) -> None:
    source = GAZETTEER if name == "gazetteer.csv" else THEATRE / "sides.toml"
    path = tmp_path / name
    text = source.read_text(encoding="utf-8").replace("Sirte", "Sirt\xe9", 1)
    path.write_bytes(text.encode("latin-1", errors="replace"))
    res = CliRunner().invoke(main, make_args(str(path)))  # type: ignore[operator]
    assert (res.exit_code == 1 and res.exception is None) or isinstance(res.exception, SystemExit)
    assert "Traceback" not in res.output
    assert f"frontline: error: {path}:" in res.stderr and "not UTF-8" in res.stderr


def test_latin1_sides_and_baseline_are_clear_errors(tmp_path: Path) -> None:
    sides = tmp_path / "sides.toml"
    sides.write_bytes((THEATRE / "sides.toml").read_bytes() + "# caf\xe9\n".encode("latin-1"))
    with pytest.raises(SidesError, match="not UTF-8"):
        Sides.load(sides)
    baseline = tmp_path / "baseline.csv"
    shutil.copy(THEATRE / "baseline.csv", baseline)
    with baseline.open("ab") as fh:
        fh.write("geonames:2210221,Tarhun\xe9,GNA,2020-01-01,note\n".encode("latin-1"))
    with pytest.raises(OverrideError, match="not UTF-8"):
        load_baseline(baseline, gazetteer=Gazetteer.load(), sides=Sides.load())


def test_a_broken_quote_in_a_baseline_names_its_line(tmp_path: Path) -> None:
    baseline = tmp_path / "baseline.csv"
    lines = (THEATRE / "baseline.csv").read_text(encoding="utf-8").splitlines()
    lines.insert(3, 'geonames:2210221,"Tarhuna,GNA,2020-01-01,note')
    baseline.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(OverrideError, match=rf"{baseline}:4: malformed CSV line"):
        load_baseline(baseline, gazetteer=Gazetteer.load(), sides=Sides.load())

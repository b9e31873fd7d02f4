"""The opt-in geocoder fallback, against a local server that answers like Nominatim."""

from __future__ import annotations

import csv
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import ClassVar
from urllib.parse import parse_qs, urlparse

import pytest
from click.testing import CliRunner

from geo.cli import main
from geo.gazetteer import Gazetteer
from geo.geocode import append_aliases, make_geocoder, suggest

ROOT = Path(__file__).parent.parent

BOUNDS = ((19.5, 9.3), (33.5, 25.2))


class _Nominatim(BaseHTTPRequestHandler):
    requests: ClassVar[list[dict[str, list[str]]]] = []

    def do_GET(self) -> None:
        query = parse_qs(urlparse(self.path).query)
        type(self).requests.append({**query, "_agent": [self.headers.get("User-Agent", "")]})
        name = query.get("q", [""])[0]
        body: list[dict[str, object]] = []
        if name == "Wadi Zamzam":
            body = [
                {
                    "lat": "31.29",
                    "lon": "14.53",
                    "display_name": "Wadi Zamzam, Libya",
                    "osm_type": "node",
                    "osm_id": 42,
                    "type": "valley",
                    "class": "natural",
                }
            ]
        elif name == "Paris":
            body = [
                {
                    "lat": "48.85",
                    "lon": "2.35",
                    "display_name": "Paris, France",
                    "osm_type": "relation",
                    "osm_id": 7,
                    "type": "city",
                }
            ]
        data = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture()
def server() -> Iterator[str]:
    _Nominatim.requests = []
    httpd = HTTPServer(("127.0.0.1", 0), _Nominatim)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


def test_suggest_asks_only_for_unknown_names_inside_the_box(server: str) -> None:
    gaz = Gazetteer.load()
    coder = make_geocoder("nominatim", domain=server, scheme="http")
    found = suggest(
        ["Misrata", "Wadi Zamzam", "Paris"], gaz, coder, bounds=BOUNDS, country="LY", min_delay=0
    )
    assert [s.name for s in found] == ["Wadi Zamzam"]
    assert found[0].lat == pytest.approx(31.29) and found[0].source == "nominatim:node/42"
    asked = [r["q"][0] for r in _Nominatim.requests]
    assert "Misrata" not in asked  # known offline: never sent
    assert all("frontline" in r["_agent"][0] for r in _Nominatim.requests)
    assert all(r.get("bounded") == ["1"] and "viewbox" in r for r in _Nominatim.requests)


def test_append_aliases_writes_reviewable_rows(tmp_path: Path, server: str) -> None:
    target = tmp_path / "aliases.suggested.csv"
    coder = make_geocoder("nominatim", domain=server, scheme="http")
    found = suggest(["Wadi Zamzam"], Gazetteer.load(), coder, bounds=BOUNDS, min_delay=0)
    assert append_aliases(target, found) == 1
    assert append_aliases(target, found) == 1  # added after the first, nothing lost
    rows = list(csv.DictReader(target.open(encoding="utf-8")))
    assert len(rows) == 2 and rows[0]["id"] == "alias:wadi-zamzam"
    assert "REVIEW" in rows[0]["note"] and rows[0]["review"] == ""


def _suggest(server: str, *args: str) -> tuple[int, str, str]:
    res = CliRunner().invoke(
        main,
        [
            "gazetteer",
            "suggest",
            "Wadi Zamzam",
            "--domain",
            server,
            "--scheme",
            "http",
            "--min-delay",
            "0",
            *args,
        ],
    )
    return res.exit_code, res.stdout, res.stderr


def test_cli_suggest_writes_a_review_file_never_the_packaged_aliases(
    tmp_path: Path, server: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 14 #14: suggestions went into the packaged aliases.csv and were used unreviewed."""
    packaged = ROOT / "data" / "aliases.csv"
    before = packaged.read_bytes()
    monkeypatch.chdir(tmp_path)
    code, out, err = _suggest(server)
    assert code == 0, err
    assert "Wadi Zamzam" in out and "1 suggestion(s) added" in err
    review = tmp_path / "aliases.suggested.csv"
    assert "Wadi Zamzam" in review.read_text(encoding="utf-8")
    assert packaged.read_bytes() == before
    assert not Gazetteer.load().lookup("Wadi Zamzam")  # unreviewed: not used
    mine = tmp_path / "mine" / "aliases.csv"
    mine.parent.mkdir()
    assert _suggest(server, "--aliases", str(mine))[0] == 0
    assert (mine.parent / "aliases.suggested.csv").is_file() and not mine.exists()
    code, _, err = _suggest(server, "--review", str(packaged))
    assert code == 2 and "packaged data" in err
    code, _, err = _suggest(server, "--aliases", str(packaged))
    assert code == 2 and packaged.read_bytes() == before


def test_accept_moves_reviewed_rows_only(tmp_path: Path, server: str) -> None:
    mine = tmp_path / "aliases.csv"
    review = tmp_path / "aliases.suggested.csv"
    assert _suggest(server, "--aliases", str(mine))[0] == 0
    rows = list(csv.DictReader(review.open(encoding="utf-8")))
    rows += [{**rows[0], "id": "alias:other", "name": "Other", "alias": "Other"}]
    rows += [{**rows[0], "id": "alias:wrong", "name": "Wrong", "alias": "Wrong"}]
    rows[0]["review"], rows[2]["review"] = "accept", "reject"
    with review.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    res = CliRunner().invoke(main, ["gazetteer", "accept", "--aliases", str(mine)])
    assert res.exit_code == 0, res.output
    assert "1 row(s) moved" in res.stderr
    accepted = list(csv.DictReader(mine.open(encoding="utf-8")))
    assert [r["id"] for r in accepted] == ["alias:wadi-zamzam"] and "review" not in accepted[0]
    assert "reviewed" in accepted[0]["note"]
    left = list(csv.DictReader(review.open(encoding="utf-8")))
    assert [r["id"] for r in left] == ["alias:other"]  # unreviewed waits; the rejected is gone
    gaz = Gazetteer.load()
    gaz.apply_aliases(mine)
    assert gaz.lookup("Wadi Zamzam")[0].lat == pytest.approx(31.29)
    by_name = CliRunner().invoke(main, ["gazetteer", "accept", "Other", "--aliases", str(mine)])
    assert by_name.exit_code == 0 and len(list(csv.DictReader(mine.open()))) == 2
    missing = CliRunner().invoke(
        main, ["gazetteer", "accept", "--aliases", str(tmp_path / "x" / "a.csv")]
    )
    assert missing.exit_code == 1 and "no such review file" in missing.stderr


def test_an_unreachable_geocoder_exits_non_zero(tmp_path: Path) -> None:
    """An unreachable service was "no result" and exit 0."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # nothing listens here once the socket is closed
    code, _, err = _suggest(f"127.0.0.1:{port}", "--review", str(tmp_path / "r.csv"))
    assert code == 1 and "geocoder failed for 'Wadi Zamzam'" in err
    assert "Traceback" not in err and not (tmp_path / "r.csv").exists()


def test_unknown_geocoder_is_a_clear_error() -> None:
    res = CliRunner().invoke(main, ["gazetteer", "suggest", "X", "--geocoder", "nope"])
    assert res.exit_code != 0 and "unknown geocoder 'nope'" in res.output

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
    target = tmp_path / "aliases.csv"
    coder = make_geocoder("nominatim", domain=server, scheme="http")
    found = suggest(["Wadi Zamzam"], Gazetteer.load(), coder, bounds=BOUNDS, min_delay=0)
    assert append_aliases(target, found) == 1
    rows = list(csv.DictReader(target.open(encoding="utf-8")))
    assert rows[0]["id"] == "alias:wadi-zamzam" and "REVIEW" in rows[0]["note"]
    # The gazetteer can read the suggestion back as a new place.
    gaz = Gazetteer.load()
    gaz.apply_aliases(target)
    assert gaz.lookup("Wadi Zamzam")[0].lat == pytest.approx(31.29)


def test_cli_suggest(tmp_path: Path, server: str) -> None:
    target = tmp_path / "aliases.csv"
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
            "--aliases",
            str(target),
        ],
    )
    assert res.exit_code == 0, res.output
    assert "1 suggestion(s) appended" in res.output
    assert "Wadi Zamzam" in target.read_text(encoding="utf-8")


def test_unknown_geocoder_is_a_clear_error() -> None:
    res = CliRunner().invoke(main, ["gazetteer", "suggest", "X", "--geocoder", "nope"])
    assert res.exit_code != 0 and "unknown geocoder 'nope'" in res.output

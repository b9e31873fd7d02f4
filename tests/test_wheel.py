"""The offline map from a plain install: build the wheel, install it in a fresh virtual
environment, write an offline map outside the checkout, open it in Chromium with no network.

The wheel carries Leaflet and leaflet.timeline with their licences (``setup.py`` copies them from
npm's packages when it is built); nothing of the checkout is reachable from the installed
program. Slow (it installs the package's dependencies from the package index into the fresh
environment), so it runs once per ``make test``.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent
CHROMIUM = Path("/usr/bin/chromium")
VENDORED = (ROOT / "vendor" / "node_modules" / "leaflet" / "dist" / "leaflet.js").is_file()

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not VENDORED and shutil.which("npm") is None,
        reason="neither vendor/node_modules (make vendor) nor npm to build the wheel with",
    ),
]


def run(*args: str | Path, cwd: Path, env: dict[str, str] | None = None) -> str:
    res = subprocess.run(
        [str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True, timeout=900
    )
    assert res.returncode == 0, f"{args}\n{res.stdout[-2000:]}\n{res.stderr[-2000:]}"
    return res.stdout


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    dist = tmp_path_factory.mktemp("dist")
    run(sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", dist, ROOT, cwd=dist)
    (found,) = dist.glob("frontline-*.whl")
    return found


def test_the_wheel_carries_the_libraries_and_their_licences(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    for rel in (
        "geo/_vendor/leaflet/dist/leaflet.js",
        "geo/_vendor/leaflet/dist/leaflet.css",
        "geo/_vendor/leaflet/dist/images/layers.png",
        "geo/_vendor/leaflet/LICENSE",
        "geo/_vendor/leaflet.timeline/dist/leaflet.timeline.js",
        "geo/_vendor/leaflet.timeline/LICENSE",
        "geo/_vendor/diesal/LICENSE",
        "geo/assets/map.js",
        "geo/assets/map.css",
    ):
        assert rel in names, rel
    versions = json.loads(zipfile.ZipFile(wheel).read("geo/_vendor/leaflet/package.json"))
    wanted = json.loads((ROOT / "package.json").read_text(encoding="utf-8"))["dependencies"]
    assert versions["version"] == wanted["leaflet"]


@pytest.mark.skipif(not CHROMIUM.exists(), reason="/usr/bin/chromium missing (make browser)")
def test_offline_map_from_a_fresh_install_opens_with_no_network(
    wheel: Path, tmp_path: Path
) -> None:
    venv = tmp_path / "venv"
    run(sys.executable, "-m", "venv", venv, cwd=tmp_path)
    run(venv / "bin" / "pip", "install", "-q", wheel, cwd=tmp_path)
    work = tmp_path / "newsroom"  # far from the checkout: no vendor/, no Makefile
    shutil.copytree(ROOT / "seeds", work / "articles")
    env = {k: v for k, v in os.environ.items() if k not in ("FRONTLINE_VENDOR", "PYTHONPATH")}
    env["HOME"] = str(tmp_path / "home")  # no libraries in a user cache either
    env.pop("XDG_CACHE_HOME", None)
    frontline = venv / "bin" / "frontline"
    run(frontline, "-q", "ingest", "articles", "--published", "2020-06-06", cwd=work, env=env)
    run(frontline, "-q", "map", "--offline", "-o", "map.html", cwd=work, env=env)
    where = run(venv / "bin" / "python", "-c", "import geo; print(geo.__file__)", cwd=work, env=env)
    assert str(ROOT) not in where  # the installed package, not the checkout
    page = work / "map.html"

    from playwright.sync_api import sync_playwright

    requests: list[str] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        try:
            context = browser.new_context()
            context.route(
                "**/*",
                lambda route: (
                    route.continue_()
                    if route.request.url.startswith(("file://", "data:"))
                    else route.abort()
                ),
            )
            pg = context.new_page()
            pg.on("request", lambda r: requests.append(r.url))
            pg.goto(page.as_uri())
            pg.wait_for_function("window.frontline !== undefined")
            shown = pg.inner_text("#fl-date")
        finally:
            browser.close()
    assert shown == "6 June 2020"
    assert [u for u in requests if not u.startswith(("file://", "data:"))] == []

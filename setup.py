"""Build hook: the wheel carries the browser libraries of the offline map.

``frontline map --offline`` inlines Leaflet and leaflet.timeline into the page. They are not
kept in the repository: building the wheel copies them, with their licences, from the npm
registry's packages (``package.json``: the versions folium pins) into ``geo/_vendor/``. The
build takes them from ``vendor/node_modules`` when ``make vendor`` has installed them there,
else runs ``npm install`` into a temporary folder. Without npm the wheel is built without them,
and ``frontline map --offline`` says which command installs them. Editable installs read
``vendor/node_modules`` directly and copy nothing.

Everything else about the package is in ``pyproject.toml``.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
# What the page needs of each package, and what its licence asks to keep with it.
FILES = {
    "leaflet": ["dist/leaflet.js", "dist/leaflet.css", "dist/images", "LICENSE", "package.json"],
    "leaflet.timeline": ["dist/leaflet.timeline.js", "LICENSE", "package.json"],
    # bundled inside leaflet.timeline.js: its licence travels with it
    "diesal": ["LICENSE", "package.json"],
}


def _npm_install(target: Path) -> Path:
    deps = json.loads((ROOT / "package.json").read_text(encoding="utf-8"))["dependencies"]
    specs = [f"{name}@{version}" for name, version in deps.items()]
    subprocess.run(
        ["npm", "install", "--silent", "--no-audit", "--no-fund", "--prefix", str(target), *specs],
        check=True,
    )
    return target / "node_modules"


def _complete(modules: Path) -> bool:
    return all((modules / pkg / rel).exists() for pkg, rels in FILES.items() for rel in rels)


def vendor_into(dest: Path) -> bool:
    """Copy the libraries and their licences into ``dest``; False when npm is not there."""
    local = ROOT / "vendor" / "node_modules"
    with tempfile.TemporaryDirectory() as tmp:
        if _complete(local):
            modules = local
        elif shutil.which("npm"):
            modules = _npm_install(Path(tmp))
        else:
            print("warning: npm not found; the wheel has no offline map libraries")
            return False
        for pkg, rels in FILES.items():
            for rel in rels:
                src, out = modules / pkg / rel, dest / pkg / rel
                out.parent.mkdir(parents=True, exist_ok=True)
                if src.is_dir():
                    shutil.copytree(src, out, dirs_exist_ok=True)
                else:
                    shutil.copyfile(src, out)
    return True


class BuildPy(build_py):
    """``build_py``, plus the offline map's libraries in ``geo/_vendor`` (not when editable)."""

    def run(self) -> None:
        super().run()
        if not getattr(self, "editable_mode", False):
            vendor_into(Path(self.build_lib) / "geo" / "_vendor")


setup(cmdclass={"build_py": BuildPy})

"""Fixtures shared by the tests of the control stages (fusion, analyst files, control, zones),
and a user cache folder of the run's own."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from control_cases import DATA, ROOT

from geo.control import BaselineEntry, ControlHistory, load_baseline
from geo.documents import load_documents
from geo.extract import EventExtractor
from geo.gazetteer import Gazetteer
from geo.sides import Sides
from geo.store import Store, ingest


@pytest.fixture(scope="session", autouse=True)
def user_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A user cache folder of the test run's own: maps' caches never land in the real one."""
    folder = tmp_path_factory.mktemp("user-cache")
    before = os.environ.get("XDG_CACHE_HOME")
    os.environ["XDG_CACHE_HOME"] = str(folder)
    yield folder
    if before is None:
        os.environ.pop("XDG_CACHE_HOME", None)
    else:
        os.environ["XDG_CACHE_HOME"] = before


@pytest.fixture(scope="module")
def sides() -> Sides:
    return Sides.load()


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    return Gazetteer.load()


@pytest.fixture(scope="module")
def mini_baseline(gazetteer: Gazetteer, sides: Sides) -> list[BaselineEntry]:
    return load_baseline(DATA / "baseline_mini.csv", gazetteer=gazetteer, sides=sides)


@pytest.fixture(scope="module")
def seeds(
    tmp_path_factory: pytest.TempPathFactory, gazetteer: Gazetteer, sides: Sides
) -> ControlHistory:
    path = tmp_path_factory.mktemp("store") / "frontline.gpkg"
    with Store(path) as store:
        docs = load_documents([ROOT / "seeds"], published=date(2020, 6, 6))
        ingest(store, docs, EventExtractor(gazetteer, sides))
        # The packaged baseline; no overrides, so the rules alone must give the answers.
        return ControlHistory.from_store(
            store, sides=sides, gazetteer=gazetteer, overrides=DATA / "no_overrides.csv"
        )

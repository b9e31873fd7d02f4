"""Export events, changes, control states, zones and the front line as GeoJSON, GeoPackage or CSV.

Every layer is first built as a GeoDataFrame in EPSG:4326 with (lon, lat) geometries. GeoJSON
is written by :func:`to_geojson` as RFC 7946: (lon, lat) positions rounded to 6 decimals,
polygon exteriors counter-clockwise and holes clockwise, no ``crs`` member. Time-varying
features carry ``start`` and ``end`` properties: ISO dates, ``end`` exclusive, null when open.
Dates are ISO strings or null in every format. Lists (a change's ``sources``, a state's
``evidence``) are arrays in GeoJSON and JSON text in CSV and GeoPackage columns.

Every file is written atomically (a temporary file beside the target, then renamed), and never
over a frontline store. CSV cells that begin with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
return get a leading ``'`` (OWASP's rule against formula injection when the file is opened in a
spreadsheet); numbers are written as they are.

The changes CSV uses ACLED-compatible columns. Which capture sub-event type applies is keyed by
whether the side is the recognised government, i.e. the FIRST side of the sides file (see
:data:`ACLED_CAPTURE`).
"""

from __future__ import annotations

import csv
import io
import itertools
import json
import math
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import geopandas as gpd
import shapely
from pyogrio.errors import DataLayerError, DataSourceError
from shapely.geometry import Point, mapping
from shapely.geometry.base import BaseGeometry
from shapely.geometry.polygon import orient

from geo._output import atomic_path, atomic_write_text
from geo.control import ControlChange, ControlHistory
from geo.dates import FuzzyDate
from geo.exceptions import OutputError
from geo.extract import ACTIVITY_KINDS, Event
from geo.gazetteer import Gazetteer
from geo.sides import Sides

__all__ = [
    "ACLED_CAPTURE",
    "ACLED_COLUMNS",
    "WHATS",
    "acled_rows",
    "layer",
    "rfc7946_problems",
    "to_geojson",
    "write",
]

WHATS = ("events", "changes", "control", "zones", "frontline")
ACLED_COLUMNS = (
    "event_date",
    "event_type",
    "sub_event_type",
    "actor1",
    "location",
    "latitude",
    "longitude",
    "geo_precision",
    "time_precision",
    "source",
    "notes",
    "place_id",
    "kind",
    "corroboration",
    "approximate",
)
# Keyed by "is the capturing side the recognised government (first side in the sides file)".
ACLED_CAPTURE: Mapping[bool, str] = {
    True: "Government regains territory",
    False: "Non-state actor overtakes territory",
}
_ACLED_OTHER: Mapping[str, tuple[str, str]] = {
    "withdraw": ("Strategic developments", "Non-violent transfer of territory"),
    "contested": ("Battles", "Armed clash"),
    "offensive": ("Battles", "Armed clash"),
    "strike": ("Explosions/Remote violence", "Air/drone strike"),
    "control_claim": ("Strategic developments", "Other"),
    "override": ("Strategic developments", "Other"),
}
# ACLED geo_precision: 1 the place itself, 2 near it / part of an area, 3 a larger region.
_GEO_PRECISION = {"district": 2, "wadi": 2, "oil_field": 2, "region": 3}


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def _frame(rows: list[dict[str, Any]], geoms: list[BaseGeometry]) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(rows, geometry=geoms, crs="EPSG:4326")


def _overlaps(fd: FuzzyDate, start: date | None, end: date | None) -> bool:
    return (start is None or fd.last >= start) and (end is None or fd.first <= end)


def _refs(refs: Iterable[Any]) -> list[dict[str, Any]]:
    """Source references as plain dicts (an array in GeoJSON, JSON text in CSV and GPKG)."""
    return [{k: _plain(getattr(r, k)) for k in r.__slots__} for r in refs]


def event_layer(
    events: Iterable[Event],
    published: Mapping[str, date],
    start: date | None = None,
    end: date | None = None,
) -> gpd.GeoDataFrame:
    """Events as points; ``start``/``end`` span the event's date period (quote offsets are
    ``quote_start``/``quote_end``)."""
    rows, geoms = [], []
    for ev in events:
        fd = ev.fuzzy_date
        if fd is None or not _overlaps(fd, start, end):
            continue
        row = ev.to_record()
        # start/end mean dates on time-varying features: the quote offsets are renamed.
        row["quote_start"], row["quote_end"] = row.pop("start"), row.pop("end")
        row["published"] = _iso(published.get(ev.doc_id))
        row["start"], row["end"] = _iso(fd.first), _iso(fd.last + timedelta(days=1))
        rows.append(row)
        geoms.append(Point(ev.lon, ev.lat))  # (lon, lat)
    return _frame(rows, geoms)


def change_layer(
    history: ControlHistory, start: date | None = None, end: date | None = None
) -> gpd.GeoDataFrame:
    """Fused changes in force during start..end, as points.

    A control change lasts until the place's next one; an activity lasts its day.
    """
    changes = history.changes()
    rows, geoms = [], []
    for ch in changes:
        stop: date | None = ch.effective + timedelta(days=1)
        if ch.kind not in ACTIVITY_KINDS:
            later = [
                c.effective
                for c in changes
                if c.place_id == ch.place_id
                and c.kind not in ACTIVITY_KINDS
                and c.effective > ch.effective
            ]
            stop = min(later, default=None)
        if (end is not None and ch.effective > end) or (start and stop and stop <= start):
            continue
        rows.append(
            {
                "place_id": ch.place_id,
                "place_name": ch.place_name,
                "kind": ch.kind,
                "side": ch.side,
                "date": ch.date.iso(),
                "date_precision": ch.date.precision,
                "effective": _iso(ch.effective),
                "approximate": ch.approximate,
                "corroboration": ch.corroboration,
                "independent": ch.independent,
                "weight": round(ch.weight, 4),
                "sources": _refs(ch.sources),
                "conflicting": _refs(ch.conflicting),
                "note": ch.note,
                "start": _iso(ch.effective),
                "end": _iso(stop),
            }
        )
        geoms.append(Point(ch.lon, ch.lat))
    return _frame(rows, geoms)


def _spans(history: ControlHistory, start: date, end: date) -> list[tuple[date, date | None]]:
    """Spans of constant control overlapping start..end, with their true (open) ends."""
    first, _ = history.span(start)
    last_first, last_stop = history.span(end)
    spans: list[tuple[date, date | None]] = []
    for a, b in history.intervals(first, last_first):
        spans.append((a, b))
    spans[-1] = (last_first, last_stop)
    return spans


def control_layer(history: ControlHistory, start: date, end: date) -> gpd.GeoDataFrame:
    """Place states as points, one per place and span of constant control (places with no
    data yet are left out)."""
    rows, geoms = [], []
    for a, b in _spans(history, start, end):
        for s in history.state(max(a, start)):
            if s.no_data:
                continue
            rows.append(
                {
                    "place_id": s.place_id,
                    "place_name": s.place_name,
                    "controller": s.controller,
                    "status": s.status,
                    "confidence": s.confidence,
                    "since": _iso(s.since),
                    "last_report": _iso(s.last_report),
                    "stale": s.stale,
                    "from_baseline": s.from_baseline,
                    "sources": s.sources_for,
                    "sources_against": s.sources_against,
                    "evidence": _refs(s.evidence),
                    "against": _refs(s.against),
                    "start": _iso(a),
                    "end": _iso(b),
                }
            )
            geoms.append(Point(s.lon, s.lat))
    return _frame(rows, geoms)


def zone_layer(history: ControlHistory, start: date, end: date) -> gpd.GeoDataFrame:
    """Zones per side and span of constant control."""
    rows, geoms = [], []
    for a, b in _spans(history, start, end):
        zones = history.zones(max(a, start))
        for side, geom in zip(zones["side"], zones.geometry, strict=True):
            rows.append({"side": side, "start": _iso(a), "end": _iso(b)})
            geoms.append(geom)
    return _frame(rows, geoms)


def front_layer(history: ControlHistory, start: date, end: date) -> gpd.GeoDataFrame:
    """The front line per span of constant control (spans without one are left out)."""
    rows, geoms = [], []
    for a, b in _spans(history, start, end):
        front = history.frontline(max(a, start))
        if front is not None:
            rows.append({"start": _iso(a), "end": _iso(b)})
            geoms.append(front)
    return _frame(rows, geoms)


def layer(
    what: str,
    history: ControlHistory,
    *,
    events: Sequence[Event] = (),
    published: Mapping[str, date] | None = None,
    start: date | None = None,
    end: date | None = None,
) -> gpd.GeoDataFrame:
    """One export layer (see :data:`WHATS`) for the dates ``start``..``end`` inclusive.

    Events and changes without dates are all exported; control, zones and the front line need
    at least ``start`` (``end`` defaults to it).

    Raises
    ------
    ValueError
        On an unknown ``what`` or a missing date.
    """
    if what == "events":
        return event_layer(events, published or {}, start, end)
    if what == "changes":
        return change_layer(history, start, end)
    if what not in WHATS:
        raise ValueError(f"cannot export {what!r}; choose one of {', '.join(WHATS)}")
    if start is None:
        raise ValueError(f"exporting {what} needs a date (--date or --from/--to)")
    end = end or start
    builders = {"control": control_layer, "zones": zone_layer, "frontline": front_layer}
    return builders[what](history, start, end)


# -- GeoJSON -------------------------------------------------------------------------------------
def _oriented(geom: BaseGeometry) -> BaseGeometry:
    """Exterior rings counter-clockwise, holes clockwise (RFC 7946 section 3.1.6)."""
    if geom.geom_type == "Polygon":
        return orient(geom, 1.0)
    if geom.geom_type == "MultiPolygon":
        return shapely.MultiPolygon([orient(p, 1.0) for p in geom.geoms])
    if geom.geom_type == "GeometryCollection":
        return shapely.GeometryCollection([_oriented(g) for g in geom.geoms])
    return geom


def _round(coords: Any) -> Any:
    if isinstance(coords, (int, float)):
        return round(float(coords), 6)
    return [_round(c) for c in coords]


def _plain(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if hasattr(value, "item"):  # numpy scalars
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def to_geojson(frame: gpd.GeoDataFrame) -> dict[str, Any]:
    """An RFC 7946 FeatureCollection of a layer (EPSG:4326, (lon, lat)); no ``crs`` member."""
    if frame.crs is not None and not frame.crs.equals("EPSG:4326"):
        frame = frame.to_crs("EPSG:4326")
    features = []
    props = [c for c in frame.columns if c != frame.geometry.name]
    for row in frame.itertuples(index=False):
        record = row._asdict()
        geom = getattr(row, frame.geometry.name)
        body = None
        if geom is not None and not geom.is_empty:
            body = dict(mapping(_oriented(geom)))
            if "coordinates" in body:
                body["coordinates"] = _round(body["coordinates"])
        properties = {k: _plain(record[k]) for k in props}
        features.append({"type": "Feature", "geometry": body, "properties": properties})
    return {"type": "FeatureCollection", "features": features}


def _signed_area(ring: Sequence[Sequence[float]]) -> float:
    return sum(x0 * y1 - x1 * y0 for (x0, y0, *_), (x1, y1, *_) in itertools.pairwise(ring)) / 2.0


def _geometry_problems(geom: Mapping[str, Any], where: str) -> list[str]:
    kind = geom.get("type")
    if kind == "GeometryCollection":
        return [p for g in geom.get("geometries", []) for p in _geometry_problems(g, where)]
    depth = {"Point": 0, "MultiPoint": 1, "LineString": 1, "MultiLineString": 2,
             "Polygon": 2, "MultiPolygon": 3}.get(str(kind))  # fmt: skip
    if depth is None:
        return [f"{where}: unknown geometry type {kind!r}"]
    coords: Any = geom.get("coordinates")
    positions: list[Sequence[float]] = []

    def walk(c: Any, d: int) -> None:
        if d == 0:
            positions.append(c)
        else:
            for sub in c:
                walk(sub, d - 1)

    walk(coords, depth)
    problems = []
    for pos in positions:
        if len(pos) not in (2, 3) or not (-180 <= pos[0] <= 180 and -90 <= pos[1] <= 90):
            problems.append(f"{where}: position {pos} is not (lon, lat) in range")
    polygons: list[Any] = [coords] if kind == "Polygon" else []
    if kind == "MultiPolygon":
        polygons = list(coords)
    for poly in polygons:
        for i, ring in enumerate(poly):
            if len(ring) < 4 or ring[0] != ring[-1]:
                problems.append(f"{where}: ring {i} is not a closed ring of 4+ positions")
            elif (_signed_area(ring) > 0) != (i == 0):
                problems.append(f"{where}: ring {i} has the wrong winding (RFC 7946 3.1.6)")
    return problems


def rfc7946_problems(obj: Mapping[str, Any]) -> list[str]:
    """What keeps a GeoJSON object from being valid RFC 7946 (empty when it is)."""
    problems = []
    if "crs" in obj:
        problems.append("top level: 'crs' member is not allowed")
    if obj.get("type") != "FeatureCollection":
        return [*problems, "top level: not a FeatureCollection"]
    for i, feat in enumerate(obj.get("features", [])):
        where = f"feature {i}"
        if feat.get("type") != "Feature" or "properties" not in feat:
            problems.append(f"{where}: not a Feature with properties")
        if "crs" in feat:
            problems.append(f"{where}: 'crs' member is not allowed")
        if feat.get("geometry") is not None:
            problems += _geometry_problems(feat["geometry"], where)
    return problems


# -- CSV and files -------------------------------------------------------------------------------
def acled_rows(
    changes: Iterable[ControlChange], sides: Sides, gazetteer: Gazetteer | None = None
) -> list[dict[str, Any]]:
    """Changes as ACLED-compatible rows (columns :data:`ACLED_COLUMNS`)."""
    government = sides.government
    rows = []
    for ch in changes:
        if ch.kind == "capture":
            event_type, sub = "Battles", ACLED_CAPTURE[ch.side == government]
        else:
            event_type, sub = _ACLED_OTHER.get(ch.kind, ("Strategic developments", "Other"))
        spread = {s.date for s in ch.sources if len(s.date) == 10}
        time_precision = 3 if ch.date.precision != "day" else 2 if len(spread) > 1 else 1
        kind = gazetteer.places[ch.place_id].kind if gazetteer and ch.place_id in gazetteer else ""
        try:
            actor = sides.get(ch.side).name
        except LookupError:
            actor = ch.side
        outlets = dict.fromkeys(s.outlet or s.doc_id for s in ch.sources)
        quote = ch.sources[0].quote.replace("\n", " ")[:300] if ch.sources else ""
        approx = " (date approximate)" if ch.approximate else ""
        rows.append(
            {
                "event_date": _iso(ch.effective),
                "event_type": event_type,
                "sub_event_type": sub,
                "actor1": actor,
                "location": ch.place_name,
                "latitude": ch.lat,
                "longitude": ch.lon,
                "geo_precision": _GEO_PRECISION.get(kind, 1),
                "time_precision": time_precision,
                "source": "; ".join(outlets),
                "notes": f"{ch.kind} {ch.place_name} by {ch.side}{approx}: {quote}",
                "place_id": ch.place_id,
                "kind": ch.kind,
                "corroboration": ch.corroboration,
                "approximate": ch.approximate,
            }
        )
    return rows


# OWASP CSV injection: a spreadsheet runs a cell that begins with one of these as a formula.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _csv_cell(value: Any) -> Any:
    """One CSV cell: lists and dicts as JSON text, formula-like text defused with ``'``."""
    value = _plain(value)
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def _csv_text(rows: Sequence[Mapping[str, Any]], columns: Sequence[str]) -> str:
    buf = io.StringIO()
    # RFC 4180 line ends: a cell holding a lone CR is then quoted, not a broken row.
    writer = csv.DictWriter(buf, fieldnames=list(columns), lineterminator="\r\n")
    writer.writeheader()
    writer.writerows({k: _csv_cell(r.get(k)) for k in columns} for r in rows)
    return buf.getvalue()


def frame_csv(frame: gpd.GeoDataFrame) -> str:
    """A layer as CSV: points as one ``latitude``/``longitude`` pair of columns, else WKT
    (lon lat); list columns as JSON text."""
    points = bool(len(frame)) and all(
        g is not None and g.geom_type == "Point" for g in frame.geometry
    )
    # One coordinate pair per file: the point's own lat/lon properties give way to it.
    skip = {frame.geometry.name, *(("lat", "lon") if points else ())}
    props = [c for c in frame.columns if c not in skip]
    rows = []
    for record, geom in zip(frame[props].to_dict("records"), frame.geometry, strict=True):
        if points:
            record.update(latitude=geom.y, longitude=geom.x)
        else:
            record["wkt"] = geom.wkt if geom is not None else ""
        rows.append(record)
    extra = ["latitude", "longitude"] if points else ["wkt"]
    return _csv_text(rows, [*props, *extra])


def _gpkg_ready(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Lists and dicts as JSON text, the only way a GeoPackage column holds them."""
    out = frame.copy()
    for column in out.columns:
        if (
            column != out.geometry.name
            and out[column].map(lambda v: isinstance(v, (list, dict))).any()
        ):
            out[column] = out[column].map(
                lambda v: json.dumps(_plain(v), ensure_ascii=False) if v is not None else None
            )
    return out


def _write_gpkg(frame: gpd.GeoDataFrame, out: Path, what: str) -> None:
    # Start from a copy of an existing GeoPackage: its other layers stay, this one is replaced.
    with atomic_path(out, copy_existing=True) as tmp:
        try:
            _gpkg_ready(frame).to_file(tmp, layer=what, driver="GPKG", engine="pyogrio")
        except (DataSourceError, DataLayerError) as exc:
            raise OutputError(out, f"cannot write the GeoPackage ({exc})") from None


def write(
    frame: gpd.GeoDataFrame,
    fmt: str,
    out: Path | None,
    *,
    what: str = "layer",
    acled: list[dict[str, Any]] | None = None,
) -> str | None:
    """Write a layer as ``geojson``, ``gpkg`` (needs ``out``; layer named ``what``) or ``csv``.

    ``acled`` rows, when given, replace the layer in CSV output. Returns the text instead of
    writing it when ``out`` is None. Files are written atomically; an existing GeoPackage keeps
    its other layers.

    Raises
    ------
    ValueError
        On an unknown format, GeoPackage without ``out``, or GeoJSON failing RFC 7946.
    OutputError
        When ``out`` is a frontline store, or on an OS error (a full disk); the old file, if
        any, is left as it was.
    """
    if fmt == "gpkg":
        if out is None:
            raise ValueError("GeoPackage output needs -o/--output")
        _write_gpkg(frame, out, what)
        return None
    if fmt == "geojson":
        obj = to_geojson(frame)
        problems = rfc7946_problems(obj)
        if problems:
            raise ValueError(f"GeoJSON is not RFC 7946: {problems[0]}")
        text = json.dumps(obj, ensure_ascii=False) + "\n"
    elif fmt == "csv":
        text = _csv_text(acled, ACLED_COLUMNS) if acled is not None else frame_csv(frame)
    else:
        raise ValueError(f"unknown format {fmt!r}; choose geojson, gpkg or csv")
    if out is None:
        return text
    atomic_write_text(out, text)
    return None

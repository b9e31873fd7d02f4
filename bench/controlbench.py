"""The control history at scale: 10,000 places over 1,000 change dates.

The events are synthetic (random places in the theatre's bounds, kinds, sides, days and
wordings): what the history costs depends on how many places, reports and dates it gets, not
on what the articles said. Measured: building the history (fusion, source groups, every place's
timeline), stepping through every span of constant control, and the state of every place on
ten dates.
"""

from __future__ import annotations

import random
import resource
import time
from datetime import date, timedelta
from typing import Any

__all__ = ["build", "synthetic_events"]

FIRST_DAY = date(2019, 4, 4)
KINDS = {"capture": 0.3, "withdraw": 0.1, "contested": 0.3, "control_claim": 0.2, "strike": 0.1}
WORDS = "forces town fighting took held said officials residents army seized near road".split()


def synthetic_events(
    places: int = 10_000, dates: int = 1_000, per_place: int = 4, seed: int = 2020
) -> list[Any]:
    """``places * per_place`` events on ``dates`` distinct days, four per article."""
    from geo.extract import Event
    from geo.sides import Sides

    rng = random.Random(f"frontline-bench-control:{seed}")
    sides = Sides.load()
    ids = sides.ids[:2]
    (south, west), (north, east) = sides.region.bounds
    days = [FIRST_DAY + timedelta(days=i) for i in range(dates)]
    kinds, weights = zip(*KINDS.items(), strict=True)
    events = []
    for p in range(places):
        lat, lon = rng.uniform(south, north), rng.uniform(west, east)
        for _ in range(per_place):
            kind, side = rng.choices(kinds, weights)[0], ids[rng.randrange(2)]
            quote = " ".join(rng.choice(WORDS) for _ in range(10)) + f" place {p}."
            events.append(
                Event(
                    doc_id=f"bench-control-{rng.randrange(places * per_place // 4):06d}",
                    kind=kind,
                    side=side,
                    place=f"Place {p}",
                    place_id=f"bench:{p}",
                    place_name=f"Place {p}",
                    lat=lat,
                    lon=lon,
                    date=rng.choice(days).isoformat(),
                    date_precision="day",
                    quote=quote,
                    start=0,
                    end=len(quote),
                    confidence=round(0.5 + 0.5 * rng.random(), 3),
                    source="Bench Wire",
                )
            )
    return events


def build(spec: dict[str, Any]) -> dict[str, Any]:
    """Child task: build the history of the synthetic events and step through it."""
    from geo.control import ControlHistory
    from geo.sides import Sides

    events = synthetic_events(spec["places"], spec["dates"], seed=spec.get("seed", 2020))
    published = {e.doc_id: date.fromisoformat(e.date) for e in events}
    sides = Sides.load()
    c0, t0 = time.process_time(), time.perf_counter()
    history = ControlHistory(events, sides=sides, published=published)
    c1, t1 = time.process_time(), time.perf_counter()
    first = FIRST_DAY
    last = FIRST_DAY + timedelta(days=spec["dates"] - 1)
    spans = history.intervals(first, last)
    t2 = time.perf_counter()
    probes = [first + timedelta(days=(spec["dates"] - 1) * i // 9) for i in range(10)]
    states = sum(len(history.state(day)) for day in probes)
    t3 = time.perf_counter()
    return {
        "places": len(history.place_ids()),
        "events": len(events),
        "changes": len(history.changes()),
        "spans": len(spans),
        "history_s": t1 - t0,
        "history_cpu_s": c1 - c0,  # less sensitive than wall time to other work on the machine
        "intervals_s": t2 - t1,
        "states_s": t3 - t2,
        "states": states,
        "build_s": t2 - t0,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0,
    }

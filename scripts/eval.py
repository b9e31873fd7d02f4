"""Score the extractor: the seeds, the codebook's invented examples and the development corpora.

    python scripts/eval.py [--shared ../shared] [--only NAME] [--errors NAME]

Prints one block per set: per-kind gold, predicted, true positives, precision, recall, F1 and
date accuracy, with the change events (capture + withdraw) pooled. Sets under ``--shared``
are skipped with a note when absent. ``libya-2011`` (real 2011 news) and
``libya-invented-tune`` (invented 2014-2021-style news) are tuning sets: ``--errors`` lists
their missed, spurious and misdated events. ``libya-2011b`` and ``libya-invented`` are blind
sets, labelled by someone who did not see the extractor: their blocks are a check of
generalisation, never a tuning target, so this script prints their aggregate scores only.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from geo.documents import Document, load_documents, read_meta
from geo.evaluate import KindScore, Labelled, Score, from_record, read_gold, score
from geo.extract import EventExtractor
from geo.gazetteer import Gazetteer
from geo.theatre import load_theatre

ROOT = Path(__file__).resolve().parent.parent
KINDS = ("capture", "withdraw", "contested", "control_claim")


def _rows(result: Score) -> list[tuple[str, KindScore]]:
    change = KindScore()
    for kind in ("capture", "withdraw"):
        k = result.kinds.get(kind, KindScore())
        change.tp, change.fp, change.fn = change.tp + k.tp, change.fp + k.fp, change.fn + k.fn
        change.dates_right += k.dates_right
    rows = [(k, result.kinds.get(k, KindScore())) for k in KINDS]
    return [*rows, ("change", change), ("all", result.total)]


def print_block(title: str, result: Score) -> None:
    """One table of per-kind scores."""
    print(f"\n{title}")
    print(f"  {'kind':14s} {'gold':>5s} {'pred':>5s} {'tp':>4s} ", end="")
    print(f"{'P':>6s} {'R':>6s} {'F1':>6s} {'date':>6s}")
    for name, k in _rows(result):
        print(
            f"  {name:14s} {k.tp + k.fn:5d} {k.tp + k.fp:5d} {k.tp:4d} {k.precision:6.3f} "
            f"{k.recall:6.3f} {k.f1:6.3f} {k.date_accuracy:6.3f}"
        )


def _predict(extractor: EventExtractor, docs: Iterable[Document]) -> list[Labelled]:
    return [from_record(e.to_record()) for d in docs for e in extractor.extract(d)]


def seeds(gazetteer: Gazetteer) -> Score:
    """The five seed articles against their gold (tests/data)."""
    theatre = load_theatre("libya-2019")
    extractor = EventExtractor(gazetteer, theatre.sides, capitals=theatre.capitals)
    docs = load_documents([ROOT / "seeds"], published=date(2020, 6, 6))
    return score(read_gold(ROOT / "tests" / "data" / "gold_events.csv"), _predict(extractor, docs))


def examples(gazetteer: Gazetteer, path: Path) -> Score:
    """The codebook's invented examples; an expected place without coordinates is left out
    (the gazetteer lacks it)."""
    theatre = load_theatre("libya-2019")
    extractor = EventExtractor(gazetteer, theatre.sides, capitals=theatre.capitals)
    gold: list[Labelled] = []
    preds: list[Labelled] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        raw = json.loads(line)
        doc = Document(raw["id"], raw["text"], date.fromisoformat(raw["published"]), "cli", "x")
        preds += _predict(extractor, [doc])
        gold += [
            Labelled(raw["id"], x["kind"], x["side"], x["lat"], x["lon"], x["date"], x["place"])
            for x in raw["expect"]
            if x.get("lat") is not None
        ]
    return score(gold, preds)


def corpus(gazetteer: Gazetteer, folder: Path, theatre_id: str) -> Score:
    """A labelled corpus folder (articles/, articles.csv, gold_events.csv)."""
    theatre = load_theatre(theatre_id)
    extractor = EventExtractor(gazetteer, theatre.sides, capitals=theatre.capitals)
    docs = load_documents([folder / "articles"], meta=read_meta(folder / "articles.csv"))
    return score(read_gold(folder / "gold_events.csv"), _predict(extractor, docs))


@dataclass(frozen=True, slots=True)
class Corpus:
    """A labelled folder under ``devcorpus/`` and how it may be used."""

    name: str
    role: str  # "dev", "tune" or "blind"
    theatre: str


CORPORA = (
    Corpus("libya-2011", "dev", "libya-2011"),
    Corpus("libya-invented-tune", "tune", "libya-2019"),
    Corpus("libya-2011b", "blind", "libya-2011"),
    Corpus("libya-invented", "blind", "libya-2019"),
)


def print_errors(result: Score) -> None:
    """The per-event errors of a tuning set: missed, spurious and misdated events."""
    for title, rows in (("missed", result.missed), ("spurious", result.spurious)):
        print(f"\n  {title}:")
        for g in sorted(rows, key=lambda x: (x.article, x.kind)):
            print(f"    {g.article} {g.kind:13s} {g.side:8s} {g.place[:40]:40s} {g.date}")
    print("\n  misdated (gold / predicted):")
    for g, p in sorted(result.misdated, key=lambda x: x[0].article):
        print(f"    {g.article} {g.kind:13s} {g.side:8s} {g.place[:30]:30s} {g.date} / {p.date}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    parser.add_argument("--only", help="score only this corpus (a devcorpus folder name)")
    parser.add_argument("--errors", help="list the errors of this tuning corpus")
    args = parser.parse_args(argv)
    blind = {c.name for c in CORPORA if c.role == "blind"}
    if args.errors in blind:
        parser.error(f"{args.errors} is a blind set: aggregate scores only")
    gazetteer = Gazetteer.load()
    if args.only is None:
        print_block("seeds (5 articles, tests/data/gold_events.csv)", seeds(gazetteer))
        spec = args.shared / "spec" / "examples.jsonl"
        if spec.exists():
            print_block("codebook examples (spec/examples.jsonl)", examples(gazetteer, spec))
        else:
            print(f"\ncodebook examples: skipped ({spec} is absent)")
    for c in CORPORA:
        if args.only is not None and c.name != args.only:
            continue
        folder = args.shared / "devcorpus" / c.name
        if not (folder / "gold_events.csv").exists():
            print(f"\n{c.role}: skipped ({folder} is absent)")
            continue
        n = len(list((folder / "articles").glob("*.txt")))
        result = corpus(gazetteer, folder, c.theatre)
        print_block(f"{c.role}: devcorpus/{c.name} ({n} articles, theatre {c.theatre})", result)
        if args.errors == c.name:
            print_errors(result)
    return 0


if __name__ == "__main__":
    sys.exit(main())

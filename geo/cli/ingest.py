"""``frontline ingest``: extract and store documents, one transaction per batch."""

from __future__ import annotations

import functools
import itertools
import os
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import click

from geo.cli import _common as c
from geo.cli._options import (
    date_option,
    gazetteer_options,
    max_chars_option,
    parallel_options,
    parallel_wanted,
    require_engine,
    theatre_folder,
    theatre_of_store,
)
from geo.documents import Document, load_documents, read_meta
from geo.exceptions import DocumentError, FrontlineError
from geo.extract import EventExtractor
from geo.gazetteer import Gazetteer
from geo.parallel import analyse_parallel, parse_engine
from geo.store import DEFAULT_STORE, DUPLICATE_POLICIES, OnDuplicate, Store, ingest

__all__ = ["command"]

# Test hook: after writing a document of this batch number, announce it and hang inside the
# open transaction, so a test can kill the process mid-batch.
HANG_ENV = "FRONTLINE_TEST_HANG_IN_BATCH"


@click.command("ingest")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--store",
    "store_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=DEFAULT_STORE,
    show_default=True,
    help="The event store (GeoPackage), created when missing.",
)
@date_option(
    "--published",
    help="Publication date for documents that carry none (in a jsonl field or --meta).",
)
@date_option("--published-override", help="Publication date for every document, replacing its own.")
@click.option(
    "--meta",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Metadata CSV (id, published, url, outlet, title).",
)
@click.option(
    "--batch-size",
    type=click.IntRange(min=1),
    default=100,
    show_default=True,
    help="Documents per transaction.",
)
@click.option("--reextract", is_flag=True, help="Re-run extraction on every stored document.")
@click.option(
    "--on-duplicate",
    type=click.Choice(DUPLICATE_POLICIES),
    default="error",
    show_default=True,
    help="One id, two texts in the input: error (report both, store the first), newer (the "
    "later published wins) or keep (the first wins; also keeps a stored version over an edit).",
)
@max_chars_option
@gazetteer_options
@parallel_options
def command(
    *,
    paths: tuple[Path, ...],
    store_path: Path,
    published: date | None,
    published_override: date | None,
    meta: Path | None,
    batch_size: int,
    reextract: bool,
    on_duplicate: OnDuplicate,
    max_chars: int,
    theatre: str | None,
    gazetteer: str | None,
    sides: str | None,
    jobs: int,
    engine: str,
    scheduler: str | None,
) -> None:
    """Store documents from FILE|DIR... with their mentions and events (idempotent)."""
    if not paths and not reextract:
        raise click.UsageError("give files or directories to ingest, or --reextract")
    require_engine(engine)
    th = theatre_of_store(store_path, theatre, sides=sides, gazetteer=gazetteer)
    try:
        docs = load_documents(
            paths,
            published=published,
            published_override=published_override,
            meta=read_meta(meta) if meta else None,
            on_error=c.report,
            unique_ids=False,  # ingest settles duplicate ids and edits against the store
        )
        pending = _first_or_fail(docs, bool(paths) and not reextract)
        extractor = EventExtractor(Gazetteer.load(th.gazetteer_path), th.sides)
        analyse = None
        if parallel_wanted(jobs, engine):
            # Extraction fans out; this process stays the single writer.
            analyse = functools.partial(
                analyse_parallel,
                jobs=jobs,
                engine=parse_engine(engine),
                scheduler=scheduler,
                gazetteer_path=th.gazetteer_path,
                sides_path=th.sides_path,
                theatre_path=th.root,
                max_chars=max_chars,
            )
        batches = _Batches()
        with Store(store_path) as store:
            store.bind_theatre(th.id, theatre_folder(th))
            result = ingest(
                store,
                c.progress(pending, desc="ingest"),
                extractor,
                batch_size=batch_size,
                on_document=batches.on_document,
                on_batch=batches.on_batch,
                analyse=analyse,
                on_duplicate=on_duplicate,
                on_error=c.report,
                max_chars=max_chars,
            )
            if reextract:
                n = store.reextract(extractor, max_chars=max_chars)
                c.note(f"re-extracted {n} event(s) from {store.count('documents')} documents")
    except (FrontlineError, DocumentError) as exc:
        raise click.ClickException(str(exc)) from None
    c.note(
        f"{store_path}: added {result.added} document(s) ({result.events} events, "
        f"{result.mentions} mentions) in {result.batches} batch(es); "
        f"skipped {result.skipped} already stored or left out"
    )


def _first_or_fail(docs: Iterator[Document], needed: bool) -> Iterator[Document]:
    """The documents, after making sure there is at least one when ``needed``.

    Loading is lazy: the first document is read before the store is opened, so a run in which
    every input fails exits non-zero and creates no store.
    """
    first = next(docs, None)
    if first is None:
        if needed:
            errors = c.state().errors
            reason = (
                "every input failed (see the lines above)"
                if errors
                else "no .txt or .jsonl files found"
            )
            raise click.ClickException(f"nothing to ingest: {reason}")
        return iter(())
    return itertools.chain([first], docs)


class _Batches:
    """Batch notes, and the test hook that hangs inside batch ``$FRONTLINE_TEST_HANG_IN_BATCH``."""

    def __init__(self) -> None:
        self.committed = 0
        self.hang = int(os.environ.get(HANG_ENV, "0") or 0)

    def on_document(self, doc: Document) -> None:
        if self.hang and self.committed + 1 == self.hang:
            click.echo(f"hanging in batch {self.hang} after {doc.doc_id}", err=True)
            time.sleep(600)

    def on_batch(self, number: int, added: int) -> None:
        self.committed = number
        c.note(f"committed batch {number}: {added} document(s)")

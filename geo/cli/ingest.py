"""``frontline ingest``: extract and store documents, one transaction per batch."""

from __future__ import annotations

import functools
import os
import time
from datetime import datetime
from pathlib import Path

import click

from geo.cli._common import progress
from geo.cli._options import parallel_options, parallel_wanted
from geo.documents import Document, load_documents, read_meta
from geo.events import EventExtractor
from geo.exceptions import DocumentError, FrontlineError
from geo.gazetteer import Gazetteer
from geo.parallel import analyse_parallel, parse_engine
from geo.sides import Sides
from geo.store import DEFAULT_STORE, Store, ingest

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
@click.option(
    "--published",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="Publication date for every document (YYYY-MM-DD).",
)
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
@parallel_options
def command(
    *,
    paths: tuple[Path, ...],
    store_path: Path,
    published: datetime | None,
    meta: Path | None,
    batch_size: int,
    reextract: bool,
    jobs: int,
    engine: str,
    scheduler: str | None,
) -> None:
    """Store documents from FILE|DIR... with their mentions and events (idempotent)."""
    if not paths and not reextract:
        raise click.UsageError("give files or directories to ingest, or --reextract")

    def warn(err: DocumentError) -> None:
        click.echo(f"warning: {err}", err=True)

    hang = int(os.environ.get(HANG_ENV, "0") or 0)
    committed = 0

    def on_document(doc: Document) -> None:
        if hang and committed + 1 == hang:
            click.echo(f"hanging in batch {hang} after {doc.doc_id}", err=True)
            time.sleep(600)

    def on_batch(number: int, added: int) -> None:
        nonlocal committed
        committed = number
        click.echo(f"committed batch {number}: {added} document(s)", err=True)

    try:
        extractor = EventExtractor(Gazetteer.load(), Sides.load())
        docs = load_documents(
            paths,
            published=published.date() if published else None,
            meta=read_meta(meta) if meta else None,
            on_error=warn,
        )
        analyse = None
        if parallel_wanted(jobs, engine):
            # Extraction fans out; this process stays the single writer.
            analyse = functools.partial(
                analyse_parallel, jobs=jobs, engine=parse_engine(engine), scheduler=scheduler
            )
        with Store(store_path) as store:
            result = ingest(
                store,
                progress(docs, desc="ingest"),
                extractor,
                batch_size=batch_size,
                on_document=on_document,
                on_batch=on_batch,
                analyse=analyse,
            )
            if reextract:
                n = store.reextract(extractor)
                click.echo(f"re-extracted {n} event(s) from {store.count('documents')} documents")
    except FrontlineError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(
        f"{store_path}: added {result.added} document(s) ({result.events} events, "
        f"{result.mentions} mentions) in {result.batches} batch(es); "
        f"skipped {result.skipped} already stored"
    )

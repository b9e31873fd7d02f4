"""Run a per-document function over many documents, serially, in processes or on dask.

Extraction reads one document at a time and shares nothing between documents, so it spreads over
cores (a process pool) or machines (dask) without changing a single result. Results always come
back in input order, and memory stays bounded: only a few chunks of documents are in flight.

Workers never receive the gazetteer or the sides as objects: they get file paths (None for the
packaged data) and the theatre's folder, and build their own :class:`~geo.extract.EventExtractor`
once, on first use. The
store stays single-writer: extraction runs in parallel, the caller writes the results serially.
To pair each document with its results without holding them all, tee the documents (the tee
buffers only the chunks in flight)::

    mine, theirs = itertools.tee(load_documents(paths))
    for doc, (events, mentions) in zip(mine, analyse_parallel(theirs, jobs=4)):
        ...  # collect (doc, events, mentions), then store.write_batch(...) every 100
"""

from __future__ import annotations

import ctypes
import functools
import logging
import os
import signal
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import replace
from itertools import islice
from pathlib import Path
from typing import Any, Literal, TypeVar

from geo.documents import DEFAULT_MAX_CHARS, Document, split_document
from geo.exceptions import GazetteerError, SidesError
from geo.extract import Event, EventExtractor
from geo.gazetteer import Gazetteer
from geo.theatre import load_theatre
from geo.toponyms import Mention

__all__ = [
    "DEFAULT_CHUNK",
    "Engine",
    "analyse_in_parts",
    "analyse_parallel",
    "die_with_parent",
    "extract_parallel",
    "extractor_for",
    "map_documents",
    "resolve_jobs",
]

log = logging.getLogger(__name__)

R = TypeVar("R")
Engine = Literal["local", "dask"]
PathLike = Path | str | None

DEFAULT_CHUNK = 32
# Chunks in flight per worker: enough to keep every worker busy, few enough to bound memory.
_IN_FLIGHT_PER_WORKER = 3
_LOCAL_DASK_SCHEDULERS = frozenset(
    {"threads", "processes", "sync", "synchronous", "single-threaded"}
)


def parse_engine(name: str) -> Engine:
    """An engine name from the command line.

    Raises
    ------
    ValueError
        When the name is neither ``local`` nor ``dask``.
    """
    if name == "local":
        return "local"
    if name == "dask":
        return "dask"
    raise ValueError(f"unknown engine {name!r}: use 'local' or 'dask'")


def resolve_jobs(jobs: int) -> int:
    """The number of workers ``jobs`` asks for: itself when positive, else every CPU.

    Examples
    --------
    >>> resolve_jobs(3)
    3
    >>> resolve_jobs(0) == (os.cpu_count() or 1)
    True
    """
    return jobs if jobs > 0 else (os.cpu_count() or 1)


def _batched(items: Iterable[Document], size: int) -> Iterator[list[Document]]:
    it = iter(items)
    while batch := list(islice(it, size)):
        yield batch


def _apply(
    func: Callable[[Document], R],
    docs: Sequence[Document],
    initializer: Callable[..., object] | None = None,
    initargs: tuple[Any, ...] = (),
) -> list[R]:
    """Apply ``func`` to a chunk; on dask the (idempotent) initializer runs first."""
    if initializer is not None:
        initializer(*initargs)
    return [func(doc) for doc in docs]


def map_documents(
    func: Callable[[Document], R],
    docs: Iterable[Document],
    *,
    jobs: int = 1,
    engine: Engine = "local",
    scheduler: Any = None,
    chunk: int = DEFAULT_CHUNK,
    initializer: Callable[..., object] | None = None,
    initargs: tuple[Any, ...] = (),
) -> Iterator[R]:
    """Yield ``func(doc)`` for every document, in input order.

    Parameters
    ----------
    func
        A picklable function of one document (a module-level function or a
        :func:`functools.partial` of one) when ``jobs > 1`` or on dask.
    docs
        The documents; consumed lazily, a few chunks ahead of the results.
    jobs
        Workers. ``1`` runs in this process; ``0`` or less means one per CPU. With the local
        engine, more than one starts a process pool.
    engine
        ``"local"`` (this machine) or ``"dask"`` (a :mod:`dask.bag` per window of chunks).
    scheduler
        Dask only. None starts a ``LocalCluster`` of ``jobs`` single-threaded worker processes
        for this call; an address (``"tcp://host:8786"``) connects to a running cluster; a
        ``distributed.Client`` is used as is; ``"threads"``, ``"processes"`` or ``"sync"``
        pick a local dask scheduler without distributed.
    chunk
        Documents per task.
    initializer, initargs
        Called once per worker process before its first task (and once in this process when
        serial). On dask it runs before every chunk, so it must be idempotent and cheap when
        repeated (e.g. cached, as :func:`extractor_for` is).

    Raises
    ------
    ValueError
        On an unknown engine or a chunk below 1.
    """
    if chunk < 1:
        raise ValueError(f"chunk must be at least 1, not {chunk}")
    if engine == "dask":
        return _dask_map(func, docs, jobs, scheduler, chunk, initializer, initargs)
    if engine != "local":
        raise ValueError(f"unknown engine {engine!r}: use 'local' or 'dask'")
    workers = resolve_jobs(jobs)
    if workers == 1:
        return _serial_map(func, docs, initializer, initargs)
    return _pool_map(func, docs, workers, chunk, initializer, initargs)


def _serial_map(
    func: Callable[[Document], R],
    docs: Iterable[Document],
    initializer: Callable[..., object] | None,
    initargs: tuple[Any, ...],
) -> Iterator[R]:
    if initializer is not None:
        initializer(*initargs)
    for doc in docs:
        yield func(doc)


def _pool_map(
    func: Callable[[Document], R],
    docs: Iterable[Document],
    workers: int,
    chunk: int,
    initializer: Callable[..., object] | None,
    initargs: tuple[Any, ...],
) -> Iterator[R]:
    pool = ProcessPoolExecutor(
        max_workers=workers,
        initializer=_worker_start,
        initargs=(os.getpid(), initializer, initargs),
    )
    pending: deque[Future[list[R]]] = deque()
    try:
        for batch in _batched(docs, chunk):
            pending.append(pool.submit(_apply, func, batch))
            if len(pending) >= workers * _IN_FLIGHT_PER_WORKER:
                yield from pending.popleft().result()
        while pending:
            yield from pending.popleft().result()
    finally:
        # Also reached when the consumer stops early: drop the queued work, keep no zombies.
        pool.shutdown(wait=True, cancel_futures=True)


# Linux prctl(2) option: the signal a process gets when its parent (thread) dies.
_PR_SET_PDEATHSIG = 1


def _worker_start(
    parent: int, initializer: Callable[..., object] | None, initargs: tuple[Any, ...]
) -> None:
    """Pool worker initializer: tie the worker's life to its parent's, then initialise."""
    die_with_parent(parent)
    if initializer is not None:
        initializer(*initargs)


def die_with_parent(parent: int) -> None:
    """Make this process end when ``parent`` does, even when the parent is killed with -9.

    On Linux the kernel sends SIGTERM on the parent's death (``PR_SET_PDEATHSIG``); elsewhere,
    or if that fails, a daemon thread polls the parent id once a second. Without this a killed
    ``ingest --jobs N`` leaves its workers behind.
    """
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            if libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0) == 0:
                if os.getppid() != parent:  # the parent died before prctl took effect
                    os._exit(1)
                return
        except (OSError, AttributeError):
            pass
    threading.Thread(target=_watch_parent, args=(parent,), daemon=True).start()


def _watch_parent(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(1.0)
    os._exit(1)


def _dask_map(
    func: Callable[[Document], R],
    docs: Iterable[Document],
    jobs: int,
    scheduler: Any,
    chunk: int,
    initializer: Callable[..., object] | None,
    initargs: tuple[Any, ...],
) -> Iterator[R]:
    import dask.bag

    # dask and distributed are only partly typed: go through Any.
    from_sequence: Any = dask.bag.from_sequence
    owned: list[Any] = []  # clusters and clients this call started, closed at the end
    try:
        target: Any
        workers: int
        if isinstance(scheduler, str) and scheduler in _LOCAL_DASK_SCHEDULERS:
            target, workers = scheduler, resolve_jobs(jobs)
        else:
            import distributed

            Client: Any = distributed.Client
            LocalCluster: Any = distributed.LocalCluster
            if scheduler is None:
                cluster = LocalCluster(
                    n_workers=resolve_jobs(jobs),
                    threads_per_worker=1,
                    processes=True,
                    dashboard_address=None,
                )
                owned.append(cluster)
                target = Client(cluster)
                owned.insert(0, target)
            elif isinstance(scheduler, str):
                target = Client(scheduler)
                owned.append(target)
            else:
                target = scheduler  # a Client
            n_threads = sum(target.nthreads().values()) if hasattr(target, "nthreads") else 0
            workers = max(int(n_threads), 1)
        window = chunk * workers * _IN_FLIGHT_PER_WORKER
        task = functools.partial(_apply, func, initializer=initializer, initargs=initargs)
        it = iter(docs)
        while part := list(islice(it, window)):
            bag = from_sequence(part, partition_size=chunk).map_partitions(task)
            yield from bag.compute(scheduler=target)
    finally:
        for item in owned:
            item.close()


# -- extraction ------------------------------------------------------------------------------
@functools.lru_cache(maxsize=4)
def extractor_for(
    gazetteer_path: PathLike = None, sides_path: PathLike = None, theatre_path: PathLike = None
) -> EventExtractor:
    """The extractor of one gazetteer, sides file and theatre, built once per process.

    Parameters
    ----------
    gazetteer_path, sides_path
        The files; None for the theatre's own.
    theatre_path
        The theatre's folder or id; None for the default theatre.
    """
    theatre = load_theatre(theatre_path).with_files(sides=sides_path, gazetteer=gazetteer_path)
    return EventExtractor(Gazetteer.load(theatre.gazetteer_path), theatre.sides)


def _warm(gazetteer_path: PathLike, sides_path: PathLike, theatre_path: PathLike = None) -> None:
    """Worker initializer: build the extractor and its lazy indexes before the first task."""
    extractor = extractor_for(gazetteer_path, sides_path, theatre_path)
    # The automata and the foreign-name table are built on first use; pay for them here with
    # any name of the theatre's gazetteer.
    first = next(iter(extractor.gazetteer), None)
    extractor.finder.find(first.name if first is not None else "")


_PRECISION_RANK = {"day": 3, "month": 2, "year": 1, "": 0}


def analyse_in_parts(
    extractor: EventExtractor, doc: Document, max_chars: int = DEFAULT_MAX_CHARS
) -> tuple[list[Event], list[Mention]]:
    """``extractor.extract_with_mentions(doc)``, a part at a time when ``doc`` is very long.

    A document over ``max_chars`` characters is cut at paragraph breaks
    (:func:`~geo.documents.split_document`), with a logged note; each part is extracted on its
    own and the offsets are mapped back into the whole text, so quotes, mentions and the stored
    document stay one. Events of several parts keep the extractor's rule of one event per
    (kind, side, place) and document: the most precise date, then the most confident.
    """
    parts = split_document(doc, max_chars)
    if len(parts) == 1:
        return extractor.extract_with_mentions(doc)
    log.warning(
        "%s: %d characters, over the cap of %d: extracted in %d parts (cut at paragraph, line or "
        "sentence breaks)",
        doc.location,
        len(doc.text),
        max_chars,
        len(parts),
    )
    best: dict[tuple[str, str, str], Event] = {}
    mentions: list[Mention] = []
    for offset, part in parts:
        events, found = extractor.extract_with_mentions(part)
        for ev in events:
            ev = replace(ev, start=ev.start + offset, end=ev.end + offset)
            key = (ev.kind, ev.side, ev.place_id)
            cur = best.get(key)
            rank = (_PRECISION_RANK.get(ev.date_precision, 0), ev.confidence)
            if cur is None or rank > (_PRECISION_RANK.get(cur.date_precision, 0), cur.confidence):
                best[key] = ev
        mentions.extend(replace(m, start=m.start + offset, end=m.end + offset) for m in found)
    return sorted(best.values(), key=lambda e: (e.start, e.kind, e.place_id)), mentions


def _extract_one(
    gazetteer_path: PathLike,
    sides_path: PathLike,
    theatre_path: PathLike,
    max_chars: int,
    doc: Document,
) -> list[Event]:
    extractor = extractor_for(gazetteer_path, sides_path, theatre_path)
    return analyse_in_parts(extractor, doc, max_chars)[0]


def _analyse_one(
    gazetteer_path: PathLike,
    sides_path: PathLike,
    theatre_path: PathLike,
    max_chars: int,
    doc: Document,
) -> tuple[list[Event], list[Mention]]:
    return analyse_in_parts(extractor_for(gazetteer_path, sides_path, theatre_path), doc, max_chars)


def _checked(gazetteer_path: PathLike, sides_path: PathLike) -> tuple[str | None, str | None]:
    """Absolute paths as strings (they pickle small and key every worker's cache alike).

    A missing file fails here, in the caller, not as a broken pool in every worker.
    """
    out: list[str | None] = []
    for path, error in ((gazetteer_path, GazetteerError), (sides_path, SidesError)):
        if path is None:
            out.append(None)
            continue
        resolved = Path(path).resolve()
        if not resolved.is_file():
            raise error(str(path), None, "no such file")
        out.append(str(resolved))
    return out[0], out[1]


def _theatre_key(theatre_path: PathLike) -> str | None:
    """The theatre as a string every worker resolves alike; a missing one fails here.

    Raises
    ------
    TheatreError
        When there is no such theatre.
    """
    if theatre_path is None:
        return None
    return str(load_theatre(theatre_path).root)


def extract_parallel(
    docs: Iterable[Document],
    *,
    jobs: int = 1,
    engine: Engine = "local",
    scheduler: Any = None,
    gazetteer_path: PathLike = None,
    sides_path: PathLike = None,
    theatre_path: PathLike = None,
    chunk: int = DEFAULT_CHUNK,
    max_chars: int = DEFAULT_MAX_CHARS,
) -> Iterator[list[Event]]:
    """The events of each document, in input order, extracted by ``jobs`` workers.

    The results equal ``EventExtractor(gaz, sides).extract(doc)`` for each document. See
    :func:`map_documents` for ``jobs``, ``engine``, ``scheduler`` and ``chunk``; remote dask
    workers need frontline installed and the data files at the same paths.

    Parameters
    ----------
    docs
        The documents.
    gazetteer_path, sides_path
        The gazetteer CSV and sides TOML; None for the theatre's.
    theatre_path
        The theatre (its folder or id); None for the default one.
    max_chars
        Longer documents are extracted in parts (:func:`analyse_in_parts`).

    Raises
    ------
    GazetteerError, SidesError, TheatreError
        When a given file or the theatre does not exist.
    """
    gp, sp = _checked(gazetteer_path, sides_path)
    tp = _theatre_key(theatre_path)
    return map_documents(
        functools.partial(_extract_one, gp, sp, tp, max_chars),
        docs,
        jobs=jobs,
        engine=engine,
        scheduler=scheduler,
        chunk=chunk,
        initializer=_warm,
        initargs=(gp, sp, tp),
    )


def analyse_parallel(
    docs: Iterable[Document],
    *,
    jobs: int = 1,
    engine: Engine = "local",
    scheduler: Any = None,
    gazetteer_path: PathLike = None,
    sides_path: PathLike = None,
    theatre_path: PathLike = None,
    chunk: int = DEFAULT_CHUNK,
    max_chars: int = DEFAULT_MAX_CHARS,
) -> Iterator[tuple[list[Event], list[Mention]]]:
    """Events and place mentions of each document, in input order: what the store ingests.

    Each item equals ``EventExtractor(gaz, sides).extract_with_mentions(doc)``; otherwise as
    :func:`extract_parallel`.
    """
    gp, sp = _checked(gazetteer_path, sides_path)
    tp = _theatre_key(theatre_path)
    return map_documents(
        functools.partial(_analyse_one, gp, sp, tp, max_chars),
        docs,
        jobs=jobs,
        engine=engine,
        scheduler=scheduler,
        chunk=chunk,
        initializer=_warm,
        initargs=(gp, sp, tp),
    )

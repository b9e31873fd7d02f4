"""Run a per-document function over many documents, serially, in processes or on dask.

Extraction reads one document at a time and shares nothing between documents, so it spreads over
cores (a process pool) or machines (dask) without changing a single result. Results always come
back in input order, and memory stays bounded: only a few chunks of documents are in flight.

Workers never receive the gazetteer or the sides as objects: they get file paths (None for the
packaged data) and the theatre's folder, and build their own :class:`~geo.events.EventExtractor`
once, on first use. The
store stays single-writer: extraction runs in parallel, the caller writes the results serially.
To pair each document with its results without holding them all, tee the documents (the tee
buffers only the chunks in flight)::

    mine, theirs = itertools.tee(load_documents(paths))
    for doc, (events, mentions) in zip(mine, analyse_parallel(theirs, jobs=4)):
        ...  # collect (doc, events, mentions), then store.write_batch(...) every 100
"""

from __future__ import annotations

import functools
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from itertools import islice
from pathlib import Path
from typing import Any, Literal, TypeVar

from geo.documents import Document
from geo.events import Event, EventExtractor
from geo.exceptions import GazetteerError, SidesError
from geo.gazetteer import Gazetteer
from geo.theatre import load_theatre
from geo.toponyms import Mention

__all__ = [
    "DEFAULT_CHUNK",
    "Engine",
    "analyse_parallel",
    "extract_parallel",
    "extractor_for",
    "map_documents",
    "resolve_jobs",
]

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
    pool = ProcessPoolExecutor(max_workers=workers, initializer=initializer, initargs=initargs)
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


def _extract_one(
    gazetteer_path: PathLike, sides_path: PathLike, theatre_path: PathLike, doc: Document
) -> list[Event]:
    return extractor_for(gazetteer_path, sides_path, theatre_path).extract(doc)


def _analyse_one(
    gazetteer_path: PathLike, sides_path: PathLike, theatre_path: PathLike, doc: Document
) -> tuple[list[Event], list[Mention]]:
    return extractor_for(gazetteer_path, sides_path, theatre_path).extract_with_mentions(doc)


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

    Raises
    ------
    GazetteerError, SidesError, TheatreError
        When a given file or the theatre does not exist.
    """
    gp, sp = _checked(gazetteer_path, sides_path)
    tp = _theatre_key(theatre_path)
    return map_documents(
        functools.partial(_extract_one, gp, sp, tp),
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
) -> Iterator[tuple[list[Event], list[Mention]]]:
    """Events and place mentions of each document, in input order: what the store ingests.

    Each item equals ``EventExtractor(gaz, sides).extract_with_mentions(doc)``; otherwise as
    :func:`extract_parallel`.
    """
    gp, sp = _checked(gazetteer_path, sides_path)
    tp = _theatre_key(theatre_path)
    return map_documents(
        functools.partial(_analyse_one, gp, sp, tp),
        docs,
        jobs=jobs,
        engine=engine,
        scheduler=scheduler,
        chunk=chunk,
        initializer=_warm,
        initargs=(gp, sp, tp),
    )

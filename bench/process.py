"""Whole-process timings: a command's wall and CPU time and peak memory, start-up included.

``frontline places`` and the peer (``bench.peer``) run as they would from a shell, on the same
shard files; their own start-up is part of the figure. The start-up alone is the same command
on a one-article file.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

__all__ = ["extract_command", "peer_command", "places_command", "run_process", "startup_file"]


def run_process(cmd: list[str], timeout: float, cwd: Path) -> dict[str, Any]:
    """Run ``cmd``; its wall seconds, CPU seconds (user + system) and peak RSS in MB."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
    )
    try:
        _, status, usage = os.wait4(proc.pid, 0)
    except BaseException:
        proc.kill()
        raise
    wall = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    err = proc.stderr.read() if proc.stderr else ""
    if proc.returncode != 0:
        tail = (err.strip().splitlines() or ["no output"])[-1]
        return {"error": f"exit {proc.returncode}: {tail}"}
    if wall > timeout:
        return {"error": f"took {wall:.0f} s > {timeout:.0f} s"}
    return {
        "wall_s": wall,
        "cpu_s": usage.ru_utime + usage.ru_stime,
        "peak_rss_mb": usage.ru_maxrss / 1024.0,
    }


def places_command(shards: list[str]) -> list[str]:
    """``frontline places`` over the shards, as CSV on its standard output (discarded)."""
    return [sys.executable, "-m", "geo", "-q", "places", *shards, "--format", "csv", "-o", "-"]


def extract_command(shards: list[str], jobs: int = 1) -> list[str]:
    """``frontline extract`` over the shards with ``jobs`` processes, as JSONL on its
    standard output (discarded)."""
    return [
        *(sys.executable, "-m", "geo", "-q", "extract", *shards),
        *("--format", "jsonl", "-o", "-", "--jobs", str(jobs)),
    ]


def peer_command(shards: list[str]) -> list[str]:
    """The peer's whole job over the shards."""
    return [sys.executable, "-m", "bench.peer", *shards]


def startup_file(folder: Path) -> Path:
    """A one-article file, for the start-up alone."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "startup.jsonl"
    text = "Fighting was reported near Town X on Monday."
    path.write_text(json.dumps({"id": "s1", "text": text, "published": "2020-06-01"}) + "\n")
    return path

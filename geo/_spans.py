"""Non-overlapping selection of text spans in linear time."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, TypeVar

__all__ = ["Occupancy", "leftmost_longest", "longest_first", "select"]

T = TypeVar("T")


class Occupancy:
    """Which characters of a text are already taken; each test and mark costs the span length,
    so choosing among many spans stays linear instead of comparing every pair."""

    def __init__(self, length: int) -> None:
        self._taken = bytearray(max(length, 0))

    def free(self, start: int, end: int) -> bool:
        """True when no character of [start, end) is taken."""
        return self._taken.find(1, start, end) == -1

    def take(self, start: int, end: int) -> None:
        """Mark [start, end) as taken."""
        self._taken[start:end] = b"\x01" * (end - start)


def select(
    items: Iterable[T],
    span: Callable[[T], tuple[int, int]],
    length: int,
    rank: Callable[[T], Any],
) -> list[T]:
    """The items whose spans do not overlap, best ``rank`` (smallest) first, in text order."""
    occupied = Occupancy(length)
    chosen = []
    for it in sorted(items, key=rank):
        start, end = span(it)
        if occupied.free(start, end):
            occupied.take(start, end)
            chosen.append(it)
    chosen.sort(key=lambda it: span(it)[0])
    return chosen


def longest_first(items: Iterable[T], span: Callable[[T], tuple[int, int]], length: int) -> list[T]:
    """The items whose spans do not overlap, longer spans winning, in text order."""
    return select(items, span, length, lambda it: (span(it)[0] - span(it)[1], span(it)[0]))


def leftmost_longest(
    items: Iterable[T], span: Callable[[T], tuple[int, int]], length: int
) -> list[T]:
    """The items whose spans do not overlap, the earliest start winning, then the longer."""
    return select(items, span, length, lambda it: (span(it)[0], span(it)[0] - span(it)[1]))

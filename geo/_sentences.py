"""Split text into sentences, keeping offsets. Lines are always boundaries (captions, titles)."""

from __future__ import annotations

import logging
import re

__all__ = ["split_sentences"]

log = logging.getLogger(__name__)

# Abbreviations whose full stop does not end a sentence.
_ABBREV = frozenset(
    "gen gen. mr mrs ms dr st lt col maj capt sgt brig gov sen rep no vs etc jan feb mar apr "
    "jun jul aug sep sept oct nov dec fig inc ltd co corp u.s u.n u.k e.g i.e".split()
)
_END = re.compile(r"[.!?]+[\"'”’)\]]*(?=\s+[\"'“‘(\[]?[A-Z0-9\u0600-\u06ff])")


def split_sentences(text: str, *, max_len: int = 1000) -> list[tuple[int, int]]:
    """Half-open (start, end) spans of the sentences of ``text``, stripped of white space.

    Examples
    --------
    >>> t = "Gen. Smith spoke. Troops left.\\nCaption line"
    >>> [t[s:e] for s, e in split_sentences(t)]
    ['Gen. Smith spoke.', 'Troops left.', 'Caption line']
    """
    spans: list[tuple[int, int]] = []
    for base, chunk in _lines(text):
        start = 0
        for m in _END.finditer(chunk):
            word = re.search(r"(\S+)$", chunk[start : m.start()])
            token = word.group(1).lower().strip("\"'“‘(") if word else ""
            if m.group().startswith(".") and _is_abbreviation(token):
                continue
            spans.append(_strip(text, base + start, base + m.end()))
            start = m.end()
        if start < len(chunk):
            spans.append(_strip(text, base + start, base + len(chunk)))
    # A "sentence" longer than any real one (a list, a run-on scrape) is cut at clause breaks,
    # so the work per sentence stays bounded.
    out: list[tuple[int, int]] = []
    for start, end in spans:
        if end - start > max_len:
            log.warning(
                "a %d-character sentence at offset %d is cut at clause breaks", end - start, start
            )
        while end - start > max_len:
            window = text[start : start + max_len]
            cut = max(window.rfind(", "), window.rfind("; "), window.rfind(" and "))
            if cut <= max_len // 4:
                cut = window.rfind(" ")
            if cut <= 0:
                cut = max_len
            out.append(_strip(text, start, start + cut))
            start = start + cut
        out.append(_strip(text, start, end))
    return [s for s in out if s[1] > s[0]]


_TERMINAL = tuple(".!?:;\"'”’)]")
_WRAP_MIN, _WRAP_MAX = 40, 100


def _lines(text: str) -> list[tuple[int, str]]:
    """The text's lines as (offset, text), or, for hard-wrapped text (most long lines end
    mid-sentence), its wrapped paragraphs: a break after a long line is no sentence boundary."""
    lines = [(m.start(), m.group()) for m in re.finditer(r"[^\n]+", text)]
    long = [t for _, t in lines if _WRAP_MIN <= len(t.strip()) <= _WRAP_MAX]
    open_ends = [t for t in long if not t.rstrip().endswith(_TERMINAL)]
    if len(long) < 5 or len(long) < 0.6 * len(lines) or len(open_ends) < 0.5 * len(long):
        return lines
    out: list[tuple[int, str]] = []
    for start, line in lines:
        if out:
            prev_start, prev = out[-1]
            joined = prev_start + len(prev) + 1 == start  # one newline between them
            if (
                joined
                and len(prev.rsplit("\n", 1)[-1].strip()) >= _WRAP_MIN
                and not re.match(r"\s*[*•\-–]\s", line)
            ):
                out[-1] = (prev_start, text[prev_start : start + len(line)])
                continue
        out.append((start, line))
    return out


def _is_abbreviation(token: str) -> bool:
    # "Gen", "U.N", "p.m" and lone initials ("A") keep their full stop inside a sentence.
    return token in _ABBREV or (len(token) == 1 and token.isalpha()) or "." in token


def _strip(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end

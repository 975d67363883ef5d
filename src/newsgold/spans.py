"""Character spans: the span records, their arithmetic, and one-to-one matching."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Self

from newsgold.records import field_names, make, read

Range = tuple[int, int]


@dataclass(frozen=True)
class Span:
    """A character span: 0-based, end-exclusive code-point offsets and the text between."""

    start: int
    end: int
    text: str

    def to_dict(self) -> dict[str, Any]:
        return {"start": self.start, "end": self.end, "text": self.text}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Self:
        start, end = offsets(d)
        return read(cls, d, _SPAN_FIELDS) or make(cls, start=start, end=end, text=d["text"])


_SPAN_FIELDS = field_names(Span)
"""The keys of a Span object in canonical order: :func:`newsgold.records.read`
takes such an object at once."""


def offsets(d: dict[str, Any]) -> Range:
    """``start`` and ``end`` of a span's parsed value, each an int as the schema says.

    Raises TypeError for any other number (``2.0``) or a bool: no record is made with
    such an offset. The reader's quick path counts on it in place of the schema's
    integer rule (:func:`newsgold.validate.passes_schema_quickly` with ``offsets_typed``).
    """
    start, end = d["start"], d["end"]
    if type(start) is not int or type(end) is not int:
        raise TypeError(f"offsets {start!r}, {end!r} are not both integers")
    return start, end


def spans_from(items: list[dict[str, Any]]) -> tuple[Span, ...]:
    """Spans from their JSON objects."""
    return tuple([Span.from_dict(s) for s in items])


@dataclass(frozen=True)
class IdSpan:
    """A span with an id of its own: the shape of sentences and event triggers."""

    id: str
    start: int
    end: int
    text: str

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "start": self.start, "end": self.end, "text": self.text}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Self:
        start, end = offsets(d)
        return read(cls, d, _ID_SPAN_FIELDS) or make(
            cls, id=d["id"], start=start, end=end, text=d["text"]
        )


_ID_SPAN_FIELDS = field_names(IdSpan)
"""The keys of an IdSpan object in canonical order: :func:`newsgold.records.read`
takes such an object at once."""


def merge(spans: Iterable[Range]) -> tuple[Range, ...]:
    """The union of ``spans`` as sorted, non-overlapping, non-touching ranges."""
    out: list[Range] = []
    for start, end in sorted(spans):
        if out and start <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], end))
        else:
            out.append((start, end))
    return tuple(out)


def length(merged: Sequence[Range]) -> int:
    """Characters covered by merged ranges."""
    return sum(end - start for start, end in merged)


def intersection(a: Sequence[Range], b: Sequence[Range]) -> int:
    """Characters two merged range lists share."""
    total = i = j = 0
    while i < len(a) and j < len(b):
        lo, hi = max(a[i][0], b[j][0]), min(a[i][1], b[j][1])
        if lo < hi:
            total += hi - lo
        if a[i][1] < b[j][1]:
            i += 1
        else:
            j += 1
    return total


def dice(a: Iterable[Range], b: Iterable[Range]) -> float:
    """Character-level Dice coefficient of the unions of two sets of spans (1.0 if both empty)."""
    return merged_dice(merge(a), merge(b))


def merged_dice(ma: Sequence[Range], mb: Sequence[Range], total: int | None = None) -> float:
    """:func:`dice` of two merged range lists (:func:`merge`); ``total``: their lengths
    added, when the caller has them."""
    if total is None:
        total = length(ma) + length(mb)
    return 1.0 if total == 0 else 2 * intersection(ma, mb) / total


def jaccard(a: Iterable[Range], b: Iterable[Range]) -> float:
    """Character-level Jaccard index of the unions of two sets of spans (0.0 if both empty)."""
    ma, mb = merge(a), merge(b)
    inter = intersection(ma, mb)
    union = length(ma) + length(mb) - inter
    return inter / union if union else 0.0


def greedy_pairs(candidates: Iterable[tuple[Any, int, int]]) -> list[tuple[int, int]]:
    """One-to-one (i, j) pairs from (sort key, i, j) candidates, smallest key first, in i order."""
    used_a: set[int] = set()
    used_b: set[int] = set()
    out = []
    for _key, i, j in sorted(candidates):
        if i not in used_a and j not in used_b:
            used_a.add(i)
            used_b.add(j)
            out.append((i, j))
    return sorted(out)

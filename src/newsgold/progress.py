"""Progress over long runs, without printing from the library.

Functions that loop over many documents take a ``progress`` argument: a
:class:`Progress`, which wraps the iterable they loop over and yields the same
items in the same order. The default, :func:`silent`, gives the iterable back
unchanged; the command line passes one that draws a bar on a terminal.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol, TypeVar

T = TypeVar("T")


class Progress(Protocol):
    """Wrap ``items`` (``total`` of them when known) in something that reports progress."""

    def __call__(self, items: Iterable[T], *, desc: str, total: int | None = None) -> Iterable[T]:
        """The same items, in the same order."""


def silent(items: Iterable[T], *, desc: str, total: int | None = None) -> Iterable[T]:
    """No progress: ``items`` unchanged."""
    return items

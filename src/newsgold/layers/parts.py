"""The small types that describe a layer's part in a stage.

A layer module fills its ``BRAT`` section with a :class:`BratPart`; the brat
converter (:mod:`newsgold.convert.brat`) loops over the registry and calls each
layer's part. This module imports nothing from the stages, so layer modules can
import it at import time.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from newsgold.layers.base import DocumentView as Document

# ---------------------------------------------------------------- brat


@dataclass(frozen=True)
class BratType:
    """A span or event type of ``annotation.conf``, with its ``visual.conf`` lines.

    ``args`` is the rest of the ``annotation.conf`` line (the roles of an event
    type); ``labels`` follow the type on its ``[labels]`` line; ``drawing`` is its
    ``[drawing]`` style.
    """

    name: str
    labels: tuple[str, ...]
    drawing: str
    args: str = ""


@dataclass(frozen=True)
class BratRelation:
    """A relation type: its argument types, what it says, and its arc style if any."""

    name: str
    arg1: str
    arg2: str
    what: str
    drawing: str | None = None


@dataclass(frozen=True)
class BratNormalization:
    """A normalisation resource: its ``[normalization]`` line of ``tools.conf`` and the span
    types of ``annotation.conf`` that take it (their ``<NORM>`` argument).

    ``name`` is the resource name of the ``N`` lines (``Wikipedia`` in
    ``N1\tReference T4 Wikipedia:Rex_Tillerson\tRex Tillerson``); ``url`` the resource's
    home, ``urlbase`` the address of an entry with ``%s`` for its ID; ``types`` the span
    types it normalises. brat has no look-up database for it (``DB:<NONE>``): the annotator
    types the ID, and brat links it to ``urlbase``.
    """

    name: str
    url: str
    urlbase: str
    types: tuple[str, ...]


@dataclass(frozen=True)
class BratConf:
    """What a layer adds to ``annotation.conf`` and ``visual.conf``.

    ``about`` holds comment lines for the head of ``annotation.conf``;
    ``span_types`` and ``event_types`` go to its ``[entities]`` and ``[events]``
    sections (brat's names), ``relation_types`` to ``[relations]``; ``attributes``
    holds whole ``[attributes]`` lines; ``normalizations`` go to ``tools.conf``.
    """

    about: tuple[str, ...] = ()
    span_types: tuple[BratType, ...] = ()
    relation_types: tuple[BratRelation, ...] = ()
    event_types: tuple[BratType, ...] = ()
    attributes: tuple[str, ...] = ()
    normalizations: tuple[BratNormalization, ...] = ()


@dataclass
class BratSpan:
    """A parsed ``T`` line: type, fragments (start, end) and its line number."""

    type: str
    fragments: list[tuple[int, int]]
    line: int


@dataclass
class BratEvent:
    """A parsed ``E`` line: type, trigger ``T`` id, (role, target) arguments, line number."""

    type: str
    trigger: str
    args: list[tuple[str, str]]
    line: int


@dataclass
class BratAnnotations:
    """A parsed ``.ann`` file: ``T`` and ``E`` lines by id; ``R`` (type, arg1, arg2,
    line), ``A`` (type, target, value or None, line) and ``N`` (target, reference,
    text, line) lines in order; ``#`` notes (text, line) by the id they annotate.
    ``r_lines`` holds the ``R`` lines again by id, in order, for a layer whose
    records are relations (attributes and notes name the ``R`` id)."""

    t: dict[str, BratSpan] = field(default_factory=dict)
    e: dict[str, BratEvent] = field(default_factory=dict)
    r: list[tuple[str, str, str, int]] = field(default_factory=list)
    r_lines: dict[str, tuple[str, str, str, int]] = field(default_factory=dict)
    a: list[tuple[str, str, str | None, int]] = field(default_factory=list)
    n: list[tuple[str, str, str, int]] = field(default_factory=list)
    notes: dict[str, tuple[str, int]] = field(default_factory=dict)


class BratWriting(Protocol):
    """One document being written: layers add lines in registry order.

    ``brat`` maps a newsgold id to the brat id that stands for it (an entity id to
    the ``T`` of its first mention), for the layers that come later.
    """

    @property
    def doc(self) -> Document: ...

    @property
    def brat(self) -> dict[str, str]: ...

    def add(self, letter: str, body: str, canonical: str | None = None) -> str:
        """Add a line ``<letter><n>\\t<body>``; return its brat id."""
        ...

    def span(self, type: str, spans: Sequence[Any], canonical: str | None = None) -> str:
        """Add a ``T`` line of ``type`` over ``spans`` (objects with start, end, text)."""
        ...

    def relation(self, name: str, arg1: str, arg2: str) -> None:
        """Add an ``R`` line."""
        ...

    def note(self, target: str, value: dict[str, Any]) -> None:
        """Add an ``AnnotatorNotes`` line holding ``value`` as one-line JSON."""
        ...


class BratReading(Protocol):
    """One document being read back: the parsed ``.ann``, the side file, helpers.

    ``anchors`` maps the ``T`` of an entity's first mention to the entity id (its
    anchor);
    :meth:`resolve` turns a brat id into the newsgold id of ``kind`` it stands
    for, through the resolvers the layers read before registered.
    """

    @property
    def text(self) -> str: ...

    @property
    def meta(self) -> Mapping[str, Any]: ...

    @property
    def ann(self) -> BratAnnotations: ...

    @property
    def anchors(self) -> dict[str, str]: ...

    def is_new(self, bid: str) -> bool:
        """True for an annotation added in brat (its id is not in the side file's id map;
        every annotation of a ``.ann`` annotated from scratch): a new mention with no
        entity note and no ``Coref`` starts an entity, its ``Coref`` may lead through other
        mentions, and its note may be plain text (the entity's description)."""
        ...

    def fail(self, line: int, message: str) -> None: ...

    def use(self, line: int) -> None:
        """Mark an ``N`` line as read (``A``, ``R`` and ``#`` lines are marked by
        :meth:`attr`, :meth:`flags`, :meth:`targets` and :meth:`note`); a line no layer
        reads is reported, never dropped."""
        ...

    def canonical(self, bid: str, prefix: str) -> str: ...

    def spans(self, t: BratSpan) -> list[dict[str, Any]]: ...

    def note(self, bid: str) -> dict[str, Any]: ...

    def targets(self, rtype: str, arg1: str) -> list[str]: ...

    def one(self, rtype: str, arg1: str) -> str | None: ...

    def attr(self, atype: str, bid: str, line: int) -> str | None: ...

    def flags(self, bid: str) -> list[str]: ...

    def resolve(self, kind: str, bid: str | None) -> str | None: ...

    def resolver(self, kind: str, resolve: Callable[[str | None], str | None]) -> None: ...


@dataclass(frozen=True)
class BratPart:
    """A layer's part in the brat standoff export and import.

    ``conf`` gives what the layer adds to the configuration files; ``write`` adds
    the layer's lines for one document; ``read`` gives the layer's records back.
    What brat has no place for goes to the side file: ``kept`` entries (records
    brat has no layer for) come before the id map, ``side`` entries (values that
    complete the ``.ann`` lines) after it; ``not_carried`` lists them as
    (JSON pointer, reason) given the document and the side file, and ``reserved``
    gives the ids in the side file that new ids must not take.
    """

    read: Callable[[BratReading], list[dict[str, Any]]]
    conf: Callable[[], BratConf] = BratConf
    write: Callable[[BratWriting], None] | None = None
    kept: Callable[[Document], dict[str, Any]] | None = None
    side: Callable[[BratWriting], dict[str, Any]] | None = None
    not_carried: Callable[[Document, Mapping[str, Any]], list[tuple[str, str]]] | None = None
    reserved: Callable[[Mapping[str, Any]], Iterable[str]] | None = None

"""A layer's part in the spaCy DocBin, the HTML viewer, the CoNLL IOB2 and CoNLL-2012 files.

Each layer module holds one value of each type here (``DOCBIN``, ``HTML``,
``CONLL``, ``CONLL2012``; ``None`` where the layer has no part in the format); the converters
in :mod:`newsgold.convert` keep the generic machinery and loop over the
registry. The converters hand a layer what it needs through the small
protocols below (:class:`DocbinSource`, :class:`HtmlKit`), so this module
imports nothing from :mod:`newsgold.convert`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from newsgold.layers.base import DocumentView as Document

# ---------------------------------------------------------------- DocBin


ENTITY_COLOURS: dict[str, str] = {
    "PERSON": "#f4a6a6",
    "NORP": "#f7c873",
    "FAC": "#c9b6e4",
    "ORG": "#8fc6f0",
    "GPE": "#9ad89a",
    "LOC": "#7fd6c8",
    "PRODUCT": "#e6b3d9",
    "DATE": "#d9d98c",
    "TIME": "#d9c78c",
    "PERCENT": "#c4d98c",
    "MONEY": "#a8d98c",
    "QUANTITY": "#b3c7d9",
    "ORDINAL": "#d9b38c",
    "CARDINAL": "#cccccc",
    "EVENT": "#f0a8c8",
    "WORK_OF_ART": "#e0c0a0",
    "LAW": "#b8b8f0",
    "LANGUAGE": "#a0e0e0",
}
"""One colour per OntoNotes type, shared by the brat ``visual.conf`` and the HTML page."""


@dataclass(frozen=True)
class DocbinSpan:
    """A span a layer puts in the span group ``group`` of a spaCy ``Doc``.

    ``ident`` becomes the span's ``id_``, ``kb_id`` its ``kb_id_``; ``where`` is the
    JSON pointer of the span in the canonical document (named when the span does
    not fall on token boundaries and is kept in ``doc.user_data`` instead).
    """

    group: str
    ident: str
    start: int
    end: int
    label: str
    kb_id: str | None
    where: str


class DocbinSource(Protocol):
    """A ``Doc`` being read back, as a layer's reader sees it."""

    @property
    def text(self) -> str: ...

    @property
    def doc(self) -> Any:
        """The spaCy ``Doc``."""

    @property
    def data(self) -> dict[str, Any]:
        """``doc.user_data["newsgold"]`` as plain JSON values."""

    @property
    def records(self) -> Mapping[str, list[dict[str, Any]]]:
        """The JSON records of the layers read so far (registry order), by layer name."""

    def spans(self, group: str, ident: str, required: bool = True) -> list[dict[str, Any]]:
        """The spans of ``group`` with id ``ident`` in text order (``start``, ``end``,
        ``label``, ``kb_id``); none found is a problem when ``required``."""

    def span(self, found: dict[str, Any]) -> dict[str, Any]:
        """The canonical span object (start, end, text) of a span of :meth:`spans`."""

    def error(self, code: str, where: str, message: str, hint: str) -> None:
        """Report a problem of the document being read."""


@dataclass(frozen=True)
class DocbinPart:
    """A layer's part in the spaCy ``DocBin``.

    ``groups`` are the span groups the layer adds to ``doc.spans`` (in order);
    ``spans`` gives the spans that go in them; ``ents`` the spans the layer puts in
    ``doc.ents`` (flat, non-overlapping); ``store`` what the layer keeps under its
    name in ``doc.user_data`` (what spans cannot hold); ``read`` the layer's JSON
    records back from a ``Doc``.
    """

    groups: tuple[str, ...]
    store: Callable[[Document], Any]
    read: Callable[[DocbinSource], list[dict[str, Any]]]
    spans: Callable[[Document], Iterable[DocbinSpan]] | None = None
    ents: Callable[[Document], Iterable[DocbinSpan]] | None = None


# ---------------------------------------------------------------- HTML


@dataclass(frozen=True)
class Mark:
    """An annotation marked in the text of the HTML page.

    ``rank`` orders the marks that cover the same stretch of text: lower ranks
    are drawn outside higher ones. ``css`` holds the classes of the element,
    ``style`` its inline style, and ``label`` the small label drawn at its end.
    """

    rank: int
    start: int
    end: int
    ident: str
    css: str
    style: str = ""
    label: str = ""


@dataclass(frozen=True)
class PageRecord:
    """A record the page's script shows on a click: id, kind, JSON record, linked ids.

    ``keep_first`` keeps an earlier record with the same id (a record shared by
    several others, such as a target that several records share); otherwise a later one replaces it.
    """

    ident: str
    kind: str
    record: dict[str, Any]
    links: Sequence[str | None] = ()
    keep_first: bool = False


class HtmlKit(Protocol):
    """The pieces of HTML the page offers a layer for its table and legend."""

    def escape(self, text: str) -> str:
        """Text escaped for HTML content and attributes."""

    def attr(self, value: str) -> str:
        """A value escaped for an attribute."""

    def colour(self, label: str) -> str:
        """The colour of an entity type."""

    def chip(self, ident: str, text: str = "") -> str:
        """A clickable reference to an annotation."""

    def entity_chip(self, document: Document, entity_id: str | None) -> str:
        """A clickable reference to an entity, shown by name."""

    def type_chip(self, label: str) -> str:
        """An entity type in its colour."""

    def spans_text(self, spans: Sequence[Any]) -> str:
        """The text of discontinuous spans, joined by an ellipsis."""

    def none(self) -> str:
        """The mark for a value that is absent."""

    def table(
        self, caption: str, head: Sequence[str], rows: Sequence[tuple[str, Sequence[str]]]
    ) -> str:
        """A table of records, one row per record id, or "none annotated"."""


@dataclass(frozen=True)
class HtmlPart:
    """A layer's part in the HTML page.

    ``marks`` are the annotations it marks in the text; ``table`` its table below
    the text (tables with a lower ``order`` come first, registry order within);
    ``records`` the records the page's script shows; ``legend`` its entry in the
    header's legend; ``toggle`` the CSS class its checkbox hides (``hide-<toggle>``
    on the body); ``counted`` the noun its record count goes with in a document's
    facts line; ``css`` rules the page adds after its own stylesheet (the built-in
    layers' classes are in that stylesheet).
    """

    records: Callable[[Document], Iterable[PageRecord]]
    marks: Callable[[Document, HtmlKit], Iterable[Mark]] | None = None
    table: Callable[[Document, HtmlKit], str] | None = None
    order: int = 0
    legend: Callable[[Sequence[Document], HtmlKit], str] | None = None
    toggle: str | None = None
    counted: str | None = None
    css: str = ""


# ---------------------------------------------------------------- CoNLL


@dataclass(frozen=True)
class TagSpan:
    """A span a layer contributes to the IOB2 tags: offsets and type, and its id, JSON
    pointer and what it is (named when it does not fall on token boundaries)."""

    start: int
    end: int
    label: str
    ident: str
    where: str
    what: str


@dataclass(frozen=True)
class ConllPart:
    """A layer's part in the CoNLL IOB2 files.

    ``tags`` gives the spans the layer contributes to the OntoNotes tags (the ``ner``
    and ``ner_conll`` configs too); ``not_carried`` gives ``(pointer, reason)`` for
    what the files cannot hold of the layer under the given label sets, with the
    file name of each label set.
    """

    not_carried: Callable[[Document, tuple[str, ...], Mapping[str, str]], list[tuple[str, str]]]
    tags: Callable[[Document], Iterable[TagSpan]] | None = None


def each_record(
    layer: str, what: str
) -> Callable[[Document, tuple[str, ...], Mapping[str, str]], list[tuple[str, str]]]:
    """A ``not_carried`` that lists every record of ``layer`` as ``what``."""

    def not_carried(
        document: Document, labels: tuple[str, ...], files: Mapping[str, str]
    ) -> list[tuple[str, str]]:
        return [(f"/{layer}/{i}", what) for i in range(len(document.layer(layer)))]

    return not_carried


# ---------------------------------------------------------------- CoNLL-2012


ChainMention = tuple[str, int, int]
"""A mention of a coreference chain: its JSON pointer, start and end (exclusive)."""


@dataclass(frozen=True)
class Conll2012Part:
    """A layer's part in the CoNLL-2012 coreference file (``convert --to conll2012``).

    ``chains`` gives the layer's coreference chains as ``(number, mentions)``, the
    number written in the coreference column (unique in the document); ``None``
    when the layer adds none. ``not_carried`` gives ``(pointer, reason)`` for what
    the file cannot hold of the layer.
    """

    not_carried: Callable[[Document], list[tuple[str, str]]]
    chains: Callable[[Document], list[tuple[int, list[ChainMention]]]] | None = None

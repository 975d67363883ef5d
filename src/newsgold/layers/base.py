"""What a layer is, and the context its integrity checks run in.

A :class:`Layer` declares everything the package knows about one annotation
layer: its name (the document key and the ``annotated_layers`` value), its typed
record, the ids it gives out, the layers it refers to, and its L3 integrity
checks. The stages (validate, the model, the CLI) loop over the registry in
:mod:`newsgold.layers` instead of naming layers.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Protocol, Self

from newsgold.issues import CODES, Problem, pointer, problem

if TYPE_CHECKING:
    from newsgold.spans import IdSpan

ID_PATTERN = re.compile(r"[a-z]+[0-9]*(?:_[A-Za-z0-9]+)*")
"""The shape of an annotation id (the schema's pattern); other ids are reported at L2."""


class Record(Protocol):
    """A typed record of a layer: built from, and turned back into, its JSON object."""

    @property
    def id(self) -> str: ...

    def to_dict(self) -> dict[str, Any]: ...

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Self: ...


@dataclass(frozen=True)
class IdKind:
    """Ids a layer gives out: the layer's own records, or records nested in them.

    ``path`` leads from a record of the layer to the nested id objects (``()`` for
    the record itself; ``("triggers",)`` for a list under the record, ``("target",)``
    for one object). ``unique`` is False where an id repeats by design.
    """

    kind: str
    prefix: str
    path: tuple[str, ...] = ()
    unique: bool = True


class DocumentView(Protocol):
    """What a layer's code reads of a document (:class:`newsgold.model.Document` is one)."""

    @property
    def id(self) -> str: ...

    @property
    def text(self) -> str: ...

    @property
    def annotated_layers(self) -> tuple[str, ...]: ...

    @property
    def sentences(self) -> tuple[IdSpan, ...]: ...

    def layer(self, name: str) -> tuple[Any, ...]: ...

    def record(self, kind: str, ident: str) -> Any: ...

    def sentence_index(self, offset: int) -> int: ...


Column = tuple[str, Any, str]
"""(name, spec, description) of one column of a config (specs: :mod:`newsgold.columns`)."""


class Lookup:
    """What a config's rows show beside an id: the record, an entity's name, a mention's
    text, the sentence that holds an offset, the sentences that hold some spans; and what
    several configs of one document compute alike, computed once (:meth:`once`)."""

    def __init__(self, doc: DocumentView) -> None:
        self.doc = doc
        self._once: dict[str, Any] = {}

    def once(self, key: str, make: Callable[[], Any]) -> Any:
        """``make()``, made once for this document under ``key`` (a lookup is given to
        every config of a document in turn: the tagged sentences of two tag configs)."""
        if key not in self._once:
            self._once[key] = make()
        return self._once[key]

    def get(self, kind: str, ident: str | None) -> Any:
        """The record with this id among the ids of ``kind``, or None."""
        if ident is None:
            return None
        try:
            return self.doc.record(kind, ident)
        except KeyError:
            return None

    def entity_name(self, entity_id: str | None) -> str | None:
        entity = self.get("entities", entity_id)
        return None if entity is None else str(entity.name)

    def mention_text(self, mention_id: str | None) -> str | None:
        mention = self.get("mentions", mention_id)
        return None if mention is None else str(mention.text)

    def sentence(self, offset: int) -> tuple[int, str | None]:
        index = self.doc.sentence_index(offset)
        return index, (self.doc.sentences[index].id if index >= 0 else None)

    def context(self, spans: Iterable[tuple[int, int]]) -> list[dict[str, Any]]:
        spans = list(spans)
        return [
            s.to_dict()
            for s in self.doc.sentences
            if any(start < s.end and s.start < end for start, end in spans)
        ]


Check = Callable[["Context"], None]
Propose = Callable[[str, "str | None"], tuple[list[dict[str, Any]], str]]
"""Records proposed from the text (and a spaCy pipeline name), and what proposed them."""
SummaryRow = tuple[str, int, str]
"""A line of ``newsgold summary``: what is counted, how many, and a breakdown."""


@dataclass(frozen=True)
class Config:
    """A Hugging Face config built from a layer: one Parquet table per split.

    ``unit`` says what one row is (the card's configs table); ``needs`` lists the
    layers a document must list as annotated to give rows; ``columns`` gives
    (name, spec, description) of each column (see :mod:`newsgold.columns`);
    ``rows`` gives one document's rows with labels as names; ``shows`` says which row the
    card shows as the config's example (the first for which it is true; without it, or
    when it is true of none, the first row).
    """

    name: str
    unit: str
    needs: tuple[str, ...]
    columns: Callable[[], list[Column]]
    rows: Callable[[Any, Lookup], list[dict[str, Any]]]
    shows: Callable[[dict[str, Any]], bool] | None = None


@dataclass(frozen=True)
class Layer:
    """One annotation layer, declared once.

    ``propose`` proposes the layer's records from the text alone, for a person to review
    (``newsgold new --propose``): given the text and a spaCy pipeline name (None: a
    rule-based default), it returns the records and a line saying what proposed them.

    ``codes`` holds the problem codes of this layer's own checks, code: (level,
    meaning): a built-in layer's join :data:`newsgold.issues.CODES` (domain
    "document") when the registry is built; a layer added from outside the package
    keeps them to itself. ``schema`` is the JSON Schema of the layer's array for a
    layer that ``schema/document.schema.json`` does not define. ``labels`` names the
    definitions of ``schema/labels.json`` the dataset card shows for this layer: a
    label set (``enum``) as a list, a table the schema fixes (``const``, an object)
    as a table whose header is the definition's ``x-columns``.
    """

    name: str
    record: type[Any]
    ids: tuple[IdKind, ...]
    depends_on: tuple[str, ...] = ()
    check: Check | None = None
    configs: tuple[Config, ...] = ()
    summary: Callable[[tuple[Any, ...]], list[SummaryRow]] | None = None
    evaluations: tuple[Any, ...] = ()
    agreement: Any = None
    formats: Mapping[str, Any] = field(default_factory=dict)
    codes: Mapping[str, tuple[int, str]] = field(default_factory=dict)
    schema: Mapping[str, Any] | None = None
    description: str = ""
    propose: Propose | None = None
    labels: tuple[str, ...] = ()


def counts(values: Iterable[str]) -> str:
    """``"A 2, B 1"``: each value with how often it occurs, in value order."""
    return ", ".join(f"{k} {v}" for k, v in sorted(Counter(values).items()))


def short(value: Any, limit: int = 60) -> str:
    """``value`` as JSON, cut to ``limit`` characters."""
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def dicts(value: Any) -> list[tuple[int, dict[str, Any]]]:
    """The objects of a JSON array with their indexes (anything else: none)."""
    if not isinstance(value, list):
        return []
    return [(i, item) for i, item in enumerate(value) if isinstance(item, dict)]


def as_int(value: Any) -> int | None:
    """A JSON integer (not a bool), else None."""
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def as_str(value: Any) -> str | None:
    """A JSON string, else None."""
    return value if isinstance(value, str) else None


def nested(
    item: dict[str, Any], path: tuple[str, ...]
) -> list[tuple[tuple[str | int, ...], dict[str, Any]]]:
    """The objects at ``path`` under ``item`` with their relative paths, in document
    order (a key holds one object or an array of them; anything else holds none)."""
    found: list[tuple[tuple[str | int, ...], dict[str, Any]]] = [((), item)]
    for head in path:
        step: list[tuple[tuple[str | int, ...], dict[str, Any]]] = []
        for sub, obj in found:
            value = obj.get(head)
            if isinstance(value, dict):
                step.append(((*sub, head), value))
            elif isinstance(value, list):
                step += [((*sub, head, j), o) for j, o in enumerate(value) if isinstance(o, dict)]
        found = step
    return found


_NEXT = frozenset("0123456789_")
"""What may follow an id's prefix on the quick path; any other character (a digit of
another script, which ``str.isdigit`` takes) goes the slow way, :meth:`Context._register`."""

_NO_IDS: Mapping[str, dict[str, Any]] = MappingProxyType({})
"""The ids of a kind that no layer gives out (read only)."""


class Context:
    """One document under L3 checks: the raw value, the ids it holds, the problems so far.

    Checks read the raw JSON value (it has passed L2 only as far as it could), so
    every access is defensive: a value of the wrong type was reported at L2 and is
    skipped here.

    A prediction is checked with ``relaxed`` set: a span's ``text`` may be left out
    (offsets are then checked alone), ids need no prefix, spans may start or end
    anywhere, and a mismatching ``text`` is reported at ``text`` (the offsets are the
    prediction; the text only restates them).
    """

    relaxed = False

    def __init__(self, name: str, doc: dict[str, Any], listed: set[str]) -> None:
        self.name = name
        self.doc = doc
        self.text: str = doc["text"] if isinstance(doc.get("text"), str) else ""
        self.listed = listed
        self.problems: list[Problem] = []
        self.codes: dict[str, tuple[int, str]] = {}
        self.ids: dict[str, dict[str, dict[str, Any]]] = {}
        self._items: dict[str, list[tuple[int, dict[str, Any]]]] = {}

    def add(self, where: str, code: str, message: str, hint: str) -> None:
        """Report a problem; the level comes from the code."""
        if code in CODES:
            self.problems.append(problem(code, self.name, where, message, hint))
        else:  # a code a layer from outside the package declares
            level = self.codes[code][0]
            self.problems.append(Problem(self.name, where, level, code, message, hint))

    def items(self, key: str) -> list[tuple[int, dict[str, Any]]]:
        """The objects of the document's array ``key`` (found once; not to be changed)."""
        found = self._items.get(key)
        if found is None:
            found = self._items[key] = dicts(self.doc.get(key))
        return found

    def record(self, kind: str, ident: Any) -> dict[str, Any] | None:
        """The object with id ``ident`` among the ids of ``kind`` (None when there is none)."""
        return self.ids.get(kind, _NO_IDS).get(ident) if isinstance(ident, str) else None

    def ref(self, kind: str, value: Any, *path: str | int) -> bool:
        """Check that ``value`` is an id of ``kind``; report a dangling reference."""
        if not isinstance(value, str):
            return False
        ident = value
        if ident not in self.ids.get(kind, _NO_IDS):
            self.add(
                pointer(*path),
                "dangling-reference",
                f'"{ident}" is not the id of any of the {kind}',
                f"use an id from /{kind} or add the missing record",
            )
            return False
        return True

    # ids ----------------------------------------------------------------
    def collect_ids(self, layers: tuple[Layer, ...]) -> None:
        """Gather the ids every layer gives out; report duplicates and wrong prefixes."""
        seen: dict[str, tuple[str, tuple[str | int, ...]]] = {}
        for layer in layers:
            for kind in layer.ids:
                self.ids.setdefault(kind.kind, {})
            found = self.items(layer.name)
            if len(layer.ids) == 1 and not layer.ids[0].path:  # the records' own ids alone
                self._register_all(layer.ids[0], found, seen, layer.name)
                continue
            # record by record, each record's ids before the next record's: of two equal
            # ids, the later in this order is the one reported
            for i, item in found:
                for kind in layer.ids:
                    if not kind.path:
                        self._register(kind, item, seen, (layer.name, i, "id"))
                        continue
                    for sub, obj in nested(item, kind.path):
                        self._register(kind, obj, seen, (layer.name, i, *sub, "id"))

    def _register_all(
        self,
        kind: IdKind,
        found: list[tuple[int, dict[str, Any]]],
        seen: dict[str, tuple[str, tuple[str | int, ...]]],
        name: str,
    ) -> None:
        """:meth:`_register` each record of the layer ``name``; a unique id with its kind's
        prefix, seen for the first time, is taken in a few steps (the usual case)."""
        prefix, n = kind.prefix, len(kind.prefix)
        table = self.ids[kind.kind]
        fast = kind.unique
        for i, item in found:
            ident = item.get("id")
            # the prefix, then an ASCII digit or "_" (another digit takes the slow path)
            if fast and type(ident) is str and ident[:n] == prefix and ident[n : n + 1] in _NEXT:
                key = ident.casefold()
                if key not in seen:
                    seen[key] = (ident, (name, i, "id"))
                    table[ident] = item
                    continue
            self._register(kind, item, seen, (name, i, "id"))

    def _register(
        self,
        kind: IdKind,
        obj: dict[str, Any],
        seen: dict[str, tuple[str, tuple[str | int, ...]]],
        path: tuple[str | int, ...],
    ) -> None:
        ident = obj.get("id")
        if not isinstance(ident, str):
            return
        prefix = kind.prefix
        rest = ident[len(prefix) : len(prefix) + 1]
        if (
            not self.relaxed
            and not (ident.startswith(prefix) and (rest.isdigit() or rest == "_"))
            and ID_PATTERN.fullmatch(ident)
        ):
            self.add(
                pointer(*path),
                "id-prefix",
                f'id "{ident}" of {kind.kind} does not start with "{prefix}" and a digit or "_"',
                f'rename it to "{prefix}{ident.lstrip("abcdefghijklmnopqrstuvwxyz_")}" or similar',
            )
        if not kind.unique:
            return
        key = ident.casefold()  # ids equal up to case are one id on a case-blind file system
        if key in seen:
            first, at = seen[key]
            same = "" if first == ident else f' (as "{first}", equal up to case)'
            self.add(
                pointer(*path),
                "duplicate-id",
                f'id "{ident}" is already used at {pointer(*at)}{same}',
                "give every annotation its own id",
            )
            return
        seen[key] = (ident, path)  # its pointer is made only for a problem
        self.ids[kind.kind][ident] = obj

    # spans --------------------------------------------------------------
    def span_of(self, span: dict[str, Any]) -> tuple[int, int] | None:
        """(start, end) of a span object whose text matches the document, else None; reports
        nothing (the span's own layer does)."""
        start, end = as_int(span.get("start")), as_int(span.get("end"))
        if start is None or end is None or not 0 <= start < end <= len(self.text):
            return None
        return (start, end) if self.text[start:end] == span.get("text") else None

    def span(self, span: dict[str, Any], *path: str | int) -> tuple[int, int] | None:
        """Check one span object; return (start, end) when its offsets are usable."""
        start, end, stext = span.get("start"), span.get("end"), span.get("text")
        if type(start) is not int or type(end) is not int:  # the usual case in one test
            start, end = as_int(start), as_int(end)
            if start is None or end is None:
                return None  # reported at L2
        if not isinstance(stext, str):
            stext = None
            if not self.relaxed:
                return None  # reported at L2
        if start < 0:
            return None  # reported at L2
        text = self.text
        n = len(text)
        if start >= end:
            self.add(
                pointer(*path, "end"),
                "span-reversed",
                f"start {start} is not before end {end}",
                "set end to start + len(text)",
            )
            return None
        if end > n:
            self.add(
                pointer(*path, "end"),
                "span-out-of-range",
                f"end {end} is past the end of the text ({n} characters)",
                "correct the offsets",
            )
            return None
        actual = text[start:end]
        if stext is not None and actual != stext:
            self._mismatch(path, start, end, stext, actual)
            return None
        if self.relaxed or not (
            (start > 0 and text[start - 1].isalnum())
            or (end < n and text[end].isalnum())
            or actual.strip() != actual  # whitespace at an edge
        ):
            return start, end  # the usual case, in three tests
        self._edges(path, start, end, actual)
        return start, end

    def _edges(self, path: tuple[str | int, ...], start: int, end: int, actual: str) -> None:
        """The edge problems of a span that touches a letter or digit beside it, or has
        whitespace at an edge."""
        n = len(self.text)
        if actual[0].isspace() or actual[-1].isspace():
            self.add(
                pointer(*path, "text"),
                "span-whitespace-edge",
                f"{short(actual)} starts or ends with whitespace",
                "trim the span to its first and last non-space character",
            )
        if (start > 0 and self.text[start - 1].isalnum() and self.text[start].isalnum()) or (
            end < n and self.text[end - 1].isalnum() and self.text[end].isalnum()
        ):
            ctx = self.text[max(0, start - 10) : min(n, end + 10)]
            self.add(
                pointer(*path),
                "span-inside-word",
                f"span {start}-{end} {short(actual)} cuts a word in {short(ctx)}",
                "extend the span to whole words",
            )

    def _nearest(self, stext: str, start: int, end: int) -> int | None:
        """Where ``stext`` occurs nearest ``start`` within 200 characters."""
        best = None
        if stext:
            lo = max(0, start - 200)
            hi = min(len(self.text), end + 200 + len(stext))
            pos = self.text.find(stext, lo, hi)
            while pos != -1:
                if best is None or abs(pos - start) < abs(best - start):
                    best = pos
                pos = self.text.find(stext, pos + 1, hi)
        return best

    def _mismatch(
        self, path: tuple[str | int, ...], start: int, end: int, stext: str, actual: str
    ) -> None:
        best = self._nearest(stext, start, end)
        message = f"text {short(stext)} != text[{start}:{end}] {short(actual)}"
        if best is not None and best != start:
            where = pointer(*path, "start")
            hint = f'set start to {best} and end to {best + len(stext)}, or correct "text"'
        elif best is not None:
            where = pointer(*path, "end")
            hint = f'set end to {best + len(stext)} or correct "text"'
        else:
            where = pointer(*path, "text")
            hint = f'set "text" to {short(actual)} or correct the offsets'
        if self.relaxed:
            where = pointer(*path, "text")
        self.add(where, "span-text-mismatch", message, hint)

    def span_list(self, spans: Any, *path: str | int) -> list[tuple[int, int]]:
        """Check a list of spans (a discontinuous span); return the usable ones."""
        got = []
        prev_end = -1
        for i, s in dicts(spans):
            r = self.span(s, *path, i)
            if r is None:
                continue
            if r[0] < prev_end:
                self.add(
                    pointer(*path, i, "start"),
                    "spans-unordered",
                    f"span starts at {r[0]}, before the previous span ends ({prev_end})",
                    "list the spans in text order without overlap",
                )
            prev_end = max(prev_end, r[1])
            got.append(r)
        return got

"""A layer's part in ``newsgold evaluate``: the views it is scored in.

An :class:`Evaluation` is one ``--layer`` value of ``newsgold evaluate``: which
layers a gold document must annotate to be scored, how a prediction of it is
normalised from a prediction document and from a JSONL layer record, and how the
normalised predictions are scored against the gold and shown in the table. A
layer module lists its views in ``EVALUATIONS``; :mod:`newsgold.evaluate` loops
over them and never names a layer.

A prediction is checked by the document checker (:class:`~newsgold.layers.base.Context`)
in its relaxed form, through a :class:`PredictionContext`: its spans by
:meth:`~newsgold.layers.base.Context.span`, its references by
:meth:`~newsgold.layers.base.Context.ref`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from newsgold.issues import pointer
from newsgold.layers.base import Context, DocumentView, as_int
from newsgold.scoring import Row, holders, prf_header

Spn = tuple[int, int]
"""(start, end exclusive) of a span."""
Key = str | None
"""The gold id a predicted referent is aligned to (``None``: no referent given)."""
NOWHERE = "\x00unaligned"
"""The key of a predicted referent that aligns to no gold referent (equal to no id)."""
HEADER = prf_header(34, f"{'correct':>7} {'pred':>6} {'gold':>6}")
"""The column header of the tables of ``newsgold evaluate``."""


def norm_description(text: str) -> str:
    """A description compared case- and space-insensitively."""
    return " ".join(text.casefold().split())


class Aligner:
    """The gold referents of one kind in a document (each id with its set of spans, in
    document order), found by span: only the referents that hold one of the predicted
    spans are looked at, instead of trying each."""

    def __init__(self, table: Mapping[str, frozenset[Spn]]) -> None:
        self._ids = list(table)
        self._holders = holders(table.values())

    def shared(self, spans: frozenset[Spn]) -> dict[int, int]:
        """How many of ``spans`` (a set) each gold referent holds, by its index in the
        table, for the referents that hold any."""
        found: dict[int, int] = {}
        for sp in spans:
            for k in self._holders.get(sp, ()):
                found[k] = found.get(k, 0) + 1
        return found

    def align(self, spans: frozenset[Spn] | None) -> Key:
        """The gold referent sharing most spans with ``spans`` (the first in the table on a
        tie); NOWHERE when none shares one; None for no referent."""
        if spans is None:
            return None
        best, best_n = -1, 0
        for k, n in self.shared(spans).items():
            if n > best_n or (n == best_n and k < best):
                best, best_n = k, n
        return NOWHERE if best < 0 else self._ids[best]


class PredictionContext(Context):
    """One prediction (a document or a line of a JSONL file) under the relaxed checks.

    ``base`` is the pointer of the prediction in its file (``(index,)`` for a JSONL
    line). ``referents`` holds, by id kind, the spans of each predicted referent
    (an entity: the spans that refer to it), filled by the views in registry order.
    Every view reads the whole prediction, so a span or a reference is checked
    once, at its pointer: a second view that checks it gets the first answer and
    reports nothing again.
    """

    relaxed = True

    def __init__(
        self,
        name: str,
        value: dict[str, Any],
        gold: DocumentView,
        base: tuple[str | int, ...],
        scored: str | None = None,
    ) -> None:
        super().__init__(name, {**value, "text": gold.text}, set())
        self.gold = gold
        self.base = base
        self.scored = scored
        """The name of the view scored, whose normalised predictions are kept (None:
        every view's). A view that is not scored still checks all it reads and gives
        the referents later views read; what it normalises for its scorer alone it may
        leave unmade (:meth:`builds`)."""
        self.referents: dict[str, dict[str, set[Spn]]] = {}
        self.shared: dict[str, Any] = {}
        """What a view made of the prediction that another view of its layer reads too
        (made once: the views read the same prediction)."""
        self._spans: dict[tuple[str | int, ...], Spn | None] = {}
        self._refs: dict[tuple[str, tuple[str | int, ...]], bool] = {}
        """The answers so far, by the path of what was checked (its pointer's parts: the
        pointer itself is made only for a problem)."""

    def span(self, span: dict[str, Any], *path: str | int) -> Spn | None:
        if path in self._spans:
            return self._spans[path]
        found = self._spans[path] = Context.span(self, span, *path)
        return found

    def ref(self, kind: str, value: Any, *path: str | int) -> bool:
        if isinstance(value, str) and value in self.ids.get(kind, ()):
            return True  # an id of kind: the answer at every check, with nothing to report
        key = (kind, path)
        found = self._refs.get(key)
        if found is None:
            found = self._refs[key] = Context.ref(self, kind, value, *path)
        return found

    def add(self, where: str, code: str, message: str, hint: str) -> None:
        super().add(pointer(*self.base) + where, code, message, hint)

    def builds(self, *views: str) -> bool:
        """Whether the normalised predictions of ``views`` are kept: one of them is the
        view scored, or every view's are."""
        return self.scored is None or self.scored in views

    def checked_spans(self, items: Any, *path: str | int) -> tuple[Spn, ...] | None:
        """Check every span of a list (each reported at its place); (start, end) of each
        when all are usable, else None."""
        found: list[Spn] = []
        ok = True
        for i, d in enumerate(items or []):
            sp = self.span(d, *path, i)
            if sp is None:
                ok = False
            else:
                found.append(sp)
        return tuple(found) if ok else None

    def usable(self, d: Mapping[str, Any]) -> bool:
        """Whether a span object has integer offsets (else the schema reported it)."""
        return as_int(d.get("start")) is not None and as_int(d.get("end")) is not None

    def add_referent(self, kind: str, ident: str, spans: Iterable[Spn]) -> None:
        """Record ``spans`` as spans of the referent ``ident`` of ``kind``."""
        table = self.referents.get(kind)
        if table is None:
            table = self.referents[kind] = {}
        found = table.get(ident)
        if found is None:
            table[ident] = set(spans)
        else:
            found.update(spans)

    def referent(self, kind: str, ident: Any, *path: str | int) -> frozenset[Spn] | None:
        """The spans of referent ``ident`` (``None`` for null); a dangling id has none."""
        if ident is None:
            return None
        if not self.ref(kind, ident, *path):
            return frozenset()
        found = self.referents.get(kind)
        spans = found.get(ident) if found is not None else None
        return frozenset(spans) if spans is not None else frozenset()


@dataclass(frozen=True)
class Tagged:
    """A gold sentence of an IOB2 view: its index, tokens and gold tags, and the
    character offsets of its tokens in the document."""

    index: int
    tokens: tuple[str, ...]
    tags: tuple[str, ...]
    offsets: tuple[Spn, ...] = ()


@dataclass(frozen=True)
class Iob2:
    """How a view reads IOB2 rows: the tag names and the tagged gold rows."""

    tag_names: Callable[[str], tuple[str, ...]]
    tagged: Callable[[Sequence[DocumentView], str], dict[tuple[str, str], Tagged]]


@dataclass(frozen=True)
class Run:
    """What a view's scorer gets: the scored gold documents with their predictions.

    ``newsgold evaluate`` reads the gold documents of ``pairs`` and their predictions as
    the scorer goes (each pass over it reads them again), so a scorer goes through it
    once, adding up its counts document by document, and keeps of a document only what
    it needs. With ``iob2`` (the predictions are IOB2 rows), the list of a pair holds,
    per tagged gold sentence of the document in order, (sentence id, :class:`Tagged`,
    the predicted tag names or None when no row was given for the sentence)."""

    pairs: Iterable[tuple[DocumentView, list[Any]]]
    labels: str
    iob2: bool = False


@dataclass(frozen=True)
class Side:
    """One side (gold or predicted) of an error record: its spans, their text, its label.

    ``ident`` is the gold id (a mention, quote, trigger or stance id; for an event
    argument "event/entity"); a predicted unit is named by ``index``, its position among
    the document's normalised predictions of the view (predicted ids are not kept).
    """

    spans: tuple[Spn, ...]
    text: str
    label: str | None
    ident: str | None = None
    index: int | None = None


def side(text: str, spans: Sequence[Spn], label: str | None, **named: Any) -> Side:
    """A :class:`Side` whose text is the document text of ``spans`` (joined by " … ")."""
    return Side(tuple(spans), " … ".join(text[s:e] for s, e in spans), label, **named)


@dataclass(frozen=True)
class ErrorRecord:
    """One gold or predicted unit of a view (or a matched pair of both) and its category.

    ``unit`` names what is compared (an entity, a quote, a trigger, ...); ``checks``
    holds the finer results on a matched pair (a quote's cue, source, speaker).
    """

    doc_id: str
    unit: str
    category: str
    gold: Side | None
    pred: Side | None
    checks: Mapping[str, Any] = field(default_factory=dict)
    sentence_id: str | None = None

    def to_dict(self, layer: str, number: int) -> dict[str, Any]:
        """The record as one line of the errors file (flat keys, for pandas)."""
        out: dict[str, Any] = {
            "id": f"err-{number}",
            "doc_id": self.doc_id,
            "layer": layer,
            "unit": self.unit,
            "category": self.category,
        }
        if self.sentence_id is not None:
            out["sentence_id"] = self.sentence_id
        for name, s in (("gold", self.gold), ("pred", self.pred)):
            out[f"{name}_id" if name == "gold" else "pred_index"] = (
                None if s is None else s.ident if name == "gold" else s.index
            )
            out[f"{name}_spans"] = None if s is None else [list(x) for x in s.spans]
            out[f"{name}_text"] = None if s is None else s.text
            out[f"{name}_label"] = None if s is None else s.label
        out["checks"] = dict(self.checks)
        return out


@dataclass(frozen=True)
class Errors:
    """A view's part in ``newsgold evaluate --errors`` and ``newsgold show --pred``.

    ``records`` derives the error records from the same matching as the view's scorer;
    ``categories`` lists the categories in the order the page shows them, with a line of
    meaning each. ``tally`` counts records as the report counts units and ``expected``
    reads the same counts from the report (plain data): the two are equal.
    """

    records: Callable[[Run], list[ErrorRecord]]
    categories: Mapping[str, str]
    tally: Callable[[Sequence[ErrorRecord]], dict[str, int]]
    expected: Callable[[Mapping[str, Any]], dict[str, int]]
    doc: str = ""


def count_by(records: Sequence[ErrorRecord], key: Callable[[ErrorRecord], Any]) -> dict[str, int]:
    """How many records give each value of ``key`` (None values are not counted)."""
    out: dict[str, int] = {}
    for r in records:
        k = key(r)
        if k is not None:
            out[str(k)] = out.get(str(k), 0) + 1
    return out


@dataclass(frozen=True)
class Evaluation:
    """One view ``newsgold evaluate --layer <name>`` scores.

    ``from_document`` normalises the view's part of a schema-valid prediction
    document (and may add referents other views use); ``from_record`` one JSONL
    layer record whose ``layer`` key is ``name``, given the items so far (for
    duplicate checks) and the label set. ``score`` gives the scores;
    ``rows`` the P/R/F1 rows of the table, ``notes`` the words added to its
    first line and the lines under it (from the rounded scores).
    ``record_schema`` is the JSON Schema of a layer record for a view that
    ``schema/prediction.schema.json`` does not define (``#/$defs/record_<name>``).
    A normalised prediction is hashable; the same one given twice for a document
    (two records, or a record and a prediction document, in either order) is the
    problem ``duplicate_code``, its message naming it by ``describe``.
    """

    name: str
    needs: tuple[str, ...]
    from_document: Callable[[PredictionContext, dict[str, Any]], list[Any]]
    from_record: Callable[[PredictionContext, dict[str, Any], list[Any], str], list[Any]]
    score: Callable[[Run], dict[str, Any]]
    rows: Callable[[Mapping[str, Any]], list[Row]]
    notes: Callable[[Mapping[str, Any]], tuple[str, list[str]]] = lambda s: ("", [])
    iob2: Iob2 | None = None
    record_schema: Mapping[str, Any] | None = None
    description: str = ""
    duplicate_code: str = "duplicate-prediction"
    describe: Callable[[Any], str] = lambda item: f"the same {type(item).__name__}"
    errors: Errors | None = None

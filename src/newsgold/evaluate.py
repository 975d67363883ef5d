"""Score predictions against the gold: NER, quote attribution, events, stance.

Predictions (``schema/prediction.schema.json``) come as a ``.json`` prediction
document, a folder of them, or a ``.jsonl`` file whose lines are prediction
documents, layer records or IOB2 rows of the ``ner``/``ner_conll`` configs.
They are validated against the schema and the gold before anything is scored;
problems are :class:`~newsgold.issues.Problem` values (codes of the
"prediction" domain of :data:`newsgold.issues.CODES`, and the document codes).
In a ``.jsonl`` file the first token of a pointer is the 0-based line index.

Only gold documents that annotate the layer are scored; a scored document with
no prediction counts as an empty prediction. All counts are micro-averaged over
the scored documents. The gold is the reference, the prediction the response;
matching, P/R/F1 and its rule for empty sides are those of
:mod:`newsgold.scoring`, quoted under SHARED DEFINITIONS below. An accuracy over
no matched pair is 0.

Referents. A predicted speaker, holder, argument or target entity is the set of
spans of its mentions (a predicted event: of its triggers). It is aligned to
the gold entity (event) that shares the most exact spans with it, the first in
document order on a tie; one that shares none is aligned to nothing and never
correct. A gold document given as its own prediction aligns every referent to
itself.

NER (``--layer ner``). Gold: the NAM mentions; with ``--labels conll`` their
types mapped by :data:`newsgold.tokens.CONLL_MAPPING` (types mapped to nothing
are dropped). Predicted: mentions whose ``mention_type`` is NAM or not given,
``ner`` layer records, or IOB2 rows. ``micro`` is entity-level micro P/R/F1 over
(unit, start, end, type) sets, which equals ``seqeval`` in strict IOB2 mode;
IOB2 tags are decoded like seqeval's strict mode (a chunk is a B-T and the I-T
that follow it; any other I- tag is no entity and is counted in
``iob2_tags_outside_chunks``). ``semeval`` gives the SemEval-2013 Task 9.1
views as ``nervaluate`` computes them: strict (boundaries and type), exact
(boundaries), partial (boundaries, half credit for an overlap) and type (type,
any overlap), with correct/incorrect/partial/missed/spurious counts; ``per_type``
scores each type on the spans of that type alone. Overlap means at least 1% of
the gold span (nervaluate's default). Units are documents and characters for
span predictions, sentences and tokens for IOB2 rows.

Quotes (``--layer quotes``). Content is matched one to one, ``exact`` (the same
characters) or ``overlap`` (character Dice of the contents at least
:data:`~newsgold.scoring.OVERLAP_THRESHOLD`, best pairs first). For each: attribution
P/R/F1, speaker accuracy on the matched pairs (both speakers null, or the
predicted speaker aligned to the gold speaker) and end-to-end P/R/F1 (matched
and speaker correct). ``per_type`` scores each quote type on the quotes of that
type alone. ``cue`` and ``source`` are exact-span P/R/F1 over all cue spans and
all source-mention spans.

Events (``--layer events``). Triggers (each trigger span of an event is one
mention) are matched one to one by exact span: identification; classification
by span and type; by span, type and the set of modes. Arguments are
(event, entity, role): a predicted argument is identified when its event is
aligned to a gold event of the same type that has an argument with the aligned
entity, and classified when the role is equal too. Realis accuracy is over the
events paired one to one by shared trigger spans.

Stance (``--layer stance``). A record is the pair (holder, target): the target is
an entity, else an event, else its description compared case- and
space-insensitively. Pairs are matched one to one. On the matched pairs:
accuracy of the polarity, and ``f_avg``, the mean F1 of FAVOR and AGAINST
(SemEval-2016 Task 6); a class that occurs neither in the gold nor in the
predictions of the matched pairs is left out of the mean, so that a perfect
prediction scores 1.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from newsgold.io import parse_json_file, parse_json_text
from newsgold.issues import Problem, ProblemError, pointer, problem
from newsgold.model import Document
from newsgold.scoring import (
    DEFINITIONS,
    OVERLAP_MEASURE,
    OVERLAP_THRESHOLD,
    Counted,
    Row,
    Table,
    exact_pairs,
    exact_span_pairs,
    overlap_pairs,
    plain,
    prf_header,
    render_json,
    render_text,
    rounded,
)
from newsgold.spans import greedy_pairs

__doc__ = (
    f"{__doc__}\nSHARED DEFINITIONS (newsgold.scoring; A is the gold, B the prediction)\n"
    f"{DEFINITIONS}\n"
)

LAYERS: tuple[str, ...] = ("ner", "quotes", "events", "stance")
"""The layers ``newsgold evaluate`` scores."""

LABEL_SETS: tuple[str, ...] = ("ontonotes", "conll")
"""NER label sets: the 18 OntoNotes types, or the four CoNLL-2003 types."""

NER_MIN_OVERLAP_PERCENT = 1.0
"""Least share of a gold span, in percent, that counts as an overlap (nervaluate's default)."""

CONLL_TYPE_NAMES: tuple[str, ...] = ("PER", "ORG", "LOC", "MISC")

_LAYER_NEEDS: dict[str, tuple[str, ...]] = {
    "ner": ("mentions",),
    "quotes": ("quotes",),
    "events": ("events",),
    "stance": ("stance",),
}

Spn = tuple[int, int]
Key = str | None
_NOWHERE = "\x00unaligned"
"""The key of a predicted referent that aligns to no gold referent (equal to no id)."""


class PredictionError(ProblemError):
    """The predictions (or the gold) do not validate; ``problems`` says where and why."""

    empty_message = "invalid prediction"


# ---------------------------------------------------------------- schema


@cache
def _validators() -> dict[str, Any]:
    from jsonschema import Draft202012Validator
    from referencing import Registry, Resource

    from newsgold.resources import schema_dir

    root = schema_dir()
    pred = json.loads((root / "prediction.schema.json").read_text(encoding="utf-8"))
    labels = json.loads((root / "labels.json").read_text(encoding="utf-8"))
    registry: Registry[Any] = Registry().with_resources(
        [
            (labels["$id"], Resource.from_contents(labels)),
            (pred["$id"], Resource.from_contents(pred)),
        ]
    )
    Draft202012Validator.check_schema(pred)
    names = (
        "document",
        "record_ner",
        "record_quotes",
        "record_events",
        "record_stance",
        "iob2_row",
    )
    return {
        name: Draft202012Validator({"$ref": f"{pred['$id']}#/$defs/{name}"}, registry=registry)
        for name in names
    }


def _short(value: Any, limit: int = 60) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def schema_problems(
    value: Any, kind: str, file: str, base: tuple[str | int, ...] = ()
) -> list[Problem]:
    """Problems of ``value`` against ``#/$defs/<kind>`` of the prediction schema."""
    from newsgold.validate import schema_problems as from_errors

    return from_errors(
        _validators()[kind].iter_errors(value), file, base, "schema/prediction.schema.json"
    )


# ---------------------------------------------------------------- normalised predictions


@dataclass(frozen=True)
class PQuote:
    """A quote: content and cue spans, source span, speaker referent (``None``: null)."""

    type: str | None
    content: tuple[Spn, ...]
    cue: tuple[Spn, ...]
    source: Spn | None
    speaker: frozenset[Spn] | None


@dataclass(frozen=True)
class PEvent:
    """An event: type, modes, trigger spans, (role, entity referent) arguments, realis."""

    type: str
    modes: frozenset[str]
    triggers: tuple[Spn, ...]
    arguments: tuple[tuple[str, frozenset[Spn]], ...]
    realis: str | None


@dataclass(frozen=True)
class PStance:
    """A stance: holder referent, target as (kind, referent or description), polarity."""

    holder: frozenset[Spn]
    target_kind: str
    target: frozenset[Spn] | str
    polarity: str


@dataclass
class Prediction:
    """The predictions for one document, normalised from any input form."""

    doc_id: str
    ner: list[tuple[int, int, str]] = field(default_factory=list)
    quotes: list[PQuote] = field(default_factory=list)
    events: list[PEvent] = field(default_factory=list)
    stance: list[PStance] = field(default_factory=list)
    iob2: dict[str, list[str]] = field(default_factory=dict)
    """Sentence id -> predicted IOB2 tag names (IOB2 rows only)."""


def _span(d: dict[str, Any]) -> Spn:
    return (int(d["start"]), int(d["end"]))


def _spans(items: Iterable[dict[str, Any]]) -> tuple[Spn, ...]:
    return tuple(_span(d) for d in items)


def _norm_description(text: str) -> str:
    return " ".join(text.casefold().split())


class _Checks:
    """Offsets and references of one prediction against one gold document."""

    def __init__(self, file: str, base: tuple[str | int, ...], gold: Document) -> None:
        self.file = file
        self.base = base
        self.text = gold.text
        self.problems: list[Problem] = []

    def add(self, path: Sequence[str | int], code: str, message: str, hint: str) -> None:
        self.problems.append(problem(code, self.file, pointer(*self.base, *path), message, hint))

    def span(self, d: dict[str, Any], *path: str | int) -> bool:
        start, end = int(d["start"]), int(d["end"])
        n = len(self.text)
        if start >= end:
            self.add(
                [*path, "end"],
                "span-reversed",
                f"start {start} is not before end {end}",
                "set end past start",
            )
            return False
        if end > n:
            self.add(
                [*path, "end"],
                "span-out-of-range",
                f"end {end} is past the end of the gold text ({n} characters)",
                "correct the offsets",
            )
            return False
        stated = d.get("text")
        if isinstance(stated, str) and stated != self.text[start:end]:
            self.add(
                [*path, "text"],
                "span-text-mismatch",
                f"text {_short(stated)} != gold text[{start}:{end}] {_short(self.text[start:end])}",
                "correct the offsets or the text "
                "(offsets are code points into the gold text, end exclusive)",
            )
            return False
        return True

    def spans(self, items: Any, *path: str | int) -> bool:
        ok = True
        for i, d in enumerate(items or []):
            ok = self.span(d, *path, i) and ok
        return ok


def _from_document(
    value: dict[str, Any], gold: Document, file: str, base: tuple[str | int, ...]
) -> tuple[Prediction, list[Problem]]:
    """Normalise a schema-valid prediction document; check it against ``gold``."""
    ck = _Checks(file, base, gold)
    text = value.get("text")
    if isinstance(text, str) and text != gold.text:
        at = next(
            (i for i, (a, b) in enumerate(zip(text, gold.text, strict=False)) if a != b),
            min(len(text), len(gold.text)),
        )
        ck.add(
            ["text"],
            "text-mismatch",
            f"text differs from the gold text of {gold.id} at character {at}",
            "predict on the gold text, unchanged",
        )
    sha = value.get("text_sha256")
    if isinstance(sha, str) and sha != gold.text_sha256:
        ck.add(
            ["text_sha256"],
            "text-mismatch",
            f"text_sha256 {sha[:12]}... != gold {gold.text_sha256[:12]}...",
            "predict on the gold text, unchanged",
        )
    if ck.problems:
        return Prediction(gold.id), ck.problems

    ids: dict[str, str] = {}

    def register(ident: Any, *path: str | int) -> None:
        if not isinstance(ident, str):
            return
        if ident in ids:
            ck.add(
                [*path],
                "duplicate-id",
                f'id "{ident}" is already used at {ids[ident]}',
                "give every record its own id",
            )
            return
        ids[ident] = pointer(*base, *path)

    mention_span: dict[str, Spn] = {}
    entity_spans: dict[str, set[Spn]] = {}
    for i, e in enumerate(value.get("entities", [])):
        register(e["id"], "entities", i, "id")
        entity_spans.setdefault(e["id"], set())
    pred = Prediction(gold.id)
    seen_ner: dict[tuple[int, int, str], int] = {}
    for i, m in enumerate(value.get("mentions", [])):
        register(m.get("id"), "mentions", i, "id")
        if not ck.span(m, "mentions", i):
            continue
        sp = _span(m)
        if isinstance(m.get("id"), str):
            mention_span[m["id"]] = sp
        eid = m.get("entity_id")
        if eid is not None:
            if eid in entity_spans:
                entity_spans[eid].add(sp)
            else:
                ck.add(
                    ["mentions", i, "entity_id"],
                    "dangling-reference",
                    f'"{eid}" is not the id of any of the entities',
                    "use an id from /entities or add the entity",
                )
        if m.get("mention_type", "NAM") == "NAM":
            key = (sp[0], sp[1], m["label"])
            if key in seen_ner:
                ck.add(
                    ["mentions", i],
                    "duplicate-span",
                    f"span {sp[0]}-{sp[1]} {m['label']} is also /mentions/{seen_ner[key]}",
                    "predict each entity once",
                )
            else:
                seen_ner[key] = i
                pred.ner.append(key)

    def entity_ref(eid: Any, *path: str | int) -> frozenset[Spn] | None:
        if eid is None:
            return None
        if eid not in entity_spans:
            ck.add(
                [*path],
                "dangling-reference",
                f'"{eid}" is not the id of any of the entities',
                "use an id from /entities or add the entity",
            )
            return frozenset()
        return frozenset(entity_spans[eid])

    def mention_ref(mid: Any, *path: str | int) -> Spn | None:
        if mid is None:
            return None
        if mid not in mention_span:
            ck.add(
                [*path],
                "dangling-reference",
                f'"{mid}" is not the id of any of the mentions',
                "use an id from /mentions or add the mention",
            )
            return None
        return mention_span[mid]

    for i, q in enumerate(value.get("quotes", [])):
        register(q.get("id"), "quotes", i, "id")
        ok = ck.spans(q["content"], "quotes", i, "content")
        ok = ck.spans(q.get("cue"), "quotes", i, "cue") and ok
        source = mention_ref(q.get("source"), "quotes", i, "source")
        speaker = entity_ref(q.get("speaker"), "quotes", i, "speaker")
        if ok:
            pred.quotes.append(
                PQuote(
                    q.get("type"), _spans(q["content"]), _spans(q.get("cue", [])), source, speaker
                )
            )

    event_spans: dict[str, frozenset[Spn]] = {}
    for i, ev in enumerate(value.get("events", [])):
        register(ev.get("id"), "events", i, "id")
        ok = True
        for j, t in enumerate(ev["triggers"]):
            register(t.get("id"), "events", i, "triggers", j, "id")
            ok = ck.span(t, "events", i, "triggers", j) and ok
        args = []
        for j, a in enumerate(ev.get("arguments", [])):
            ref = entity_ref(a["entity_id"], "events", i, "arguments", j, "entity_id")
            extra = mention_ref(a.get("mention_id"), "events", i, "arguments", j, "mention_id")
            spans = set(ref or ())
            if extra is not None:
                spans.add(extra)
            args.append((str(a["role"]), frozenset(spans)))
        if ok:
            triggers = _spans(ev["triggers"])
            if isinstance(ev.get("id"), str):
                event_spans[ev["id"]] = frozenset(triggers)
            pred.events.append(
                PEvent(
                    ev["type"],
                    frozenset(ev.get("modes", [])),
                    triggers,
                    tuple(args),
                    ev.get("realis"),
                )
            )

    for i, st in enumerate(value.get("stance", [])):
        register(st.get("id"), "stance", i, "id")
        holder = entity_ref(st["holder"], "stance", i, "holder") or frozenset()
        tg = st["target"]
        kind, target = _doc_target(tg, entity_ref, event_spans, ck, i)
        pred.stance.append(PStance(holder, kind, target, st["polarity"]))
    return pred, ck.problems


def _doc_target(
    tg: dict[str, Any],
    entity_ref: Callable[..., frozenset[Spn] | None],
    event_spans: dict[str, frozenset[Spn]],
    ck: _Checks,
    i: int,
) -> tuple[str, frozenset[Spn] | str]:
    if tg.get("entity_id") is not None:
        return "entity", entity_ref(
            tg["entity_id"], "stance", i, "target", "entity_id"
        ) or frozenset()
    if tg.get("event_id") is not None:
        evid = tg["event_id"]
        if evid not in event_spans:
            ck.add(
                ["stance", i, "target", "event_id"],
                "dangling-reference",
                f'"{evid}" is not the id of any of the events',
                "use an id from /events or add the event",
            )
            return "event", frozenset()
        return "event", event_spans[evid]
    if isinstance(tg.get("description"), str):
        return "description", _norm_description(tg["description"])
    ck.add(
        ["stance", i, "target"],
        "schema-required",
        "the target has no entity_id, event_id or description",
        "give the target an entity, an event or a description",
    )
    return "description", ""


def _from_record(
    value: dict[str, Any],
    gold: Document,
    pred: Prediction,
    file: str,
    base: tuple[str | int, ...],
    labels: str,
) -> list[Problem]:
    """Add one schema-valid layer record to ``pred``; check it against ``gold``."""
    ck = _Checks(file, base, gold)
    layer = value["layer"]
    if layer == "ner":
        if not ck.span(value):
            return ck.problems
        label = value["label"]
        if labels == "ontonotes" and label in ("PER", "MISC"):
            ck.add(
                ["label"],
                "label-set-mismatch",
                f'"{label}" is a CoNLL-2003 type but OntoNotes types are scored',
                "give an OntoNotes type or score with --labels conll",
            )
            return ck.problems
        key = (int(value["start"]), int(value["end"]), str(label))
        if key in pred.ner:
            ck.add(
                [],
                "duplicate-span",
                f"span {key[0]}-{key[1]} {label} is predicted twice for {gold.id}",
                "predict each entity once",
            )
        else:
            pred.ner.append(key)
    elif layer == "quotes":
        ok = ck.spans(value["content"], "content")
        ok = ck.spans(value.get("cue"), "cue") and ok
        source = value.get("source")
        ok = (source is None or ck.span(source, "source")) and ok
        speaker = value.get("speaker")
        ok = (speaker is None or ck.spans(speaker, "speaker")) and ok
        if ok:
            pred.quotes.append(
                PQuote(
                    value.get("type"),
                    _spans(value["content"]),
                    _spans(value.get("cue", [])),
                    None if source is None else _span(source),
                    None if speaker is None else frozenset(_spans(speaker)),
                )
            )
    elif layer == "events":
        ok = ck.spans(value["triggers"], "triggers")
        args = []
        for j, a in enumerate(value.get("arguments", [])):
            ok = ck.spans(a["entity"], "arguments", j, "entity") and ok
            args.append((str(a["role"]), frozenset(_spans(a["entity"]))))
        if ok:
            pred.events.append(
                PEvent(
                    value["type"],
                    frozenset(value.get("modes", [])),
                    _spans(value["triggers"]),
                    tuple(args),
                    value.get("realis"),
                )
            )
    elif layer == "stance":
        ok = ck.spans(value["holder"], "holder")
        tg = value["target"]
        kind: str
        target: frozenset[Spn] | str
        if "entity" in tg:
            ok = ck.spans(tg["entity"], "target", "entity") and ok
            kind, target = "entity", frozenset(_spans(tg["entity"]))
        elif "event" in tg:
            ok = ck.spans(tg["event"], "target", "event") and ok
            kind, target = "event", frozenset(_spans(tg["event"]))
        else:
            kind, target = "description", _norm_description(tg["description"])
        if ok:
            pred.stance.append(
                PStance(frozenset(_spans(value["holder"])), kind, target, value["polarity"])
            )
    return ck.problems


# ---------------------------------------------------------------- reading


@dataclass
class _Tagged:
    tokens: tuple[str, ...]
    gold_tags: tuple[str, ...]


@dataclass
class PredictionSet:
    """All predictions of a run, by document id, and what was left aside."""

    by_doc: dict[str, Prediction] = field(default_factory=dict)
    iob2_rows: int = 0
    span_items: int = 0
    ignored_records: int = 0
    """Layer records of another layer than the one scored."""


def _jsonl_lines(path: Path) -> Iterator[tuple[int, Any, list[Problem]]]:
    """(line index, value, L1 problems) for each non-blank line of a JSONL file."""
    name = str(path)
    try:
        handle = path.open("rb")
    except OSError as err:
        yield (
            0,
            None,
            [
                problem(
                    "file-unreadable",
                    name,
                    "",
                    f"cannot read: {err.strerror or err}",
                    "check the path and its permissions",
                )
            ],
        )
        return
    with handle:
        for index, raw in enumerate(handle):
            where = pointer(index)
            try:
                line = raw.decode("utf-8")
            except UnicodeDecodeError as err:
                yield (
                    index,
                    None,
                    [
                        problem(
                            "invalid-utf8",
                            name,
                            where,
                            f"line {index + 1}: byte 0x{raw[err.start]:02x} "
                            f"at byte {err.start} is not valid UTF-8",
                            "re-encode the file as UTF-8",
                        )
                    ],
                )
                continue
            if index == 0 and line.startswith("\ufeff"):
                yield (
                    index,
                    None,
                    [
                        problem(
                            "utf8-bom",
                            name,
                            where,
                            "file starts with a UTF-8 byte-order mark",
                            "save as UTF-8 without BOM",
                        )
                    ],
                )
                continue
            if not line.strip():
                continue
            value, found = parse_json_text(line, name, where)
            if found:
                yield (
                    index,
                    None,
                    [
                        dataclasses.replace(p, message=f"line {index + 1}: {p.message}")
                        for p in found
                    ],
                )
                continue
            yield index, value, []


def _prediction_files(path: Path) -> list[Path]:
    if path.is_dir():
        return sorted([*path.glob("*.json"), *path.glob("*.jsonl")])
    return [path]


def read_predictions(
    path: Path,
    gold: dict[str, Document],
    layer: str,
    labels: str = "ontonotes",
    gold_sentences: Callable[[], dict[tuple[str, str], tuple[int, _Tagged]]] | None = None,
) -> tuple[PredictionSet, list[Problem]]:
    """Read, validate and normalise the predictions at ``path`` against ``gold``.

    ``gold_sentences`` gives the tagged gold sentences by (document id, sentence id);
    it is called only when there are IOB2 rows.
    """
    out = PredictionSet()
    problems: list[Problem] = []
    sources: dict[str, str] = {}
    seen_rows: dict[tuple[str, str], str] = {}
    tag_names = _tag_names(labels)

    def pred_for(doc_id: str) -> Prediction:
        if doc_id not in out.by_doc:
            out.by_doc[doc_id] = Prediction(doc_id)
        return out.by_doc[doc_id]

    def known(doc_id: str, file: str, where: str) -> Document | None:
        if doc_id not in gold:
            problems.append(
                problem(
                    "unknown-document",
                    file,
                    where,
                    f'"{doc_id}" is not the id of a gold document',
                    "predict only for documents of the gold (see --gold)",
                )
            )
            return None
        return gold[doc_id]

    def take_document(value: Any, file: str, base: tuple[str | int, ...]) -> None:
        found = schema_problems(value, "document", file, base)
        if found:
            problems.extend(found)
            return
        doc = known(value["id"], file, pointer(*base, "id"))
        if doc is None:
            return
        if value["id"] in sources:
            problems.append(
                problem(
                    "duplicate-prediction",
                    file,
                    pointer(*base, "id"),
                    f'a prediction for "{value["id"]}" is also at {sources[value["id"]]}',
                    "give one prediction per document",
                )
            )
            return
        sources[value["id"]] = f"{file}#{pointer(*base)}"
        pred, found = _from_document(value, doc, file, base)
        problems.extend(found)
        out.span_items += len(pred.ner)
        existing = out.by_doc.get(doc.id)
        if existing is not None:  # records for the same document came first
            pred.ner += existing.ner
            pred.quotes += existing.quotes
            pred.events += existing.events
            pred.stance += existing.stance
        out.by_doc[doc.id] = pred

    if not path.exists():
        return out, [
            problem(
                "file-unreadable",
                str(path),
                "",
                "no such file or folder",
                "give the path of a prediction file or folder",
            )
        ]
    files = _prediction_files(path)
    for file_path in files:
        file = str(file_path)
        if file_path.suffix != ".jsonl":
            value, found = parse_json_file(file_path)
            if found:
                problems.extend(found)
                continue
            take_document(value, file, ())
            continue
        for index, value, found in _jsonl_lines(file_path):
            if found:
                problems.extend(found)
                continue
            if not isinstance(value, dict):
                problems.append(
                    problem(
                        "unknown-line-kind",
                        file,
                        pointer(index),
                        f"line {index + 1} is {_short(value, 30)}, not a JSON object",
                        "write one prediction document, layer record or IOB2 row a line",
                    )
                )
                continue
            if "ner_tags" in value:
                kind = "iob2_row"
            elif "layer" in value:
                kind = f"record_{value['layer']}" if value["layer"] in LAYERS else "record_ner"
            else:
                take_document(value, file, (index,))
                continue
            found = schema_problems(value, kind, file, (index,))
            if found:
                problems.extend(found)
                continue
            if kind == "iob2_row":
                doc_id, sid = _row_ids(value)
                doc = known(doc_id, file, pointer(index, "id" if "id" in value else "doc_id"))
                if doc is None:
                    continue
                if layer != "ner":
                    out.ignored_records += 1
                    continue
                key = (doc_id, sid)
                if key in seen_rows:
                    problems.append(
                        problem(
                            "duplicate-prediction",
                            file,
                            pointer(index),
                            f"sentence {doc_id}/{sid} is also predicted at {seen_rows[key]}",
                            "give one row per sentence",
                        )
                    )
                    continue
                seen_rows[key] = f"line {index + 1}"
                table = gold_sentences() if gold_sentences is not None else {}
                found = _check_row(value, key, table, tag_names, file, index)
                if found:
                    problems.extend(found)
                    continue
                pred_for(doc_id).iob2[sid] = [
                    tag_names[t] if isinstance(t, int) else t for t in value["ner_tags"]
                ]
                out.iob2_rows += 1
                continue
            doc = known(value["doc_id"], file, pointer(index, "doc_id"))
            if doc is None:
                continue
            if value["layer"] != layer:
                out.ignored_records += 1
                continue
            pred = pred_for(doc.id)
            before = len(pred.ner)
            problems.extend(_from_record(value, doc, pred, file, (index,), labels))
            out.span_items += len(pred.ner) - before
    if layer == "ner" and out.iob2_rows and out.span_items:
        problems.append(
            problem(
                "ner-forms-mixed",
                str(path),
                "",
                f"{out.iob2_rows} IOB2 row(s) and {out.span_items} span prediction(s)",
                "give NER predictions either as IOB2 rows or as spans, not both",
            )
        )
    return out, problems


def _row_ids(value: dict[str, Any]) -> tuple[str, str]:
    if "doc_id" in value and "sentence_id" in value:
        return str(value["doc_id"]), str(value["sentence_id"])
    doc_id, _, sid = str(value["id"]).partition("/")
    return doc_id, sid


def _tag_names(labels: str) -> tuple[str, ...]:
    from newsgold import tokens

    return tokens.conll_tags() if labels == "conll" else tokens.ontonotes_tags()


def _check_row(
    value: dict[str, Any],
    key: tuple[str, str],
    gold_sentences: dict[tuple[str, str], tuple[int, _Tagged]],
    tag_names: tuple[str, ...],
    file: str,
    index: int,
) -> list[Problem]:
    out: list[Problem] = []
    entry = gold_sentences.get(key)
    if entry is None:
        return [
            problem(
                "unknown-sentence",
                file,
                pointer(index),
                f"document {key[0]} has no tagged sentence {key[1]}",
                "use the doc_id and sentence_id of a row of the ner config",
            )
        ]
    gold = entry[1]
    toks = tuple(value["tokens"])
    if toks != gold.tokens:
        at = next(
            (i for i, (a, b) in enumerate(zip(toks, gold.tokens, strict=False)) if a != b),
            min(len(toks), len(gold.tokens)),
        )
        mine = toks[at] if at < len(toks) else "(end)"
        theirs = gold.tokens[at] if at < len(gold.tokens) else "(end)"
        out.append(
            problem(
                "tokens-mismatch",
                file,
                pointer(index, "tokens", at),
                f"token {at} is {_short(mine, 30)} but the gold token is {_short(theirs, 30)}",
                "tag the tokens of the ner config row unchanged",
            )
        )
    tags = value["ner_tags"]
    if len(tags) != len(toks):
        out.append(
            problem(
                "tag-count-mismatch",
                file,
                pointer(index, "ner_tags"),
                f"{len(tags)} tags for {len(toks)} tokens",
                "give one tag per token",
            )
        )
    allowed = set(tag_names)
    for j, tag in enumerate(tags):
        if isinstance(tag, int) and tag >= len(tag_names):
            out.append(
                problem(
                    "unknown-tag",
                    file,
                    pointer(index, "ner_tags", j),
                    f"tag index {tag} is past the {len(tag_names)} label names",
                    "use an index into the config's label names (see --labels)",
                )
            )
        elif isinstance(tag, str) and tag not in allowed:
            out.append(
                problem(
                    "unknown-tag",
                    file,
                    pointer(index, "ner_tags", j),
                    f'tag "{tag}" is not in the label set',
                    "use a tag of " + ", ".join(tag_names[:5]) + ", ... (see --labels)",
                )
            )
    return out


# ---------------------------------------------------------------- gold


@dataclass
class _GoldDoc:
    """Look-ups of one gold document: referent spans and the aligner."""

    doc: Document
    entity_spans: dict[str, frozenset[Spn]]
    event_spans: dict[str, frozenset[Spn]]
    mention_span: dict[str, Spn]

    @classmethod
    def of(cls, doc: Document) -> _GoldDoc:
        ents: dict[str, set[Spn]] = {e.id: set() for e in doc.entities}
        spans: dict[str, Spn] = {}
        for m in doc.mentions:
            spans[m.id] = (m.start, m.end)
            ents.setdefault(m.entity_id, set()).add((m.start, m.end))
        events = {ev.id: frozenset((t.start, t.end) for t in ev.triggers) for ev in doc.events}
        return cls(doc, {k: frozenset(v) for k, v in ents.items()}, events, spans)

    @staticmethod
    def _align(spans: frozenset[Spn] | None, table: dict[str, frozenset[Spn]]) -> Key:
        if spans is None:
            return None
        best, best_n = _NOWHERE, 0
        for ident, gold_spans in table.items():
            n = len(spans & gold_spans)
            if n > best_n:
                best, best_n = ident, n
        return best

    def entity(self, spans: frozenset[Spn] | None) -> Key:
        return self._align(spans, self.entity_spans)

    def event(self, spans: frozenset[Spn] | None) -> Key:
        return self._align(spans, self.event_spans)


def load_gold(path: Path | None) -> list[Document]:
    """The gold documents: a document file, a folder of them, or (``None``) the corpus."""
    from newsgold.reader import documents
    from newsgold.validate import CorpusError

    try:
        if path is not None and not path.exists():
            raise PredictionError(
                [
                    problem(
                        "file-unreadable",
                        str(path),
                        "",
                        "no such file or folder",
                        "give a gold document or a folder of them",
                    )
                ]
            )
        return list(documents([path] if path is not None else None))
    except CorpusError as err:
        raise PredictionError(err.problems) from err


# ---------------------------------------------------------------- arithmetic


def _matched(gold: Sequence[Any], pred: Sequence[Any], key: Callable[[Any], Any]) -> int:
    """How many gold and predicted items pair one to one by equal ``key``."""
    return len(exact_pairs([key(g) for g in gold], [key(p) for p in pred]))


# ---------------------------------------------------------------- NER


@dataclass
class SemEvalCounts:
    """SemEval-2013 Task 9.1 counts for one view."""

    correct: int = 0
    incorrect: int = 0
    partial: int = 0
    missed: int = 0
    spurious: int = 0

    def add(self, other: SemEvalCounts) -> None:
        self.correct += other.correct
        self.incorrect += other.incorrect
        self.partial += other.partial
        self.missed += other.missed
        self.spurious += other.spurious

    def scores(self, half_credit: bool) -> SemEvalScore:
        actual = self.correct + self.incorrect + self.partial + self.spurious
        possible = self.correct + self.incorrect + self.partial + self.missed
        credit = self.correct + (0.5 * self.partial if half_credit else 0.0)
        return SemEvalScore(possible, credit, actual, credit, dataclasses.replace(self))


@dataclass(frozen=True)
class SemEvalScore(Counted):
    """One SemEval view: P/R/F1 of the credit against actual and possible, with the counts."""

    counts: SemEvalCounts

    def to_dict(self) -> dict[str, Any]:
        return {
            **self.scores(),
            **dataclasses.asdict(self.counts),
            "actual": self.b_total,
            "possible": self.a_total,
        }

    def count_cells(self) -> str:
        return f"{self.counts.correct:>7} {self.b_total:>6} {self.a_total:>6}"


SEMEVAL_VIEWS: tuple[str, ...] = ("strict", "exact", "partial", "type")
_HALF_CREDIT = {"strict": False, "exact": False, "partial": True, "type": True}

Ent = tuple[int, int, str]
"""(start, end exclusive, type)."""


def _overlaps(p: Ent, t: Ent) -> bool:
    if p[0] >= t[1] or p[1] <= t[0]:
        return False
    overlap = min(p[1], t[1]) - max(p[0], t[0])
    return (overlap / (t[1] - t[0])) * 100.0 >= NER_MIN_OVERLAP_PERCENT


def semeval_unit(true: Sequence[Ent], pred: Sequence[Ent]) -> dict[str, SemEvalCounts]:
    """The four views on one unit, greedy in the given order as nervaluate matches."""
    out = {}
    for view in SEMEVAL_VIEWS:
        c = SemEvalCounts()
        matched: set[int] = set()
        for p in pred:
            hit: int | None = None
            near: int | None = None
            if view == "type":
                best_dist: int | None = None
                for i, t in enumerate(true):
                    if i in matched or not _overlaps(p, t):
                        continue
                    if p[2] == t[2]:
                        dist = abs(p[0] - t[0]) + abs(p[1] - t[1])
                        if best_dist is None or dist < best_dist:
                            hit, best_dist = i, dist
                    elif near is None:
                        near = i
            else:
                for i, t in enumerate(true):
                    if i in matched:
                        continue
                    same_bounds = p[0] == t[0] and p[1] == t[1]
                    if view == "partial":
                        if not _overlaps(p, t):
                            continue
                        if same_bounds:
                            hit = i
                            break
                        if near is None:
                            near = i
                        continue
                    if same_bounds and (view == "exact" or p[2] == t[2]):
                        hit = i
                        break
                    if near is None and _overlaps(p, t):
                        near = i
            if hit is not None:
                c.correct += 1
                matched.add(hit)
            elif near is not None:
                if view == "partial":
                    c.partial += 1
                else:
                    c.incorrect += 1
                matched.add(near)
            else:
                c.spurious += 1
        c.missed += len(true) - len(matched)
        out[view] = c
    return out


def decode_iob2_strict(tags: Sequence[str]) -> tuple[list[Ent], int]:
    """Chunks of a tag sequence as seqeval's strict IOB2 mode reads them, as token spans.

    A chunk is a ``B-T`` and the ``I-T`` tags right after it. Returns the
    chunks and the number of ``I-`` tags that belong to no chunk.
    """
    spans: list[Ent] = []
    stray = 0
    i, n = 0, len(tags)
    while i < n:
        tag = tags[i]
        if tag.startswith("B-"):
            label = tag[2:]
            j = i + 1
            while j < n and tags[j] == "I-" + label:
                j += 1
            spans.append((i, j, label))
            i = j
            continue
        if tag.startswith("I-"):
            stray += 1
        i += 1
    return spans, stray


def score_ner_units(units: Sequence[tuple[Sequence[Ent], Sequence[Ent]]]) -> dict[str, Any]:
    """NER scores over units of (gold spans, predicted spans), each list in text order."""
    overall = {v: SemEvalCounts() for v in SEMEVAL_VIEWS}
    by_type: dict[str, dict[str, SemEvalCounts]] = {}
    gold_set: set[tuple[int, int, int, str]] = set()
    pred_set: set[tuple[int, int, int, str]] = set()
    types: set[str] = set()
    for u, (true, pred) in enumerate(units):
        for view, counts in semeval_unit(true, pred).items():
            overall[view].add(counts)
        gold_set.update((u, s, e, t) for s, e, t in true)
        pred_set.update((u, s, e, t) for s, e, t in pred)
        types.update(t for _, _, t in true)
        types.update(t for _, _, t in pred)
    for true, pred in units:
        for typ in types:
            per = semeval_unit([x for x in true if x[2] == typ], [x for x in pred if x[2] == typ])
            slot = by_type.setdefault(typ, {v: SemEvalCounts() for v in SEMEVAL_VIEWS})
            for view, counts in per.items():
                slot[view].add(counts)
    per_type: dict[str, Any] = {}
    for typ in sorted(types):
        g = {x for x in gold_set if x[3] == typ}
        p = {x for x in pred_set if x[3] == typ}
        per_type[typ] = {
            "micro": Counted.of(len(g & p), len(p), len(g)),
            **{v: by_type[typ][v].scores(_HALF_CREDIT[v]) for v in SEMEVAL_VIEWS},
        }
    return {
        "micro": Counted.of(len(gold_set & pred_set), len(pred_set), len(gold_set)),
        "semeval": {v: overall[v].scores(_HALF_CREDIT[v]) for v in SEMEVAL_VIEWS},
        "per_type": per_type,
    }


def _gold_ner(doc: Document, labels: str) -> list[Ent]:
    from newsgold.tokens import CONLL_MAPPING

    out = []
    for m in doc.mentions:
        if m.mention_type != "NAM":
            continue
        label: str | None = m.label if labels == "ontonotes" else CONLL_MAPPING[m.label]
        if label is not None:
            out.append((m.start, m.end, label))
    return sorted(out)


def _map_pred_label(label: str, labels: str) -> str | None:
    from newsgold.tokens import CONLL_MAPPING

    if labels == "ontonotes" or label in CONLL_TYPE_NAMES:
        return label
    return CONLL_MAPPING[label]


def _gold_sentences(
    docs: Iterable[Document], labels: str
) -> dict[tuple[str, str], tuple[int, _Tagged]]:
    from newsgold import tokens

    out: dict[tuple[str, str], tuple[int, _Tagged]] = {}
    for doc in docs:
        if "sentences" not in doc.annotated_layers:
            continue
        for sent in tokens.tag_document(doc):
            tags = sent.tags if labels == "ontonotes" else tokens.to_conll(sent.tags)
            out[(doc.id, sent.sentence_id)] = (
                sent.sentence_index,
                _Tagged(tuple(t.text for t in sent.tokens), tuple(tags)),
            )
    return out


# ---------------------------------------------------------------- quotes


def _match_quotes(
    gold: Sequence[tuple[Spn, ...]], pred: Sequence[tuple[Spn, ...]], mode: str
) -> list[tuple[int, int]]:
    if mode == "exact":
        return exact_span_pairs(gold, pred)
    return overlap_pairs(gold, pred)


@dataclass(frozen=True)
class QuoteScore(Counted):
    """Attribution P/R/F1 with the speaker accuracy and end-to-end P/R/F1."""

    speaker_accuracy: float
    end_to_end: Counted

    def to_dict(self) -> dict[str, Any]:
        return {
            **super().to_dict(),
            "speaker_accuracy": self.speaker_accuracy,
            "end_to_end": self.end_to_end.to_dict(),
        }


@dataclass
class _QuoteTally:
    gold: int = 0
    predicted: int = 0
    matched: int = 0
    speaker_correct: int = 0

    def scores(self) -> QuoteScore:
        return QuoteScore(
            self.gold,
            self.matched,
            self.predicted,
            self.matched,
            self.speaker_correct / self.matched if self.matched else 0.0,
            Counted.of(self.speaker_correct, self.predicted, self.gold),
        )


def score_quotes(pairs: Sequence[tuple[_GoldDoc, Prediction]]) -> dict[str, Any]:
    from newsgold.labels import inventory

    modes = ("exact", "overlap")
    overall = {m: _QuoteTally() for m in modes}
    per_type = {t: {m: _QuoteTally() for m in modes} for t in inventory().quote_types}
    cue = [0, 0, 0]
    source = [0, 0, 0]
    for gd, pred in pairs:
        gq = [
            (q.type, tuple((s.start, s.end) for s in q.content), q.speaker) for q in gd.doc.quotes
        ]
        pq = [(q.type, q.content, gd.entity(q.speaker)) for q in pred.quotes]
        for typ_filter in (None, *per_type):
            g = [x for x in gq if typ_filter is None or x[0] == typ_filter]
            p = [x for x in pq if typ_filter is None or x[0] == typ_filter]
            for mode in modes:
                tally = overall[mode] if typ_filter is None else per_type[typ_filter][mode]
                matched = _match_quotes([x[1] for x in g], [x[1] for x in p], mode)
                tally.gold += len(g)
                tally.predicted += len(p)
                tally.matched += len(matched)
                tally.speaker_correct += sum(1 for i, j in matched if g[i][2] == p[j][2])
        gcue = {(s.start, s.end) for q in gd.doc.quotes for s in q.cue}
        pcue = {s for q in pred.quotes for s in q.cue}
        cue = [cue[0] + len(gcue & pcue), cue[1] + len(pcue), cue[2] + len(gcue)]
        gsrc = {gd.mention_span[q.source] for q in gd.doc.quotes if q.source is not None}
        psrc = {q.source for q in pred.quotes if q.source is not None}
        source = [source[0] + len(gsrc & psrc), source[1] + len(psrc), source[2] + len(gsrc)]
    return {
        **{m: overall[m].scores() for m in modes},
        "per_type": {
            t: {m: per_type[t][m].scores() for m in modes}
            for t in per_type
            if per_type[t]["overlap"].gold or per_type[t]["overlap"].predicted
        },
        "cue": Counted.of(*cue),
        "source": Counted.of(*source),
        "overlap_threshold": OVERLAP_THRESHOLD,
    }


# ---------------------------------------------------------------- events


def score_events(pairs: Sequence[tuple[_GoldDoc, Prediction]]) -> dict[str, Any]:
    trig = {"identification": [0, 0, 0], "type": [0, 0, 0], "type_mode": [0, 0, 0]}
    args = {"identification": [0, 0, 0], "classification": [0, 0, 0]}
    realis_pairs = realis_correct = 0
    for gd, pred in pairs:
        gt = [
            ((t.start, t.end), ev.type, frozenset(ev.modes))
            for ev in gd.doc.events
            for t in ev.triggers
        ]
        pt = [(sp, ev.type, ev.modes) for ev in pred.events for sp in ev.triggers]
        keys: dict[str, Callable[[Any], Any]] = {
            "identification": lambda x: x[0],
            "type": lambda x: x[:2],
            "type_mode": lambda x: x,
        }
        for name, by in keys.items():
            n = _matched(gt, pt, by)
            trig[name] = [trig[name][0] + n, trig[name][1] + len(pt), trig[name][2] + len(gt)]
        gold_types = {ev.id: ev.type for ev in gd.doc.events}
        ga = [(ev.id, a.entity_id, a.role) for ev in gd.doc.events for a in ev.arguments]
        pa = []
        for ev in pred.events:
            key = gd.event(frozenset(ev.triggers))
            if key is not None and gold_types.get(key) != ev.type:
                key = _NOWHERE
            for role, ent in ev.arguments:
                pa.append((key, gd.entity(ent), role))
        n_id = _matched(ga, pa, lambda x: x[:2])
        n_cl = _matched(ga, pa, lambda x: x)
        args["identification"] = [
            args["identification"][0] + n_id,
            args["identification"][1] + len(pa),
            args["identification"][2] + len(ga),
        ]
        args["classification"] = [
            args["classification"][0] + n_cl,
            args["classification"][1] + len(pa),
            args["classification"][2] + len(ga),
        ]
        scored = []
        for i, gev in enumerate(gd.doc.events):
            gspans = gd.event_spans[gev.id]
            for j, pev in enumerate(pred.events):
                shared = len(gspans & set(pev.triggers))
                if shared:
                    scored.append((-shared, i, j))
        for i, j in greedy_pairs(scored):
            realis_pairs += 1
            realis_correct += int(gd.doc.events[i].realis == pred.events[j].realis)
    return {
        "trigger_identification": Counted.of(*trig["identification"]),
        "trigger_classification": Counted.of(*trig["type"]),
        "trigger_classification_mode": Counted.of(*trig["type_mode"]),
        "argument_identification": Counted.of(*args["identification"]),
        "argument_classification": Counted.of(*args["classification"]),
        "realis": {
            "accuracy": realis_correct / realis_pairs if realis_pairs else 0.0,
            "correct": realis_correct,
            "paired_events": realis_pairs,
        },
    }


# ---------------------------------------------------------------- stance


def _gold_target(gd: _GoldDoc, tg: Any) -> tuple[str, Key]:
    if tg.entity_id is not None:
        return "entity", tg.entity_id
    if tg.event_id is not None:
        return "event", tg.event_id
    return "description", _norm_description(tg.description)


def _pred_target(gd: _GoldDoc, st: PStance) -> tuple[str, Key]:
    if st.target_kind == "entity" and isinstance(st.target, frozenset):
        return "entity", gd.entity(st.target)
    if st.target_kind == "event" and isinstance(st.target, frozenset):
        return "event", gd.event(st.target)
    return "description", str(st.target)


def score_stance(pairs: Sequence[tuple[_GoldDoc, Prediction]]) -> dict[str, Any]:
    matched_pol: list[tuple[str, str]] = []
    tp = n_pred = n_gold = 0
    for gd, pred in pairs:
        g = [((st.holder, _gold_target(gd, st.target)), st.polarity) for st in gd.doc.stance]
        p = [((gd.entity(st.holder), _pred_target(gd, st)), st.polarity) for st in pred.stance]
        matched = exact_pairs([x[0] for x in g], [x[0] for x in p])
        tp += len(matched)
        n_pred += len(p)
        n_gold += len(g)
        matched_pol += [(g[i][1], p[j][1]) for i, j in matched]
    classes = {}
    present = []
    for cls in ("FAVOR", "AGAINST"):
        c_tp = sum(1 for a, b in matched_pol if a == b == cls)
        c_pred = sum(1 for _, b in matched_pol if b == cls)
        c_gold = sum(1 for a, _ in matched_pol if a == cls)
        if c_pred or c_gold:
            classes[cls] = Counted.of(c_tp, c_pred, c_gold)
            present.append(classes[cls].f1)
    correct = sum(1 for a, b in matched_pol if a == b)
    return {
        "pairs": Counted.of(tp, n_pred, n_gold),
        "polarity": {
            "accuracy": correct / len(matched_pol) if matched_pol else 0.0,
            "f_avg": sum(present) / len(present) if present else 0.0,
            "f_avg_classes": len(present),
            "correct": correct,
            "matched_pairs": len(matched_pol),
            "per_class": classes,
        },
    }


# ---------------------------------------------------------------- entry point


@dataclass(frozen=True)
class Report:
    """The scores of one run; :func:`report_json` and :func:`report_table` render it."""

    layer: str
    scores: dict[str, Any]


def evaluate(
    layer: str,
    pred_path: Path,
    gold_path: Path | None = None,
    labels: str = "ontonotes",
) -> Report:
    """Validate the predictions at ``pred_path`` and score one layer against the gold.

    Raises :class:`PredictionError` with every problem when the predictions (or the
    gold) do not validate.
    """
    if layer not in LAYERS:
        raise ValueError(f'unknown layer "{layer}"; use one of: {", ".join(LAYERS)}')
    if labels not in LABEL_SETS:
        raise ValueError(f'unknown label set "{labels}"; use one of: {", ".join(LABEL_SETS)}')
    docs = load_gold(gold_path)
    gold = {d.id: d for d in docs}
    scored = [d for d in docs if all(x in d.annotated_layers for x in _LAYER_NEEDS[layer])]
    cached: list[dict[tuple[str, str], tuple[int, _Tagged]]] = []

    def sentences() -> dict[tuple[str, str], tuple[int, _Tagged]]:
        if not cached:
            cached.append(_gold_sentences(scored, labels) if layer == "ner" else {})
        return cached[0]

    preds, problems = read_predictions(pred_path, gold, layer, labels, sentences)
    if problems:
        raise PredictionError(problems)
    scored_ids = {d.id for d in scored}
    ignored = sorted(set(preds.by_doc) - scored_ids)
    pairs = [(_GoldDoc.of(d), preds.by_doc.get(d.id, Prediction(d.id))) for d in scored]
    scores: dict[str, Any] = {
        "layer": layer,
        "documents": len(scored),
        "documents_without_prediction": sum(1 for d in scored if d.id not in preds.by_doc),
        "predictions_for_unscored_documents": len(ignored),
        "records_of_other_layers": preds.ignored_records,
    }
    if layer == "ner":
        scores["labels"] = labels
        scores.update(_score_ner(scored, preds, labels, sentences))
    elif layer == "quotes":
        scores.update(score_quotes(pairs))
    elif layer == "events":
        scores.update(score_events(pairs))
    else:
        scores.update(score_stance(pairs))
    return Report(layer, scores)


def _score_ner(
    scored: Sequence[Document],
    preds: PredictionSet,
    labels: str,
    sentences: Callable[[], dict[tuple[str, str], tuple[int, _Tagged]]],
) -> dict[str, Any]:
    units: list[tuple[list[Ent], list[Ent]]] = []
    stray = 0
    if preds.iob2_rows:
        for (doc_id, sid), (_, tagged) in sorted(
            sentences().items(), key=lambda kv: (kv[0][0], kv[1][0])
        ):
            true, _ = decode_iob2_strict(tagged.gold_tags)
            pred_tags = preds.by_doc.get(doc_id, Prediction(doc_id)).iob2.get(
                sid, ["O"] * len(tagged.tokens)
            )
            pred, n = decode_iob2_strict(pred_tags)
            stray += n
            units.append((true, pred))
        unit = "sentence-token"
    else:
        for d in scored:
            pred_raw = preds.by_doc.get(d.id, Prediction(d.id)).ner
            mapped = [(s, e, _map_pred_label(t, labels)) for s, e, t in pred_raw]
            pred = sorted({(s, e, t) for s, e, t in mapped if t is not None})
            units.append((_gold_ner(d, labels), pred))
        unit = "document-character"
    return {"unit": unit, "iob2_tags_outside_chunks": stray, **score_ner_units(units)}


# ---------------------------------------------------------------- rendering


def report_dict(report: Report) -> dict[str, Any]:
    """The scores as plain data, every float rounded to 4 decimals."""
    value: dict[str, Any] = rounded(plain(report.scores))
    return value


def report_json(report: Report) -> str:
    """Deterministic JSON: sorted keys, 4 decimals, 2-space indent, trailing newline."""
    return render_json(report.scores) + "\n"


_HEADER = prf_header(34, f"{'correct':>7} {'pred':>6} {'gold':>6}")


def _rows(report: Report) -> list[Row]:
    """The P/R/F1 rows of the table of one layer."""
    s = report.scores
    if report.layer == "ner":
        rows = [Row("entity-level micro (seqeval strict)", s["micro"])]
        rows += [Row(f"SemEval {v}", s["semeval"][v]) for v in SEMEVAL_VIEWS]
        rows += [Row("per type (entity-level micro)", heading=True), Row(_HEADER, heading=True)]
        return rows + [Row(t, v["micro"]) for t, v in s["per_type"].items()]
    if report.layer == "quotes":
        rows = []
        for mode in ("exact", "overlap"):
            rows.append(Row(f"attribution, {mode}", s[mode]))
            rows.append(Row(f"  end to end (+ speaker), {mode}", s[mode].end_to_end))
        rows += [Row(f"  {typ}, overlap", v["overlap"]) for typ, v in s["per_type"].items()]
        return [*rows, Row("cue spans", s["cue"]), Row("source spans", s["source"])]
    if report.layer == "events":
        return [
            Row("trigger identification", s["trigger_identification"]),
            Row("trigger classification (type)", s["trigger_classification"]),
            Row("trigger classification (type+mode)", s["trigger_classification_mode"]),
            Row("argument identification", s["argument_identification"]),
            Row("argument classification", s["argument_classification"]),
        ]
    per_class = s["polarity"]["per_class"].items()
    return [Row("holder-target pairs", s["pairs"])] + [
        Row(f"  {c} (matched pairs)", v) for c, v in per_class
    ]


def report_table(report: Report) -> str:
    """A readable table of the scores."""
    s = report_dict(report)
    head = [
        f"newsgold evaluate: layer {s['layer']}, {s['documents']} gold document(s) scored, "
        f"{s['documents_without_prediction']} without a prediction",
        "",
        _HEADER,
    ]
    foot = []
    if report.layer == "ner":
        head[0] += f"; labels {s['labels']}; units {s['unit']}"
        if s["iob2_tags_outside_chunks"]:
            foot.append(
                f"{s['iob2_tags_outside_chunks']} I- tag(s) outside any chunk "
                "were read as O (seqeval strict)"
            )
    elif report.layer == "quotes":
        foot.append(
            f"speaker accuracy on matched quotes: exact {s['exact']['speaker_accuracy']:.4f}, "
            f"overlap {s['overlap']['speaker_accuracy']:.4f} "
            f"(overlap = {OVERLAP_MEASURE} >= {s['overlap_threshold']})"
        )
    elif report.layer == "events":
        r = s["realis"]
        foot.append(
            f"realis accuracy {r['accuracy']:.4f} "
            f"({r['correct']} of {r['paired_events']} paired events)"
        )
    else:
        pol = s["polarity"]
        foot.append(
            f"on {pol['matched_pairs']} matched pair(s): F_avg(FAVOR, AGAINST) {pol['f_avg']:.4f} "
            f"over {pol['f_avg_classes']} class(es), accuracy {pol['accuracy']:.4f}"
        )
    return render_text(Table(head, _rows(report), foot)) + "\n"


def text_sha256(text: str) -> str:
    """SHA-256 of the UTF-8 text, lowercase hex (as ``text_sha256`` in a document)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()

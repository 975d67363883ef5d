"""The events layer: PLOVER events with triggers, arguments, realis and time."""

from __future__ import annotations

import datetime
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from newsgold.columns import CONTEXT_DOC, SENTENCE, SPAN, d
from newsgold.issues import pointer
from newsgold.labels import inventory
from newsgold.layers.agreement_part import AgreementPart, coref_pair, fields_dict
from newsgold.layers.base import Config, Context, IdKind, Layer, counts, dicts
from newsgold.layers.entities import participant
from newsgold.layers.evaluation import (
    NOWHERE,
    Aligner,
    ErrorRecord,
    Errors,
    Evaluation,
    PredictionContext,
    Run,
    Side,
    Spn,
    side,
)
from newsgold.layers.formats import (
    ConllPart,
    DocbinPart,
    DocbinSource,
    DocbinSpan,
    HtmlKit,
    HtmlPart,
    Mark,
    PageRecord,
    each_record,
)
from newsgold.layers.mentions import entity_referents, mention_label, same_entity
from newsgold.layers.parts import (
    BratConf,
    BratEvent,
    BratPart,
    BratReading,
    BratType,
    BratWriting,
)
from newsgold.records import field_names, make, read
from newsgold.scoring import (
    PRF,
    Agreement,
    Cluster,
    CorefScores,
    Counted,
    LabelAgreement,
    Row,
    equality_agreement,
    exact_pairs,
    label_agreement,
    overlap_pairs,
    span_prf,
)
from newsgold.spans import IdSpan, Range, greedy_pairs

if TYPE_CHECKING:
    from newsgold.layers.base import Column, Lookup
    from newsgold.layers.base import DocumentView as Document

NAME = "events"
_TIME = re.compile(r"[0-9]{4}(-[0-9]{2}(-[0-9]{2})?|-W[0-9]{2})?")
"""The shapes of a time value (the schema's pattern); other shapes are reported at L2."""
MENTIONS = "mentions"
ENTITIES = "entities"


@dataclass(frozen=True)
class Trigger(IdSpan):
    """An event mention: the word or phrase that expresses an event."""


@dataclass(frozen=True)
class Argument:
    role: str
    entity_id: str
    mention_id: str | None

    def to_dict(self) -> dict[str, Any]:
        return {"role": self.role, "entity_id": self.entity_id, "mention_id": self.mention_id}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Argument:
        return read(cls, d, _ARGUMENT_FIELDS) or make(
            cls, role=d["role"], entity_id=d["entity_id"], mention_id=d["mention_id"]
        )


_ARGUMENT_FIELDS = field_names(Argument)
"""The keys of an Argument object in canonical order: :func:`newsgold.records.read`
takes such an object at once."""


@dataclass(frozen=True)
class Time:
    mention_id: str | None
    value: str
    reasoning: str

    def to_dict(self) -> dict[str, Any]:
        return {"mention_id": self.mention_id, "value": self.value, "reasoning": self.reasoning}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Time:
        return read(cls, d, _TIME_FIELDS) or make(
            cls, mention_id=d["mention_id"], value=d["value"], reasoning=d["reasoning"]
        )


_TIME_FIELDS = field_names(Time)
"""The keys of a Time object in canonical order: :func:`newsgold.records.read`
takes such an object at once."""


@dataclass(frozen=True)
class Event:
    id: str
    type: str
    modes: tuple[str, ...]
    contexts: tuple[str, ...]
    triggers: tuple[Trigger, ...]
    arguments: tuple[Argument, ...]
    realis: str
    time: Time | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "type": self.type,
            "modes": list(self.modes),
            "contexts": list(self.contexts),
            "triggers": [t.to_dict() for t in self.triggers],
            "arguments": [a.to_dict() for a in self.arguments],
            "realis": self.realis,
            "time": None if self.time is None else self.time.to_dict(),
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Event:
        return make(
            cls,
            id=d["id"],
            type=d["type"],
            modes=tuple(d["modes"]),
            contexts=tuple(d["contexts"]),
            triggers=tuple([Trigger.from_dict(t) for t in d["triggers"]]),
            arguments=tuple([Argument.from_dict(a) for a in d["arguments"]]),
            realis=d["realis"],
            time=None if d["time"] is None else Time.from_dict(d["time"]),
        )


def _modes(ck: Context, i: int, ev: dict[str, Any]) -> None:
    allowed_modes = inventory().event_modes
    etype, modes = ev.get("type"), ev.get("modes")
    if not (isinstance(etype, str) and etype in allowed_modes and isinstance(modes, list)):
        return
    for j, mode in enumerate(modes):
        if isinstance(mode, str) and mode not in allowed_modes[etype]:
            allowed = ", ".join(allowed_modes[etype]) or "none"
            ck.add(
                pointer(NAME, i, "modes", j),
                "event-mode-not-allowed",
                f'mode "{mode}" is not a mode of {etype}',
                f"use one of: {allowed}",
            )


def _arguments(ck: Context, i: int, ev: dict[str, Any]) -> None:
    for j, arg in dicts(ev.get("arguments")):
        where = (NAME, i, "arguments", j)
        ck.ref(ENTITIES, arg.get("entity_id"), *where, "entity_id")
        mention_id = arg.get("mention_id")
        if mention_id is not None and ck.ref(MENTIONS, mention_id, *where, "mention_id"):
            same_entity(ck, mention_id, arg.get("entity_id"), *where, "mention_id")
        role = arg.get("role")
        if role in ("actor", "recipient"):
            participant(ck, arg.get("entity_id"), str(role), *where, "entity_id")


def real_time(value: str) -> bool:
    """Whether an ISO 8601 value of the schema's shapes (year, month, day, ISO week) names a
    time that exists: month 01-12, a day the month has, a week the ISO year has."""
    year, _, rest = value.partition("-")
    try:
        if not rest:
            return True
        if rest.startswith("W"):
            datetime.date.fromisocalendar(int(year), int(rest[1:]), 1)
        elif len(rest) == 2:
            datetime.date(int(year), int(rest), 1)
        else:
            datetime.date.fromisoformat(value)
    except ValueError:
        return False
    return True


def _time(ck: Context, i: int, ev: dict[str, Any]) -> None:
    tm = ev.get("time")
    if not isinstance(tm, dict):
        return
    value = tm.get("value")
    if isinstance(value, str) and _TIME.fullmatch(value) and not real_time(value):
        ck.add(
            pointer(NAME, i, "time", "value"),
            "impossible-date",
            f'"{value}" is no real day, week or month',
            "give a month 01-12, a day the month has, or a week the ISO year has",
        )
    if tm.get("mention_id") is None:
        return
    mention_id = tm["mention_id"]
    if not ck.ref(MENTIONS, mention_id, NAME, i, "time", "mention_id"):
        return
    label = mention_label(ck, mention_id)
    if label not in ("DATE", "TIME"):
        ck.add(
            pointer(NAME, i, "time", "mention_id"),
            "event-time-label",
            f'mention "{mention_id}" is {label}, not DATE or TIME',
            "anchor the time to a DATE or TIME mention or set mention_id to null",
        )


def check(ck: Context) -> None:
    """Trigger spans, modes allowed for the type, arguments and time anchors."""
    for i, ev in ck.items(NAME):
        for j, trig in dicts(ev.get("triggers")):
            ck.span(trig, NAME, i, "triggers", j)
        _modes(ck, i, ev)
        _arguments(ck, i, ev)
        _time(ck, i, ev)


# ---------------------------------------------------------------- Hugging Face configs


def _columns() -> list[Column]:
    argument = {
        "role": "string",
        "entity_id": "string",
        "entity_name": "string",
        "mention_id": "string",
        "mention_text": "string",
    }
    return [
        ("doc_id", "string", d("document.id")),
        ("id", "string", d("event.id")),
        ("type", ("label", "event_type"), d("event.type")),
        ("modes", ("list", "string"), d("event.modes")),
        ("contexts", ("list", "string"), d("event.contexts")),
        ("triggers", ("list", {"id": "string", **SPAN}), d("event.triggers")),
        (
            "arguments",
            ("list", argument),
            d("event.arguments") + " With the entity name and the mention text beside the ids.",
        ),
        ("realis", ("label", "realis"), d("event.realis")),
        ("time_value", "string", d("time.value") + " Null when the event has no time."),
        ("time_mention_id", "string", d("time.mention_id")),
        ("time_text", "string", "Text of the anchoring mention, or null."),
        ("time_reasoning", "string", d("time.reasoning")),
        ("context", ("list", SENTENCE), CONTEXT_DOC),
    ]


def _row(doc: Document, look: Lookup, ev: Event) -> dict[str, Any]:
    time = ev.time
    return {
        "doc_id": doc.id,
        "id": ev.id,
        "type": ev.type,
        "modes": list(ev.modes),
        "contexts": list(ev.contexts),
        "triggers": [t.to_dict() for t in ev.triggers],
        "arguments": [
            {
                "role": a.role,
                "entity_id": a.entity_id,
                "entity_name": look.entity_name(a.entity_id),
                "mention_id": a.mention_id,
                "mention_text": look.mention_text(a.mention_id),
            }
            for a in ev.arguments
        ],
        "realis": ev.realis,
        "time_value": None if time is None else time.value,
        "time_mention_id": None if time is None else time.mention_id,
        "time_text": None if time is None else look.mention_text(time.mention_id),
        "time_reasoning": None if time is None else time.reasoning,
        "context": look.context((t.start, t.end) for t in ev.triggers),
    }


def _rows(doc: Document, look: Lookup) -> list[dict[str, Any]]:
    return [_row(doc, look, ev) for ev in doc.layer(NAME)]


# ---------------------------------------------------------------- evaluation
# The views ``newsgold evaluate --layer`` scores: prediction normaliser and scorer.


@dataclass(frozen=True)
class PEvent:
    """A predicted event: type, modes, trigger spans, (role, entity referent) arguments, realis."""

    type: str
    modes: frozenset[str]
    triggers: tuple[Spn, ...]
    arguments: tuple[tuple[str, frozenset[Spn]], ...]
    realis: str | None


def event_referents(doc: Document) -> dict[str, frozenset[Spn]]:
    """Each gold event as the set of its trigger spans, in event order."""
    return {ev.id: frozenset((t.start, t.end) for t in ev.triggers) for ev in doc.layer(NAME)}


def _events_from_document(ck: PredictionContext, value: dict[str, Any]) -> list[Any]:
    """The events whose triggers are usable; each joins the event referents by its id
    (every part checked; the events made only for this view's scorer)."""
    out = []
    build = ck.builds(NAME)
    for i, ev in dicts(value.get(NAME)):
        triggers = ck.checked_spans(ev["triggers"], NAME, i, "triggers")
        args = []
        for j, a in dicts(ev.get("arguments")):
            where = (NAME, i, "arguments", j)
            ref = ck.referent(ENTITIES, a["entity_id"], *where, "entity_id")
            extra = ck.referent(MENTIONS, a.get("mention_id"), *where, "mention_id")
            if build:
                args.append((str(a["role"]), frozenset(ref or ()) | frozenset(extra or ())))
        if triggers is not None:
            if isinstance(ev.get("id"), str):
                ck.add_referent(NAME, ev["id"], triggers)
            if build:
                modes = frozenset(ev.get("modes", []))
                out.append(PEvent(ev["type"], modes, triggers, tuple(args), ev.get("realis")))
    return out


def _events_from_record(
    ck: PredictionContext, value: dict[str, Any], items: list[Any], labels: str
) -> list[Any]:
    triggers = ck.checked_spans(value["triggers"], "triggers")
    args = []
    usable = triggers is not None
    for j, a in enumerate(value.get("arguments", [])):
        entity = ck.checked_spans(a["entity"], "arguments", j, "entity")
        usable = usable and entity is not None
        args.append((str(a["role"]), frozenset(entity or ())))
    if triggers is None or not usable:
        return []
    modes = frozenset(value.get("modes", []))
    return [PEvent(value["type"], modes, triggers, tuple(args), value.get("realis"))]


def _matched(gold: Sequence[Any], pred: Sequence[Any], key: Callable[[Any], Any]) -> int:
    """How many gold and predicted items pair one to one by equal ``key``."""
    return len(exact_pairs([key(g) for g in gold], [key(p) for p in pred]))


_TRIGGER_KEYS: dict[str, Callable[[Any], Any]] = {
    "identification": lambda x: x[0],
    "type": lambda x: x[:2],
    "type_mode": lambda x: x,
}
_ARGUMENT_KEYS: dict[str, Callable[[Any], Any]] = {
    "identification": lambda x: x[:2],
    "classification": lambda x: x,
}


def _add_counts(counts: dict[str, list[int]], name: str, n: int, pred: int, gold: int) -> None:
    c = counts[name]
    counts[name] = [c[0] + n, c[1] + pred, c[2] + gold]


def _scored_arguments(doc: Document, pred: Sequence[PEvent]) -> tuple[list[Any], list[Any]]:
    """Gold and predicted (event, entity, role) arguments, predicted referents aligned."""
    events: tuple[Event, ...] = doc.layer(NAME)
    entities, triggers = Aligner(entity_referents(doc)), Aligner(event_referents(doc))
    gold_types = {ev.id: ev.type for ev in events}
    ga = [(ev.id, a.entity_id, a.role) for ev in events for a in ev.arguments]
    pa = []
    for ev in pred:
        key = triggers.align(frozenset(ev.triggers))
        if key is not None and gold_types.get(key) != ev.type:
            key = NOWHERE
        pa += [(key, entities.align(ent), role) for role, ent in ev.arguments]
    return ga, pa


def _realis_pairs(doc: Document, pred: Sequence[PEvent]) -> list[tuple[int, int]]:
    """Gold and predicted events paired one to one by shared trigger spans."""
    triggers = Aligner(event_referents(doc))  # indexed as the events: their ids are unique
    scored = []
    for j, pev in enumerate(pred):
        scored += [(-n, i, j) for i, n in triggers.shared(frozenset(pev.triggers)).items()]
    return greedy_pairs(scored)


def _realis(doc: Document, pred: Sequence[PEvent]) -> tuple[int, int]:
    """(paired events, correct realis) over events paired by shared trigger spans."""
    events: tuple[Event, ...] = doc.layer(NAME)
    pairs = _realis_pairs(doc, pred)
    return len(pairs), sum(int(events[i].realis == pred[j].realis) for i, j in pairs)


def _score_events(run: Run) -> dict[str, Any]:
    trig = {name: [0, 0, 0] for name in _TRIGGER_KEYS}
    args = {name: [0, 0, 0] for name in _ARGUMENT_KEYS}
    realis_pairs = realis_correct = 0
    for doc, pred in run.pairs:
        events: tuple[Event, ...] = doc.layer(NAME)
        gt = [
            ((t.start, t.end), ev.type, frozenset(ev.modes)) for ev in events for t in ev.triggers
        ]
        pt = [(sp, ev.type, ev.modes) for ev in pred for sp in ev.triggers]
        for name, by in _TRIGGER_KEYS.items():
            _add_counts(trig, name, _matched(gt, pt, by), len(pt), len(gt))
        ga, pa = _scored_arguments(doc, pred)
        for name, by in _ARGUMENT_KEYS.items():
            _add_counts(args, name, _matched(ga, pa, by), len(pa), len(ga))
        paired, correct = _realis(doc, pred)
        realis_pairs += paired
        realis_correct += correct
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


def _event_rows(s: Mapping[str, Any]) -> list[Row]:
    return [
        Row("trigger identification", s["trigger_identification"]),
        Row("trigger classification (type)", s["trigger_classification"]),
        Row("trigger classification (type+mode)", s["trigger_classification_mode"]),
        Row("argument identification", s["argument_identification"]),
        Row("argument classification", s["argument_classification"]),
    ]


def _event_notes(s: Mapping[str, Any]) -> tuple[str, list[str]]:
    r = s["realis"]
    return "", [
        f"realis accuracy {r['accuracy']:.4f} "
        f"({r['correct']} of {r['paired_events']} paired events)"
    ]


_EVALUATION_DOC = """\
Events (``--layer events``). Triggers (each trigger span of an event is one
mention) are matched one to one by exact span: identification; classification
by span and type; by span, type and the set of modes. Arguments are
(event, entity, role): a predicted argument is identified when its event is
aligned to a gold event of the same type that has an argument with the aligned
entity, and classified when the role is equal too. Realis accuracy is over the
events paired one to one by shared trigger spans.
"""


# The records of ``newsgold evaluate --layer events --errors``.

_EVENT_CATEGORIES = {
    "trigger-correct": "trigger span, type and modes right",
    "trigger-wrong-mode": "trigger span and type right, modes wrong",
    "trigger-wrong-type": "trigger span right, type wrong",
    "trigger-missed": "a gold trigger no predicted trigger has the span of",
    "trigger-spurious": "a predicted trigger on no free gold trigger span",
    "argument-correct": "argument (event, entity) found with the right role",
    "argument-wrong-role": "argument (event, entity) found, role wrong",
    "argument-missed": "a gold argument not predicted",
    "argument-spurious": "a predicted argument that is not in the gold",
    "realis-correct": "events paired by shared trigger spans, realis right",
    "realis-wrong": "events paired by shared trigger spans, realis wrong",
}

_EVENT_ERRORS_DOC = """\
Errors of ``--layer events``: one record per trigger pair of the identification
matching (exact span) and per unpaired gold or predicted trigger; one per
argument pair of the argument identification matching (event, entity) and per
unpaired argument; one per event pair of the realis pairing. ``checks`` of a
record with a gold trigger say whether that trigger is matched by the
classification (type) and the type+mode matchings, of a gold argument whether
it is matched with its role: each count is the report's. A trigger pair is
correct, wrong in mode or wrong in type by those checks.
"""


def _matched_gold(gold: Sequence[Any], pred: Sequence[Any], key: Callable[[Any], Any]) -> set[int]:
    return {i for i, _ in exact_pairs([key(g) for g in gold], [key(p) for p in pred])}


def _paired_records(
    doc: Document,
    unit: str,
    gold: Sequence[Any],
    pred: Sequence[Any],
    keys: Sequence[Callable[[Any], Any]],
    sides: tuple[Callable[[int], Side], Callable[[int], Side]],
    names: Sequence[str],
) -> list[ErrorRecord]:
    """Records of one unit: pairs by ``keys[0]`` (the identification matching), unpaired
    gold and predictions; each gold's checks: matched by ``keys[1:]`` (``names``)."""
    pairs = exact_pairs([keys[0](g) for g in gold], [keys[0](p) for p in pred])
    found = [_matched_gold(gold, pred, k) for k in keys[1:]]
    paired_p = {j for _, j in pairs}
    out = []
    by_gold = dict(pairs)
    for i in range(len(gold)):
        checks = {n: i in f for n, f in zip(names, found, strict=True)}
        j = by_gold.get(i)
        if j is None:
            category = "missed"
        elif all(checks.values()):
            category = "correct"
        else:
            category = "wrong-" + next(n for n, ok in checks.items() if not ok)
        pred_side = None if j is None else sides[1](j)
        out.append(ErrorRecord(doc.id, unit, f"{unit}-{category}", sides[0](i), pred_side, checks))
    for j in range(len(pred)):
        if j not in paired_p:
            out.append(ErrorRecord(doc.id, unit, f"{unit}-spurious", None, sides[1](j)))
    return out


def _trigger_records(doc: Document, pred: Sequence[PEvent]) -> list[ErrorRecord]:
    events: tuple[Event, ...] = doc.layer(NAME)
    gold = [(ev, t) for ev in events for t in ev.triggers]
    gt = [((t.start, t.end), ev.type, frozenset(ev.modes)) for ev, t in gold]
    owner = [j for j, ev in enumerate(pred) for _ in ev.triggers]
    pt = [(sp, ev.type, ev.modes) for ev in pred for sp in ev.triggers]

    def gold_side(i: int) -> Side:
        ev, t = gold[i]
        return side(doc.text, [gt[i][0]], ev.type, ident=f"{ev.id}/{t.id}")

    def pred_side(j: int) -> Side:
        return side(doc.text, [pt[j][0]], pt[j][1], index=owner[j])

    keys = [_TRIGGER_KEYS[k] for k in ("identification", "type", "type_mode")]
    return _paired_records(doc, "trigger", gt, pt, keys, (gold_side, pred_side), ("type", "mode"))


def _argument_records(doc: Document, pred: Sequence[PEvent]) -> list[ErrorRecord]:
    events: tuple[Event, ...] = doc.layer(NAME)
    ga, pa = _scored_arguments(doc, pred)
    gold_args = [a for ev in events for a in ev.arguments]
    entities = entity_referents(doc)
    spans = {m.id: (m.start, m.end) for m in doc.layer(MENTIONS)}
    pred_args = [(j, ent) for j, ev in enumerate(pred) for _, ent in ev.arguments]

    def gold_side(i: int) -> Side:
        a = gold_args[i]
        where = [spans[a.mention_id]] if a.mention_id else sorted(entities.get(a.entity_id, ()))
        return side(doc.text, where[:1], a.role, ident=f"{ga[i][0]}/{a.entity_id}")

    def pred_side(k: int) -> Side:
        j, ent = pred_args[k]
        return side(doc.text, sorted(ent)[:1], pa[k][2], index=j)

    keys = [_ARGUMENT_KEYS[k] for k in ("identification", "classification")]
    return _paired_records(doc, "argument", ga, pa, keys, (gold_side, pred_side), ("role",))


def _realis_records(doc: Document, pred: Sequence[PEvent]) -> list[ErrorRecord]:
    events: tuple[Event, ...] = doc.layer(NAME)
    out = []
    for i, j in _realis_pairs(doc, pred):
        g, p = events[i], pred[j]
        gold = side(doc.text, [(t.start, t.end) for t in g.triggers], g.realis, ident=g.id)
        predicted = side(doc.text, p.triggers, p.realis, index=j)
        category = "realis-correct" if g.realis == p.realis else "realis-wrong"
        out.append(ErrorRecord(doc.id, "event", category, gold, predicted))
    return out


def _event_records(run: Run) -> list[ErrorRecord]:
    out = []
    for doc, pred in run.pairs:
        out += _trigger_records(doc, pred)
        out += _argument_records(doc, pred)
        out += _realis_records(doc, pred)
    return out


def _event_tally(records: Sequence[ErrorRecord]) -> dict[str, int]:
    def of(unit: str) -> list[ErrorRecord]:
        return [r for r in records if r.unit == unit]

    trig, args = of("trigger"), of("argument")
    return {
        "trigger_identification": sum(r.gold is not None and r.pred is not None for r in trig),
        "trigger_classification": sum(bool(r.checks.get("type")) for r in trig),
        "trigger_classification_mode": sum(bool(r.checks.get("mode")) for r in trig),
        "trigger_predicted": sum(r.pred is not None for r in trig),
        "argument_identification": sum(r.gold is not None and r.pred is not None for r in args),
        "argument_classification": sum(bool(r.checks.get("role")) for r in args),
        "argument_predicted": sum(r.pred is not None for r in args),
        "realis_paired": len(of("event")),
        "realis_correct": sum(r.category == "realis-correct" for r in records),
    }


def _event_expected(s: Mapping[str, Any]) -> dict[str, int]:
    return {
        "trigger_identification": s["trigger_identification"]["correct"],
        "trigger_classification": s["trigger_classification"]["correct"],
        "trigger_classification_mode": s["trigger_classification_mode"]["correct"],
        "trigger_predicted": s["trigger_identification"]["predicted"],
        "argument_identification": s["argument_identification"]["correct"],
        "argument_classification": s["argument_classification"]["correct"],
        "argument_predicted": s["argument_identification"]["predicted"],
        "realis_paired": s["realis"]["paired_events"],
        "realis_correct": s["realis"]["correct"],
    }


EVALUATIONS: tuple[Any, ...] = (
    Evaluation(
        name=NAME,
        needs=(NAME,),
        from_document=_events_from_document,
        from_record=_events_from_record,
        score=_score_events,
        rows=_event_rows,
        notes=_event_notes,
        description=_EVALUATION_DOC,
        errors=Errors(
            _event_records, _EVENT_CATEGORIES, _event_tally, _event_expected, _EVENT_ERRORS_DOC
        ),
    ),
)


# ---------------------------------------------------------------- agreement
# How ``newsgold agreement`` compares two annotations of this layer.


@dataclass(frozen=True)
class EventAgreement:
    triggers: Mapping[str, PRF]
    matched_triggers: int
    trigger_type: LabelAgreement
    trigger_type_and_modes: Agreement
    matched_events: int
    arguments: Mapping[str, PRF]
    realis: LabelAgreement
    time_value: Agreement
    coreference: CorefScores
    coreference_without_singletons: CorefScores
    duplicate_trigger_spans: Mapping[str, int]

    def to_dict(self) -> dict[str, Any]:
        return fields_dict(self)


def _trig_span(t: Trigger) -> Range:
    return (t.start, t.end)


def _text_order_events(doc: Document) -> list[Event]:
    return sorted(doc.layer(NAME), key=lambda e: (min(_trig_span(t) for t in e.triggers), e.id))


def _text_order_triggers(events: Sequence[Event]) -> list[tuple[int, Trigger]]:
    out = [(k, t) for k, e in enumerate(events) for t in e.triggers]
    return sorted(out, key=lambda kt: (_trig_span(kt[1]), kt[1].id))


def _event_clusters(events: Sequence[Event]) -> tuple[list[Cluster], int]:
    seen: set[Range] = set()
    clusters: list[Cluster] = []
    duplicates = 0
    for e in events:
        spans: set[Range] = set()
        for t in e.triggers:
            span = _trig_span(t)
            if span in seen and span not in spans:
                duplicates += 1
                continue
            seen.add(span)
            spans.add(span)
        if spans:
            clusters.append(frozenset(spans))
    return clusters, duplicates


def _argument_prf(
    ea: Sequence[Event], eb: Sequence[Event], event_pairs: Sequence[tuple[int, int]]
) -> dict[str, PRF]:
    """Arguments of the paired events: as (role, entity id), and as entity ids alone."""
    role_a: Counter[tuple[str, str]] = Counter()
    role_b: Counter[tuple[str, str]] = Counter()
    role_hit = ident_a = ident_b = ident_hit = 0
    for ka, kb in event_pairs:
        ra = Counter((x.role, x.entity_id) for x in ea[ka].arguments)
        rb = Counter((x.role, x.entity_id) for x in eb[kb].arguments)
        role_a += ra
        role_b += rb
        role_hit += (ra & rb).total()
        ia = {x.entity_id for x in ea[ka].arguments}
        ib = {x.entity_id for x in eb[kb].arguments}
        ident_a += len(ia)
        ident_b += len(ib)
        ident_hit += len(ia & ib)
    return {
        "role_and_entity": PRF.counted(role_a.total(), role_b.total(), role_hit),
        "entity_only": PRF.counted(ident_a, ident_b, ident_hit),
    }


def _time_value(e: Event) -> str | None:
    return None if e.time is None else e.time.value


def event_agreement(a: Document, b: Document) -> EventAgreement:
    """Agreement on the event layer (see the docs below)."""
    ea, eb = _text_order_events(a), _text_order_events(b)
    ta, tb = _text_order_triggers(ea), _text_order_triggers(eb)
    triggers = span_prf([[_trig_span(t)] for _, t in ta], [[_trig_span(t)] for _, t in tb])
    pairs = overlap_pairs([[_trig_span(t)] for _, t in ta], [[_trig_span(t)] for _, t in tb])
    types = [(ea[ta[i][0]].type, eb[tb[j][0]].type) for i, j in pairs]
    type_modes = [
        (ea[ta[i][0]].type, frozenset(ea[ta[i][0]].modes))
        == (eb[tb[j][0]].type, frozenset(eb[tb[j][0]].modes))
        for i, j in pairs
    ]
    shared = Counter((ta[i][0], tb[j][0]) for i, j in pairs)
    event_pairs = greedy_pairs(((-n,), ka, kb) for (ka, kb), n in shared.items())
    clusters_a, dup_a = _event_clusters(ea)
    clusters_b, dup_b = _event_clusters(eb)
    coref, coref_ns = coref_pair(clusters_a, clusters_b)
    return EventAgreement(
        triggers=triggers,
        matched_triggers=len(pairs),
        trigger_type=label_agreement(types),
        trigger_type_and_modes=Agreement(len(type_modes), sum(type_modes)),
        matched_events=len(event_pairs),
        arguments=_argument_prf(ea, eb, event_pairs),
        realis=label_agreement([(ea[i].realis, eb[j].realis) for i, j in event_pairs]),
        time_value=equality_agreement(
            [(_time_value(ea[i]), _time_value(eb[j])) for i, j in event_pairs]
        ),
        coreference=coref,
        coreference_without_singletons=coref_ns,
        duplicate_trigger_spans={"a": dup_a, "b": dup_b},
    )


_AGREEMENT_DOCS = """\
- Triggers of all events, matched exactly and by overlap; P/R/F1 for both.
- On the triggers matched by overlap: the event type (observed and kappa) and
  type plus modes (the same type and the same set of modes).
- Events are paired one to one, greedily, by the number of matched triggers
  they share (ties by text order of their first trigger). On paired events:
  arguments as (role, entity id) and, identification only, as entity ids,
  P/R/F1 pooled over the pairs (arguments of unpaired events are not counted);
  realis (observed and kappa); time value (ISO value equal, or both null).
- Event coreference: each event is the cluster of its trigger spans; the
  coreference definitions above. A trigger span used by two events of one file
  is kept in the first (text order) and counted in duplicate_trigger_spans.
"""

AGREEMENT = AgreementPart(
    requires=(NAME,),
    compare=event_agreement,
    docs=_AGREEMENT_DOCS,
    labels={
        "triggers": "Triggers",
        "matched_triggers": "Triggers matched by overlap",
        "trigger_type": "Event type (matched triggers)",
        "trigger_type_and_modes": "Event type + modes (matched triggers)",
        "matched_events": "Events paired",
        "arguments": "Arguments (paired events)",
        "role_and_entity": "role + entity",
        "entity_only": "entity only",
        "realis": "Realis (paired events)",
        "time_value": "Time value (paired events)",
        "duplicate_trigger_spans": "Trigger spans in two events (ignored for coreference)",
        "a": "in A",
        "b": "in B",
    },
    clusters=NAME,
)


# ---------------------------------------------------------------- brat
# This layer's part in the brat standoff export and import: a ``T`` span per
# trigger, typed by the PLOVER type, and one ``E`` per trigger. The first
# trigger's event carries the arguments (``Actor``, ``Recipient``, ``Location``,
# ``Instrument`` to the mention that expresses the participant; ``ActorEntity``
# ... to the first mention of the entity when no mention does; ``Time`` to the
# DATE/TIME mention); every further trigger is an event with
# ``SameEvent:E<first>``. Attributes ``Realis``, ``Mode_<mode>`` and
# ``Context_<context>`` (binary, in the order of the record); a note holds the
# time value and reasoning.

ROLES_TO_MENTION = ("Actor", "Recipient", "Location", "Instrument")
TIME_ROLE, SAME_EVENT_ROLE = "Time", "SameEvent"
MODE, CONTEXT = "Mode_", "Context_"


def _brat_conf() -> BratConf:
    inv = inventory()
    labels = "|".join(inv.entity_types)
    roles = [f"{r}*:{labels}" for r in ROLES_TO_MENTION]
    roles += [f"{r}Entity*:{labels}" for r in ROLES_TO_MENTION]
    roles += [f"{TIME_ROLE}?:DATE|TIME", f"{SAME_EVENT_ROLE}?:<EVENT>"]
    args = ", ".join(roles)
    mode_types: dict[str, list[str]] = defaultdict(list)
    for etype, modes in inv.event_modes.items():
        for mode in modes:
            mode_types[mode].append(etype)
    return BratConf(
        about=("Events are PLOVER types triggered by a word or phrase.",),
        event_types=tuple(BratType(t, (t,), "bgColor:#c8a8f0", args) for t in inv.event_types),
        attributes=(
            f"Realis\tArg:<EVENT>, Value:{'|'.join(inv.realis)}",
            *(f"{MODE}{mode}\tArg:{'|'.join(types)}" for mode, types in mode_types.items()),
            *(f"{CONTEXT}{context}\tArg:<EVENT>" for context in inv.event_contexts),
        ),
    )


def _brat_event(w: BratWriting, ev: Event) -> None:
    roles: list[tuple[str, str]] = []
    for arg in ev.arguments:
        base = arg.role.capitalize()
        if arg.mention_id is not None:
            roles.append((base, w.brat[arg.mention_id]))
        elif arg.entity_id in w.brat:
            roles.append((f"{base}Entity", w.brat[arg.entity_id]))
    if ev.time is not None and ev.time.mention_id is not None:
        roles.append((TIME_ROLE, w.brat[ev.time.mention_id]))
    used: dict[str, int] = defaultdict(int)
    args: list[str] = []
    for name, target in roles:  # brat numbers repeated roles: Actor, Actor2, ...
        used[name] += 1
        args.append(f"{name}{'' if used[name] == 1 else used[name]}:{target}")
    body = " ".join([f"{ev.type}:{w.brat[ev.triggers[0].id]}", *args])
    first = w.add("E", body, ev.id)
    for trig in ev.triggers[1:]:
        w.add("E", f"{ev.type}:{w.brat[trig.id]} {SAME_EVENT_ROLE}:{first}")


def _brat_write(w: BratWriting) -> None:
    records: tuple[Event, ...] = w.doc.layer(NAME)
    for ev in records:
        for trig in ev.triggers:
            w.span(ev.type, (trig,), trig.id)
    for ev in records:
        _brat_event(w, ev)
    for ev in records:
        w.add("A", f"Realis {w.brat[ev.id]} {ev.realis}")
        for mode in ev.modes:
            w.add("A", f"{MODE}{mode} {w.brat[ev.id]}")
        for context in ev.contexts:
            w.add("A", f"{CONTEXT}{context} {w.brat[ev.id]}")
    for ev in records:
        if ev.time is not None:
            time = {"value": ev.time.value, "reasoning": ev.time.reasoning}
            w.note(w.brat[ev.id], {"time": time})


def _brat_arguments(r: BratReading, ev: BratEvent) -> tuple[list[dict[str, Any]], str | None]:
    arguments: list[dict[str, Any]] = []
    time_mention: str | None = None
    for role, target in ev.args:
        base = role.rstrip("0123456789")
        if base == TIME_ROLE:
            time_mention = target
            continue
        unexpressed = base.endswith("Entity")
        base = base.removesuffix("Entity")
        if base not in ROLES_TO_MENTION:
            r.fail(
                ev.line,
                f'role "{role}" is not one of {", ".join(ROLES_TO_MENTION)}, '
                "their -Entity forms, Time or SameEvent",
            )
            continue
        arguments.append(
            {
                "role": base.lower(),
                "entity_id": r.resolve(ENTITIES, target),
                "mention_id": None if unexpressed else r.resolve(MENTIONS, target),
            }
        )
    return arguments, time_mention


def _brat_record(
    r: BratReading, bid: str, ev: BratEvent, trigger: dict[str, Any]
) -> dict[str, Any]:
    arguments, time_mention = _brat_arguments(r, ev)
    note = r.note(bid)
    time = None
    if isinstance(note.get("time"), dict):
        time = {
            "mention_id": r.resolve(MENTIONS, time_mention),
            "value": note["time"].get("value"),
            "reasoning": note["time"].get("reasoning"),
        }
    flags = r.flags(bid)
    return {
        "id": r.canonical(bid, "ev"),
        "type": ev.type,
        "modes": [f.removeprefix(MODE) for f in flags if f.startswith(MODE)],
        "contexts": [f.removeprefix(CONTEXT) for f in flags if f.startswith(CONTEXT)],
        "triggers": [trigger],
        "arguments": arguments,
        "realis": r.attr("Realis", bid, ev.line),
        "time": time,
    }


def _brat_trigger(r: BratReading, bid: str, ev: BratEvent) -> dict[str, Any] | None:
    trig = r.ann.t.get(ev.trigger)
    if trig is None or len(trig.fragments) != 1:
        r.fail(ev.line, f"event {bid} needs a one-fragment trigger span, not {ev.trigger}")
        return None
    ((start, end),) = trig.fragments
    return {
        "id": r.canonical(ev.trigger, "t"),
        "start": start,
        "end": end,
        "text": r.text[start:end],
    }


def _brat_read(r: BratReading) -> list[dict[str, Any]]:
    event_types = set(inventory().event_types)
    events: list[dict[str, Any]] = []
    event_of_e: dict[str, dict[str, Any]] = {}
    event_of_trigger: dict[str, str] = {}
    for bid, ev in r.ann.e.items():
        if ev.type not in event_types:
            r.fail(ev.line, f'event type "{ev.type}" is not a PLOVER type')
            continue
        trigger = _brat_trigger(r, bid, ev)
        if trigger is None:
            continue
        same = [target for role, target in ev.args if role == SAME_EVENT_ROLE]
        if same:
            record = event_of_e.get(same[0])
            if record is None:
                r.fail(
                    ev.line, f"{SAME_EVENT_ROLE}:{same[0]} is not an earlier event with arguments"
                )
                continue
            record["triggers"].append(trigger)
        else:
            record = _brat_record(r, bid, ev, trigger)
            events.append(record)
        event_of_e[bid] = record
        event_of_trigger[ev.trigger] = record["id"]

    def event_id(bid: str | None) -> str | None:
        if bid is None:
            return None
        return event_of_e[bid]["id"] if bid in event_of_e else event_of_trigger.get(bid)

    r.resolver(NAME, event_id)
    return events


BRAT = BratPart(read=_brat_read, conf=_brat_conf, write=_brat_write)


# ---------------------------------------------------------------- DocBin
# This layer's part in the spaCy DocBin export and import.

TRIGGERS = "event_triggers"


def _docbin_store(ev: Event) -> dict[str, Any]:
    """An event without its trigger spans, which are in the ``event_triggers`` group."""
    return {
        "id": ev.id,
        "type": ev.type,
        "modes": list(ev.modes),
        "contexts": list(ev.contexts),
        "triggers": [t.id for t in ev.triggers],
        "arguments": [a.to_dict() for a in ev.arguments],
        "realis": ev.realis,
        "time": None if ev.time is None else ev.time.to_dict(),
    }


def _docbin_read(source: DocbinSource) -> list[dict[str, Any]]:
    out = []
    for rec in source.data[NAME]:
        triggers = []
        for tid in rec["triggers"]:
            for s in source.spans(TRIGGERS, tid)[:1]:
                triggers.append({"id": tid, **source.span(s)})
        out.append({**rec, "triggers": triggers})
    return out


DOCBIN = DocbinPart(
    groups=(TRIGGERS,),
    store=lambda document: [_docbin_store(ev) for ev in document.layer(NAME)],
    read=_docbin_read,
    # label the event type, ``id_`` the trigger id, ``kb_id_`` the event id
    spans=lambda document: [
        DocbinSpan(TRIGGERS, t.id, t.start, t.end, ev.type, ev.id, pointer(NAME, i, "triggers", j))
        for i, ev in enumerate(document.layer(NAME))
        for j, t in enumerate(ev.triggers)
    ],
)


# ---------------------------------------------------------------- HTML
# This layer's part in the HTML viewer.


def _html_marks(document: Document, kit: HtmlKit) -> list[Mark]:
    """Triggers boxed and labelled with the event type."""
    return [
        Mark(4, t.start, t.end, t.id, "a t", label=ev.type)
        for ev in document.layer(NAME)
        for t in ev.triggers
    ]


def _html_row(document: Document, kit: HtmlKit, ev: Event) -> list[str]:
    def via(mention_id: str | None, form: str) -> str:
        return (
            form.format(kit.chip(mention_id, document.record(MENTIONS, mention_id).text))
            if mention_id
            else ""
        )

    arguments = "<br>".join(
        f"{kit.escape(a.role)}: {kit.entity_chip(document, a.entity_id)}"
        + via(a.mention_id, " via {}")
        for a in ev.arguments
    )
    time = kit.escape(ev.time.value) + via(ev.time.mention_id, " ({})") if ev.time else kit.none()
    return [
        f"<code>{kit.escape(ev.id)}</code>",
        f"<b>{kit.escape(ev.type)}</b>",
        " ".join(kit.chip(t.id, t.text) for t in ev.triggers),
        arguments,
        kit.escape(", ".join(ev.modes)) or kit.none(),
        kit.escape(", ".join(ev.contexts)) or kit.none(),
        kit.escape(ev.realis),
        time,
    ]


def _html_records(document: Document) -> list[PageRecord]:
    out = []
    for ev in document.layer(NAME):
        out.append(PageRecord(ev.id, "event", ev.to_dict(), [a.entity_id for a in ev.arguments]))
        out += [PageRecord(t.id, "trigger", t.to_dict(), [ev.id]) for t in ev.triggers]
    return out


HTML = HtmlPart(
    records=_html_records,
    marks=_html_marks,
    table=lambda document, kit: kit.table(
        "Events",
        ["id", "type", "triggers", "arguments", "modes", "contexts", "realis", "time"],
        [(ev.id, _html_row(document, kit, ev)) for ev in document.layer(NAME)],
    ),
    legend=lambda documents, kit: '<span class="t">trigger</span>',
    toggle="t",
    counted=NAME,
)


# ---------------------------------------------------------------- CoNLL
# This layer's part in the CoNLL IOB2 export.

CONLL = ConllPart(not_carried=each_record(NAME, "event"))


LAYER = Layer(
    name=NAME,
    record=Event,
    ids=(IdKind(NAME, "ev"), IdKind("triggers", "t", ("triggers",))),
    depends_on=(MENTIONS, ENTITIES),
    check=check,
    configs=(Config(NAME, "event with its triggers and arguments", (NAME,), _columns, _rows),),
    summary=lambda records: [(NAME, len(records), counts(e.type for e in records))],
    evaluations=EVALUATIONS,
    agreement=AGREEMENT,
    formats={"brat": BRAT, "docbin": DOCBIN, "html": HTML, "conll": CONLL},
    description="PLOVER events: triggers, arguments, modes, contexts, realis, time.",
    labels=("event_type", "event_role", "realis", "event_context", "event_modes"),
)

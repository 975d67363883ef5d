"""brat standoff, both ways.

A brat folder holds ``<id>.txt``, ``<id>.ann`` and ``<id>.meta.json`` per document,
and ``annotation.conf`` and ``visual.conf``.

The ``.txt`` file is the document text, byte for byte. The ``.ann`` file holds
every annotation brat can show and edit:

====  ==================================================================
T     mentions (type = OntoNotes label), quote content (``Quote``) and cue
      (``Cue``) spans, event triggers (type = PLOVER type), stance evidence
      (``Evidence``); discontinuous spans as fragments ``start end;start end``
E     one event per trigger: the first trigger of an event carries the
      arguments (``Actor``, ``Recipient``, ``Location``, ``Instrument`` to the
      mention that expresses the participant; ``ActorEntity`` ... to the first
      mention of the entity when no mention does; ``Time`` to the DATE/TIME
      mention); every further trigger is an event with ``SameEvent:E<first>``
R     ``Coref`` (a mention to the first mention of its entity), ``Member``
      (group to member), quote roles ``Cue``, ``Source``, ``Speaker``,
      ``Addressee``/``AddresseeEntity``, ``Parent``; stance ``Holder``,
      ``TargetEntity``, ``TargetEvent``, ``InQuote``
A     ``MentionType``, ``QuoteType``, ``Realis``, ``Mode_<mode>`` and
      ``Context_<context>`` (binary, in the order of the record), ``Polarity``,
      ``Basis``
N     ``Wikipedia:<Title_with_underscores>`` on the first mention of an entity,
      the exact title as the note text
#     ``AnnotatorNotes`` holding a one-line JSON object: the entity id, name
      and description (on the first mention of an entity), the event time
      value and reasoning (on the event), the stance target id and
      description (on the evidence)
====  ==================================================================

An entity is represented by its *first mention*: the mention with the lowest
start (then end) offset; relations that name an entity point to it.

What brat has no place for goes to the side file ``<id>.meta.json`` and is
listed as not carried: the document metadata, the annotated layers, the
sentences, the map from brat ids to newsgold ids, entities that no mention
refers to, and any value the ``.ann`` lines cannot express (an *override*, a
JSON pointer and the value, e.g. an argument whose entity differs from the
entity of its mention). Reading the folder back gives the canonical document
byte for byte; the writer checks this before it writes anything.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from newsgold.convert import (
    ENTITY_COLOURS,
    ConversionError,
    ConversionResult,
    NotCarried,
    staged_output,
    written_files,
)
from newsgold.io import canonical_json
from newsgold.issues import Problem, pointer, problem
from newsgold.labels import inventory
from newsgold.model import Document, Span

SIDE_SUFFIX = ".meta.json"
SIDE_FORMAT = "newsgold-brat"
SIDE_VERSION = 1

QUOTE, CUE, EVIDENCE = "Quote", "Cue", "Evidence"
ROLES_TO_MENTION = ("Actor", "Recipient", "Location", "Instrument")
TIME_ROLE, SAME_EVENT_ROLE = "Time", "SameEvent"
RELATIONS: dict[str, tuple[str, str, str]] = {
    # type: (Arg1, Arg2, what it says)
    "Coref": ("<MENTION>", "<MENTION>", "a mention refers to the entity of the first mention"),
    "Member": (
        "<MENTION>",
        "<MENTION>",
        "the group (first mention) has this member (first mention)",
    ),
    "Cue": (QUOTE, CUE, "the cue of the quote"),
    "Source": (QUOTE, "<MENTION>", "the mention that expresses the source in the sentence"),
    "Speaker": (QUOTE, "<MENTION>", "the real-world source (first mention of the entity)"),
    "Addressee": (QUOTE, "<MENTION>", "the mention that expresses the addressee"),
    "AddresseeEntity": (QUOTE, "<MENTION>", "the addressee when no mention expresses it"),
    "Parent": (QUOTE, QUOTE, "the enclosing attribution of a nested one"),
    "Holder": (EVIDENCE, "<MENTION>", "the stance holder (first mention of the entity)"),
    "TargetEntity": (EVIDENCE, "<MENTION>", "the entity the target is (first mention)"),
    "TargetEvent": (EVIDENCE, "<EVENT>", "the event the target is"),
    "InQuote": (EVIDENCE, QUOTE, "an attribution the stance is expressed in"),
}


def side_file_name(doc_id: str) -> str:
    return f"{doc_id}{SIDE_SUFFIX}"


# ---------------------------------------------------------------- configuration files


def _mode_attr(mode: str) -> str:
    return f"Mode_{mode}"


def _context_attr(context: str) -> str:
    return f"Context_{context}"


def annotation_conf() -> str:
    """The ``annotation.conf`` for the label inventory of the corpus."""
    inv = inventory()
    mention = "|".join(inv.entity_types)
    lines = [
        "# newsgold: brat annotation configuration, generated from schema/labels.json.",
        "# Mentions are typed by their OntoNotes label; quotes, cues and stance evidence",
        "# are spans of their own; events are PLOVER types triggered by a word or phrase.",
        "",
        "[entities]",
        "",
        *inv.entity_types,
        QUOTE,
        CUE,
        EVIDENCE,
        "",
        "[relations]",
        "",
    ]
    for name, (arg1, arg2, what) in RELATIONS.items():
        lines.append(f"# {name}: {what}")
        line = f"{name}\tArg1:{arg1}, Arg2:{arg2}"
        lines.append(line.replace("<MENTION>", mention))
    # Mentions nest and quotes, evidence and triggers overlap mentions: no overlap check.
    lines += ["<OVERLAP>\tArg1:<ENTITY>, Arg2:<ENTITY>, <OVL-TYPE>:<ANY>", "", "[events]", ""]
    roles = [f"{r}*:{mention}" for r in ROLES_TO_MENTION]
    roles += [f"{r}Entity*:{mention}" for r in ROLES_TO_MENTION]
    roles += [f"{TIME_ROLE}?:DATE|TIME", f"{SAME_EVENT_ROLE}?:<EVENT>"]
    for etype in inv.event_types:
        lines.append(f"{etype}\t{', '.join(roles)}")
    lines += ["", "[attributes]", ""]
    lines.append(f"MentionType\tArg:{mention}, Value:{'|'.join(inv.mention_types)}")
    lines.append(f"QuoteType\tArg:{QUOTE}, Value:{'|'.join(inv.quote_types)}")
    lines.append(f"Realis\tArg:<EVENT>, Value:{'|'.join(inv.realis)}")
    mode_types: dict[str, list[str]] = defaultdict(list)
    for etype, modes in inv.event_modes.items():
        for mode in modes:
            mode_types[mode].append(etype)
    for mode, types in mode_types.items():
        lines.append(f"{_mode_attr(mode)}\tArg:{'|'.join(types)}")
    for context in inv.event_contexts:
        lines.append(f"{_context_attr(context)}\tArg:<EVENT>")
    lines.append(f"Polarity\tArg:{EVIDENCE}, Value:{'|'.join(inv.polarities)}")
    lines.append(f"Basis\tArg:{EVIDENCE}, Value:{'|'.join(inv.stance_bases)}")
    return "\n".join(lines) + "\n"


def visual_conf() -> str:
    """The ``visual.conf``: one colour per mention type, quotes, cues, triggers and evidence."""
    inv = inventory()
    lines = ["# newsgold: brat visual configuration.", "", "[labels]", ""]
    for t in inv.entity_types:
        lines.append(f"{t} | {t}")
    lines += [
        f"{QUOTE} | Quote content | Quote",
        f"{CUE} | Quote cue | Cue",
        f"{EVIDENCE} | Stance evidence | Evidence",
    ]
    for t in inv.event_types:
        lines.append(f"{t} | {t}")
    lines += ["", "[drawing]", ""]
    for t in inv.entity_types:
        lines.append(f"{t}\tbgColor:{ENTITY_COLOURS[t]}")
    lines += [
        f"{QUOTE}\tbgColor:#fff3b0",
        f"{CUE}\tbgColor:#e07050, fgColor:white",
        f"{EVIDENCE}\tbgColor:#b8e0b8",
    ]
    for t in inv.event_types:
        lines.append(f"{t}\tbgColor:#c8a8f0")
    lines += [
        "SPAN_DEFAULT\tfgColor:black, bgColor:lightgreen, borderColor:darken",
        "ARC_DEFAULT\tcolor:black, arrowHead:triangle-5",
        "Coref\tcolor:#888888, dashArray:3-3",
        "ATTRIBUTE_DEFAULT\tglyph:*",
    ]
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------- writing


def _clean(text: str) -> str:
    """Span text for the third field of a T line: no tabs or line ends."""
    return re.sub(r"[\t\n\r]", " ", text)


def _fragments(spans: Sequence[Span]) -> tuple[str, str]:
    offsets = ";".join(f"{s.start} {s.end}" for s in spans)
    return offsets, " ".join(_clean(s.text) for s in spans)


def _note(value: dict[str, Any]) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(", ", ": "))


class _Writer:
    def __init__(self, document: Document) -> None:
        self.doc = document
        self.counters: dict[str, int] = defaultdict(int)
        self.lines: dict[str, list[str]] = defaultdict(list)
        self.ids: dict[str, str] = {}

    def new(self, letter: str, canonical: str | None = None) -> str:
        self.counters[letter] += 1
        bid = f"{letter}{self.counters[letter]}"
        if canonical is not None:
            self.ids[bid] = canonical
        return bid

    def add(self, letter: str, body: str, canonical: str | None = None) -> str:
        bid = self.new(letter, canonical)
        self.lines[letter].append(f"{bid}\t{body}")
        return bid

    def ann(self) -> str:
        out = [line for letter in ("T", "E", "R", "A", "N", "#") for line in self.lines[letter]]
        return "".join(line + "\n" for line in out)

    def write(self) -> tuple[str, dict[str, Any]]:
        doc = self.doc
        t_mention: dict[str, str] = {}
        for m in doc.mentions:
            t_mention[m.id] = self.add("T", f"{m.label} {m.start} {m.end}\t{_clean(m.text)}", m.id)
        order = {m.id: i for i, m in enumerate(doc.mentions)}
        chains: dict[str, list[str]] = defaultdict(list)
        for m in doc.mentions:
            chains[m.entity_id].append(m.id)
        head: dict[str, str] = {}
        for eid, mids in chains.items():
            first = min(mids, key=lambda x: (doc.mention(x).start, doc.mention(x).end, order[x]))
            head[eid] = t_mention[first]

        t_quote: dict[str, str] = {}
        t_cue: dict[str, str] = {}
        for q in doc.quotes:
            offsets, text = _fragments(q.content)
            t_quote[q.id] = self.add("T", f"{QUOTE} {offsets}\t{text}", q.id)
            offsets, text = _fragments(q.cue)
            t_cue[q.id] = self.add("T", f"{CUE} {offsets}\t{text}")
        t_trigger: dict[str, str] = {}
        for ev in doc.events:
            for trig in ev.triggers:
                body = f"{ev.type} {trig.start} {trig.end}\t{_clean(trig.text)}"
                t_trigger[trig.id] = self.add("T", body, trig.id)
        t_evidence: dict[str, str] = {}
        for st in doc.stance:
            offsets, text = _fragments(st.evidence)
            t_evidence[st.id] = self.add("T", f"{EVIDENCE} {offsets}\t{text}", st.id)

        # events: one E per trigger
        e_event: dict[str, str] = {}
        for ev in doc.events:
            roles: list[tuple[str, str]] = []
            for arg in ev.arguments:
                base = arg.role.capitalize()
                if arg.mention_id is not None:
                    roles.append((base, t_mention[arg.mention_id]))
                elif arg.entity_id in head:
                    roles.append((f"{base}Entity", head[arg.entity_id]))
            if ev.time is not None and ev.time.mention_id is not None:
                roles.append((TIME_ROLE, t_mention[ev.time.mention_id]))
            used: dict[str, int] = defaultdict(int)
            args: list[str] = []
            for name, target in roles:  # brat numbers repeated roles: Actor, Actor2, ...
                used[name] += 1
                args.append(f"{name}{'' if used[name] == 1 else used[name]}:{target}")
            first_trigger = ev.triggers[0]
            body = " ".join([f"{ev.type}:{t_trigger[first_trigger.id]}", *args])
            e_event[ev.id] = self.add("E", body, ev.id)
            for trig in ev.triggers[1:]:
                self.add("E", f"{ev.type}:{t_trigger[trig.id]} {SAME_EVENT_ROLE}:{e_event[ev.id]}")

        # relations
        def rel(name: str, arg1: str, arg2: str) -> None:
            self.add("R", f"{name} Arg1:{arg1} Arg2:{arg2}")

        for m in doc.mentions:
            if head[m.entity_id] != t_mention[m.id]:
                rel("Coref", t_mention[m.id], head[m.entity_id])
        for e in doc.entities:
            if e.id in head:
                for member in e.members:
                    if member in head:
                        rel("Member", head[e.id], head[member])
        for q in doc.quotes:
            qt = t_quote[q.id]
            rel("Cue", qt, t_cue[q.id])
            if q.source is not None:
                rel("Source", qt, t_mention[q.source])
            if q.speaker is not None and q.speaker in head:
                rel("Speaker", qt, head[q.speaker])
            if q.addressee is not None:
                if q.addressee.mention_id is not None:
                    rel("Addressee", qt, t_mention[q.addressee.mention_id])
                elif q.addressee.entity_id in head:
                    rel("AddresseeEntity", qt, head[q.addressee.entity_id])
            if q.parent is not None:
                rel("Parent", qt, t_quote[q.parent])
        for st in doc.stance:
            et = t_evidence[st.id]
            if st.holder in head:
                rel("Holder", et, head[st.holder])
            if st.target.entity_id is not None and st.target.entity_id in head:
                rel("TargetEntity", et, head[st.target.entity_id])
            if st.target.event_id is not None:
                rel("TargetEvent", et, e_event[st.target.event_id])
            for qid in st.quote_ids:
                rel("InQuote", et, t_quote[qid])

        # attributes
        for m in doc.mentions:
            self.add("A", f"MentionType {t_mention[m.id]} {m.mention_type}")
        for q in doc.quotes:
            self.add("A", f"QuoteType {t_quote[q.id]} {q.type}")
        for ev in doc.events:
            self.add("A", f"Realis {e_event[ev.id]} {ev.realis}")
            for mode in ev.modes:
                self.add("A", f"{_mode_attr(mode)} {e_event[ev.id]}")
            for context in ev.contexts:
                self.add("A", f"{_context_attr(context)} {e_event[ev.id]}")
        for st in doc.stance:
            self.add("A", f"Polarity {t_evidence[st.id]} {st.polarity}")
            self.add("A", f"Basis {t_evidence[st.id]} {st.basis}")

        # normalisations and notes
        for e in doc.entities:
            if e.id in head and e.wikipedia is not None:
                self.add(
                    "N",
                    f"Reference {head[e.id]} Wikipedia:{e.wikipedia.replace(' ', '_')}"
                    f"\t{e.wikipedia}",
                )
        for e in doc.entities:
            if e.id in head:
                note: dict[str, Any] = {
                    "entity": e.id,
                    "name": e.name,
                    "description": e.description,
                }
                self.add("#", f"AnnotatorNotes {head[e.id]}\t{_note(note)}")
        for ev in doc.events:
            if ev.time is not None:
                note = {"time": {"value": ev.time.value, "reasoning": ev.time.reasoning}}
                self.add("#", f"AnnotatorNotes {e_event[ev.id]}\t{_note(note)}")
        for st in doc.stance:
            note = {"target": {"id": st.target.id, "description": st.target.description}}
            self.add("#", f"AnnotatorNotes {t_evidence[st.id]}\t{_note(note)}")

        meta: dict[str, Any] = {
            "format": SIDE_FORMAT,
            "version": SIDE_VERSION,
            "id": doc.id,
            "schema_version": doc.schema_version,
            "metadata": doc.metadata.to_dict(),
            "annotated_layers": list(doc.annotated_layers),
            "sentences": [{"id": s.id, "start": s.start, "end": s.end} for s in doc.sentences],
            "ids": self.ids,
            "entities": [e.id for e in doc.entities],
            "unanchored_entities": [e.to_dict() for e in doc.entities if e.id not in head],
            "overrides": [],
        }
        return self.ann(), meta


def _diff(
    derived: Any, canonical: Any, path: tuple[str | int, ...]
) -> list[tuple[tuple[str | int, ...], Any]]:
    if type(derived) is not type(canonical):
        return [(path, canonical)]
    if isinstance(canonical, dict):
        if derived.keys() != canonical.keys():
            return [(path, canonical)]
        return [d for k in canonical for d in _diff(derived[k], canonical[k], (*path, k))]
    if isinstance(canonical, list):
        if len(derived) != len(canonical):
            return [(path, canonical)]
        return [
            d
            for i, (a, b) in enumerate(zip(derived, canonical, strict=True))
            for d in _diff(a, b, (*path, i))
        ]
    return [] if derived == canonical else [(path, canonical)]


@dataclass(frozen=True)
class BratDocument:
    """The three files of one document in a brat folder."""

    doc_id: str
    txt: str
    ann: str
    meta: dict[str, Any]
    not_carried: tuple[NotCarried, ...] = field(default=())

    def meta_json(self) -> str:
        return json.dumps(self.meta, ensure_ascii=False, indent=2) + "\n"


def to_brat(document: Document) -> BratDocument:
    """Convert one document; check that reading it back gives the same canonical JSON."""
    ann, meta = _Writer(document).write()
    canonical = document.to_dict()
    derived = _derive(document.id, document.text, ann, meta)
    overrides = _diff(derived, canonical, ())
    for path, value in overrides:
        record = (
            canonical[str(path[0])][path[1]].get("id")
            if len(path) >= 2 and isinstance(path[1], int)
            else None
        )
        meta["overrides"].append({"pointer": pointer(*path), "record": record, "value": value})
    side = side_file_name(document.id)
    lost = [
        NotCarried(
            document.id, "", "annotation ids (brat numbers its own annotations): the id map", side
        ),
        NotCarried(document.id, "/schema_version", "schema version", side),
        NotCarried(document.id, "/metadata", "document metadata", side),
        NotCarried(document.id, "/annotated_layers", "the list of annotated layers", side),
    ]
    lost += [
        NotCarried(
            document.id, pointer("sentences", i), "sentence span: brat has no sentence layer", side
        )
        for i in range(len(document.sentences))
    ]
    anchored = {e["id"] for e in meta["unanchored_entities"]}
    lost += [
        NotCarried(
            document.id,
            pointer("entities", i),
            "entity with no mention: brat reaches entities through mentions",
            side,
        )
        for i, e in enumerate(document.entities)
        if e.id in anchored
    ]
    lost += [
        NotCarried(
            document.id, o["pointer"], "value the .ann lines cannot express (override)", side
        )
        for o in meta["overrides"]
    ]
    out = BratDocument(document.id, document.text, ann, meta, tuple(lost))
    back = from_brat(out.doc_id, out.txt, out.ann, json.loads(out.meta_json()))
    if canonical_json(back) != canonical_json(document):  # pragma: no cover - a converter bug
        raise ConversionError(
            [
                problem(
                    "round-trip-mismatch",
                    document.id,
                    "",
                    "brat round trip differs from the canonical document",
                    "a converter bug: report it with the document",
                )
            ]
        )
    return out


def write_brat(documents: Iterable[Document], out: Path) -> ConversionResult:
    """Write a brat folder: ``.txt``, ``.ann``, ``.meta.json`` per document, two .conf files."""
    converted = [to_brat(d) for d in documents]
    with staged_output(out) as tmp:
        (tmp / "annotation.conf").write_text(annotation_conf(), encoding="utf-8", newline="\n")
        (tmp / "visual.conf").write_text(visual_conf(), encoding="utf-8", newline="\n")
        for b in converted:
            (tmp / f"{b.doc_id}.txt").write_bytes(b.txt.encode("utf-8"))
            (tmp / f"{b.doc_id}.ann").write_bytes(b.ann.encode("utf-8"))
            (tmp / side_file_name(b.doc_id)).write_bytes(b.meta_json().encode("utf-8"))
        files = written_files(tmp)
    lost = tuple(n for b in converted for n in b.not_carried)
    return ConversionResult("brat", out, files, len(converted), lost)


# ---------------------------------------------------------------- reading


@dataclass
class _T:
    type: str
    fragments: list[tuple[int, int]]
    line: int


@dataclass
class _E:
    type: str
    trigger: str
    args: list[tuple[str, str]]
    line: int


@dataclass
class _Ann:
    t: dict[str, _T] = field(default_factory=dict)
    e: dict[str, _E] = field(default_factory=dict)
    r: list[tuple[str, str, str, int]] = field(default_factory=list)
    a: list[tuple[str, str, str | None, int]] = field(default_factory=list)
    n: list[tuple[str, str, str, int]] = field(default_factory=list)
    notes: dict[str, tuple[str, int]] = field(default_factory=dict)


_T_RE = re.compile(r"^(T\d+)\t(\S+) (\d+ \d+(?:;\d+ \d+)*)\t(.*)$")
_E_RE = re.compile(r"^(E\d+)\t(\S+):(T\d+)((?: \S+:[TE]\d+)*) ?$")
_R_RE = re.compile(r"^(R\d+)\t(\S+) Arg1:([TE]\d+) Arg2:([TE]\d+)\s*$")
_A_RE = re.compile(r"^([AM]\d+)\t(\S+) ([TER]\d+)(?: (\S+))?\s*$")
_N_RE = re.compile(r"^(N\d+)\t(\S+) ([TE]\d+) (\S+)\t(.*)$")
_NOTE_RE = re.compile(r"^(#\d+)\tAnnotatorNotes ([TERN]\d+)\t(.*)$")


def _parse_ann(name: str, ann: str, text_length: int) -> _Ann:
    out = _Ann()
    errors: list[Problem] = []
    seen: set[str] = set()

    def fail(code: str, message: str, hint: str) -> None:
        errors.append(problem(code, name, "", f"line {lineno}: {message}", hint))

    for lineno, line in enumerate(ann.split("\n"), 1):
        if not line.strip():
            continue
        bid = line.split("\t", 1)[0]
        if bid in seen:
            fail("brat-duplicate-id", f"id {bid} is used twice", "give every annotation its own id")
            continue
        seen.add(bid)
        if m := _T_RE.match(line):
            frags = [(int(a), int(b)) for a, b in (f.split(" ") for f in m.group(3).split(";"))]
            bad = [f for f in frags if not 0 <= f[0] < f[1] <= text_length]
            if bad:
                fail(
                    "brat-span-out-of-range",
                    f"span {bad[0][0]}-{bad[0][1]} is not inside the text "
                    f"({text_length} characters)",
                    "correct the offsets",
                )
                continue
            out.t[m.group(1)] = _T(m.group(2), frags, lineno)
        elif m := _E_RE.match(line):
            args = [tuple(a.split(":", 1)) for a in m.group(4).split()]
            out.e[m.group(1)] = _E(m.group(2), m.group(3), [(a[0], a[1]) for a in args], lineno)
        elif m := _R_RE.match(line):
            out.r.append((m.group(2), m.group(3), m.group(4), lineno))
        elif m := _A_RE.match(line):
            out.a.append((m.group(2), m.group(3), m.group(4), lineno))
        elif m := _N_RE.match(line):
            out.n.append((m.group(3), m.group(4), m.group(5), lineno))
        elif m := _NOTE_RE.match(line):
            if m.group(2) in out.notes:
                fail(
                    "brat-duplicate-note",
                    f"a second note on {m.group(2)}",
                    "keep one note per annotation",
                )
                continue
            out.notes[m.group(2)] = (m.group(3), lineno)
        elif line.startswith("*"):
            fail(
                "brat-equivalence-line",
                "equivalence lines are not read",
                "link a mention to the first mention of its entity with a Coref relation",
            )
        else:
            fail(
                "brat-line-invalid",
                f"not a T, E, R, A, N or # line of brat standoff: {line[:60]!r}",
                "write the line in brat standoff, or remove it",
            )
    if errors:
        raise ConversionError(errors)
    return out


class _Reader:
    def __init__(self, doc_id: str, text: str, ann: str, meta: dict[str, Any]) -> None:
        self.doc_id = doc_id
        self.name = f"{doc_id}.ann"
        self.text = text
        self.meta = meta
        self.ann = _parse_ann(self.name, ann, len(text))
        self.errors: list[Problem] = []
        self.ids: dict[str, str] = dict(meta.get("ids", {}))
        self.used: set[str] = set(self.ids.values()) | set(meta.get("entities", []))

    def fail(self, line: int, message: str) -> None:
        self.errors.append(
            problem(
                "brat-annotation-invalid",
                self.name,
                "",
                f"line {line}: {message}",
                f"correct line {line} of {self.name}",
            )
        )

    def canonical(self, bid: str, prefix: str) -> str:
        if bid in self.ids:
            return self.ids[bid]
        n = 1
        while f"{prefix}{n}" in self.used:
            n += 1
        new = f"{prefix}{n}"
        self.used.add(new)
        self.ids[bid] = new
        return new

    def spans(self, t: _T) -> list[dict[str, Any]]:
        return [{"start": s, "end": e, "text": self.text[s:e]} for s, e in t.fragments]

    def note(self, bid: str) -> dict[str, Any]:
        if bid not in self.ann.notes:
            return {}
        raw, line = self.ann.notes[bid]
        try:
            value = json.loads(raw)
        except json.JSONDecodeError as err:
            self.fail(
                line,
                f'note on {bid} is not a JSON object ({err.msg}); write it as {{"key": "value"}}',
            )
            return {}
        if not isinstance(value, dict):
            self.fail(line, f'note on {bid} is not a JSON object; write it as {{"key": "value"}}')
            return {}
        return value

    def derive(self) -> dict[str, Any]:
        inv = inventory()
        ann = self.ann
        meta = self.meta
        labels = set(inv.entity_types)
        mention_t = [bid for bid, t in ann.t.items() if t.type in labels]
        quote_t = [bid for bid, t in ann.t.items() if t.type == QUOTE]
        evidence_t = [bid for bid, t in ann.t.items() if t.type == EVIDENCE]
        event_types = set(inv.event_types)

        rels: dict[str, list[tuple[str, str, int]]] = defaultdict(list)
        for rtype, arg1, arg2, line in ann.r:
            if rtype not in RELATIONS:
                self.fail(line, f'relation type "{rtype}" is not one of {", ".join(RELATIONS)}')
                continue
            rels[rtype].append((arg1, arg2, line))

        def targets(rtype: str, arg1: str) -> list[str]:
            return [a2 for a1, a2, _ in rels[rtype] if a1 == arg1]

        def one(rtype: str, arg1: str) -> str | None:
            found = targets(rtype, arg1)
            if len(found) > 1:
                self.fail(ann.t[arg1].line, f"{arg1} has {len(found)} {rtype} relations; keep one")
            return found[0] if found else None

        attrs: dict[tuple[str, str], str | None] = {}
        flags: dict[str, list[str]] = defaultdict(list)
        for atype, target, value, line in ann.a:
            if value is None:
                flags[target].append(atype)
            else:
                if (atype, target) in attrs:
                    self.fail(line, f"a second {atype} on {target}; keep one")
                attrs[(atype, target)] = value

        def attr(atype: str, bid: str, line: int) -> str | None:
            value = attrs.get((atype, bid))
            if value is None:
                self.fail(line, f"{bid} has no {atype} attribute; add one")
            return value

        # mentions and the entities they reach
        head_entity: dict[str, str] = {}
        for bid in mention_t:
            note = self.note(bid)
            if "entity" in note:
                head_entity[bid] = str(note["entity"])
        entity_of: dict[str, str | None] = {}
        for bid in mention_t:
            if bid in head_entity:
                entity_of[bid] = head_entity[bid]
                continue
            h = one("Coref", bid)
            if h is None or h not in head_entity:
                self.fail(
                    ann.t[bid].line,
                    f"mention {bid} reaches no entity: add a Coref relation to the first "
                    "mention of its entity, or an entity note",
                )
                entity_of[bid] = None
            else:
                entity_of[bid] = head_entity[h]

        def entity(bid: str | None) -> str | None:
            return None if bid is None else entity_of.get(bid)

        def mention_id(bid: str | None) -> str | None:
            return None if bid is None or bid not in entity_of else self.canonical(bid, "m")

        mentions = []
        for bid in mention_t:
            t = ann.t[bid]
            if len(t.fragments) != 1:
                self.fail(
                    t.line,
                    f"mention {bid} has {len(t.fragments)} fragments; "
                    "a mention is one continuous span",
                )
                continue
            ((start, end),) = t.fragments
            mentions.append(
                {
                    "id": self.canonical(bid, "m"),
                    "start": start,
                    "end": end,
                    "text": self.text[start:end],
                    "label": t.type,
                    "mention_type": attr("MentionType", bid, t.line),
                    "entity_id": entity_of[bid],
                }
            )

        wiki: dict[str, str] = {}
        for target, ref, title, line in ann.n:
            if not ref.startswith("Wikipedia:"):
                self.fail(line, f'normalisation "{ref}" is not Wikipedia:<title>')
                continue
            wiki[target] = title

        unanchored = {e["id"]: e for e in meta.get("unanchored_entities", [])}
        anchored: dict[str, dict[str, Any]] = {}
        for bid, eid in head_entity.items():
            note = self.note(bid)
            anchored[eid] = {
                "id": eid,
                "name": note.get("name"),
                "type": ann.t[bid].type,
                "wikipedia": wiki.get(bid),
                "members": [entity_of.get(m) for m in targets("Member", bid)],
                "description": note.get("description"),
            }
        order = [e for e in meta.get("entities", []) if e in anchored or e in unanchored]
        order += [e for e in anchored if e not in order]
        entities = [anchored[e] if e in anchored else unanchored[e] for e in order]

        quote_id = {bid: self.canonical(bid, "q") for bid in quote_t}
        quotes = []
        for bid in quote_t:
            t = ann.t[bid]
            cue = one("Cue", bid)
            if cue is None or cue not in ann.t:
                self.fail(t.line, f"quote {bid} has no Cue relation to a Cue span; add one")
            addressee = None
            if (a := one("Addressee", bid)) is not None:
                addressee = {"entity_id": entity(a), "mention_id": mention_id(a)}
            elif (a := one("AddresseeEntity", bid)) is not None:
                addressee = {"entity_id": entity(a), "mention_id": None}
            parent = one("Parent", bid)
            quotes.append(
                {
                    "id": quote_id[bid],
                    "type": attr("QuoteType", bid, t.line),
                    "content": self.spans(t),
                    "cue": self.spans(ann.t[cue]) if cue in ann.t else [],
                    "source": mention_id(one("Source", bid)),
                    "speaker": entity(one("Speaker", bid)),
                    "addressee": addressee,
                    "parent": None if parent is None else quote_id.get(parent),
                }
            )

        events: list[dict[str, Any]] = []
        event_of_e: dict[str, dict[str, Any]] = {}
        event_of_trigger: dict[str, str] = {}
        for bid, ev in ann.e.items():
            if ev.type not in event_types:
                self.fail(ev.line, f'event type "{ev.type}" is not a PLOVER type')
                continue
            trig = ann.t.get(ev.trigger)
            if trig is None or len(trig.fragments) != 1:
                self.fail(
                    ev.line, f"event {bid} needs a one-fragment trigger span, not {ev.trigger}"
                )
                continue
            ((start, end),) = trig.fragments
            trigger = {
                "id": self.canonical(ev.trigger, "t"),
                "start": start,
                "end": end,
                "text": self.text[start:end],
            }
            same = [target for r, target in ev.args if r == SAME_EVENT_ROLE]
            if same:
                first = event_of_e.get(same[0])
                if first is None:
                    self.fail(
                        ev.line,
                        f"{SAME_EVENT_ROLE}:{same[0]} is not an earlier event with arguments",
                    )
                    continue
                first["triggers"].append(trigger)
                event_of_e[bid] = first
                event_of_trigger[ev.trigger] = first["id"]
                continue
            arguments: list[dict[str, Any]] = []
            time_mention: str | None = None
            for r, target in ev.args:
                base = r.rstrip("0123456789")
                if base == TIME_ROLE:
                    time_mention = target
                    continue
                unexpressed = base.endswith("Entity")
                base = base.removesuffix("Entity")
                if base not in ROLES_TO_MENTION:
                    self.fail(
                        ev.line,
                        f'role "{r}" is not one of {", ".join(ROLES_TO_MENTION)}, '
                        "their -Entity forms, Time or SameEvent",
                    )
                    continue
                arguments.append(
                    {
                        "role": base.lower(),
                        "entity_id": entity(target),
                        "mention_id": None if unexpressed else mention_id(target),
                    }
                )
            note = self.note(bid)
            time = None
            if isinstance(note.get("time"), dict):
                time = {
                    "mention_id": mention_id(time_mention),
                    "value": note["time"].get("value"),
                    "reasoning": note["time"].get("reasoning"),
                }
            record: dict[str, Any] = {
                "id": self.canonical(bid, "ev"),
                "type": ev.type,
                "modes": [f.removeprefix("Mode_") for f in flags[bid] if f.startswith("Mode_")],
                "contexts": [
                    f.removeprefix("Context_") for f in flags[bid] if f.startswith("Context_")
                ],
                "triggers": [trigger],
                "arguments": arguments,
                "realis": attr("Realis", bid, ev.line),
                "time": time,
            }
            events.append(record)
            event_of_e[bid] = record
            event_of_trigger[ev.trigger] = record["id"]

        stance = []
        for bid in evidence_t:
            t = ann.t[bid]
            note = self.note(bid)
            found = note.get("target")
            target_note: dict[str, Any] = found if isinstance(found, dict) else {}
            ev_ref = one("TargetEvent", bid)
            event_id = None
            if ev_ref is not None:
                event_id = (
                    event_of_e[ev_ref]["id"]
                    if ev_ref in event_of_e
                    else event_of_trigger.get(ev_ref)
                )
            stance.append(
                {
                    "id": self.canonical(bid, "st"),
                    "holder": entity(one("Holder", bid)),
                    "target": {
                        "id": target_note.get("id"),
                        "description": target_note.get("description"),
                        "entity_id": entity(one("TargetEntity", bid)),
                        "event_id": event_id,
                    },
                    "polarity": attr("Polarity", bid, t.line),
                    "evidence": self.spans(t),
                    "quote_ids": [quote_id.get(q) for q in targets("InQuote", bid)],
                    "basis": attr("Basis", bid, t.line),
                }
            )

        sentences = [
            {
                "id": s["id"],
                "start": s["start"],
                "end": s["end"],
                "text": self.text[s["start"] : s["end"]],
            }
            for s in meta.get("sentences", [])
        ]
        return {
            "id": meta.get("id", self.doc_id),
            "schema_version": meta.get("schema_version"),
            "metadata": meta.get("metadata"),
            "text": self.text,
            "text_sha256": hashlib.sha256(self.text.encode("utf-8")).hexdigest(),
            "annotated_layers": meta.get("annotated_layers", []),
            "sentences": sentences,
            "mentions": mentions,
            "entities": entities,
            "quotes": quotes,
            "events": events,
            "stance": stance,
        }


def _derive(doc_id: str, text: str, ann: str, meta: dict[str, Any]) -> dict[str, Any]:
    reader = _Reader(doc_id, text, ann, meta)
    derived = reader.derive()
    if reader.errors:
        raise ConversionError(reader.errors)
    return derived


def _unescape(part: str) -> str:
    return part.replace("~1", "/").replace("~0", "~")


def _apply_overrides(
    name: str, doc: dict[str, Any], overrides: list[dict[str, Any]]
) -> list[Problem]:
    errors = []
    for o in overrides:
        ptr = str(o.get("pointer", ""))
        parts = [_unescape(p) for p in ptr.split("/")[1:]]
        if not parts:
            errors.append(
                problem(
                    "brat-override-invalid", name, "", "override with an empty pointer", "remove it"
                )
            )
            continue
        try:
            container: Any = doc
            for i, part in enumerate(parts[:-1]):
                container = container[int(part)] if isinstance(container, list) else container[part]
                if i == 1 and o.get("record") is not None and container.get("id") != o["record"]:
                    raise LookupError(f'holds "{container.get("id")}", not "{o["record"]}"')
            last = parts[-1]
            if isinstance(container, list):
                container[int(last)] = o.get("value")
            else:
                if last not in container:
                    raise LookupError(f'has no key "{last}"')
                container[last] = o.get("value")
        except (LookupError, ValueError, TypeError, AttributeError) as err:
            errors.append(
                problem(
                    "brat-override-invalid",
                    name,
                    "",
                    f"override {ptr} no longer applies ({err}); the .ann was edited",
                    "set the value by hand and remove the override",
                )
            )
    return errors


def from_brat(doc_id: str, txt: str, ann: str, meta: dict[str, Any]) -> Document:
    """Read one document from its brat files; raise :class:`ConversionError` on anything wrong."""
    from newsgold.validate import validate_document_value

    side = side_file_name(doc_id)
    if meta.get("format") != SIDE_FORMAT or meta.get("version") != SIDE_VERSION:
        raise ConversionError(
            [
                problem(
                    "brat-side-file-invalid",
                    side,
                    "",
                    "not a newsgold brat side file "
                    f"(format {SIDE_FORMAT!r}, version {SIDE_VERSION})",
                    "keep the side file that `newsgold convert --to brat` wrote",
                )
            ]
        )
    mapped = meta.get("ids") or {}
    if not ann.strip() and mapped:
        raise ConversionError(
            [
                problem(
                    "brat-ann-emptied",
                    f"{doc_id}.ann",
                    "",
                    f"empty, but {side} maps {len(mapped)} annotation(s) to it",
                    f"restore the .ann, or remove the ids from {side} to delete every annotation",
                )
            ]
        )
    derived = _derive(doc_id, txt, ann, meta)
    errors = _apply_overrides(side, derived, list(meta.get("overrides", [])))
    if errors:
        raise ConversionError(errors)
    problems = validate_document_value(derived, f"{doc_id}.ann")
    if problems:
        raise ConversionError(problems)
    return Document.from_dict(derived)


def read_brat(folder: Path) -> list[Document]:
    """Read every document of a brat folder written by :func:`write_brat` (perhaps edited since)."""
    if not folder.is_dir():
        message, hint = "not a folder", "give the brat folder"
        raise ConversionError([problem("brat-folder-invalid", str(folder), "", message, hint)])
    docs = []
    errors: list[Problem] = []
    txts = sorted(folder.glob("*.txt"))
    if not txts:
        message, hint = "no .txt files", "give a folder written by `newsgold convert --to brat`"
        raise ConversionError([problem("brat-folder-invalid", str(folder), "", message, hint)])
    for txt_path in txts:
        doc_id = txt_path.stem
        ann_path = folder / f"{doc_id}.ann"
        meta_path = folder / side_file_name(doc_id)
        links = [p.name for p in (txt_path, ann_path, meta_path) if p.is_symlink()]
        if links:
            message, hint = (
                f"{', '.join(links)} is a symbolic link",
                "copy the file into the folder",
            )
            errors.append(problem("brat-symlink", str(folder), "", message, hint))
            continue
        missing = [p.name for p in (ann_path, meta_path) if not p.is_file()]
        if missing:
            message = f"{' and '.join(missing)} missing beside it"
            hint = f"every document needs .txt, .ann and {SIDE_SUFFIX}"
            errors.append(problem("brat-file-missing", str(txt_path), "", message, hint))
            continue
        try:
            text = txt_path.read_bytes().decode("utf-8")
            ann = ann_path.read_bytes().decode("utf-8")
            meta = json.loads(meta_path.read_bytes().decode("utf-8"))
        except UnicodeDecodeError as err:
            message, hint = f"not UTF-8 at byte {err.start}", "save the files as UTF-8"
            errors.append(problem("invalid-utf8", f"{folder}/{doc_id}.*", "", message, hint))
            continue
        except json.JSONDecodeError as err:
            message = f"not JSON ({err.msg} at line {err.lineno})"
            errors.append(problem("invalid-json", str(meta_path), "", message, "fix the JSON"))
            continue
        if not isinstance(meta, dict):
            message, hint = "not a JSON object", "keep the side file that newsgold wrote"
            errors.append(problem("brat-side-file-invalid", str(meta_path), "", message, hint))
            continue
        if meta.get("id") != doc_id:
            message = f'id {json.dumps(meta.get("id"))} != file name "{doc_id}"'
            hint = "name the files after the document id"
            errors.append(problem("brat-id-mismatch", str(meta_path), "/id", message, hint))
            continue
        try:
            docs.append(from_brat(doc_id, text, ann, meta))
        except ConversionError as err:
            errors.extend(err.problems)
    if errors:
        raise ConversionError(errors)
    return docs


def brat_to_canonical(folder: Path, out: Path) -> ConversionResult:
    """Read a brat folder and write one canonical ``<id>.json`` per document into ``out``."""
    docs = read_brat(folder)
    with staged_output(out) as tmp:
        for doc in docs:
            (tmp / f"{doc.id}.json").write_bytes(canonical_json(doc).encode("utf-8"))
        files = written_files(tmp)
    return ConversionResult("canonical", out, files, len(docs))

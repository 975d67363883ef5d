"""brat standoff, both ways.

A brat folder holds ``<id>.txt``, ``<id>.ann`` and ``<id>.meta.json`` per document,
and ``annotation.conf``, ``visual.conf`` and ``tools.conf`` (the ``Wikipedia``
normalisation of the ``N`` lines).

The ``.txt`` file is the document text, byte for byte. The ``.ann`` file holds
every annotation brat can show and edit, in ``T`` (spans; discontinuous ones as
fragments ``start end;start end``), ``E`` (brat events), ``R`` (relations), ``A``
(attributes), ``N`` (normalisations) and ``#`` (``AnnotatorNotes`` holding a
one-line JSON object) lines. Each registered layer says what it adds through
its :class:`~newsgold.layers.parts.BratPart` (the ``BRAT`` section of its
module): its types in the two ``.conf`` files, its lines, how to read them back.
The layers write in registry order; lines are grouped by letter, ``T`` first.

What brat has no place for goes to the side file ``<id>.meta.json`` and is
listed as not carried: the document metadata, the annotated layers, the map
from brat ids to newsgold ids, what each layer keeps there (every record of a
layer that declares no part), and any value the ``.ann`` lines cannot express
(an *override*: a JSON pointer and the value, found by reading the lines back
and comparing). Reading the folder back gives the canonical document byte for
byte; the writer checks this before it writes anything.

The text is not edited in brat: the side file records the ``text_sha256`` of the
exported text, and a ``.txt`` with another checksum, or a ``T`` line whose text
column is not the ``.txt`` at its offsets, is refused.
"""

from __future__ import annotations

import copy
import dataclasses
import difflib
import hashlib
import json
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from newsgold import layers
from newsgold.convert import (
    ConversionError,
    ConversionResult,
    NotCarried,
    staged_output,
    written_files,
)
from newsgold.io import canonical_json
from newsgold.issues import Problem, pointer, problem
from newsgold.layers.base import DocumentView
from newsgold.layers.parts import (
    BratAnnotations,
    BratConf,
    BratEvent,
    BratPart,
    BratReading,
    BratSpan,
)
from newsgold.model import Document, has_layer_key

if TYPE_CHECKING:
    from newsgold.new import Facts

SIDE_SUFFIX = ".meta.json"
SIDE_FORMAT = "newsgold-brat"
SIDE_VERSION = 1
LETTERS = ("T", "E", "R", "A", "N", "#")


def side_file_name(doc_id: str) -> str:
    return f"{doc_id}{SIDE_SUFFIX}"


def _kept_whole(name: str) -> BratPart:
    """The part of a layer that declares none: its records are kept in the side file."""

    def kept(doc: DocumentView) -> dict[str, Any]:
        return {name: [record.to_dict() for record in doc.layer(name)]}

    def not_carried(doc: DocumentView, meta: Mapping[str, Any]) -> list[tuple[str, str]]:
        why = f'record of layer "{name}", which has no part in brat'
        return [(pointer(name, i), why) for i in range(len(doc.layer(name)))]

    def read(r: BratReading) -> list[dict[str, Any]]:
        return copy.deepcopy(list(r.meta.get(name, [])))

    return BratPart(read=read, kept=kept, not_carried=not_carried)


def _parts() -> list[tuple[str, BratPart]]:
    """Each registered layer with its part in brat, in registry order."""
    found = []
    for layer in layers.layers():
        part = layer.formats.get("brat")
        found.append((layer.name, part if isinstance(part, BratPart) else _kept_whole(layer.name)))
    return found


# ---------------------------------------------------------------- configuration files


def _span_type_line(name: str, confs: Sequence[BratConf]) -> str:
    """A line of ``[entities]``: the type, and ``<NORM>:`` the resources that normalise it."""
    norms = [n.name for c in confs for n in c.normalizations if name in n.types]
    return f"{name}\t<NORM>:{'|'.join(norms)}" if norms else name


def annotation_conf() -> str:
    """The ``annotation.conf`` for the label inventory and the registered layers."""
    confs = [part.conf() for _, part in _parts()]
    lines = ["# newsgold: brat annotation configuration, generated from schema/labels.json."]
    lines += [f"# {line}" for c in confs for line in c.about]
    spans = [_span_type_line(t.name, confs) for c in confs for t in c.span_types]
    lines += ["", "[entities]", "", *spans]
    lines += ["", "[relations]", ""]
    for rel in (r for c in confs for r in c.relation_types):
        lines += [f"# {rel.name}: {rel.what}", f"{rel.name}\tArg1:{rel.arg1}, Arg2:{rel.arg2}"]
    # Spans nest and spans of different layers overlap: no overlap check.
    lines += ["<OVERLAP>\tArg1:<ENTITY>, Arg2:<ENTITY>, <OVL-TYPE>:<ANY>", "", "[events]", ""]
    lines += [f"{t.name}\t{t.args}" for c in confs for t in c.event_types]
    lines += ["", "[attributes]", "", *(a for c in confs for a in c.attributes)]
    return "\n".join(lines) + "\n"


def visual_conf() -> str:
    """The ``visual.conf``: labels and colours of every span and event type, arc styles."""
    confs: list[BratConf] = [part.conf() for _, part in _parts()]
    types = [t for c in confs for t in c.span_types] + [t for c in confs for t in c.event_types]
    lines = ["# newsgold: brat visual configuration.", "", "[labels]", ""]
    lines += [" | ".join((t.name, *t.labels)) for t in types]
    lines += ["", "[drawing]", "", *(f"{t.name}\t{t.drawing}" for t in types)]
    lines += [
        "SPAN_DEFAULT\tfgColor:black, bgColor:lightgreen, borderColor:darken",
        "ARC_DEFAULT\tcolor:black, arrowHead:triangle-5",
        *(f"{r.name}\t{r.drawing}" for c in confs for r in c.relation_types if r.drawing),
        "ATTRIBUTE_DEFAULT\tglyph:*",
    ]
    return "\n".join(lines) + "\n"


def tools_conf() -> str:
    """The ``tools.conf``: brat's options, a search link, and one ``[normalization]`` line per
    resource the layers declare (``Wikipedia``), with no look-up database (``DB:<NONE>``):
    brat then accepts the ``N`` lines, lets the annotator type an ID and links it."""
    norms = [n for _, part in _parts() for n in part.conf().normalizations]
    return (
        "\n".join(
            [
                "# newsgold: brat tools configuration.",
                "",
                "[options]",
                "",
                "Validation\tvalidate:all",
                "Tokens\ttokenizer:whitespace",
                "Sentences\tsplitter:newline",
                "Annotation-log\tlogfile:<NONE>",
                "",
                "[search]",
                "",
                "Wikipedia\t<URL>:https://en.wikipedia.org/wiki/Special:Search?search=%s",
                "",
                "[annotators]",
                "",
                "[disambiguators]",
                "",
                "[normalization]",
                "",
                *(f"{n.name}\tDB:<NONE>, <URL>:{n.url}, <URLBASE>:{n.urlbase}" for n in norms),
            ]
        )
        + "\n"
    )


# ---------------------------------------------------------------- writing


def _clean(text: str) -> str:
    """Span text for the third field of a T line: no tabs or line ends."""
    return re.sub(r"[\t\n\r]", " ", text)


def _fragments(spans: Sequence[Any]) -> tuple[str, str]:
    offsets = ";".join(f"{s.start} {s.end}" for s in spans)
    return offsets, " ".join(_clean(s.text) for s in spans)


def _note(value: dict[str, Any]) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(", ", ": "))


def _order(bid: str) -> tuple[int, int]:
    return LETTERS.index(bid[0]), int(bid[1:])


class _Writer:
    """One document being written (a :class:`~newsgold.layers.parts.BratWriting`)."""

    def __init__(self, document: Document) -> None:
        self.doc = document
        self.counters: dict[str, int] = defaultdict(int)
        self.lines: dict[str, list[str]] = defaultdict(list)
        self.ids: dict[str, str] = {}
        self.brat: dict[str, str] = {}

    def add(self, letter: str, body: str, canonical: str | None = None) -> str:
        self.counters[letter] += 1
        bid = f"{letter}{self.counters[letter]}"
        if canonical is not None:
            self.ids[bid] = canonical
            self.brat[canonical] = bid
        self.lines[letter].append(f"{bid}\t{body}")
        return bid

    def span(self, type: str, spans: Sequence[Any], canonical: str | None = None) -> str:
        offsets, text = _fragments(spans)
        return self.add("T", f"{type} {offsets}\t{text}", canonical)

    def relation(self, name: str, arg1: str, arg2: str) -> None:
        self.add("R", f"{name} Arg1:{arg1} Arg2:{arg2}")

    def note(self, target: str, value: dict[str, Any]) -> None:
        self.add("#", f"AnnotatorNotes {target}\t{_note(value)}")

    def ann(self) -> str:
        out = [line for letter in LETTERS for line in self.lines[letter]]
        return "".join(line + "\n" for line in out)

    def write(self) -> tuple[str, dict[str, Any]]:
        doc = self.doc
        parts = [part for _, part in _parts()]
        for part in parts:
            if part.write is not None:
                part.write(self)
        meta: dict[str, Any] = {
            "format": SIDE_FORMAT,
            "version": SIDE_VERSION,
            "id": doc.id,
            "text_sha256": doc.text_sha256,
            "schema_version": doc.schema_version,
            "metadata": doc.metadata.to_dict(),
            "annotated_layers": list(doc.annotated_layers),
        }
        for part in parts:
            if part.kept is not None:
                meta.update(part.kept(doc))
        meta["ids"] = {bid: self.ids[bid] for bid in sorted(self.ids, key=_order)}
        for part in parts:
            if part.side is not None:
                meta.update(part.side(self))
        meta["overrides"] = []
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
    derived, _ = _derive(document.id, document.text, ann, meta)
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
    for _, part in _parts():
        if part.not_carried is not None:
            lost += [
                NotCarried(document.id, p, why, side) for p, why in part.not_carried(document, meta)
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
    """Write a brat folder: ``.txt``, ``.ann``, ``.meta.json`` per document, three .conf files."""
    converted = [to_brat(d) for d in documents]
    with staged_output(out) as tmp:
        (tmp / "annotation.conf").write_text(annotation_conf(), encoding="utf-8", newline="\n")
        (tmp / "visual.conf").write_text(visual_conf(), encoding="utf-8", newline="\n")
        (tmp / "tools.conf").write_text(tools_conf(), encoding="utf-8", newline="\n")
        for b in converted:
            (tmp / f"{b.doc_id}.txt").write_bytes(b.txt.encode("utf-8"))
            (tmp / f"{b.doc_id}.ann").write_bytes(b.ann.encode("utf-8"))
            (tmp / side_file_name(b.doc_id)).write_bytes(b.meta_json().encode("utf-8"))
        files = written_files(tmp)
    lost = tuple(n for b in converted for n in b.not_carried)
    return ConversionResult("brat", out, files, len(converted), lost)


# ---------------------------------------------------------------- reading


_T_RE = re.compile(r"^(T\d+)\t(\S+) (\d+ \d+(?:;\d+ \d+)*)\t(.*)$")
_E_RE = re.compile(r"^(E\d+)\t(\S+):(T\d+)((?: \S+:[TE]\d+)*) ?$")
_R_RE = re.compile(r"^(R\d+)\t(\S+) Arg1:([TE]\d+) Arg2:([TE]\d+)\s*$")
_A_RE = re.compile(r"^([AM]\d+)\t(\S+) ([TER]\d+)(?: (\S+))?\s*$")
_N_RE = re.compile(r"^(N\d+)\t(\S+) ([TE]\d+) (\S+)\t(.*)$")
_NOTE_RE = re.compile(r"^(#\d+)\tAnnotatorNotes ([TERN]\d+)\t(.*)$")


def _span_text_problem(
    name: str, lineno: int, bid: str, column: str, text: str, frags: list[tuple[int, int]]
) -> Problem | None:
    """A problem when the text column of a ``T`` line is not the ``.txt`` at its offsets."""
    found = " ".join(_clean(text[s:e]) for s, e in frags)
    if column == found:
        return None
    where = ";".join(f"{s}:{e}" for s, e in frags)
    return problem(
        "brat-span-text-mismatch",
        name,
        "",
        f"line {lineno}: {bid} text {json.dumps(column, ensure_ascii=False)} "
        f"!= .txt[{where}] {json.dumps(found, ensure_ascii=False)}",
        "correct the offsets or the text column (the .txt is the exported text)",
    )


def _carriage_return(name: str, ann: str) -> Problem:
    """An L1 problem: the ``.ann`` has a carriage return (CRLF line ends, most often)."""
    at = ann.index("\r")
    line = ann.count("\n", 0, at) + 1
    what = "a CRLF line end" if ann[at + 1 : at + 2] == "\n" else "a carriage return"
    return problem(
        "crlf-line-ends",
        name,
        "",
        f"line {line}: {what} (brat standoff has LF line ends only)",
        "save the .ann with LF line ends (for example with dos2unix)",
    )


def _parse_ann(name: str, ann: str, text: str) -> tuple[BratAnnotations, list[Problem]]:
    """The parsed lines, and the ``T`` lines whose text column is not the ``.txt`` at their
    offsets (read by their offsets all the same, so that later checks still run); a line
    that cannot be read raises :class:`ConversionError` with every problem found."""
    if "\r" in ann:
        raise ConversionError([_carriage_return(name, ann)])
    out = BratAnnotations()
    errors: list[Problem] = []
    mismatches: list[Problem] = []
    seen: set[str] = set()
    text_length = len(text)

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
            mismatch = _span_text_problem(name, lineno, m.group(1), m.group(4), text, frags)
            if mismatch is not None:
                mismatches.append(mismatch)
            out.t[m.group(1)] = BratSpan(m.group(2), frags, lineno)
        elif m := _E_RE.match(line):
            args = [tuple(a.split(":", 1)) for a in m.group(4).split()]
            out.e[m.group(1)] = BratEvent(
                m.group(2), m.group(3), [(a[0], a[1]) for a in args], lineno
            )
        elif m := _R_RE.match(line):
            out.r.append((m.group(2), m.group(3), m.group(4), lineno))
            out.r_lines[m.group(1)] = out.r[-1]
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
    errors += _unknown_names(name, out) + _unknown_ids(name, out, seen)
    if errors:
        raise ConversionError(sorted([*errors, *mismatches], key=_line_of))
    return out, mismatches


def _declared() -> dict[str, list[str]]:
    """The names ``annotation.conf`` declares for the registered layers, by kind of name."""
    confs = [part.conf() for _, part in _parts()]
    events = [t.name for c in confs for t in c.event_types]
    return {
        "span type": [t.name for c in confs for t in c.span_types] + events,
        "event type": events,
        "relation type": [r.name for c in confs for r in c.relation_types],
        "attribute": [a.split("\t", 1)[0] for c in confs for a in c.attributes],
    }


def _unknown_names(name: str, ann: BratAnnotations) -> list[Problem]:
    """A span, event, relation or attribute type that ``annotation.conf`` does not declare."""
    declared = _declared()
    used = [
        *(("span type", t.type, t.line) for t in ann.t.values()),
        *(("event type", e.type, e.line) for e in ann.e.values()),
        *(("relation type", rtype, line) for rtype, _, _, line in ann.r),
        *(("attribute", atype, line) for atype, _, _, line in ann.a),
    ]
    found = []
    for kind, value, line in used:
        if value in declared[kind]:
            continue
        close = difflib.get_close_matches(value, declared[kind], n=1)
        guess = f'did you mean "{close[0]}"? ' if close else ""
        found.append(
            problem(
                "brat-type-unknown",
                name,
                "",
                f'line {line}: {kind} "{value}" is not declared in annotation.conf',
                f"{guess}use a name that annotation.conf declares, or remove the line",
            )
        )
    return found


def _unknown_ids(name: str, ann: BratAnnotations, ids: set[str]) -> list[Problem]:
    """An ``E``, ``R``, ``A``, ``N`` or ``#`` line that refers to an id the file does not have."""
    refs = [
        *((e.line, [e.trigger, *(target for _, target in e.args)]) for e in ann.e.values()),
        *((line, [arg1, arg2]) for _, arg1, arg2, line in ann.r),
        *((line, [target]) for _, target, _, line in ann.a),
        *((line, [target]) for target, _, _, line in ann.n),
        *((line, [target]) for target, (_, line) in ann.notes.items()),
    ]
    return [
        problem(
            "brat-reference-unknown",
            name,
            "",
            f"line {line}: {bid} is not an annotation of this file",
            "refer to an annotation of this .ann, or remove the line",
        )
        for line, bids in refs
        for bid in bids
        if bid not in ids
    ]


def _line_of(found: Problem) -> int:
    return int(found.message.split(":", 1)[0].removeprefix("line "))


class _Reader:
    """One document being read back (a :class:`~newsgold.layers.parts.BratReading`)."""

    def __init__(self, doc_id: str, text: str, ann: str, meta: dict[str, Any]) -> None:
        self.doc_id = doc_id
        self.read_lines: set[int] = set()
        self.name = f"{doc_id}.ann"
        self.text = text
        self.meta = meta
        self.ann, self.mismatches = _parse_ann(self.name, ann, text)
        self.errors: list[Problem] = []
        self.parts = _parts()
        self.ids: dict[str, str] = dict(meta.get("ids", {}))
        self.exported = set(self.ids)
        self.used: set[str] = set(self.ids.values())
        for _, part in self.parts:
            if part.reserved is not None:
                self.used.update(part.reserved(meta))
        self.anchors: dict[str, str] = {}
        self.resolvers: dict[str, Callable[[str | None], str | None]] = {}
        self.rels: dict[str, list[tuple[str, str, int]]] = defaultdict(list)
        self.attrs: dict[tuple[str, str], str | None] = {}
        self.flagged: dict[str, list[str]] = defaultdict(list)

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

    def spans(self, t: BratSpan) -> list[dict[str, Any]]:
        return [{"start": s, "end": e, "text": self.text[s:e]} for s, e in t.fragments]

    def use(self, line: int) -> None:
        self.read_lines.add(line)

    def is_new(self, bid: str) -> bool:
        return bid not in self.exported

    def note(self, bid: str) -> dict[str, Any]:
        if bid not in self.ann.notes:
            return {}
        raw, line = self.ann.notes[bid]
        self.use(line)
        if self.is_new(bid) and not raw.lstrip().startswith("{"):
            return {"description": raw.strip()}
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

    def targets(self, rtype: str, arg1: str) -> list[str]:
        found = [(a2, line) for a1, a2, line in self.rels[rtype] if a1 == arg1]
        self.read_lines.update(line for _, line in found)
        return [a2 for a2, _ in found]

    def one(self, rtype: str, arg1: str) -> str | None:
        found = self.targets(rtype, arg1)
        if len(found) > 1:
            self.fail(self.ann.t[arg1].line, f"{arg1} has {len(found)} {rtype} relations; keep one")
        return found[0] if found else None

    def attr(self, atype: str, bid: str, line: int) -> str | None:
        self.read_lines.update(n for a, t, _, n in self.ann.a if (a, t) == (atype, bid))
        value = self.attrs.get((atype, bid))
        if value is None:
            self.fail(line, f"{bid} has no {atype} attribute; add one")
        return value

    def flags(self, bid: str) -> list[str]:
        self.read_lines.update(n for _, t, v, n in self.ann.a if t == bid and v is None)
        return self.flagged[bid]

    def resolve(self, kind: str, bid: str | None) -> str | None:
        return None if bid is None or kind not in self.resolvers else self.resolvers[kind](bid)

    def resolver(self, kind: str, resolve: Callable[[str | None], str | None]) -> None:
        self.resolvers[kind] = resolve

    def _group(self) -> None:
        """Relations by type, valued attributes by (type, target), binary ones by target."""
        for rtype, arg1, arg2, line in self.ann.r:
            self.rels[rtype].append((arg1, arg2, line))
        for atype, target, value, line in self.ann.a:
            if value is None:
                self.flagged[target].append(atype)
            else:
                if (atype, target) in self.attrs:
                    self.fail(line, f"a second {atype} on {target}; keep one")
                self.attrs[(atype, target)] = value

    def derive(self) -> dict[str, Any]:
        self._group()
        meta = self.meta
        derived: dict[str, Any] = {
            "id": meta.get("id", self.doc_id),
            "schema_version": meta.get("schema_version"),
            "metadata": meta.get("metadata"),
            "text": self.text,
            "text_sha256": hashlib.sha256(self.text.encode("utf-8")).hexdigest(),
            "annotated_layers": meta.get("annotated_layers", []),
        }
        listed = derived["annotated_layers"]
        listed = listed if isinstance(listed, list) else []
        for name, part in self.parts:
            records = part.read(self)
            if has_layer_key(name, listed, len(records)):
                derived[name] = records
        self._unread()
        return derived

    def _unread(self) -> None:
        """Report every ``A``, ``R``, ``N`` and ``#`` line that no layer read: one on an
        annotation of the wrong kind (a ``MentionType`` on a quote, a normalisation on a
        mention that is not its entity's first), which the document would lose."""
        if self.errors:  # a layer that failed may not have read its lines
            return
        lines = [
            *((n, f"attribute {a} on {t}") for a, t, _, n in self.ann.a),
            *((n, f"relation {r} from {a1} to {a2}") for r, a1, a2, n in self.ann.r),
            *((n, f"normalisation {ref} on {t}") for t, ref, _, n in self.ann.n),
            *((n, f"note on {t}") for t, (_, n) in self.ann.notes.items()),
        ]
        for line, what in sorted(lines):
            if line not in self.read_lines:
                self.errors.append(
                    problem(
                        "brat-line-not-carried",
                        self.name,
                        "",
                        f"line {line}: the {what} is read by no layer: no layer has it "
                        "on an annotation of this type or in this place",
                        "remove the line, or put it on the annotation it belongs to "
                        "(an entity's note and normalisation go on its first mention)",
                    )
                )


def _derive(
    doc_id: str, text: str, ann: str, meta: dict[str, Any]
) -> tuple[dict[str, Any], list[Problem]]:
    """The canonical value read from the brat files, and the ``T`` lines whose text column
    disagrees with the ``.txt``; raise :class:`ConversionError` on a line that cannot be read."""
    reader = _Reader(doc_id, text, ann, meta)
    derived = reader.derive()
    if reader.errors:
        raise ConversionError([*reader.mismatches, *reader.errors])
    return derived, reader.mismatches


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


def _text_problems(doc_id: str, txt: str, meta: Mapping[str, Any]) -> list[Problem]:
    """The ``.txt`` must be the text that was exported: its SHA-256 is in the side file."""
    side = side_file_name(doc_id)
    recorded = meta.get("text_sha256")
    if not isinstance(recorded, str):
        return [
            problem(
                "brat-side-file-invalid",
                side,
                "/text_sha256",
                f"no text_sha256 string (found {json.dumps(recorded)}): the text cannot be checked",
                "keep the side file that `newsgold convert --to brat` wrote",
            )
        ]
    actual = hashlib.sha256(txt.encode("utf-8")).hexdigest()
    if actual == recorded:
        return []
    return [
        problem(
            "brat-text-changed",
            f"{doc_id}.txt",
            "",
            f"text SHA-256 {actual} != {recorded} recorded in {side}: "
            "the text is not the one exported",
            "restore the .txt that `newsgold convert --to brat` wrote "
            "and change the text in the canonical document",
        )
    ]


def from_brat(doc_id: str, txt: str, ann: str, meta: dict[str, Any]) -> Document:
    """Read one document from its brat files; raise :class:`ConversionError` on anything wrong.

    The annotated layers are those the side file lists (none when ``annotated_layers`` is
    None, as for a ``.ann`` annotated from scratch, see :func:`scratch_meta`), and after
    them each layer that has records now (annotated in brat)."""
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
    found = _text_problems(doc_id, txt, meta)  # reported with whatever else is wrong
    mapped = meta.get("ids") or {}
    if not ann.strip() and mapped:
        raise ConversionError(
            [
                *found,
                problem(
                    "brat-ann-emptied",
                    f"{doc_id}.ann",
                    "",
                    f"empty, but {side} maps {len(mapped)} annotation(s) to it",
                    f"restore the .ann, or remove the ids from {side} to delete every annotation",
                ),
            ]
        )
    try:
        derived, mismatches = _derive(doc_id, txt, ann, meta)
    except ConversionError as err:
        raise ConversionError([*found, *err.problems]) from err
    found += mismatches
    listed = derived["annotated_layers"] or []
    if isinstance(listed, list):
        found_in = [n for n in layers.names() if derived.get(n) and n not in listed]
        derived["annotated_layers"] = [*listed, *found_in]
    errors = _apply_overrides(side, derived, list(meta.get("overrides", [])))
    if errors:
        raise ConversionError([*found, *errors])
    found += validate_document_value(derived, f"{doc_id}.ann")
    if found:
        raise ConversionError(found)
    return Document.from_dict(derived)


START_SUFFIX = ".doc.json"
"""The start file a user may write beside a ``.txt`` annotated from scratch."""
_START_KEYS = ("metadata", "annotated_layers")


def _start_file(path: Path) -> tuple[dict[str, Any], list[Problem]]:
    """The start file ``<id>.doc.json`` (none: ``{}``): a JSON object with ``metadata`` (an
    object whose keys replace the defaults) and ``annotated_layers``, both optional."""
    from newsgold.io import parse_json_file

    if not path.exists() and not path.is_symlink():
        return {}, []
    value, found = parse_json_file(path)
    if found:
        return {}, found

    def bad(at: str, message: str) -> list[Problem]:
        hint = 'write {"metadata": {...}, "annotated_layers": [...]}, both optional'
        return [problem("brat-start-file-invalid", str(path), at, message, hint)]

    if not isinstance(value, dict):
        return {}, bad("", "not a JSON object")
    unknown = [k for k in value if k not in _START_KEYS]
    if unknown:
        return {}, bad(pointer(unknown[0]), f'unknown key "{unknown[0]}"')
    if not isinstance(value.get("metadata", {}), dict):
        return {}, bad("/metadata", "metadata is not a JSON object")
    return value, []


def scratch_meta(doc_id: str, text: str, facts: Facts, start: Mapping[str, Any]) -> dict[str, Any]:
    """The side file of a document annotated from scratch: the metadata of :mod:`newsgold.new`
    from ``facts``, each key of the start file's ``metadata`` in place of the default, and
    its ``annotated_layers`` (None when it gives none)."""
    from newsgold.model import SCHEMA_VERSION
    from newsgold.new import metadata

    meta = metadata(facts, f"{doc_id}.txt", text)
    meta.update(start.get("metadata", {}))
    return {
        "format": SIDE_FORMAT,
        "version": SIDE_VERSION,
        "id": doc_id,
        "text_sha256": hashlib.sha256(text.encode("utf-8")).hexdigest(),
        "schema_version": SCHEMA_VERSION,
        "metadata": meta,
        "annotated_layers": start.get("annotated_layers"),
        "ids": {},
        "overrides": [],
    }


def _from_start(problems: list[Problem], start: Path, value: Mapping[str, Any]) -> list[Problem]:
    """Problems at a value the start file gave, named by the start file."""
    given = [pointer("metadata", k) for k in value.get("metadata", {})]
    if "annotated_layers" in value:
        given.append(pointer("annotated_layers"))
    return [
        dataclasses.replace(p, file=str(start))
        if any(p.pointer == g or p.pointer.startswith(g + "/") for g in given)
        else p
        for p in problems
    ]


def _read_scratch(txt_path: Path, ann: str, facts: Facts) -> Document:
    """One document annotated from scratch: the ``.txt`` bytes are its text, unchanged (a
    file that would have to change is refused); metadata from ``facts`` and the start file."""
    from newsgold.new import text_of

    doc_id = txt_path.stem
    start_path = txt_path.with_name(doc_id + START_SUFFIX)
    start, found = _start_file(start_path)
    text, refused = text_of(txt_path.read_bytes(), str(txt_path))
    found += refused
    if found or text is None:
        raise ConversionError(found)
    meta = scratch_meta(doc_id, text, facts, start)
    try:
        return from_brat(doc_id, text, ann, meta)
    except ConversionError as err:
        raise ConversionError(_from_start(err.problems, start_path, start)) from err


def _read_exported(folder: Path, txt_path: Path, ann: str, meta_path: Path) -> Document:
    """One document of a folder written by :func:`write_brat`, with its side file."""
    doc_id = txt_path.stem
    try:
        text = txt_path.read_bytes().decode("utf-8")
        meta = json.loads(meta_path.read_bytes().decode("utf-8"))
    except UnicodeDecodeError as err:
        message, hint = f"not UTF-8 at byte {err.start}", "save the files as UTF-8"
        raise ConversionError(
            [problem("invalid-utf8", f"{folder}/{doc_id}.*", "", message, hint)]
        ) from err
    except json.JSONDecodeError as err:
        message = f"not JSON ({err.msg} at line {err.lineno})"
        raise ConversionError(
            [problem("invalid-json", str(meta_path), "", message, "fix the JSON")]
        ) from err
    if not isinstance(meta, dict):
        message, hint = "not a JSON object", "keep the side file that newsgold wrote"
        raise ConversionError(
            [problem("brat-side-file-invalid", str(meta_path), "", message, hint)]
        )
    if meta.get("id") != doc_id:
        message = f'id {json.dumps(meta.get("id"))} != file name "{doc_id}"'
        hint = "name the files after the document id"
        raise ConversionError([problem("brat-id-mismatch", str(meta_path), "/id", message, hint)])
    return from_brat(doc_id, text, ann, meta)


def _read_one(folder: Path, txt_path: Path, facts: Facts) -> Document:
    doc_id = txt_path.stem
    ann_path = folder / f"{doc_id}.ann"
    meta_path = folder / side_file_name(doc_id)
    start_path = folder / f"{doc_id}{START_SUFFIX}"
    paths = (txt_path, ann_path, meta_path, start_path)
    links = [p.name for p in paths if p.is_symlink()]
    if links:
        message, hint = f"{', '.join(links)} is a symbolic link", "copy the file into the folder"
        raise ConversionError([problem("brat-symlink", str(folder), "", message, hint)])
    if not ann_path.is_file():
        message = f"{ann_path.name} missing beside it"
        hint = "every document needs .txt and .ann (brat makes an empty .ann for a new text)"
        raise ConversionError([problem("brat-file-missing", str(txt_path), "", message, hint)])
    try:
        ann = ann_path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as err:
        message, hint = f"not UTF-8 at byte {err.start}", "save the .ann as UTF-8"
        raise ConversionError([problem("invalid-utf8", str(ann_path), "", message, hint)]) from err
    if meta_path.is_file():
        return _read_exported(folder, txt_path, ann, meta_path)
    return _read_scratch(txt_path, ann, facts)


def read_brat(folder: Path, facts: Facts | None = None) -> list[Document]:
    """Read every document of a brat folder: one written by :func:`write_brat` (perhaps edited
    since), or ``.txt`` and ``.ann`` files annotated from scratch, with no side file: their
    metadata comes from ``facts`` and an optional start file ``<id>.doc.json``."""
    from newsgold.new import Facts

    if not folder.is_dir():
        message, hint = "not a folder", "give the brat folder"
        raise ConversionError([problem("brat-folder-invalid", str(folder), "", message, hint)])
    txts = sorted(folder.glob("*.txt"))
    if not txts:
        message, hint = "no .txt files", "give a folder of brat .txt and .ann files"
        raise ConversionError([problem("brat-folder-invalid", str(folder), "", message, hint)])
    docs = []
    errors: list[Problem] = []
    for txt_path in txts:
        try:
            docs.append(_read_one(folder, txt_path, facts or Facts()))
        except ConversionError as err:
            errors.extend(err.problems)
    if errors:
        raise ConversionError(errors)
    return docs


def brat_to_canonical(folder: Path, out: Path, facts: Facts | None = None) -> ConversionResult:
    """Read a brat folder and write one canonical ``<id>.json`` per document into ``out``
    (``facts``: the metadata of documents annotated from scratch, see :func:`read_brat`)."""
    docs = read_brat(folder, facts)
    with staged_output(out) as tmp:
        for doc in docs:
            (tmp / f"{doc.id}.json").write_bytes(canonical_json(doc).encode("utf-8"))
        files = written_files(tmp)
    return ConversionResult("canonical", out, files, len(docs))

"""Score predictions against the gold, one evaluation view at a time.

The views (``--layer``) are declared by the layers (``EVALUATIONS`` in each module
of :mod:`newsgold.layers`, an :class:`~newsgold.layers.evaluation.Evaluation`
each); this module reads, checks and dispatches the predictions and renders the
report. The views of the corpus are described below.

Predictions (``schema/prediction.schema.json``) come as a ``.json`` prediction
document, a folder of them, or a ``.jsonl`` file whose lines are prediction
documents, layer records or IOB2 rows of the ``ner``/``ner_conll`` configs.
They are validated against the schema and the gold, and no score is reported
unless all of them are valid; problems are :class:`~newsgold.issues.Problem`
values (codes of the "prediction" domain of :data:`newsgold.issues.CODES`, and
the document codes), all reported at once, in file then line order.
Spans and references are checked by the document checker
(:class:`newsgold.layers.base.Context`), relaxed: a span's ``text`` may be left
out and ids need no prefix. In a ``.jsonl`` file the first token of a pointer is
the 0-based line index. A file over 50 MB, one that is not a regular file, a link
out of a prediction folder and a prediction of nothing (an empty ``.jsonl``, a
folder without prediction files) are refused; predicting none for a document is
written as a document with empty lists. The same prediction given twice for a
document (two records, or a record and a prediction document, in either order)
is a problem at the second (``duplicate-span`` for NER, ``duplicate-prediction``
for the other views).

Predictions may come in any order, across files. They are read twice: a first
pass finds where the predictions of each document id are (:func:`index_predictions`);
then the gold is read once, one document at a time, and each gold document's
predictions are read from there, checked and scored with it; nothing of it is kept
after. A prediction file that changes between the two passes is refused
(``file-unreadable``), and so is a gold file that changes before a second pass over
the scored documents (``--errors``) reads it again.

The definitions of every measure follow (:func:`measures`).
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
import json
import re
from collections.abc import Callable, Container, Iterable, Iterator, Sequence
from contextlib import closing
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, NamedTuple, TypeVar

from newsgold import layers as registry
from newsgold.io import (
    collector_paused,
    collector_spaced,
    file_problems,
    loads_quick,
    parse_json_file,
    parse_json_text,
    read_file_bytes,
)
from newsgold.issues import Problem, ProblemError, pointer, problem
from newsgold.layers.base import short
from newsgold.layers.evaluation import (
    HEADER,
    ErrorRecord,
    Evaluation,
    PredictionContext,
    Run,
    Tagged,
)
from newsgold.model import Document
from newsgold.progress import Progress, silent
from newsgold.scoring import DEFINITIONS, Table, plain, render_json, render_text, rounded

_T = TypeVar("_T")


def evaluations() -> tuple[Evaluation, ...]:
    """Every registered evaluation view, in registry order."""
    return tuple(view for layer in registry.layers() for view in layer.evaluations)


def view(name: str) -> Evaluation:
    """The view called ``name``; ``ValueError`` when there is none."""
    for found in evaluations():
        if found.name == name:
            return found
    names = ", ".join(v.name for v in evaluations())
    raise ValueError(f'unknown layer "{name}"; use one of: {names}')


_COMMON = """\
Only gold documents that annotate the layer are scored; a scored document with
no prediction counts as an empty prediction. All counts are micro-averaged over
the scored documents. The gold is the reference, the prediction the response;
matching, P/R/F1 and its rule for empty sides are those of
newsgold.scoring, quoted under SHARED DEFINITIONS below. An accuracy over
no matched pair is 0.

Referents. A predicted speaker, holder, argument or target is a referent: the
set of the spans that refer to it (an entity's spans, an event's trigger spans).
It is aligned to the gold referent that shares the most exact spans with it,
the first in document order on a tie; one that shares none is aligned to
nothing and is wrong (only the lenient speaker measure of the quotes looks
further). A gold document given as its own prediction aligns
every referent to itself.
"""


def measures() -> str:
    """The definitions of every measure: each view's, then the shared ones (the dataset
    card quotes this text)."""
    return (
        f"{_COMMON}\n"
        + "".join(f"{v.description.strip()}\n\n" for v in evaluations())
        + f"SHARED DEFINITIONS (newsgold.scoring; A is the gold, B the prediction)\n"
        f"{DEFINITIONS}\n\n" + _ERRORS_INTRO + "".join(_errors_doc(v) for v in evaluations())
    )


_ERRORS_INTRO = """\
ERROR RECORDS (``--errors OUT.jsonl``). One JSON line per gold or predicted unit
of the view, or per matched pair of both, derived from the matching that gives
the figures: id (err-1, err-2, ... in document then text order), doc_id, layer,
unit, category, gold_id, gold_spans, gold_text, gold_label, pred_index (the
position of the prediction among the document's normalised predictions of the
view; predicted ids are not kept), pred_spans, pred_text, pred_label, checks,
and sentence_id for IOB2 rows. Spans are [start, end] character offsets. A file
of predictions that does not validate writes no records.

"""


def _errors_doc(scored: Evaluation) -> str:
    if scored.errors is None:
        return ""
    rows = "".join(f"  {k}: {v}\n" for k, v in scored.errors.categories.items())
    return f"{scored.errors.doc.strip()}\nCategories:\n{rows}\n"


__doc__ = f"{__doc__}\n{measures()}"


def docs() -> str:
    """The module documentation with every definition, as ``newsgold evaluate --docs``
    prints it."""
    return __doc__ or ""


LAYERS: tuple[str, ...] = tuple(v.name for v in evaluations())
"""The views ``newsgold evaluate`` scores (those of the built-in layers)."""

LABEL_SETS: tuple[str, ...] = ("ontonotes", "conll")
"""NER label sets: the 18 OntoNotes types, or the four CoNLL-2003 types."""


class PredictionError(ProblemError):
    """The predictions (or the gold) do not validate; ``problems`` says where and why."""

    empty_message = "invalid prediction"


# ---------------------------------------------------------------- schema


@cache
def _schemas(version: int) -> dict[str, Any]:
    """The schema of each kind of prediction (``version``: the registry's, for the cache):
    a reference into ``schema/prediction.schema.json``, or the record schema a layer
    from outside the package declares. Plain JSON, made without the schema library: the
    quick check is made from it, so valid predictions never import that library (the
    suite checks the schema file against the 2020-12 meta-schema)."""
    from newsgold.validate import schema_files

    pred_id = schema_files("prediction")[0]["$id"]

    def of(name: str) -> dict[str, Any]:
        return {"$ref": f"{pred_id}#/$defs/{name}"}

    out = {"document": of("document"), "iob2_row": of("iob2_row")}
    for v in evaluations():
        name = f"record_{v.name}"
        out[name] = dict(v.record_schema) if v.record_schema is not None else of(name)
    return out


@cache
def _validators(version: int) -> dict[str, Any]:
    """The ``jsonschema`` validator of each kind of prediction (:func:`_schemas`): it
    alone says what is wrong with a prediction that the quick check does not pass."""
    from referencing import Registry, Resource

    from newsgold.validate import schema_files, strict_validator

    resources = [
        (s["$id"], Resource.from_contents(s))
        for s in schema_files("prediction", "document", "labels")
    ]
    schemas: Registry[Any] = Registry().with_resources(resources)
    strict = strict_validator()
    return {kind: strict(schema, registry=schemas) for kind, schema in _schemas(version).items()}


@cache
def _fast_checker() -> Any:
    """The :class:`newsgold.validate.FastChecker` over the prediction schema files (made
    once; each kind's quick check is then compiled when it is first needed)."""
    from newsgold.validate import fast_checker, schema_files

    return fast_checker(schema_files("prediction", "document", "labels"))


@cache
def _fast_check(version: int, kind: str) -> Any:
    """The quick check (:class:`newsgold.validate.FastCheck`) of one kind's schema
    (:func:`_schemas`), compiled when it is first asked for; None where there is none."""
    schema = _schemas(version).get(kind)
    maker = _fast_checker()
    return None if schema is None or maker is None else maker(schema)


def schema_problems(
    value: Any, kind: str, file: str, base: tuple[str | int, ...] = ()
) -> list[Problem]:
    """Problems of ``value`` (as parsed from JSON) against ``#/$defs/<kind>`` of the
    prediction schema."""
    from newsgold.validate import schema_problems as from_errors

    version = registry.version()
    fast = _fast_check(version, kind)
    if fast is not None and fast.source is _schemas(version)[kind] and fast(value):
        return []
    return from_errors(
        _validators(version)[kind].iter_errors(value),
        file,
        base,
        "schema/prediction.schema.json",
    )


# ---------------------------------------------------------------- normalised predictions


@dataclass
class Prediction:
    """The predictions for one document, normalised from any input form."""

    doc_id: str
    items: dict[str, list[Any]] = field(default_factory=dict)
    """View name -> the view's normalised predictions."""
    iob2: dict[str, list[str]] = field(default_factory=dict)
    """Sentence id -> predicted IOB2 tag names (IOB2 rows only)."""

    def of(self, name: str) -> list[Any]:
        """The normalised predictions of the view called ``name``."""
        return self.items.setdefault(name, [])


def _text_checks(ck: PredictionContext, value: dict[str, Any], gold: Document) -> None:
    text = value.get("text")
    if isinstance(text, str) and text != gold.text:
        at = next(
            (i for i, (a, b) in enumerate(zip(text, gold.text, strict=False)) if a != b),
            min(len(text), len(gold.text)),
        )
        ck.add(
            pointer("text"),
            "text-mismatch",
            f"text differs from the gold text of {gold.id} at character {at}",
            "predict on the gold text, unchanged",
        )
    sha = value.get("text_sha256")
    if isinstance(sha, str) and sha != gold.text_sha256:
        ck.add(
            pointer("text_sha256"),
            "text-mismatch",
            f"text_sha256 {sha[:12]}... != gold {gold.text_sha256[:12]}...",
            "predict on the gold text, unchanged",
        )


def _from_document(
    value: dict[str, Any], gold: Document, file: str, base: tuple[str | int, ...], keep: str
) -> tuple[Prediction, list[Problem]]:
    """Normalise a schema-valid prediction document; check it against ``gold``.

    Every view normalises its part, in registry order (a view may use the referents
    of the views before it), so every part is checked; ids are checked as in a
    document. Only the normalised predictions of the view called ``keep`` (the one
    scored) are kept.
    """
    ck = PredictionContext(file, value, gold, base, keep)
    _text_checks(ck, value, gold)
    pred = Prediction(gold.id)
    if ck.problems:
        return pred, ck.problems
    ck.collect_ids(registry.layers())
    for v in evaluations():
        items = v.from_document(ck, value)
        if v.name == keep:
            pred.items[v.name] = items
    return pred, ck.problems


def _from_record(
    value: dict[str, Any],
    gold: Document,
    pred: Prediction,
    file: str,
    base: tuple[str | int, ...],
    labels: str,
) -> tuple[list[Any], list[Problem]]:
    """Normalise one schema-valid layer record for ``pred``; check it against ``gold``."""
    ck = PredictionContext(file, value, gold, base)
    items = view(value["layer"]).from_record(ck, value, pred.of(value["layer"]), labels)
    return items, ck.problems


# ---------------------------------------------------------------- reading


def _l1(file: str, where: str, code: str, message: str, hint: str) -> list[Problem]:
    return [problem(code, file, where, message, hint)]


def _jsonl_value(raw: bytes, index: int, name: str) -> tuple[bool, Any, list[Problem]]:
    """(blank, value, L1 problems) of the line ``index`` (0-based) of a JSONL file."""
    where = pointer(index)
    try:
        line = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        message = (
            f"line {index + 1}: byte 0x{raw[err.start]:02x} at byte {err.start} is not valid UTF-8"
        )
        return False, None, _l1(name, where, "invalid-utf8", message, "re-encode the file as UTF-8")
    if index == 0 and line.startswith("\ufeff"):
        message = "file starts with a UTF-8 byte-order mark"
        return False, None, _l1(name, where, "utf8-bom", message, "save as UTF-8 without BOM")
    if not line.strip():
        return True, None, []
    value, found = parse_json_text(line, name, where)
    if found:
        found = [dataclasses.replace(p, message=f"line {index + 1}: {p.message}") for p in found]
        return False, None, found
    return False, value, []


def _json_lines_hint(path: Path, found: list[Problem]) -> list[Problem]:
    """``found``, saying so when a file not named ``.jsonl`` holds JSON Lines."""
    if [p.code for p in found] != ["invalid-json"] or not found[0].message.startswith(
        "Extra data at line 2 column 1"
    ):
        return found
    hint = f"the file holds one JSON value a line (JSON Lines): name it {path.stem}.jsonl"
    return [dataclasses.replace(found[0], hint=hint)]


CONLL_MARKS: tuple[tuple[str, str, str], ...] = (
    (
        "-DOCSTART-",
        "CoNLL IOB2 text (the layout of convert --to conll)",
        "give IOB2 tags as JSON Lines rows in a .jsonl file, one sentence a line: "
        '{"doc_id": ..., "sentence_id": ..., "tokens": [...], "ner_tags": [...]} '
        "(schema/prediction.schema.json#/$defs/iob2_row; the tokens of the ner config)",
    ),
    (
        "#begin document",
        "CoNLL-2012 coreference text (the layout of convert --to conll2012)",
        "give entities as a prediction document (mentions with entity_id) or as coref/linking "
        "records in a .jsonl file (schema/prediction.schema.json); a CoNLL-2012 file is scored "
        "by the reference scorer (scorer.pl) against the gold written by convert --to conll2012",
    ),
)
"""The first line of a CoNLL file the tool writes, what it is, and what to give instead."""


_LINE = re.compile(rb"[^\r\n]+")
"""A line of bytes as ``bytes.splitlines`` gives it (the ends are CR, LF and CRLF), if not empty."""


def _conll_problem(path: Path) -> list[Problem]:
    """A ``prediction-not-json`` problem when ``path`` starts like a CoNLL file, else none."""
    try:
        with path.open("rb") as f:
            head = f.read(65536)
    except OSError:
        return []  # the JSON reader reports it
    # the first line that is not blank, found without splitting all of the head
    first = next((m[0] for m in _LINE.finditer(head) if m[0].strip()), b"")
    text = first.decode("utf-8", "replace").lstrip("\ufeff")
    for mark, what, hint in CONLL_MARKS:
        if text.startswith(mark):
            message = f"file is {what}, not JSON: its first line is {short(text, 40)}"
            return [problem("prediction-not-json", str(path), "", message, hint)]
    return []


def _prediction_files(path: Path) -> tuple[list[Path], list[Problem]]:
    """The files to read at ``path``, and the links of its folder that are not followed.

    A folder's ``*.json`` and ``*.jsonl`` files in name order; as for documents, a
    symbolic link that leads out of the folder is reported, not followed.
    """
    from newsgold.reader import link_problem

    if not path.is_dir():
        return [path], []
    files: list[Path] = []
    refused: list[Problem] = []
    for file in sorted([*path.glob("*.json"), *path.glob("*.jsonl")]):
        link = link_problem(file, path)
        if link is None:
            files.append(file)
        else:
            refused.append(link)
    return files, refused


# ---------------------------------------------------------------- the first pass: an index


_Lines = list[int]
"""Where predictions are in a file: ``[file, line, start, end]``, the contiguous lines
from ``line`` (0-based) of a JSONL file and their bytes ``start:end``; ``[file, 0, -1, -1]``
a prediction document file. ``file`` is an index into :attr:`PredictionIndex.files`."""

_At = tuple[int, int]
"""(file, line) of a problem: the problems of a run are reported in this order."""


@dataclass
class PredictionIndex:
    """The first pass over the prediction files: where each document's predictions are.

    Each value is read only as far as needed to learn the document it names (a prediction
    document's leading ``id``, :func:`_named`; else the value parsed by the fast parser,
    :func:`newsgold.io.loads_quick`), without a check; nothing of it is kept. ``runs`` maps
    a document id (of the gold, or any id when the gold is not known yet) to the places of
    its predictions in file then line order (a :data:`_Lines` each); ``unplaced`` holds
    those of values that name no such document or do not parse (the second pass reads,
    checks and reports them, with those of ids that are not gold ids). ``stamps`` holds each
    file's size and modification time when indexed: a file changed before it is read again
    is refused. ``problems`` are those of whole files (not readable, too large, CoNLL text,
    no line), with where they sort; ``rows`` counts the IOB2 rows placed.
    """

    files: list[Path] = field(default_factory=list)
    stamps: list[tuple[int, int]] = field(default_factory=list)
    runs: dict[str, list[_Lines]] = field(default_factory=dict)
    unplaced: list[_Lines] = field(default_factory=list)
    problems: list[tuple[_At, Problem]] = field(default_factory=list)
    rows: int = 0

    def place(self, key: str | None, lines: _Lines, last: _Lines | None) -> _Lines:
        """Add the place ``lines`` of a value for document ``key`` (None: unplaced),
        merged into ``last`` when that holds the lines just before it for the same key;
        return the place it is in."""
        target = self.unplaced if key is None else self.runs.setdefault(key, [])
        if last is not None and target and target[-1] is last and last[0] == lines[0]:
            last[3] = lines[3]
            return last
        target.append(lines)
        return lines


def _stamp(path: Path) -> tuple[int, int]:
    try:
        info = path.stat()
    except OSError:
        return (-1, -1)
    return (info.st_size, info.st_mtime_ns)


def _doc_key(value: Any, whole_file: bool, gold_ids: Container[str] | None) -> str | None:
    """The document a parsed prediction value names, as the checks will read it (a
    document's ``id``, a record's ``doc_id``, an IOB2 row's); None if it names none (of
    ``gold_ids``, when given)."""
    if not isinstance(value, dict):
        return None
    if whole_file or ("ner_tags" not in value and "layer" not in value):
        key = value.get("id")
    elif "ner_tags" in value:
        key = _row_ids({"id": None, **value})[0]
    else:
        key = value.get("doc_id")
    if not isinstance(key, str) or (gold_ids is not None and key not in gold_ids):
        return None
    return key


def _index_document(index: PredictionIndex, fi: int, gold_ids: Container[str] | None) -> None:
    path = index.files[fi]
    data, found = read_file_bytes(path)
    if data is None:
        index.problems.extend(((fi, 0), p) for p in found)
        return
    index.place(_doc_key(_named(data), True, gold_ids), [fi, 0, -1, -1], None)


_LEADING_ID = re.compile(rb'\{\s*"id"\s*:\s*"([^"\\\x00-\x1f]*)"\s*,')
"""The start of a prediction document whose first key is ``id``, a string with no escape."""


def _named(data: bytes) -> Any:
    """As much of a prediction document as the index needs: ``{"id": ...}`` from its first
    key where that is ``id`` (the way documents are written), else the value parsed.

    The id read so is the one the checks read, unless the file repeats the key ``id`` or
    is no JSON: then the checks find that wherever the file is placed, and nothing else.
    """
    found = _LEADING_ID.match(data)
    if found is not None:
        try:
            return {"id": found.group(1).decode("utf-8")}
        except UnicodeDecodeError:
            pass
    return loads_quick(data)


def _index_lines(index: PredictionIndex, fi: int, gold_ids: Container[str] | None) -> None:
    path = index.files[fi]
    name = str(path)
    refused = file_problems(path)
    if refused:
        index.problems.extend(((fi, 0), p) for p in refused)
        return
    try:
        handle = path.open("rb")
    except OSError as err:
        message = f"cannot read: {err.strerror or err}"
        found = _l1(name, "", "file-unreadable", message, "check the path and its permissions")
        index.problems.append(((fi, 0), found[0]))
        return
    lines, offset, last = 0, 0, None
    with handle:
        for i, raw in enumerate(handle):
            start, offset = offset, offset + len(raw)
            try:
                line: str | None = raw.decode("utf-8")
            except UnicodeDecodeError:
                line = None
            if line is not None and (i == 0 and line.startswith("\ufeff")):
                line = None
            elif line is not None and not line.strip():
                continue
            lines += 1
            value = loads_quick(raw) if line is not None else None
            key = _doc_key(value, False, gold_ids)
            if key is not None and isinstance(value, dict) and "ner_tags" in value:
                index.rows += 1
            last = index.place(key, [fi, i, start, offset], last)
    if not lines:
        message = (
            "file has no line: no prediction (predicting none is a document "
            "with an empty list, or a record of no item)"
        )
        hint = "write one prediction document, layer record or IOB2 row a line"
        index.problems.append(((fi, 0), problem("prediction-empty", name, "", message, hint)))


def index_predictions(
    path: Path, gold_ids: Container[str] | None = None, progress: Progress = silent
) -> tuple[PredictionIndex, list[Problem]]:
    """The first pass over the predictions at ``path`` (a file or a folder): where the
    predictions of each document of ``gold_ids`` are (``None``: of each document id
    named, the gold being read after). The problems returned stop the run (no such path,
    a folder with no prediction file); those of the index are reported with the second
    pass."""
    index = PredictionIndex()
    if not path.exists():
        message, hint = "no such file or folder", "give the path of a prediction file or folder"
        return index, _l1(str(path), "", "file-unreadable", message, hint)
    files, refused = _prediction_files(path)
    index.problems.extend(((-1, 0), p) for p in refused)
    if not files and not refused:
        message = "folder has no .json or .jsonl file: no prediction"
        hint = "give a folder of prediction files, or the path of one"
        if any(path.glob("*.conll")):
            message += " (its .conll files are CoNLL text, which evaluate does not read)"
            hint = "give predictions as JSON (schema/prediction.schema.json), not CoNLL"
        return index, _l1(str(path), "", "prediction-folder-empty", message, hint)
    for fi, file_path in enumerate(progress(files, desc="predictions", total=len(files))):
        index.files.append(file_path)
        index.stamps.append(_stamp(file_path))
        conll = _conll_problem(file_path) if file_path.is_file() else []
        if conll:
            index.problems.extend(((fi, 0), p) for p in conll)
        elif file_path.suffix != ".jsonl":
            _index_document(index, fi, gold_ids)
        else:
            _index_lines(index, fi, gold_ids)
    return index, []


# ---------------------------------------------------------------- the second pass: checks


GoldSentences = Callable[[], dict[tuple[str, str], Tagged]]


class _Files:
    """The prediction files read again, one open at a time; a file whose size or
    modification time changed since it was indexed is refused (reported once)."""

    def __init__(self, index: PredictionIndex) -> None:
        self.index = index
        self.open: tuple[int, Any] | None = None
        self.changed: set[int] = set()

    def unchanged(self, fi: int) -> tuple[bool, list[Problem]]:
        """Whether file ``fi`` is as it was indexed; if not, its problem (the first time)."""
        if fi in self.changed:
            return False, []
        if _stamp(self.index.files[fi]) == self.index.stamps[fi]:
            return True, []
        self.changed.add(fi)
        return False, [_changed(str(self.index.files[fi]), "")]

    def read(self, fi: int, start: int, end: int) -> bytes:
        if self.open is None or self.open[0] != fi:
            self.close()
            self.open = (fi, self.index.files[fi].open("rb"))
        handle = self.open[1]
        handle.seek(start)
        data: bytes = handle.read(end - start)
        return data

    def close(self) -> None:
        if self.open is not None:
            self.open[1].close()
            self.open = None


def _changed(file: str, where: str) -> Problem:
    return problem(
        "file-unreadable",
        file,
        where,
        "changed while it was evaluated (it is read twice: to find each document's "
        "predictions, then to check and score them)",
        "do not change the predictions while they are scored; run evaluate again",
    )


class _Checker:
    """The second pass over the predictions of one gold document (``doc``; None for the
    unplaced ones): each value read again, checked against the schema and ``doc``, and
    normalised, as it comes in file then line order. Only the normalised predictions of
    the scored view are kept; duplicates are looked for within the document (those of
    two documents differ by their document). ``found`` holds the problems with where
    they sort."""

    def __init__(self, stream: _Stream, doc: Document | None) -> None:
        self.stream = stream
        self.view = stream.view
        self.labels = stream.labels
        self.doc = doc
        self.pred: Prediction | None = None
        self.found: list[tuple[_At, Problem]] = []
        self.problems: list[Problem] = []
        self.ignored = 0
        self.rows = 0
        self.sources: dict[str, str] = {}
        self.seen_rows: dict[tuple[str, str], str] = {}
        self.seen_items: dict[Any, str] = {}
        self._tagged: list[dict[tuple[str, str], Tagged]] = []

    def tagged(self) -> dict[tuple[str, str], Tagged]:
        """The tagged gold sentences of the document (none if it is not scored)."""
        if not self._tagged:
            iob2, doc = self.view.iob2, self.doc
            if iob2 is None or doc is None or not _is_scored(doc, self.view):
                self._tagged.append({})
            else:
                self._tagged.append(iob2.tagged([doc], self.labels))
        return self._tagged[0]

    def read(self, places: list[_Lines]) -> _Checker:
        files = self.stream.files
        for fi, first, start, end in places:
            same, changed = files.unchanged(fi)
            self.found.extend(((fi, -1), p) for p in changed)
            if not same:
                continue
            path = files.index.files[fi]
            if start < 0:
                self.problems = []
                value, parsed = parse_json_file(path)
                if parsed:
                    self.problems.extend(_json_lines_hint(path, parsed))
                else:
                    self.document(value, str(path), ())
                self.found.extend(((fi, 0), p) for p in self.problems)
                continue
            for k, raw in enumerate(io.BytesIO(files.read(fi, start, end))):
                self.problems = []
                blank, value, parsed = _jsonl_value(raw, first + k, str(path))
                if parsed:
                    self.problems.extend(parsed)
                elif not blank:
                    self.line(first + k, value, str(path))
                self.found.extend(((fi, first + k), p) for p in self.problems)
        return self

    @property
    def has_prediction(self) -> bool:
        return self.pred is not None

    def items(self) -> list[Any]:
        """The normalised predictions of the scored view."""
        return self.pred.items.get(self.view.name, []) if self.pred is not None else []

    def fresh(
        self, items: list[Any], file: str, base: tuple[str | int, ...], *tail: str
    ) -> list[Any]:
        """The ``items`` given at ``base`` that were not given before for the document.

        Each one given before elsewhere (another record, a prediction document) is a
        problem, whichever came first; repeats inside one prediction document are the
        view's to judge.
        """
        at = f"{file}#{pointer(*base)}"
        where = pointer(*base, *tail)
        out: list[Any] = []
        doc_id = self.doc.id if self.doc is not None else ""
        for item in items:
            first = self.seen_items.setdefault(item, at)
            if first == at:
                out.append(item)
                continue
            self.problems.append(
                problem(
                    self.view.duplicate_code,
                    file,
                    where,
                    f"{self.view.describe(item)} is predicted twice for {doc_id}: also at {first}",
                    "give each prediction once",
                )
            )
        return out

    def pred_for(self, doc_id: str) -> Prediction:
        if self.pred is None:
            self.pred = Prediction(doc_id)
        return self.pred

    def known(self, doc_id: str, file: str, where: str) -> Document | None:
        """The gold document of a value that names ``doc_id``, or None with its problem.

        A value read again for a gold document names that document (the first pass
        placed it there by its id); one that names another changed in between. The
        values of no gold document are checked once the whole gold is known.
        """
        if self.doc is not None and doc_id == self.doc.id:
            return self.doc
        if self.doc is None and doc_id not in self.stream.gold.ids:
            self.problems.append(
                problem(
                    "unknown-document",
                    file,
                    where,
                    f'"{doc_id}" is not the id of a gold document',
                    "predict only for documents of the gold (see --gold)",
                )
            )
            return None
        self.problems.append(_changed(file, where))  # not what the first pass read
        return None

    def document(self, value: Any, file: str, base: tuple[str | int, ...]) -> None:
        found = schema_problems(value, "document", file, base)
        if found:
            self.problems.extend(found)
            return
        doc = self.known(value["id"], file, pointer(*base, "id"))
        if doc is None:
            return
        if value["id"] in self.sources:
            self.problems.append(
                problem(
                    "duplicate-prediction",
                    file,
                    pointer(*base, "id"),
                    f'a prediction for "{value["id"]}" is also at {self.sources[value["id"]]}',
                    "give one prediction per document",
                )
            )
            return
        self.sources[value["id"]] = f"{file}#{pointer(*base)}"
        pred, found = _from_document(value, doc, file, base, self.view.name)
        self.problems.extend(found)
        name = self.view.name
        if not found:
            pred.items[name] = self.fresh(pred.of(name), file, base, "id")
        if self.pred is not None:  # records or IOB2 rows for the same document came first
            for layer, items in self.pred.items.items():
                pred.of(layer).extend(items)
            pred.iob2.update(self.pred.iob2)
        self.pred = pred

    def line(self, index: int, value: Any, file: str) -> None:
        if not isinstance(value, dict):
            self.problems.append(
                problem(
                    "unknown-line-kind",
                    file,
                    pointer(index),
                    f"line {index + 1} is {short(value, 30)}, not a JSON object",
                    "write one prediction document, layer record or IOB2 row a line",
                )
            )
            return
        if "ner_tags" in value:
            kind = "iob2_row"
        elif "layer" in value:
            names = [v.name for v in evaluations()]
            kind = f"record_{value['layer'] if value['layer'] in names else names[0]}"
        else:
            self.document(value, file, (index,))
            return
        found = schema_problems(value, kind, file, (index,))
        if found:
            self.problems.extend(found)
        elif kind == "iob2_row":
            self.row(index, value, file)
        else:
            self.record(index, value, file)

    def record(self, index: int, value: dict[str, Any], file: str) -> None:
        doc = self.known(value["doc_id"], file, pointer(index, "doc_id"))
        if doc is None:
            return
        if value["layer"] != self.view.name:
            self.ignored += 1
            return
        pred = self.pred_for(doc.id)
        items, found = _from_record(value, doc, pred, file, (index,), self.labels)
        self.problems.extend(found)
        pred.of(self.view.name).extend(self.fresh(items, file, (index,)))

    def row(self, index: int, value: dict[str, Any], file: str) -> None:
        doc_id, sid = _row_ids(value)
        doc = self.known(doc_id, file, pointer(index, "id" if "id" in value else "doc_id"))
        if doc is None:
            return
        if self.view.iob2 is None:
            self.ignored += 1
            return
        key = (doc_id, sid)
        if key in self.seen_rows:
            self.problems.append(
                problem(
                    "duplicate-prediction",
                    file,
                    pointer(index),
                    f"sentence {doc_id}/{sid} is also predicted at {self.seen_rows[key]}",
                    "give one row per sentence",
                )
            )
            return
        self.seen_rows[key] = f"line {index + 1}"
        tag_names = self.view.iob2.tag_names(self.labels)
        found = _check_row(value, key, self.tagged(), tag_names, file, index)
        if found:
            self.problems.extend(found)
            return
        tags = [tag_names[t] if isinstance(t, int) else t for t in value["ner_tags"]]
        self.pred_for(doc_id).iob2[sid] = tags
        self.rows += 1


def _row_ids(value: dict[str, Any]) -> tuple[str, str]:
    if "doc_id" in value and "sentence_id" in value:
        return str(value["doc_id"]), str(value["sentence_id"])
    doc_id, _, sid = str(value["id"]).partition("/")
    return doc_id, sid


def _tokens_problem(toks: tuple[str, ...], gold: Tagged, file: str, index: int) -> list[Problem]:
    if toks == gold.tokens:
        return []
    at = next(
        (i for i, (a, b) in enumerate(zip(toks, gold.tokens, strict=False)) if a != b),
        min(len(toks), len(gold.tokens)),
    )
    mine = toks[at] if at < len(toks) else "(end)"
    theirs = gold.tokens[at] if at < len(gold.tokens) else "(end)"
    return [
        problem(
            "tokens-mismatch",
            file,
            pointer(index, "tokens", at),
            f"token {at} is {short(mine, 30)} but the gold token is {short(theirs, 30)}",
            "tag the tokens of the ner config row unchanged",
        )
    ]


def _tag_problem(tag: Any, j: int, tag_names: tuple[str, ...], file: str, index: int) -> Problem:
    if isinstance(tag, int):
        return problem(
            "unknown-tag",
            file,
            pointer(index, "ner_tags", j),
            f"tag index {tag} is past the {len(tag_names)} label names",
            "use an index into the config's label names (see --labels)",
        )
    return problem(
        "unknown-tag",
        file,
        pointer(index, "ner_tags", j),
        f'tag "{tag}" is not in the label set',
        "use a tag of " + ", ".join(tag_names[:5]) + ", ... (see --labels)",
    )


def _check_row(
    value: dict[str, Any],
    key: tuple[str, str],
    gold_sentences: dict[tuple[str, str], Tagged],
    tag_names: tuple[str, ...],
    file: str,
    index: int,
) -> list[Problem]:
    gold = gold_sentences.get(key)
    if gold is None:
        return [
            problem(
                "unknown-sentence",
                file,
                pointer(index),
                f"document {key[0]} has no tagged sentence {key[1]}",
                "use the doc_id and sentence_id of a row of the ner config",
            )
        ]
    toks = tuple(value["tokens"])
    out = _tokens_problem(toks, gold, file, index)
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
        if (isinstance(tag, int) and tag >= len(tag_names)) or (
            isinstance(tag, str) and tag not in allowed
        ):
            out.append(_tag_problem(tag, j, tag_names, file, index))
    return out


# ---------------------------------------------------------------- gold


def load_gold(path: Path | None, progress: Progress = silent) -> list[Document]:
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
        return list(documents([path] if path is not None else None, progress))
    except CorpusError as err:
        raise PredictionError(err.problems) from err


def _unannotated(gold_path: Path | None, scored: Evaluation, count: int) -> Problem:
    from newsgold.resources import documents_dir

    needs = ", ".join(scored.needs)
    return problem(
        "gold-layer-not-annotated",
        str(gold_path if gold_path is not None else documents_dir()),
        "",
        f"none of the {count} gold document(s) lists {needs} in annotated_layers: "
        f"nothing to score for --layer {scored.name}",
        "give gold documents that annotate the layer, or score another layer",
    )


# ---------------------------------------------------------------- entry point


@dataclass(frozen=True)
class Report:
    """The scores of one run; :func:`report_json` and :func:`report_table` render it.

    ``errors`` holds the error records (:func:`errors_jsonl`) when they were asked for.
    """

    layer: str
    scores: dict[str, Any]
    errors: tuple[dict[str, Any], ...] = ()


def _position(record: ErrorRecord) -> int:
    spans = [
        *(record.gold.spans if record.gold else ()),
        *(record.pred.spans if record.pred else ()),
    ]
    return min((s for s, _ in spans), default=0)


def error_records(
    scored_view: Evaluation, run: Run, doc_ids: Sequence[str]
) -> tuple[dict[str, Any], ...]:
    """The view's error records of ``run``, in document order (``doc_ids``, those of
    ``run.pairs``) then text order, numbered."""
    if scored_view.errors is None:
        raise ValueError(f"--layer {scored_view.name} has no error records")
    order = {doc_id: k for k, doc_id in enumerate(doc_ids)}
    found = scored_view.errors.records(run)
    found = sorted(found, key=lambda r: (order[r.doc_id], _position(r)))
    return tuple(r.to_dict(scored_view.name, n) for n, r in enumerate(found, 1))


def errors_jsonl(report: Report) -> str:
    """The error records as JSON lines (one record a line, keys in a fixed order)."""
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in report.errors)


def evaluate(
    layer: str,
    pred_path: Path,
    gold_path: Path | None = None,
    labels: str = "ontonotes",
    progress: Progress = silent,
    errors: bool = False,
) -> Report:
    """Validate the predictions at ``pred_path`` and score one layer against the gold;
    with ``errors``, derive the error records from the same matching.

    Streaming, the gold read once: the prediction files are indexed first
    (:func:`index_predictions`: where the predictions of each document id are); then the
    gold is read and checked one document at a time, in file order, and each scored
    document is given to the scorer with its predictions, checked against it and
    normalised as it goes; the scorer adds up its counts document by document. The
    predictions of an unscored gold document are checked when it is read, those of no
    gold document at the end. Nothing is kept of a document once it is scored (of the
    gold, its id, and the file of a scored one), so memory is bounded by the largest
    document, not by the corpus (the error records, when asked for, are kept; they read
    the scored documents again).

    Raises :class:`PredictionError` with every problem when the predictions (or the
    gold) do not validate: the problems of the first bad gold file, else a gold that
    scores nothing, else a prediction path that cannot be read, else every problem of
    the predictions, in file then line order. ``ValueError`` when ``errors`` is asked
    of a view that has no error records. ``progress`` wraps the prediction files and the
    gold files read. While the documents are read, checked and scored (once the
    predictions are indexed without a problem), the cyclic garbage collector runs less
    often (:func:`newsgold.io.collector_spaced`); its thresholds are restored after.
    """
    scored_view = view(layer)
    if errors and scored_view.errors is None:
        raise ValueError(f"--layer {layer} has no error records")
    if labels not in LABEL_SETS:
        raise ValueError(f'unknown label set "{labels}"; use one of: {", ".join(LABEL_SETS)}')
    _check_gold_path(gold_path)
    index, problems = index_predictions(pred_path, None, progress)
    if problems:  # the gold's own problems come first
        gold = _gold_index(gold_path, scored_view, progress)
        if not gold.scored:
            raise PredictionError([_unannotated(gold_path, scored_view, len(gold.ids))])
        raise PredictionError(problems)
    stream = _Stream(_Gold(), index, scored_view, labels, pred_path)
    with collector_spaced(), closing(stream):
        stream.start(gold_path, progress)
        run = Run(stream, labels, stream.iob2)
        view_scores = scored_view.score(run)
        problems = stream.finish()
        if problems:
            raise PredictionError(problems)
        scores: dict[str, Any] = {
            "layer": layer,
            "documents": len(stream.gold.scored),
            "documents_without_prediction": stream.tally.without_prediction,
            "predictions_for_unscored_documents": stream.tally.unscored_with_prediction,
            "records_of_other_layers": stream.tally.ignored,
        }
        scores.update(view_scores)
        order = [scored.doc_id for scored in stream.gold.scored]
        found = error_records(scored_view, run, order) if errors else ()
    return Report(layer, scores, found)


@dataclass
class _Tally:
    """What the first pass over the scored documents counts besides the scores."""

    without_prediction: int = 0
    unscored_with_prediction: int = 0
    ignored: int = 0
    rows: int = 0
    span_items: int = 0

    def add(self, ck: _Checker, scored: bool) -> None:
        if scored and not ck.has_prediction:
            self.without_prediction += 1
        if not scored and ck.has_prediction:
            self.unscored_with_prediction += 1
        self.ignored += ck.ignored
        self.rows += ck.rows
        self.span_items += len(ck.items())


_Pair = tuple[Document, list[Any]]


class _Stream:
    """The scored gold documents with their predictions of the view (``Run.pairs``).

    The first pass over it is the one pass over the gold (:meth:`start` begins it): each
    gold document is read and checked, and the predictions of each from the index are
    checked and normalised; a gold problem stops it (:class:`PredictionError`), the
    problems of the predictions are collected (a document with a problem is given with
    no prediction; the scores are then not reported). A later pass reads the scored
    gold documents and their predictions again, and raises :class:`PredictionError` on
    a problem. With IOB2 rows (``iob2``) a document's list holds, per tagged gold
    sentence in order, (sentence id, :class:`Tagged`, the predicted tags or None when no
    row was given).
    """

    def __init__(
        self,
        gold: _Gold,
        index: PredictionIndex,
        scored_view: Evaluation,
        labels: str,
        pred_path: Path,
    ) -> None:
        self.gold = gold
        self.index = index
        self.view = scored_view
        self.labels = labels
        self.pred_path = pred_path
        self.files = _Files(index)
        self.iob2 = scored_view.iob2 is not None and index.rows > 0
        self.found: list[tuple[_At, Problem]] = list(index.problems)
        self.tally = _Tally()
        self.checked = False
        self._pass: Iterator[_Pair] = iter(())
        self._next: _Pair | None = None

    def check(self, doc: Document | None, places: list[_Lines]) -> _Checker:
        """The predictions of ``doc`` read, checked and normalised, the collector paused
        as for reading a document (:func:`newsgold.io.collector_paused`)."""
        with collector_paused():
            return _Checker(self, doc).read(places)

    def start(self, gold_path: Path | None, progress: Progress) -> None:
        """Begin the pass over the gold: read it up to its first scored document. Raises
        :class:`PredictionError` on a gold problem, or when no document is scored."""
        self._pass = self._one_pass(gold_path, progress)
        self._next = next(self._pass, None)
        if self._next is None:
            raise PredictionError([_unannotated(gold_path, self.view, len(self.gold.ids))])

    def _one_pass(self, gold_path: Path | None, progress: Progress) -> Iterator[_Pair]:
        for doc, path, stamp in _gold_documents(gold_path, progress):
            scored = self.gold.add(doc, path, stamp, self.view)
            places = self.index.runs.get(doc.id)
            if not scored and places is None:
                continue
            ck = self.check(doc, places or [])
            self.found.extend(ck.found)
            self.tally.add(ck, scored=scored)
            if scored:
                yield doc, [] if ck.found else self.items(ck)

    def __iter__(self) -> Iterator[_Pair]:
        if self.checked or self._next is None:
            self._complete()
            yield from self._again()
            return
        while self._next is not None:
            pair, self._next = self._next, None
            yield pair
            del pair  # hold one document at a time
            self._next = next(self._pass, None)
        self.checked = True

    def _complete(self) -> None:
        """Finish the pass over the gold (if the scorer stopped before its end)."""
        self._next = None
        for _ in self._pass:
            pass
        self.checked = True

    def _again(self) -> Iterator[_Pair]:
        for scored in self.gold.scored:
            doc = _reread(scored)
            ck = self.check(doc, self.index.runs.get(scored.doc_id, []))
            if ck.found:
                raise PredictionError(_in_order(ck.found))
            yield doc, self.items(ck)

    def items(self, ck: _Checker) -> list[Any]:
        if not self.iob2:
            return ck.items()
        rows = ck.pred.iob2 if ck.pred is not None else {}
        tagged = sorted(ck.tagged().items(), key=lambda kv: kv[1].index)
        return [(sid, t, rows.get(sid)) for (_, sid), t in tagged]

    def finish(self) -> list[Problem]:
        """Complete the first pass: the gold (if the scorer stopped early), then the
        predictions of no gold document; every problem in file then line order."""
        self._complete()
        ids = self.gold.ids
        rest = [lines for key, runs in self.index.runs.items() if key not in ids for lines in runs]
        rest = sorted([*self.index.unplaced, *rest], key=lambda lines: (lines[0], lines[1]))
        self.found.extend(self.check(None, rest).found)
        problems = _in_order(self.found)
        t = self.tally
        if self.view.iob2 is not None and t.rows and t.span_items:
            problems.append(
                problem(
                    "ner-forms-mixed",
                    str(self.pred_path),
                    "",
                    f"{t.rows} IOB2 row(s) and {t.span_items} span prediction(s)",
                    "give NER predictions either as IOB2 rows or as spans, not both",
                )
            )
        return problems

    def close(self) -> None:
        self._next = None
        _close(self._pass)
        self.files.close()


def _in_order(found: list[tuple[_At, Problem]]) -> list[Problem]:
    """The problems in file then line order (those of one line as they were found)."""
    return [p for _, p in sorted(found, key=lambda x: x[0])]


def _is_scored(doc: Document, scored_view: Evaluation) -> bool:
    """Whether ``doc`` annotates every layer the view needs."""
    return all(x in doc.annotated_layers for x in scored_view.needs)


class _Scored(NamedTuple):
    """A scored gold document: its id, its file, and the file's size and modification
    time just before it was read."""

    doc_id: str
    path: Path
    stamp: tuple[int, int]


@dataclass
class _Gold:
    """What the pass over the gold has read so far: the id of every document, and the
    scored ones (:class:`_Scored`) in file order."""

    ids: set[str] = field(default_factory=set)
    scored: list[_Scored] = field(default_factory=list)

    def add(
        self, doc: Document, path: Path, stamp: tuple[int, int], scored_view: Evaluation
    ) -> bool:
        """Note a gold document read; whether it is scored."""
        self.ids.add(doc.id)
        if not _is_scored(doc, scored_view):
            return False
        self.scored.append(_Scored(doc.id, path, stamp))
        return True


def _check_gold_path(gold_path: Path | None) -> None:
    if gold_path is not None and not gold_path.exists():
        message, hint = "no such file or folder", "give a gold document or a folder of them"
        raise PredictionError([problem("file-unreadable", str(gold_path), "", message, hint)])


def _gold_documents(
    gold_path: Path | None, progress: Progress
) -> Iterator[tuple[Document, Path, tuple[int, int]]]:
    """The gold documents read and checked (:func:`newsgold.reader.read`), in file order,
    each with its file and the file's :func:`_stamp` taken just before it was read.
    Raises :class:`PredictionError` with the problems of the first file that has any."""
    from newsgold.reader import read

    _check_gold_path(gold_path)
    stamps: dict[Path, tuple[int, int]] = {}

    def stamped(items: Iterable[_T], *, desc: str, total: int | None = None) -> Iterator[_T]:
        for item in progress(items, desc=desc, total=total):
            if isinstance(item, Path):
                stamps[item] = _stamp(item)
            yield item

    results = read([gold_path] if gold_path is not None else None, stamped)
    try:
        for result in results:
            stamp = stamps.pop(result.path, (-1, -1))
            if result.problems or result.document is None:
                raise PredictionError(result.problems)
            yield result.document, result.path, stamp
    finally:
        _close(results)


def _close(iterator: Iterator[Any]) -> None:
    """Close ``iterator`` now if it is a generator (and the files it holds open)."""
    close = getattr(iterator, "close", None)
    if close is not None:
        close()


def _gold_index(gold_path: Path | None, scored_view: Evaluation, progress: Progress) -> _Gold:
    """The gold read and checked, keeping of each document its id (and of a scored one its
    file); raises :class:`PredictionError` on a gold problem."""
    gold = _Gold()
    for doc, path, stamp in _gold_documents(gold_path, progress):
        gold.add(doc, path, stamp, scored_view)
    return gold


def _reread(scored: _Scored) -> Document:
    """A scored gold document again; refused when its file changed since it was read."""
    from newsgold.reader import read_again
    from newsgold.validate import CorpusError

    if _stamp(scored.path) != scored.stamp:
        raise PredictionError(
            [
                problem(
                    "file-unreadable",
                    str(scored.path),
                    "",
                    "changed while it was evaluated (a scored gold document is read again "
                    "for a second pass over the scored documents)",
                    "do not change the gold while it is scored; run evaluate again",
                )
            ]
        )
    try:
        doc = read_again(scored.path)
    except CorpusError as err:
        raise PredictionError(err.problems) from err
    if doc.id != scored.doc_id:
        message = f'id "{doc.id}" was "{scored.doc_id}" when the gold was first read'
        hint = "do not change the gold while it is scored"
        raise PredictionError([problem("file-unreadable", str(scored.path), "/id", message, hint)])
    return doc


# ---------------------------------------------------------------- rendering


def report_dict(report: Report) -> dict[str, Any]:
    """The scores as plain data, every float rounded to 4 decimals."""
    value: dict[str, Any] = rounded(plain(report.scores))
    return value


def report_json(report: Report) -> str:
    """Deterministic JSON: sorted keys, 4 decimals, 2-space indent, trailing newline."""
    return render_json(report.scores) + "\n"


def report_table(report: Report) -> str:
    """A readable table of the scores."""
    s = report_dict(report)
    scored = view(report.layer)
    extra, foot = scored.notes(s)
    head = [
        f"newsgold evaluate: layer {s['layer']}, {s['documents']} gold document(s) scored, "
        f"{s['documents_without_prediction']} without a prediction{extra}",
        "",
        HEADER,
    ]
    return render_text(Table(head, scored.rows(report.scores), foot)) + "\n"


def text_sha256(text: str) -> str:
    """SHA-256 of the UTF-8 text, lowercase hex (as ``text_sha256`` in a document)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()

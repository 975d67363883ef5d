"""Starting a document: a canonical document from a plain UTF-8 text file.

The text enters byte for byte. A file that would have to change to become a document
text is refused, never fixed: bytes that are not UTF-8, a byte-order mark, CR or CRLF
line ends (the corpus stores LF line ends; convert the file, for example with
``dos2unix``, and start again), a NUL byte, an empty file. A final line end stays in
the text.

The metadata comes from :class:`Facts` (the command line, or a brat folder's start
file): what is not given gets a default that says it was not given, never a guess.
No layer is annotated: ``annotated_layers`` is empty and every layer an empty array.

A layer that can propose records from the text (the sentences, with spaCy) writes them
to a *review file*, ``<id>.review.json`` beside the text file (not beside the document:
a documents folder holds documents only), marked ``"reviewed": false``; the document
itself holds no unreviewed annotation.
:func:`accept` moves the records of a reviewed file into the document.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from newsgold import layers
from newsgold.io import canonical_json, create_new, read_file_bytes, write_text_atomic
from newsgold.issues import Problem, ProblemError, pointer, problem
from newsgold.model import SCHEMA_VERSION, Document

REVIEW_SUFFIX = ".review.json"
REVIEW_FORMAT = "newsgold-review"
GIVEN = "Given when the document was started; not yet checked against a source."
NOT_GIVEN = "Not given when the document was started; no source has been checked."
LICENSE = (
    "Annotations: CC BY 4.0. Text: included unchanged for research use and not relicensed "
    "by the corpus; rights in it stay with their holders."
)


class StartError(ProblemError, ValueError):
    """A document that cannot be started, or a review that cannot be accepted."""

    empty_message = "cannot start the document"


@dataclass(frozen=True)
class Facts:
    """What is known about a new document; ``None`` is "not given"."""

    headline: str | None = None
    publisher: str | None = None
    address: str | None = None
    published: str | None = None
    date: str | None = None
    source_outlets: tuple[str, ...] = ()
    provenance: str | None = None
    license: str | None = None


def metadata(facts: Facts, file_name: str, text: str) -> dict[str, Any]:
    """The ``metadata`` object: the facts given, and for the rest a default that says so
    (the provenance states the file, its size and that the text was kept byte for byte)."""
    paragraphs = sum(1 for line in text.split("\n") if line.strip())
    provenance = (
        f"A plain UTF-8 text file ({file_name}, {len(text):,} characters, {paragraphs} "
        "paragraph(s)) entered byte for byte: not retyped, normalised or corrected."
    )
    out: dict[str, Any] = {"headline": facts.headline}
    if facts.publisher is not None:
        out["publication"] = {
            "publisher": facts.publisher,
            "address": facts.address,
            "date": facts.published,
            "basis": GIVEN,
        }
    out["source_outlets"] = list(facts.source_outlets)
    out["language"] = "en"
    out["date"] = {"value": facts.date, "basis": GIVEN if facts.date else NOT_GIVEN}
    out["provenance"] = facts.provenance or provenance
    out["license"] = facts.license or LICENSE
    return out


def read_text(path: Path) -> tuple[str | None, list[Problem]]:
    """The text of ``path``, exactly as its bytes say, or the problems that forbid it."""
    data, problems = read_file_bytes(path)
    if data is None:
        return None, problems
    return text_of(data, str(path))


def text_of(data: bytes, name: str) -> tuple[str | None, list[Problem]]:
    """Decode the bytes of a text file named ``name``; refuse what would have to change."""

    def fail(code: str, message: str, hint: str) -> tuple[str | None, list[Problem]]:
        return None, [problem(code, name, "", message, hint)]

    if not data:
        return fail("empty-file", "the text file is empty", "give a file with the text")
    if data.startswith(b"\xef\xbb\xbf"):
        return fail(
            "utf8-bom",
            "the file starts with a UTF-8 byte-order mark, which the text would have to lose",
            "save the file as UTF-8 without BOM and start again",
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        line = data.count(b"\n", 0, err.start) + 1
        return fail(
            "invalid-utf8",
            f"byte 0x{data[err.start]:02x} at byte offset {err.start} (line {line}) "
            "is not valid UTF-8",
            "re-encode the file as UTF-8 and start again",
        )
    if "\x00" in text:
        at = text.index("\x00")
        return fail("nul-byte", f"NUL byte at character {at}", "remove the NUL byte")
    if "\r" in text:
        at = text.index("\r")
        line = text.count("\n", 0, at) + 1
        what = "a CRLF line end" if text[at + 1 : at + 2] == "\n" else "a carriage return"
        return fail(
            "crlf-line-ends",
            f"line {line} has {what}; the corpus keeps the text byte for byte and stores "
            "LF line ends, so it would have to change",
            "convert the file to LF line ends (for example with dos2unix) and start again",
        )
    return text, []


def start(doc_id: str, text: str, meta: dict[str, Any], name: str) -> Document:
    """A document with no annotated layer; :class:`StartError` with every problem of it
    (the id's pattern included, before any file name is made from it)."""
    from newsgold.validate import validate_document_value

    value: dict[str, Any] = {
        "id": doc_id,
        "schema_version": SCHEMA_VERSION,
        "metadata": meta,
        "text": text,
        "text_sha256": hashlib.sha256(text.encode("utf-8")).hexdigest(),
        "annotated_layers": [],
        **{layer.name: [] for layer in layers.layers()},
    }
    found = validate_document_value(value, name)
    if found:
        raise StartError(found)
    return Document.from_dict(value)


def _taken(out: Path, doc_id: str) -> list[Problem]:
    """A document of ``out`` with the same id up to case (the corpus counts them as one)."""
    if not out.is_dir():
        return []
    return [
        problem(
            "document-exists",
            str(path),
            "",
            f'a document with the id "{doc_id}" (up to case) is already there; '
            "newsgold new never overwrites one",
            "choose another --id, or remove the file first",
        )
        for path in sorted(out.glob("*.json"))
        if path.name.lower() == f"{doc_id}.json".lower()
    ]


def review(document: Document, model: str | None) -> dict[str, Any]:
    """The review file: what each layer that can propose proposes, marked not reviewed."""
    value: dict[str, Any] = {
        "format": REVIEW_FORMAT,
        "document": document.id,
        "text_sha256": document.text_sha256,
        "reviewed": False,
        "proposed_by": {},
    }
    for layer in layers.layers():
        if layer.propose is not None:
            try:
                records, how = layer.propose(document.text, model)
            except OSError as err:  # spaCy: no such pipeline installed
                raise StartError(
                    [
                        problem(
                            "file-unreadable",
                            str(model),
                            "",
                            f"cannot load the spaCy pipeline: {str(err).splitlines()[0]}",
                            "install the pipeline, or leave out --spacy-model",
                        )
                    ]
                ) from err
            value["proposed_by"][layer.name] = how
            value[layer.name] = records
    return value


@dataclass(frozen=True)
class Started:
    """What :func:`new_document` wrote."""

    document: Document
    path: Path
    review: Path | None
    proposed: dict[str, int]


def new_document(
    text_file: Path,
    out: Path,
    facts: Facts,
    doc_id: str | None = None,
    *,
    propose: bool = False,
    model: str | None = None,
    review_file: Path | None = None,
) -> Started:
    """Start ``out/<id>.json`` from ``text_file`` (the id defaults to the file name without
    its suffix), and with ``propose`` the review file (default: ``<id>.review.json`` beside
    the text file); all or nothing, never over an existing file."""
    text, found = read_text(text_file)
    if text is None:
        raise StartError(found)
    ident = doc_id if doc_id is not None else text_file.stem
    document = start(ident, text, metadata(facts, text_file.name, text), f"{ident}.json")
    taken = _taken(out, document.id)
    if taken:
        raise StartError(taken)
    path = out / f"{document.id}.json"
    files = {path: canonical_json(document).encode("utf-8")}
    value = review(document, model) if propose else None
    proposed: dict[str, int] = {}
    if value is not None:
        review_file = review_file or text_file.with_name(f"{document.id}{REVIEW_SUFFIX}")
        files[review_file] = (json.dumps(value, ensure_ascii=False, indent=2) + "\n").encode()
        proposed = {name: len(value[name]) for name in value["proposed_by"]}
    try:
        create_new(files)
    except FileExistsError as err:
        message = "exists; newsgold new never overwrites a file"
        hint = "remove it, or choose another --id or --review"
        raise StartError(
            [problem("document-exists", str(err.filename), "", message, hint)]
        ) from err
    return Started(document, path, review_file if value is not None else None, proposed)


def _review_problems(value: Any, name: str, document: Document) -> list[Problem]:
    def bad(at: str, message: str, hint: str) -> Problem:
        return problem("review-invalid", name, at, message, hint)

    if not isinstance(value, dict) or value.get("format") != REVIEW_FORMAT:
        return [bad("", "not a review file of newsgold new", "give the <id>.review.json file")]
    found = []
    if value.get("document") != document.id or value.get("text_sha256") != document.text_sha256:
        found.append(
            bad(
                "/text_sha256",
                f"the review is of document {json.dumps(value.get('document'))} with text "
                f"SHA-256 {value.get('text_sha256')}, not of {document.id} "
                f"({document.text_sha256})",
                "give the review file written for this document and text",
            )
        )
    if value.get("reviewed") is not True:
        found.append(
            bad(
                "/reviewed",
                f"reviewed is {json.dumps(value.get('reviewed'))}: the proposal has not been "
                "checked",
                'check every record against the text, correct it, then set "reviewed" to true',
            )
        )
    for name_ in value.get("proposed_by", {}):
        if name_ in document.annotated_layers:
            found.append(
                bad(
                    pointer(name_),
                    f'the document already lists "{name_}" as annotated',
                    "remove the layer from the review file, or empty it in the document",
                )
            )
    return found


def accept(review_file: Path, document_file: Path) -> tuple[Document, list[str]]:
    """Move the records of a reviewed file into its document, mark their layers annotated,
    and rewrite the document (only if the result validates); return it and the layers."""
    from newsgold.reader import read_file
    from newsgold.validate import validate_document_value

    result = read_file(document_file)
    if result.document is None:
        raise StartError(result.problems)
    document = result.document
    data, found = read_file_bytes(review_file)
    value = None
    if data is not None:
        from newsgold.io import parse_json_bytes

        value, found = parse_json_bytes(data, str(review_file))
    if value is None:
        raise StartError(found)
    found = _review_problems(value, str(review_file), document)
    if found:
        raise StartError(found)
    merged = document.to_dict()
    names = [n for n in layers.names() if n in value["proposed_by"]]
    for name in names:
        merged[name] = value.get(name)
    listed = set(document.annotated_layers) | set(names)
    merged["annotated_layers"] = [n for n in layers.names() if n in listed]
    found = validate_document_value(merged, str(review_file))
    if found:
        raise StartError(found)
    accepted = Document.from_dict(merged)
    write_text_atomic(document_file, canonical_json(accepted))
    return accepted, names

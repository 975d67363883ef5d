"""The one document path: from files and folders to validated, typed documents.

Every command and function that loads documents (``validate``, ``format``, ``summary``,
``build``, ``convert``, ``show``, the gold of ``evaluate`` and the baselines,
``agreement``, :func:`newsgold.documents`) goes through :func:`read_file`, which reads
each file's bytes once and parses them once: L1 (bytes and strict JSON), L2 and L3 on
the parsed value (:func:`newsgold.validate.validate_parsed`), then the typed
:class:`~newsgold.model.Document`, built once, and the L4 file-name and canonical-form
checks against the same bytes. :func:`read` adds the folder rules and the duplicate-id
check across files; :func:`documents` is its strict form for loaders.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, NamedTuple

from newsgold.io import (
    canonical_bytes_quick,
    canonical_json,
    collector_paused,
    loads_quick,
    parse_json_bytes,
    read_file_bytes,
)
from newsgold.issues import Problem, problem
from newsgold.model import Document
from newsgold.progress import Progress, silent
from newsgold.resources import documents_dir
from newsgold.validate import (
    CorpusError,
    check_integrity,
    passes_schema_quickly,
    validate_parsed,
)


class Read(NamedTuple):
    """One file as read: its path, the typed document, and every problem found.

    ``document`` is set when the file passes L1 to L3, even if it has an L4 problem
    (a file name that is not ``<id>.json``, another file with the same id, a layout that
    is not canonical); a loader that needs a valid document checks ``problems`` too.
    """

    path: Path
    document: Document | None
    problems: list[Problem]


def expand_paths(paths: Iterable[Path]) -> list[Path]:
    """Files to read: each file as given, each folder's ``*.json`` in name order.

    A file reached twice (given twice, or given and inside a given folder) is listed once.
    """
    out: list[Path] = []
    seen: set[Path] = set()
    for p in paths:
        found = sorted(p.glob("*.json")) if p.is_dir() and not p.is_symlink() else [p]
        for file in found:
            key = file.resolve()
            if key not in seen:
                seen.add(key)
                out.append(file)
    return out


def link_problem(path: Path, folder: Path) -> Problem | None:
    """A file of ``folder`` that is a symbolic link to a place outside it is not followed."""
    if not path.is_symlink():
        return None
    target = path.resolve()
    if target.is_relative_to(folder.resolve()):
        return None
    return problem(
        "file-unreadable", str(path), "",
        f"is a symbolic link to {target}, outside {folder}; not followed",
        "copy the document into the folder, or give the file's own path",
    )  # fmt: skip


def _read(path: Path, check_name: bool) -> tuple[Read, Any]:
    """:func:`read_file`, and the ``id`` of the parsed value (for the duplicate-id check)."""
    with collector_paused():
        return _read_paused(path, check_name)


def _read_paused(path: Path, check_name: bool) -> tuple[Read, Any]:
    name = str(path)
    data, problems = read_file_bytes(path)
    if data is None:
        return Read(path, None, problems), None
    quick = _quick(path, data, check_name)
    if quick is not None:
        return quick
    value, problems = parse_json_bytes(data, name)
    if problems:
        return Read(path, None, problems), None
    doc_id = value.get("id") if isinstance(value, dict) else None
    problems = validate_parsed(value, name)
    document = None if problems else Document.from_dict(value)
    if check_name:
        problems += _name_problems(path, doc_id)
    if document is not None and not problems and canonical_json(document).encode() != data:
        problems.append(
            problem(
                "non-canonical-format",
                name,
                "",
                "file is valid but not in canonical form "
                "(key order, 2-space indent, trailing newline)",
                f"run `newsgold format {path}`",
            )
        )
    return Read(path, document, problems), doc_id


def _quick(path: Path, data: bytes, check_name: bool) -> tuple[Read, Any] | None:
    """:func:`_read` of a file that passes every check, by the fast parser and serialiser;
    None when anything is not so (the exact path then reads the file and says what).

    A file passes only when its value passes L2 (the integer rule left to typing, which
    refuses an offset that is no integer) and L3 and its bytes are the canonical
    form of the document typed from that value: bytes with a repeated key, a lone
    surrogate, a CR, a NUL byte, a number out of range or any other layout are not, so
    the fast parser's leniency on those never decides anything.
    """
    value = loads_quick(data)
    if type(value) is not dict:
        return None
    doc_id = value.get("id")
    if not (
        passes_schema_quickly(value, offsets_typed=True) and not check_integrity(str(path), value)
    ):
        return None  # a problem: the exact path finds it and says what it is
    try:
        document = Document.from_dict(value)
    except TypeError:  # an offset that is no integer (the schema check above left it)
        return None
    if canonical_bytes_quick(document) != data:
        return None
    problems = _name_problems(path, doc_id) if check_name else []
    return Read(path, document, problems), doc_id


def _name_problems(path: Path, doc_id: Any) -> list[Problem]:
    if not isinstance(doc_id, str) or path.name == f"{doc_id}.json":
        return []
    return [
        problem(
            "file-name-mismatch",
            str(path),
            "/id",
            f'id "{doc_id}" but file name "{path.name}"',
            f'rename the file to "{doc_id}.json" or correct the id',
        )
    ]


def read_file(path: Path, *, check_name: bool = True) -> Read:
    """Read one document file: L1 to L3, and the file-name and canonical-form checks of L4.

    Reads the bytes once and parses them once; never raises on bad input. With
    ``check_name=False`` a file need not be named ``<id>.json`` (two annotations of one
    document, a file written by hand).
    """
    return _read(path, check_name)[0]


def read(paths: Iterable[Path] | None = None, progress: Progress = silent) -> Iterator[Read]:
    """Read files and folders (default: the corpus) one file at a time, all levels.

    Streaming: each file is yielded as soon as it is read. Checks L1 to L4, including
    duplicate ids across the files. In a folder, a symbolic link that leads out of the
    folder is reported, not followed; a file given by name is read where it points.
    ``progress`` wraps the list of files.
    """
    given = list(paths) if paths is not None else [documents_dir()]
    folders = {p for p in given if p.is_dir() and not p.is_symlink()}
    seen: dict[str, tuple[str, Path]] = {}
    files = expand_paths(given)
    for path in progress(files, desc="read", total=len(files)):
        link = link_problem(path, path.parent) if path.parent in folders else None
        if link is not None:
            yield Read(path, None, [link])
            continue
        result, doc_id = _read(path, check_name=True)
        key = doc_id.casefold() if isinstance(doc_id, str) else None
        if key is not None and key in seen:
            first, at = seen[key]
            same = "" if first == doc_id else f' "{first}" (equal up to case)'
            result.problems.append(
                problem(
                    "duplicate-document-id",
                    str(path),
                    "/id",
                    f'id "{doc_id}" is also the id{same} of {at}',
                    "give every document its own id (file names differ by more than case)",
                )
            )
        elif key is not None:
            seen[key] = (str(doc_id), path)
        yield result


def read_again(path: Path) -> Document:
    """A document file :func:`read` found valid earlier in the run, read again (a stage
    that goes through a corpus twice, holding one document at a time), with every check
    of :func:`read_file` but the file name: what it holds now is what is checked. Raises
    :class:`~newsgold.validate.CorpusError` when it no longer holds a valid document;
    the caller compares the id with the one it read the first time."""
    result, _ = _read(path, check_name=False)
    if result.problems or result.document is None:
        raise CorpusError(result.problems)
    return result.document


def documents(
    paths: Iterable[Path] | None = None, progress: Progress = silent
) -> Iterator[Document]:
    """The documents of :func:`read`, in file-name order; strict.

    Raises :class:`~newsgold.validate.CorpusError` with its problems on the first file
    that has any problem.
    """
    for result in read(paths, progress):
        if result.problems or result.document is None:
            raise CorpusError(result.problems)
        yield result.document

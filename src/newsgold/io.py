"""Reading and writing canonical documents: bytes checks (L1), canonical form, atomic writes."""

from __future__ import annotations

import dataclasses
import errno
import gc
import json
import math
import os
import shutil
import stat
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from json.encoder import encode_basestring as _quote
from pathlib import Path
from typing import IO, Any, NoReturn

import orjson

from newsgold.issues import Problem, pointer, problem
from newsgold.model import Document

MAX_DOCUMENT_BYTES = 50 * 1024 * 1024
"""Canonical documents larger than this are refused (the seed document is ~60 kB)."""


class _Object(dict[str, Any]):
    """A JSON object that remembers keys it saw twice."""

    duplicates: list[str]


def _pairs(pairs: list[tuple[str, Any]]) -> _Object:
    obj = _Object()
    obj.duplicates = []
    for key, value in pairs:
        if key in obj:
            obj.duplicates.append(key)
        obj[key] = value
    return obj


class _Repeated(Exception):
    """Raised by :func:`_object` on a repeated key: the text is parsed again to place it."""


def _object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    obj = dict(pairs)
    if len(obj) < len(pairs):
        raise _Repeated
    return obj


def _find_duplicates(value: Any, path: tuple[str | int, ...] = ()) -> Iterator[tuple[str, str]]:
    if isinstance(value, _Object):
        for key in value.duplicates:
            yield pointer(*path, key), key
        for key, item in value.items():
            yield from _find_duplicates(item, (*path, key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _find_duplicates(item, (*path, i))


MAX_NESTING = 64
"""Arrays and objects nested deeper than this are refused (a document nests five deep)."""

_MAX_INT = 10**1000
"""Integers this large or larger are refused: no offset needs them and they cannot be printed."""


def structure_problems(value: Any, name: str) -> list[Problem]:
    """L1 problems of a parsed value that no JSON document should have.

    Nesting deeper than :data:`MAX_NESTING`, a string or key with a lone surrogate
    (a ``\\ud800`` escape: not a character, not encodable as UTF-8), a NaN or an
    infinite number, an integer of 1000 digits or more. Iterative, so deep input
    cannot exhaust the stack.
    """
    found: list[Problem] = []
    surrogate_hint = "remove the \\u escape or complete the surrogate pair"

    def bad(path: tuple[str | int, ...], message: str, hint: str) -> None:
        found.append(problem("invalid-json", name, pointer(*path), message, hint))

    def lone_surrogate(text: str) -> str | None:
        try:
            text.encode("utf-8")
        except UnicodeEncodeError as err:
            return f"a lone surrogate U+{ord(text[err.start]):04X} at character {err.start}"
        return None

    stack: list[tuple[tuple[str | int, ...], Any]] = [((), value)]
    while stack:
        path, item = stack.pop()
        if isinstance(item, dict | list):
            if len(path) >= MAX_NESTING:
                bad(path, f"arrays and objects nested more than {MAX_NESTING} deep", "flatten it")
                continue
            pairs = item.items() if isinstance(item, dict) else enumerate(item)
            for key, child in pairs:
                if isinstance(key, str) and (where := lone_surrogate(key)) is not None:
                    shown = key.encode("utf-8", "backslashreplace").decode("utf-8")
                    bad(path, f"key {shown[:40]!r} has {where}", surrogate_hint)
                    continue
                stack.append(((*path, key), child))
        elif isinstance(item, str):
            where = lone_surrogate(item)
            if where is not None:
                bad(path, f"string has {where}", surrogate_hint)
        elif isinstance(item, float) and not math.isfinite(item):
            bad(path, f"{item} is not a JSON number", "write a finite number")
        elif isinstance(item, int) and not isinstance(item, bool) and abs(item) >= _MAX_INT:
            bad(path, "integer has 1000 digits or more", "write a number of reasonable size")
    return sorted(found, key=lambda p: p.pointer)


def _no_hazard(value: Any, strings: bool) -> bool:
    """True when ``value`` (as :func:`json.loads` makes it) surely has nothing that
    :func:`structure_problems` refuses; False when it may (then that function decides).

    One walk, level by level; strings are looked at only when ``strings`` (their text may
    hold a lone surrogate). Any type JSON does not make is left to the exact check.
    """
    level = [value]
    depth = 0
    while level:
        below: list[Any] = []
        for item in level:
            kind = type(item)
            if kind is dict:
                if depth >= MAX_NESTING or (strings and not all(map(_utf8, item))):
                    return False
                below.extend(item.values())
            elif kind is list:
                if depth >= MAX_NESTING:
                    return False
                below.extend(item)
            elif kind is str:
                if strings and not _utf8(item):
                    return False
            elif kind is int:
                if not -_MAX_INT < item < _MAX_INT:
                    return False
            elif kind is float:
                if not math.isfinite(item):
                    return False
            elif kind is not bool and item is not None:
                return False
        level = below
        depth += 1
    return True


def _utf8(text: str) -> bool:
    """Whether ``text`` has no lone surrogate (ASCII has none)."""
    if text.isascii():
        return True
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector for the ``with`` block; restore it after.

    Reading one document makes tens of thousands of small objects, and the collector
    would walk the young ones again and again while they are made (a fifth of the time
    of reading a valid file), though none of them is in a cycle. Paused for one document
    at a time, the memory freed is the same: every object is freed by its reference
    count, and anything left in a cycle is collected once the collector runs again.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


_GC_THRESHOLD_MAX = 2**31 - 1
"""The largest threshold ``gc.set_threshold`` takes (a C ``int``)."""

_spacing_lock = threading.Lock()
_spacing: list[tuple[int, ...]] = []
"""One entry for each :func:`collector_spaced` block running (in any thread): the
thresholds the first of them found, which the last of them to end restores."""


@contextmanager
def collector_spaced(factor: int = 100) -> Iterator[None]:
    """Let Python's cyclic garbage collector run ``factor`` times less often in the
    ``with`` block (its first threshold multiplied, up to the largest it takes); restore
    its thresholds after.

    For the code that runs a loop over documents read one at a time, each read with the
    collector paused (:func:`collector_paused`): when the collector starts again, the
    document just read is alive (``evaluate``'s scorer holds it; the ``validate``
    command holds its result until the next), its objects are young, and at its usual
    pace the collector walks them once a document and frees nothing (none of them is in
    a cycle): 2% to 4% of the time of a run. Spaced out, it walks what is alive when it
    runs, about one document's objects, once in ``factor`` documents' worth of
    allocations, and still collects any cycle (one a layer from outside makes, say), so
    memory stays bounded. Used by the function that owns the loop
    (``newsgold.evaluate.evaluate``, the ``validate`` command), never inside a
    generator, whose caller's code would run with it. Blocks that overlap (nested, or
    in two threads) space it once: the first to begin sets the thresholds, the last to
    end restores those it found, in whatever order they end. A threshold of 0
    (automatic collection off) stays 0.
    """
    with _spacing_lock:
        if _spacing:
            found = _spacing[0]
        else:
            found = gc.get_threshold()
            gc.set_threshold(min(found[0] * factor, _GC_THRESHOLD_MAX), *found[1:])
        _spacing.append(found)
    try:
        yield
    finally:
        with _spacing_lock:
            _spacing.pop()
            if not _spacing:
                gc.set_threshold(*found)


def parse_json_file(
    path: Path, *, max_bytes: int = MAX_DOCUMENT_BYTES
) -> tuple[Any, list[Problem]]:
    """Read ``path`` and parse it as strict JSON.

    Returns ``(value, [])`` or ``(None, problems)`` with L1 problems: the file is
    unreadable, too large, empty, not UTF-8, has a BOM, CR line ends or a NUL byte,
    is not JSON, or repeats a key in an object.
    """
    data, problems = read_file_bytes(path, max_bytes=max_bytes)
    if data is None:
        return None, problems
    return parse_json_bytes(data, str(path))


def file_problems(path: Path, *, max_bytes: int = MAX_DOCUMENT_BYTES) -> list[Problem]:
    """L1 problems that forbid reading ``path`` at all (none: it may be read).

    A folder, anything that is not a regular file (a FIFO or a device would block or
    never end), a file larger than ``max_bytes``, a file that cannot be looked at.
    """
    name = str(path)

    def fail(code: str, message: str, hint: str) -> list[Problem]:
        return [problem(code, name, "", message, hint)]

    try:
        if path.is_dir():
            return fail(
                "file-unreadable", "is a directory, not a file", "give the path of a .json file"
            )
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):  # a FIFO or a device would block or never end
            return fail("file-unreadable", "is not a regular file", "give the path of a .json file")
        if info.st_size > max_bytes:
            return fail(
                "file-too-large",
                f"file has {info.st_size} bytes, more than the limit of {max_bytes}",
                "split the document or check that this is the right file",
            )
    except OSError as err:
        return fail(
            "file-unreadable",
            f"cannot read: {err.strerror or err}",
            "check the path and its permissions",
        )
    return []


def read_file_bytes(
    path: Path, *, max_bytes: int = MAX_DOCUMENT_BYTES
) -> tuple[bytes | None, list[Problem]]:
    """The bytes of ``path``, read once: ``(data, [])`` or ``(None, L1 problems)``.

    Refused before reading: what :func:`file_problems` refuses.
    """
    refused = file_problems(path, max_bytes=max_bytes)
    if refused:
        return None, refused
    try:
        return path.read_bytes(), []
    except OSError as err:
        return None, [
            problem(
                "file-unreadable",
                str(path),
                "",
                f"cannot read: {err.strerror or err}",
                "check the path and its permissions",
            )
        ]


def parse_json_bytes(data: bytes, name: str) -> tuple[Any, list[Problem]]:
    """Parse the bytes of a file named ``name`` as strict JSON.

    Returns ``(value, [])`` or ``(None, L1 problems)``: empty, not UTF-8, a BOM, CR
    line ends or a NUL byte, not JSON, or a key repeated in an object.
    """

    def fail(code: str, message: str, hint: str) -> tuple[Any, list[Problem]]:
        return None, [Problem(name, "", 1, code, message, hint)]

    if b"\x00" not in data and b"\r" not in data and not data.startswith(b"\xef\xbb\xbf"):
        value = _loads_as_written(data)  # refuses bytes that are no UTF-8, or empty
        if value is not _REFUSED:
            return value, []
    if not data.strip():
        return fail("empty-file", "file is empty", "write the document as a JSON object")
    if data.startswith(b"\xef\xbb\xbf"):
        return fail(
            "utf8-bom", "file starts with a UTF-8 byte-order mark", "save as UTF-8 without BOM"
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        return fail(
            "invalid-utf8",
            f"byte 0x{data[err.start]:02x} at byte offset {err.start} is not valid UTF-8",
            "re-encode the file as UTF-8",
        )
    if "\x00" in text:
        return fail(
            "nul-byte", f"NUL byte at character {text.index(chr(0))}", "remove the NUL byte"
        )
    if "\r" in text:
        line = text.count("\n", 0, text.index("\r")) + 1
        return fail("crlf-line-ends", f"carriage return on line {line}", "use LF line ends only")
    return _parse(text, name, "", decoded=True)


def parse_json_text(text: str, name: str, where: str = "") -> tuple[Any, list[Problem]]:
    """Parse decoded text as strict JSON: ``(value, [])`` or ``(None, L1 problems)``.

    Refuses what :func:`structure_problems` refuses and repeated keys; ``where`` is
    the pointer of the text inside its file ("" for a whole file, ``/3`` for line 4
    of a JSONL file), prefixed to every problem's pointer.
    """
    return _parse(text, name, where, decoded=False)


def _parse(text: str, name: str, where: str, decoded: bool) -> tuple[Any, list[Problem]]:
    """:func:`parse_json_text`, quick where the text is clean: plain dicts from the parser,
    one walk of the value; the exact checks run only where that walk or the text shows
    something. ``decoded``: the text was decoded from UTF-8 (it has no lone surrogate
    but one written as a ``\\u`` escape)."""
    if "\\u" not in text:
        value = _loads_counted(text)
        if value is not _REFUSED:
            return value, []
    try:
        value = json.loads(text, object_pairs_hook=_object)
    except _Repeated:
        return _parse_exactly(text, name, where)
    except (json.JSONDecodeError, RecursionError, ValueError):
        return _parse_exactly(text, name, where)
    strings = "\\u" in text or not decoded
    if _no_hazard(value, strings):
        return value, []
    return _parse_exactly(text, name, where)


_REFUSED = object()
"""What :func:`_loads_counted` returns for a text it leaves to the standard parser."""


_DEEP = b"\n" + b" " * (2 * MAX_NESTING)
"""A line indented as an item nested :data:`MAX_NESTING` deep in the indented form."""


def _loads_as_written(data: bytes) -> Any:
    """``data`` parsed by the fast parser (``orjson``) when the bytes are exactly what it
    writes of the value it read, indented by two spaces (as ``json.dump(indent=2,
    ensure_ascii=False)`` and the canonical form write), with or without a final newline;
    else :data:`_REFUSED`.

    Those bytes hold no repeated key (the value would lack it), no escape but those the
    serialiser writes, no number it reads otherwise, and no item nested
    :data:`MAX_NESTING` deep (each nesting indents an item by two spaces): so the value is
    what :func:`json.loads` with every key kept gives, with no hazard. Any other layout
    is left to :func:`_parse`.
    """
    if _DEEP in data:
        return _REFUSED
    try:
        value = orjson.loads(data)
        written = orjson.dumps(value, option=orjson.OPT_INDENT_2)
    except (orjson.JSONDecodeError, orjson.JSONEncodeError):
        return _REFUSED
    return value if written == data.removesuffix(b"\n") else _REFUSED


def _loads_counted(text: str) -> Any:
    """``text`` (with no ``\\u`` escape) parsed by the fast parser (``orjson``), where that
    gives what :func:`json.loads` with every key kept gives; else :data:`_REFUSED`.

    The fast parser keeps the last of two equal keys without a word, so the keys are
    counted: outside strings a colon is only ever the separator after a key, and without
    ``\\u`` escapes every colon of a parsed string is one of the text. The text has as
    many colons as the value has keys and colons in its strings exactly when no key was
    dropped. A value with a float (the fast parser reads an integer beyond 64 bits as
    one), nested deeper than :data:`MAX_NESTING`, or that the fast parser refuses, is
    left to the standard parser, which finds and places every problem.
    """
    try:
        value = orjson.loads(text)
    except orjson.JSONDecodeError:
        return _REFUSED
    colons = 0
    level = [value]
    for depth in range(MAX_NESTING + 1):
        below: list[Any] = []
        for item in level:
            kind = type(item)
            if depth == MAX_NESTING and (kind is dict or kind is list):
                return _REFUSED  # nested too deep: the standard parser says where
            if kind is dict:
                if item:  # its keys and their colons: those of the keys joined by colons, + 1
                    colons += ":".join(item).count(":") + 1
                    below.extend(item.values())
            elif kind is list:
                below.extend(item)
            elif kind is str:
                colons += item.count(":")
            elif kind is float:
                return _REFUSED
        if not below:
            break
        level = below
    return value if colons == text.count(":") else _REFUSED


def _parse_exactly(text: str, name: str, where: str) -> tuple[Any, list[Problem]]:
    """:func:`parse_json_text` with every repeated key and hazard placed by its pointer."""

    def fail(message: str, hint: str) -> tuple[Any, list[Problem]]:
        return None, [problem("invalid-json", name, where, message, hint)]

    try:
        value = json.loads(text, object_pairs_hook=_pairs)
    except json.JSONDecodeError as err:
        return fail(
            f"{err.msg} at line {err.lineno} column {err.colno}",
            "fix the JSON syntax (a truncated file ends early)",
        )
    except RecursionError:
        return fail("nesting is too deep to parse", "flatten the JSON structure")
    except ValueError as err:  # an integer with more digits than Python converts
        return fail(str(err).split(";")[0], "write a number of reasonable size")
    hazards = structure_problems(value, name)
    if hazards:
        return None, [dataclasses.replace(p, pointer=where + p.pointer) for p in hazards]
    dups = list(_find_duplicates(value))
    if dups:
        return None, [
            problem(
                "duplicate-key",
                name,
                where + at,
                f'key "{key}" appears twice in one object',
                "keep one of the two values",
            )
            for at, key in dups
        ]
    return _plain(value), []


def loads_quick(data: bytes) -> Any:
    """``data`` parsed by the fast parser (``orjson``), or None where it refuses it.

    Only a first try: the value has not passed the L1 checks (the fast parser takes the
    last of two equal keys, and an integer too large for 64 bits as a float). A caller
    trusts it only when the bytes are then found to be the canonical form of the
    document made from it (:func:`canonical_bytes_quick`), which no file with a repeated
    key, a lone surrogate, a CR, a NUL byte or a number out of range can be; otherwise
    it reads the bytes again by :func:`parse_json_bytes`.
    """
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError:
        return None


def canonical_bytes_quick(document: Document) -> bytes | None:
    """:func:`canonical_json` of ``document``, encoded, by :func:`dumps_quick` of
    :meth:`~newsgold.model.Document.serialisable` (the records written by the fast
    serialiser from their fields); None where that refuses the document."""
    value = dumps_quick(document.serialisable())
    return None if value is None else value + b"\n"


def dumps_quick(value: Any) -> bytes | None:
    """``json.dumps(value, ensure_ascii=False, indent=2)`` encoded, by the fast serialiser
    (``orjson``), for the values a document holds (strings, integers, booleans, null,
    lists, objects with string keys; and :meth:`~newsgold.model.Document.serialisable`,
    which only the fast serialiser takes): the same bytes. None where it refuses the value (a
    lone surrogate, an integer beyond 64 bits, a key that is not a string). Not for
    floats, which the two write differently (``1e16``, ``1e+16``): a document that
    passed its checks holds none.
    """
    try:
        return orjson.dumps(value, option=orjson.OPT_INDENT_2)
    except orjson.JSONEncodeError:  # a value it does not serialise
        return None


def canonical_json(document: Document) -> str:
    """The canonical serialisation: fixed key order, 2-space indent, UTF-8, trailing newline."""
    return dumps_indented(document.to_dict()) + "\n"


def dumps_indented(value: Any) -> str:
    """``json.dumps(value, ensure_ascii=False, indent=2)``, byte for byte, in fewer steps.

    With ``indent`` the standard library leaves its C encoder for a generator per value;
    this joins each container's items at once, strings quoted by the C quoting function.
    A value of any other type than JSON's (a float, a subclass) goes to ``json.dumps``.
    """
    try:
        return _indented(value, "")
    except _NotPlain:
        return json.dumps(value, ensure_ascii=False, indent=2)


class _NotPlain(Exception):
    """A value :func:`_indented` leaves to ``json.dumps``."""


def _indented(value: Any, indent: str) -> str:
    kind = type(value)
    inner = indent + "  "
    if kind is dict:
        if not value:
            return "{}"
        items = [
            _quote(k) + ": " + (_quote(v) if type(v) is str else _indented(v, inner))
            for k, v in value.items()
            if type(k) is str or _not_plain()  # json.dumps turns other keys into strings
        ]
        return "{\n" + inner + (",\n" + inner).join(items) + "\n" + indent + "}"
    if kind is list:
        if not value:
            return "[]"
        items = [_quote(v) if type(v) is str else _indented(v, inner) for v in value]
        return "[\n" + inner + (",\n" + inner).join(items) + "\n" + indent + "]"
    if kind is str:
        return _quote(value)
    if kind is int:
        return int.__repr__(value)
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    raise _NotPlain


def _not_plain() -> NoReturn:
    raise _NotPlain


def _file_mode(path: Path) -> int:
    """Permission bits for ``path``: those it has, else 0o666 less the umask."""
    try:
        return stat.S_IMODE(path.stat().st_mode)
    except OSError:
        umask = os.umask(0o022)
        os.umask(umask)
        return 0o666 & ~umask


@contextmanager
def atomic_writer(path: Path, mode: str = "w") -> Iterator[IO[Any]]:
    """Open a temporary file beside ``path``; rename it into place only if the block succeeds.

    On any exception the temporary file is removed and ``path`` is left as it was.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.chmod(tmp, _file_mode(path))  # mkstemp gives 0600; give what open() would
        if "b" in mode:
            handle: IO[Any] = os.fdopen(fd, mode)
        else:
            handle = os.fdopen(fd, mode, encoding="utf-8", newline="\n")
        with handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_text_atomic(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` atomically (UTF-8, LF)."""
    with atomic_writer(path) as handle:
        handle.write(text)


def write_bytes_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically."""
    with atomic_writer(path, "wb") as handle:
        handle.write(data)


_RENAME_EXCHANGE = 2
"""The ``renameat2`` flag that swaps two paths in one step (Linux 3.15+)."""


def exchange(a: Path, b: Path) -> bool:
    """Swap the folders (or files) ``a`` and ``b`` in one atomic step.

    Returns False, having changed nothing, where the system cannot (no ``renameat2``,
    or a file system without exchange); the caller then swaps in two renames.
    """
    import ctypes
    import ctypes.util

    name = ctypes.util.find_library("c")
    if name is None:
        return False
    libc = ctypes.CDLL(name, use_errno=True)
    renameat2 = getattr(libc, "renameat2", None)
    if renameat2 is None:
        return False
    at_fdcwd = -100
    done = renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), _RENAME_EXCHANGE)
    if done == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP):
        return False
    raise OSError(err, os.strerror(err), str(b))


def _check_targets(staged: Path, target: Path) -> list[Path]:
    """The files of ``staged``; raise :class:`OSError` when one cannot go to its place in
    ``target`` (a folder stands where the file goes, or a file where its folder goes)."""
    files = sorted(p for p in staged.rglob("*") if p.is_file())
    for src in files:
        rel = src.relative_to(staged)
        dest = target / rel
        for parent in reversed(rel.parents[:-1]):
            if (target / parent).exists() and not (target / parent).is_dir():
                message = f"{parent.as_posix()} is a file where the conversion writes a folder"
                raise NotADirectoryError(errno.ENOTDIR, f"{message}; move it away", str(dest))
        if dest.is_dir():
            message = f"{rel.as_posix()} is a folder where the conversion writes a file"
            raise IsADirectoryError(errno.EISDIR, f"{message}; move it away", str(dest))
    return files


def publish_over(staged: Path, target: Path) -> None:
    """Move the files of the folder ``staged`` into the existing folder ``target``, all or
    nothing.

    Before anything moves, a folder where a staged file goes, or a file where its folder
    goes, raises :class:`OSError`. Each file of ``target`` that a staged file replaces is
    first moved aside into a hidden folder of ``target``; on any failure the files moved
    in are removed and the ones set aside are put back. The folder ``target`` itself and
    its other files are never copied, moved or replaced (it may be a working directory,
    hold hard links or special files).
    """
    files = _check_targets(staged, target)
    aside = Path(tempfile.mkdtemp(prefix=".newsgold-replaced-", dir=target))
    moved: list[tuple[Path, Path | None]] = []
    try:
        for src in files:
            dest = target / src.relative_to(staged)
            dest.parent.mkdir(mode=folder_mode(), parents=True, exist_ok=True)
            kept = None
            if dest.exists() or dest.is_symlink():
                kept = aside / str(len(moved))
                os.rename(dest, kept)
            moved.append((dest, kept))
            os.replace(src, dest)
    except BaseException:
        _put_back(moved)
        raise
    finally:
        shutil.rmtree(aside, ignore_errors=True)


def _put_back(moved: list[tuple[Path, Path | None]]) -> None:
    """Undo :func:`publish_over`: remove each file moved in, restore the one it replaced."""
    for dest, kept in reversed(moved):
        if dest.exists() or dest.is_symlink():
            dest.unlink()
        if kept is not None:
            os.rename(kept, dest)


def folder_mode() -> int:
    """Permission bits of a new folder: 0o777 less the umask (mkdtemp gives 0o700)."""
    umask = os.umask(0o022)
    os.umask(umask)
    return 0o777 & ~umask


def write_staged(path: Path, data: bytes) -> None:
    """Write a file of a staging folder (nothing reads it before it is published): the bytes,
    flushed and synced to disk, so that a published file is whole."""
    with path.open("wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())


def create_new(files: dict[Path, bytes]) -> None:
    """Write new files, all or none, never over an existing one.

    Each file is written whole to a temporary file beside it, flushed to disk and linked
    to its name (a hard link, which fails when the name exists, even if another process
    made it a moment ago); on any failure the names linked so far are removed. Raises
    :class:`FileExistsError` naming the first file that exists, before anything is written.
    """
    for path in files:
        if path.exists() or path.is_symlink():
            raise FileExistsError(errno.EEXIST, "exists; newsgold does not overwrite it", str(path))
    temps: list[tuple[Path, Path]] = []
    linked: list[Path] = []
    try:
        for path, data in files.items():
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
            temps.append((Path(tmp), path))
            os.chmod(tmp, _file_mode(path))  # mkstemp gives 0600; give what open() would
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
        for tmp_path, path in temps:
            os.link(tmp_path, path)
            linked.append(path)
    except BaseException:
        for path in linked:
            path.unlink(missing_ok=True)
        raise
    finally:
        for tmp_path, _ in temps:
            tmp_path.unlink(missing_ok=True)

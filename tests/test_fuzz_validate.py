"""Property tests of the validator on mutated copies of real documents.

Each mutation of the canonical documents (``dataset/documents/*.json``) and of the
fixture that has every layer is one of:

* invalid: shifted or swapped offsets, offsets past the text, negative or huge
  integers, wrong JSON types, missing and extra keys, duplicated and dangling ids,
  Unicode edits to the text and to span texts, deep nesting, very long strings;
* valid: key reordering, re-serialisation, consistent id renaming, free-text edits,
  whitespace inserted between sentences with every later offset moved.

Properties: :func:`validate_document_value` never raises; every problem has a known
code and level and a JSON pointer that resolves in the mutated document (a missing
key: its parent resolves); an invalid mutation yields at least one problem, at the
place that was broken; a valid mutation yields none. The same at the file level,
with byte edits (truncation, NUL, CR, BOM, invalid UTF-8).

The default run tries a few examples per mutation. The campaign tries
``NEWSGOLD_FUZZ_EXAMPLES`` (default 5000) examples per property::

    NEWSGOLD_FUZZ_EXAMPLES=5000 python -m pytest tests/test_fuzz_validate.py --run-slow -k campaign
"""

from __future__ import annotations

import copy
import hashlib
import json
import os
import random
import tempfile
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsgold.io import MAX_NESTING, canonical_json, parse_json_bytes
from newsgold.issues import CODES, Problem, pointer
from newsgold.model import Document
from newsgold.reader import read_file
from newsgold.resources import documents_dir, schema_dir
from newsgold.validate import validate_document_value

FIXTURE = Path(__file__).parent / "fixtures" / "valid" / "fixture_small.json"
BASE_FILES = [*sorted(documents_dir().glob("*.json")), FIXTURE]
CAMPAIGN_EXAMPLES = int(os.environ.get("NEWSGOLD_FUZZ_EXAMPLES", "5000"))

Path_ = tuple[str | int, ...]
SPAN_CODES = frozenset(
    {"schema-minimum", "span-reversed", "span-out-of-range", "span-text-mismatch", "invalid-json"}
)
WRONG_TYPE_CODES = frozenset({"schema-type", "schema-one-of", "schema-enum", "schema-const"})
# Id fields, the kind of record they name and the prefix of that kind.
ID_FIELDS: dict[Path_, str] = {
    ("sentences", "*", "id"): "s",
    ("mentions", "*", "id"): "m",
    ("entities", "*", "id"): "e",
    ("quotes", "*", "id"): "q",
    ("events", "*", "id"): "ev",
    ("events", "*", "triggers", "*", "id"): "t",
    ("stance", "*", "id"): "st",
    ("relations", "*", "id"): "r",
}
# Reference fields and the prefix of the kind of record they name.
REF_FIELDS: dict[Path_, str] = {
    ("mentions", "*", "entity_id"): "e",
    ("entities", "*", "members", "*"): "e",
    ("quotes", "*", "source"): "m",
    ("quotes", "*", "speaker"): "e",
    ("quotes", "*", "addressee", "entity_id"): "e",
    ("quotes", "*", "addressee", "mention_id"): "m",
    ("quotes", "*", "parent"): "q",
    ("events", "*", "arguments", "*", "entity_id"): "e",
    ("events", "*", "arguments", "*", "mention_id"): "m",
    ("events", "*", "time", "mention_id"): "m",
    ("stance", "*", "holder"): "e",
    ("stance", "*", "quote_ids", "*"): "q",
    ("stance", "*", "target", "entity_id"): "e",
    ("stance", "*", "target", "event_id"): "ev",
    ("relations", "*", "arg1"): "m",
    ("relations", "*", "arg2"): "m",
}
FREE_TEXT: tuple[Path_, ...] = (
    ("metadata", "headline"),
    ("metadata", "provenance"),
    ("metadata", "license"),
    ("metadata", "date", "basis"),
    ("entities", "*", "name"),
    ("entities", "*", "description"),
)
SPECIAL_CHARS = [
    "\u00a0", "\u200b", "\u200d", "\u2028", "\ufeff", "\u202e", "\u0301", "\u00e9",
    "\u2019", "\u201c", "'", '"', "\\", "/", "~", "\n", "\t", "\x7f", "\U0001f600", "\U00010348",
]  # fmt: skip
LONE_SURROGATES = ["\ud800", "\udbff", "\udc00", "\udfff"]
HOMOGLYPHS = str.maketrans(
    "aceopxyAEOPT", "\u0430\u0441\u0435\u043e\u0440\u0445\u0443\u0410\u0415\u041e\u0420\u0422"
)  # Latin -> Cyrillic look-alikes

# ------------------------------------------------------------------ documents and paths


@cache
def _base(name: str) -> str:
    return next(p for p in BASE_FILES if p.name == name).read_text(encoding="utf-8")


def base_doc(name: str) -> Any:
    return json.loads(_base(name))


def nodes(value: Any, path: Path_ = ()) -> Iterator[tuple[Path_, Any]]:
    yield path, value
    if isinstance(value, dict):
        for key, child in value.items():
            yield from nodes(child, (*path, key))
    elif isinstance(value, list):
        for i, child in enumerate(value):
            yield from nodes(child, (*path, i))


def get(doc: Any, path: Path_) -> Any:
    for part in path:
        doc = doc[part]
    return doc


def put(doc: Any, path: Path_, value: Any) -> Any:
    """Set ``value`` at ``path``; return the (possibly new) root."""
    if not path:
        return value
    get(doc, path[:-1])[path[-1]] = value
    return doc


def expand(doc: Any, pattern: Path_) -> list[Path_]:
    """Concrete paths matching ``pattern`` ("*" is any list index) that exist in ``doc``."""
    found: list[Path_] = [()]
    for part in pattern:
        nxt: list[Path_] = []
        for path in found:
            here = get(doc, path)
            if part == "*" and isinstance(here, list):
                nxt.extend((*path, i) for i in range(len(here)))
            elif isinstance(part, str) and isinstance(here, dict) and part in here:
                nxt.append((*path, part))
        found = nxt
    return found


def is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def span_paths(doc: Any) -> list[Path_]:
    """Every span: an object with integer start and end and a string text (not metadata)."""
    return [
        path
        for path, value in nodes(doc)
        if isinstance(value, dict)
        and path[:1] != ("metadata",)
        and is_int(value.get("start"))
        and is_int(value.get("end"))
        and isinstance(value.get("text"), str)
    ]


def resolve(doc: Any, ptr: str) -> tuple[bool, Any]:
    """Resolve an RFC 6901 pointer; ``(found, value)``."""
    if ptr == "":
        return True, doc
    if not ptr.startswith("/"):
        return False, None
    cur = doc
    for raw in ptr[1:].split("/"):
        token = raw.replace("~1", "/").replace("~0", "~")
        if isinstance(cur, dict) and token in cur:
            cur = cur[token]
        elif (
            isinstance(cur, list)
            and token.isascii()
            and token.isdigit()
            and (token == "0" or not token.startswith("0"))
            and int(token) < len(cur)
        ):
            cur = cur[int(token)]
        else:
            return False, None
    return True, cur


def sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def has_surrogate(text: str) -> bool:
    return any(0xD800 <= ord(c) <= 0xDFFF for c in text)


# ------------------------------------------------------------------ the schema, as an oracle


@cache
def _schemas() -> tuple[dict[str, Any], dict[str, Any]]:
    root = schema_dir()
    return (
        json.loads((root / "document.schema.json").read_text(encoding="utf-8")),
        json.loads((root / "labels.json").read_text(encoding="utf-8")),
    )


def _deref(node: dict[str, Any]) -> dict[str, Any]:
    doc_schema, labels = _schemas()
    while "$ref" in node:
        where, _, fragment = node["$ref"].partition("#")
        node = labels if where == "labels.json" else doc_schema
        for part in fragment.strip("/").split("/"):
            node = node[part] if part else node
    return node


def _branches(node: dict[str, Any]) -> list[dict[str, Any]]:
    node = _deref(node)
    if "oneOf" in node:
        return [b for sub in node["oneOf"] for b in _branches(sub)]
    return [node]


def schemas_at(path: Path_) -> list[dict[str, Any]]:
    """The schema alternatives that apply at ``path`` (none: the place is not allowed)."""
    current = _branches(_schemas()[0])
    for part in path:
        nxt = []
        for branch in current:
            if isinstance(part, str) and part in branch.get("properties", {}):
                nxt.extend(_branches(branch["properties"][part]))
            elif isinstance(part, int) and "items" in branch:
                nxt.extend(_branches(branch["items"]))
        current = nxt
    return current


def json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    return "array" if isinstance(value, list) else "object"


ALL_TYPES = frozenset({"null", "boolean", "integer", "number", "string", "array", "object"})


def allowed_types(path: Path_) -> frozenset[str]:
    types: set[str] = set()
    for branch in schemas_at(path):
        if "type" in branch:
            t = branch["type"]
            types.update([t] if isinstance(t, str) else t)
        elif "const" in branch:
            types.add(json_type(branch["const"]))
        elif "enum" in branch:
            types.update(json_type(v) for v in branch["enum"])
        else:
            return ALL_TYPES
    if "number" in types:
        types.add("integer")
    return frozenset(types)


def closed_strings(path: Path_) -> bool:
    """Only a fixed set of strings is allowed at ``path`` (an enum or a const)."""
    branches = schemas_at(path)
    return bool(branches) and all("enum" in b or "const" in b for b in branches)


def required(path: Path_, key: str) -> bool:
    return any(key in b.get("required", ()) for b in schemas_at(path))


def closed(path: Path_, key: str) -> bool:
    """Adding ``key`` to the object at ``path`` breaks the schema."""
    objects = [b for b in schemas_at(path) if b.get("type") == "object" or "properties" in b]
    return bool(objects) and all(
        b.get("additionalProperties") is False and key not in b["properties"] for b in objects
    )


# ------------------------------------------------------------------ cases and the check


@dataclass
class Case:
    """A mutated document and what the validator must say about it.

    ``invalid``: True (at least one problem), False (none) or None (anything, but no
    crash). ``at``: one problem must be at one of these pointers (or below one, with
    ``below``), with one of ``codes`` when given.
    """

    kind: str
    doc: Any
    invalid: bool | None
    at: tuple[str, ...] = ()
    codes: frozenset[str] = frozenset()
    below: bool = False


def _where(p: Problem, case: Case) -> bool:
    return any(p.pointer == at or (case.below and p.pointer.startswith(at + "/")) for at in case.at)


def check_problems(case: Case, problems: list[Problem], name: str) -> None:
    shown = "\n".join(p.format()[:300] for p in problems[:20])
    for p in problems:
        assert p.code in CODES, p
        assert p.level == CODES[p.code][0], p
        assert p.file == name and p.message and p.hint, p
        found, _ = resolve(case.doc, p.pointer)
        if not found:
            assert p.code == "schema-required", f"{case.kind}: pointer does not resolve: {p}"
            parent, _, key = p.pointer.rpartition("/")
            ok, obj = resolve(case.doc, parent)
            assert ok and isinstance(obj, dict), p
            assert key.replace("~1", "/").replace("~0", "~") not in obj, p
    if case.invalid is True:
        assert problems, f"{case.kind}: no problem found"
        if case.at:
            hits = [p for p in problems if _where(p, case)]
            assert hits, f"{case.kind}: no problem at {case.at}; got:\n{shown}"
            if case.codes:
                assert any(p.code in case.codes for p in hits), (
                    f"{case.kind}: none of {sorted(case.codes)} at {case.at}; got:\n{shown}"
                )
    elif case.invalid is False:
        assert not problems, f"{case.kind}: a valid mutation has problems:\n{shown}"


def check(case: Case, name: str = "fuzz.json") -> list[Problem]:
    problems = validate_document_value(case.doc, name)  # must not raise
    check_problems(case, problems, name)
    reader_agrees(case.doc, problems)
    return problems


def reader_agrees(doc: Any, problems: list[Problem]) -> None:
    """The reader, given the mutated document as a file in canonical layout, finds what
    validating the value finds: its quick path (a fast parser, then the checks) passes
    nothing the value's checks refuse. A file the reader refuses at L1 (a lone surrogate,
    nesting too deep for its parser) or that is not in canonical form is left out."""
    try:
        data = (json.dumps(doc, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    except (TypeError, ValueError, UnicodeEncodeError, RecursionError):
        return
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "fuzz.json"
        path.write_bytes(data)
        found = read_file(path, check_name=False).problems
    if any(p.level == 1 for p in found):
        return
    found = [p for p in found if p.code != "non-canonical-format"]
    assert [(p.code, p.pointer, p.message) for p in found] == [
        (p.code, p.pointer, p.message) for p in problems
    ]


# ------------------------------------------------------------------ strategies

Draw = st.DataObject

SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(-(2**40), 2**40)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=12)
)
SMALL_JSON = st.recursive(
    SCALARS,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=6,
)
KEYS = st.text(max_size=12) | st.sampled_from(["", "/", "~", "~1", "a/b~0", "$schema", "ID", " id"])
CHARS = st.characters() | st.sampled_from(SPECIAL_CHARS)


def fresh_id(draw: Draw, doc: Any, prefix: str) -> str:
    used = {v for _, v in nodes(doc) if isinstance(v, str)}
    n = draw.draw(st.integers(0, 10**6), label="fresh")
    while f"{prefix}_zz{n}" in used:
        n += 1
    return f"{prefix}_zz{n}"


def huge(label: str) -> int:
    return {
        "-1": -1,
        "-2**31": -(2**31),
        "-2**63": -(2**63),
        "2**31": 2**31,
        "2**63": 2**63,
        "2**64": 2**64,
        "10**30": 10**30,
        "10**999": 10**999,
        "10**1000": 10**1000,
        "-10**1000": -(10**1000),
        "10**5000": 10**5000,
    }[label]


TYPE_NAMES = ["boolean", "integer", "integral-float", "number", "string", "null", "array", "object"]
HUGE_LABELS = ["-1", "-2**31", "-2**63", "2**31", "2**63", "2**64", "10**30", "10**999",
               "10**1000", "-10**1000", "10**5000"]  # fmt: skip


def span_codes(text: str, start: int, end: int, stext: str) -> frozenset[str] | None:
    """Which problem a span with these values must get (None: the span is fine)."""
    if max(abs(start), abs(end)) >= 10**1000:
        return frozenset({"invalid-json"})
    if start < 0 or end < 0:
        return frozenset({"schema-minimum"})
    if start >= end:
        return frozenset({"span-reversed"})
    if end > len(text):
        return frozenset({"span-out-of-range"})
    if text[start:end] != stext:
        return frozenset({"span-text-mismatch"})
    return None


def broken_spans(doc: Any) -> list[str]:
    """Pointers of spans whose offsets do not give their text (an independent oracle)."""
    text = doc["text"]
    out = []
    for path in span_paths(doc):
        s = get(doc, path)
        if span_codes(text, s["start"], s["end"], s["text"]) is not None:
            out.append(pointer(*path))
    return out


def edit_string(draw: Draw, text: str, *, surrogates: bool = True) -> str:
    """One Unicode edit of ``text`` (never to the empty string)."""
    ops = ["replace", "insert", "delete", "swapcase", "nfd", "nfkc", "homoglyph", "combining",
           "curly", "pad"]  # fmt: skip
    if surrogates:
        ops.append("surrogate")
    op = draw.draw(st.sampled_from(ops), label="edit")
    i = draw.draw(st.integers(0, max(0, len(text) - 1)), label="at")
    char = draw.draw(CHARS, label="char")
    if op == "replace":
        return text[:i] + char + text[i + 1 :]
    if op == "insert":
        return text[:i] + char + text[i:]
    if op == "delete" and len(text) > 1:
        return text[:i] + text[i + 1 :]
    if op == "swapcase":
        return text.swapcase()
    if op == "nfd":
        return unicodedata.normalize("NFD", text)
    if op == "nfkc":
        return unicodedata.normalize("NFKC", text)
    if op == "homoglyph":
        return text.translate(HOMOGLYPHS)
    if op == "combining":
        return text[: i + 1] + "\u0301" + text[i + 1 :]
    if op == "curly":
        return text.replace("\u2019", "'") if "\u2019" in text else text.replace("'", "\u2019")
    if op == "pad":
        return draw.draw(st.sampled_from([" ", "\n", "\u00a0"])) + text
    if op == "surrogate":
        return text[:i] + draw.draw(st.sampled_from(LONE_SURROGATES)) + text[i:]
    return text + char


# ------------------------------------------------------------------ invalid mutations


def m_shift(draw: Draw, doc: Any) -> Case:
    path = draw.draw(st.sampled_from(span_paths(doc)), label="span")
    span = get(doc, path)
    which = draw.draw(st.sampled_from(["start", "end", "both"]))
    delta = draw.draw(st.integers(-80, 80).filter(bool) | st.sampled_from([-(10**6), 10**6]))
    if which in ("start", "both"):
        span["start"] += delta
    if which in ("end", "both"):
        span["end"] += delta
    codes = span_codes(doc["text"], span["start"], span["end"], span["text"])
    return Case("shift", doc, codes is not None, (pointer(*path),), codes or frozenset(), True)


def m_swap(draw: Draw, doc: Any) -> Case:
    path = draw.draw(st.sampled_from(span_paths(doc)), label="span")
    span = get(doc, path)
    span["start"], span["end"] = span["end"], span["start"]
    return Case("swap", doc, True, (pointer(*path),), frozenset({"span-reversed"}), True)


def m_past_text(draw: Draw, doc: Any) -> Case:
    path = draw.draw(st.sampled_from(span_paths(doc)), label="span")
    span = get(doc, path)
    k = draw.draw(st.integers(0, 10**6))
    if draw.draw(st.booleans(), label="end"):
        span["end"] = len(doc["text"]) + 1 + k
    else:
        span["start"] = len(doc["text"]) + k
    codes = span_codes(doc["text"], span["start"], span["end"], span["text"])
    assert codes is not None
    return Case("past-text", doc, True, (pointer(*path),), codes, True)


def m_bad_int(draw: Draw, doc: Any) -> Case:
    path = draw.draw(st.sampled_from(span_paths(doc)), label="span")
    span = get(doc, path)
    field = draw.draw(st.sampled_from(["start", "end"]))
    label = draw.draw(
        st.sampled_from(HUGE_LABELS) | st.integers(max_value=-1).map(str),
        label="value",
    )
    span[field] = huge(label) if label in HUGE_LABELS else int(label)
    codes = span_codes(doc["text"], span["start"], span["end"], span["text"])
    assert codes is not None
    return Case("bad-int", doc, True, (pointer(*path),), codes, True)


def m_wrong_type(draw: Draw, doc: Any) -> Case:
    paths = [p for p, _ in nodes(doc)]
    path = draw.draw(st.sampled_from(paths), label="path")
    kind = draw.draw(
        st.sampled_from(TYPE_NAMES),
        label="type",
    )
    value = draw.draw(
        {
            "boolean": st.booleans(),
            "integer": st.integers(-(2**40), 2**40),
            "integral-float": st.integers(-1000, 10**6).map(float),
            "number": st.floats(allow_nan=False, allow_infinity=False),
            "string": st.text(max_size=20),
            "null": st.none(),
            "array": st.lists(SCALARS, max_size=3),
            "object": st.dictionaries(st.text(max_size=5), SCALARS, max_size=3),
        }[kind],
        label="value",
    )
    doc = put(doc, path, value)
    invalid = json_type(value) not in allowed_types(path)
    return Case("wrong-type", doc, True if invalid else None, (pointer(*path),), WRONG_TYPE_CODES)


def m_missing_key(draw: Draw, doc: Any) -> Case:
    paths = [p for p, v in nodes(doc) if isinstance(v, dict) and v]
    path = draw.draw(st.sampled_from(paths), label="object")
    obj = get(doc, path)
    key = draw.draw(st.sampled_from(sorted(obj)), label="key")
    del obj[key]
    invalid = required(path, key)
    return Case(
        "missing-key", doc, invalid or None, (pointer(*path, key),), frozenset({"schema-required"})
    )


def m_extra_key(draw: Draw, doc: Any) -> Case:
    paths = [p for p, v in nodes(doc) if isinstance(v, dict)]
    path = draw.draw(st.sampled_from(paths), label="object")
    obj = get(doc, path)
    key = draw.draw(KEYS.filter(lambda k: k not in obj), label="key")
    obj[key] = draw.draw(SMALL_JSON, label="value")
    invalid = closed(path, key)
    codes = frozenset({"schema-additional-property"})
    return Case("extra-key", doc, invalid or None, (pointer(*path, key),), codes)


def id_paths(doc: Any) -> list[tuple[Path_, str]]:
    return [(p, prefix) for pattern, prefix in ID_FIELDS.items() for p in expand(doc, pattern)]


def ref_paths(doc: Any) -> list[tuple[Path_, str]]:
    return [(p, prefix) for pattern, prefix in REF_FIELDS.items() for p in expand(doc, pattern)]


def m_duplicate_id(draw: Draw, doc: Any) -> Case:
    ids = [p for p, _ in id_paths(doc)]
    a = draw.draw(st.sampled_from(ids), label="a")
    b = draw.draw(st.sampled_from([p for p in ids if p != a]), label="b")
    put(doc, b, get(doc, a))
    return Case("duplicate-id", doc, True, (pointer(*a), pointer(*b)), frozenset({"duplicate-id"}))


def m_bad_id(draw: Draw, doc: Any) -> Case:
    """Rename an id, and every reference to it, to one its pattern forbids."""
    path, prefix = draw.draw(st.sampled_from([(("id",), ""), *id_paths(doc)]), label="id")
    old = get(doc, path)
    if path == ("id",):
        choices = [old + s for s in ("\n", " ", "/", ".", "\u00e9")] + ["../../x", "", "-" + old]
    else:
        choices = [old + s for s in ("\n", " ", "-", "/", ".", "\u00e9", "\u0301")] + [""]
    new = draw.draw(st.sampled_from(choices), label="new id")
    put(doc, path, new)
    for ref, kind in ref_paths(doc):
        if kind == prefix and get(doc, ref) == old:
            put(doc, ref, new)
    return Case("bad-id", doc, True, (pointer(*path),), frozenset({"schema-pattern"}))


def m_duplicate_record(draw: Draw, doc: Any) -> Case:
    layers = [
        k for k in ("sentences", "mentions", "entities", "quotes", "events", "stance") if doc[k]
    ]
    layer = draw.draw(st.sampled_from(layers), label="layer")
    i = draw.draw(st.integers(0, len(doc[layer]) - 1), label="record")
    doc[layer].append(copy.deepcopy(doc[layer][i]))
    at = pointer(layer, len(doc[layer]) - 1, "id")
    return Case("duplicate-record", doc, True, (at,), frozenset({"duplicate-id"}))


def m_dangling(draw: Draw, doc: Any) -> Case:
    path, prefix = draw.draw(st.sampled_from(ref_paths(doc)), label="ref")
    put(doc, path, fresh_id(draw, doc, prefix))
    return Case("dangling", doc, True, (pointer(*path),), frozenset({"dangling-reference"}))


def m_delete_referenced(draw: Draw, doc: Any) -> Case:
    referenced = {get(doc, p) for p, _ in ref_paths(doc)} - {None}
    records = [p[:-1] for p, _ in id_paths(doc) if len(p) == 3 and get(doc, p) in referenced]
    layer, i = draw.draw(st.sampled_from(records), label="record")
    del doc[layer][i]
    return Case("delete-referenced", doc, True, codes=frozenset({"dangling-reference"}))


def m_text_edit(draw: Draw, doc: Any) -> Case:
    old = doc["text"]
    doc["text"] = new = edit_string(draw, old)
    if new == old:
        return Case("text-edit", doc, False)
    if has_surrogate(new):
        return Case("text-edit", doc, True, ("/text",), frozenset({"invalid-json"}))
    return Case("text-edit", doc, True, ("/text_sha256",), frozenset({"text-sha256-mismatch"}))


def m_text_edit_resync(draw: Draw, doc: Any) -> Case:
    doc["text"] = edit_string(draw, doc["text"])
    doc["text_sha256"] = sha(doc["text"])
    if has_surrogate(doc["text"]):
        return Case("text-edit-resync", doc, True, ("/text",), frozenset({"invalid-json"}))
    broken = broken_spans(doc)
    return Case("text-edit-resync", doc, bool(broken) or None, tuple(broken), SPAN_CODES, True)


def m_span_text_edit(draw: Draw, doc: Any) -> Case:
    path = draw.draw(st.sampled_from(span_paths(doc)), label="span")
    span = get(doc, path)
    old = span["text"]
    span["text"] = edit_string(draw, old)
    if span["text"] == old:
        return Case("span-text-edit", doc, False)
    return Case("span-text-edit", doc, True, (pointer(*path),), SPAN_CODES, True)


def deep(depth: int, container: str, leaf: Any = 0) -> Any:
    value = leaf
    for i in range(depth):
        kind = container if container != "mixed" else ("list", "dict")[i % 2]
        value = [value] if kind == "list" else {"k": value}
    return value


def m_deep_nesting(draw: Draw, doc: Any) -> Case:
    paths = [p for p, _ in nodes(doc)]
    path = draw.draw(st.sampled_from(paths), label="path")
    depth = draw.draw(st.integers(2, 100) | st.sampled_from([1000, 5000, 100_000]), label="depth")
    container = draw.draw(st.sampled_from(["list", "dict", "mixed"]))
    doc = put(doc, path, deep(depth, container))
    if len(path) + depth > MAX_NESTING:
        return Case("deep-nesting", doc, True, (pointer(*path),), frozenset({"invalid-json"}), True)
    return Case("deep-nesting", doc, None)


def m_long_string(draw: Draw, doc: Any) -> Case:
    paths = [p for p, v in nodes(doc) if isinstance(v, str)]
    path = draw.draw(st.sampled_from(paths), label="path")
    unit = draw.draw(
        st.text(min_size=1, max_size=3) | st.sampled_from(["a", "\u2019", "\U0001f600"])
    )
    size = draw.draw(st.sampled_from([10_000, 100_000, 1_000_000]), label="size")
    value = unit * (size // len(unit))
    if get(doc, path) == value:
        return Case("long-string", doc, False)
    spans = span_paths(doc)
    put(doc, path, value)
    at = pointer(*path)
    if path == ("text",):
        return Case(
            "long-string", doc, True, ("/text_sha256",), frozenset({"text-sha256-mismatch"})
        )
    if path[:-1] in spans and path[-1] == "text":
        return Case("long-string", doc, True, (pointer(*path[:-1]),), SPAN_CODES, True)
    if closed_strings(path):
        return Case("long-string", doc, True, (at,), frozenset({"schema-enum", "schema-const"}))
    if path in (("id",), ("text_sha256",)):
        return Case("long-string", doc, True, (at,), frozenset({"schema-pattern"}))
    return Case("long-string", doc, None)


INVALID: dict[str, Callable[[Draw, Any], Case]] = {
    "shift": m_shift,
    "swap": m_swap,
    "past-text": m_past_text,
    "bad-int": m_bad_int,
    "wrong-type": m_wrong_type,
    "missing-key": m_missing_key,
    "extra-key": m_extra_key,
    "bad-id": m_bad_id,
    "duplicate-id": m_duplicate_id,
    "duplicate-record": m_duplicate_record,
    "dangling": m_dangling,
    "delete-referenced": m_delete_referenced,
    "text-edit": m_text_edit,
    "text-edit-resync": m_text_edit_resync,
    "span-text-edit": m_span_text_edit,
    "deep-nesting": m_deep_nesting,
    "long-string": m_long_string,
}

# ------------------------------------------------------------------ valid mutations


def shuffled(value: Any, rnd: random.Random) -> Any:
    if isinstance(value, dict):
        keys = list(value)
        rnd.shuffle(keys)
        return {k: shuffled(value[k], rnd) for k in keys}
    if isinstance(value, list):
        return [shuffled(v, rnd) for v in value]
    return value


def v_reorder_keys(draw: Draw, doc: Any) -> Case:
    rnd = draw.draw(st.randoms(use_true_random=False), label="order")
    return Case("reorder-keys", shuffled(doc, rnd), False)


def v_reserialise(draw: Draw, doc: Any) -> Case:
    text = json.dumps(
        doc,
        indent=draw.draw(st.none() | st.integers(0, 8) | st.just("\t")),
        ensure_ascii=draw.draw(st.booleans()),
        sort_keys=draw.draw(st.booleans()),
        separators=draw.draw(st.none() | st.just((",", ":")) | st.just((" , ", " : "))),
    )
    again = json.loads(text)
    assert again == doc
    return Case("reserialise", again, False)


def v_rename_id(draw: Draw, doc: Any) -> Case:
    path, prefix = draw.draw(st.sampled_from(id_paths(doc)), label="id")
    old, new = get(doc, path), fresh_id(draw, doc, prefix)
    put(doc, path, new)
    for ref, kind in ref_paths(doc):
        if kind == prefix and get(doc, ref) == old:
            put(doc, ref, new)
    return Case("rename-id", doc, False)


def v_free_text(draw: Draw, doc: Any) -> Case:
    paths = [p for pattern in FREE_TEXT for p in expand(doc, pattern)]
    path = draw.draw(st.sampled_from(paths), label="field")
    put(doc, path, draw.draw(st.text(min_size=1, max_size=200).filter(str.strip), label="value"))
    return Case("free-text", doc, False)


def v_insert_space(draw: Draw, doc: Any) -> Case:
    """Insert whitespace where a sentence ends; move every later offset, keep every text."""
    ends = sorted({s["end"] for s in doc["sentences"]})
    at = draw.draw(st.sampled_from(ends), label="sentence end")
    space = draw.draw(st.sampled_from([" ", "\n", "\u00a0", "\t", " \n "]), label="space")
    text = doc["text"] = doc["text"][:at] + space + doc["text"][at:]
    doc["text_sha256"] = sha(text)
    for path in span_paths(doc):
        span = get(doc, path)
        if span["start"] >= at:
            span["start"] += len(space)
            span["end"] += len(space)
        elif span["end"] > at:
            span["end"] += len(space)
            span["text"] = text[span["start"] : span["end"]]
    return Case("insert-space", doc, False)


VALID: dict[str, Callable[[Draw, Any], Case]] = {
    "reorder-keys": v_reorder_keys,
    "reserialise": v_reserialise,
    "rename-id": v_rename_id,
    "free-text": v_free_text,
    "insert-space": v_insert_space,
}

# ------------------------------------------------------------------ file-level cases


def f_bytes(draw: Draw, data: bytes) -> tuple[bytes, frozenset[str] | None]:
    """A byte edit and the codes the file must get (None: anything)."""
    op = draw.draw(
        st.sampled_from(["truncate", "nul", "cr", "crlf", "bom", "ff", "flip", "reorder"])
    )
    i = draw.draw(st.integers(0, len(data) - 1), label="at")
    if op == "truncate":
        return data[:i], frozenset(
            {"invalid-json", "empty-file", "non-canonical-format", "invalid-utf8"}
        )
    if op == "nul":
        return data[:i] + b"\x00" + data[i:], frozenset({"nul-byte", "invalid-utf8"})
    if op == "cr":
        return data[:i] + b"\r" + data[i:], frozenset({"crlf-line-ends", "invalid-utf8"})
    if op == "crlf":
        return data.replace(b"\n", b"\r\n"), frozenset({"crlf-line-ends"})
    if op == "bom":
        return b"\xef\xbb\xbf" + data, frozenset({"utf8-bom"})
    if op == "ff":
        return data[:i] + b"\xff" + data[i:], frozenset({"invalid-utf8"})
    if op == "flip":
        bit = draw.draw(st.integers(0, 7), label="bit")
        return data[:i] + bytes([data[i] ^ (1 << bit)]) + data[i + 1 :], None
    rnd = draw.draw(st.randoms(use_true_random=False), label="order")
    value = shuffled(json.loads(data), rnd)
    text = json.dumps(value, ensure_ascii=False, indent=2) + "\n"
    return text.encode("utf-8"), (
        frozenset({"non-canonical-format"}) if text != data.decode() else None
    )


def run_file_case(draw: Draw, name: str) -> list[Problem]:
    canonical = _base(name).encode("utf-8")
    data, codes = f_bytes(draw, canonical)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / name
        path.write_bytes(data)
        _path, document, problems = read_file(path)  # must not raise
        value, _ = parse_json_bytes(data, str(path))  # the parse the reader made
    for p in problems:
        assert p.code in CODES and p.level == CODES[p.code][0] and p.file == str(path), p
    try:
        parsed = json.loads(data)
    except ValueError:
        parsed = None
    if isinstance(parsed, dict) and not any(p.level == 1 for p in problems):
        assert value == parsed
        check_problems(Case("bytes", parsed, None), problems, str(path))
    if data == canonical:
        assert problems == []
    elif codes is not None:
        assert any(p.code in codes for p in problems), [p.format()[:200] for p in problems]
    if not problems:
        assert document == Document.from_dict(value)
        assert canonical_json(document) == data.decode("utf-8")
    return problems


# ------------------------------------------------------------------ the properties

STATS: dict[str, Counter[str]] = {"invalid": Counter(), "valid": Counter(), "file": Counter()}
BASE_NAMES = st.sampled_from([p.name for p in BASE_FILES])
HEALTH = [
    HealthCheck.too_slow,
    HealthCheck.data_too_large,
    HealthCheck.filter_too_much,
    HealthCheck.large_base_example,
]
FAST = settings(max_examples=6, deadline=None, database=None, suppress_health_check=HEALTH)
CAMPAIGN = settings(FAST, max_examples=CAMPAIGN_EXAMPLES)


def run_invalid(draw: Draw, kind: str) -> None:
    case = INVALID[kind](draw, base_doc(draw.draw(BASE_NAMES, label="base")))
    problems = check(case)
    stats = STATS["invalid"]
    stats["examples"] += 1
    stats["broken by construction"] += case.invalid is True
    stats["invalid documents"] += bool(problems)
    stats["problems"] += len(problems)
    stats[f"kind {kind}"] += 1


def run_valid(draw: Draw, kind: str) -> None:
    case = VALID[kind](draw, base_doc(draw.draw(BASE_NAMES, label="base")))
    problems = check(case)
    STATS["valid"]["examples"] += 1
    STATS["valid"]["problems"] += len(problems)


def run_file(draw: Draw) -> None:
    problems = run_file_case(draw, draw.draw(BASE_NAMES, label="base"))
    STATS["file"]["examples"] += 1
    STATS["file"]["invalid documents"] += bool(problems)
    STATS["file"]["problems"] += len(problems)


def test_every_base_document_is_valid() -> None:
    assert len(BASE_FILES) >= 2
    for path in BASE_FILES:
        assert read_file(path).problems == [], path
        assert span_paths(base_doc(path.name)), path


@pytest.mark.parametrize("kind", sorted(INVALID))
@FAST
@given(draw=st.data())
def test_invalid_mutation_is_reported(kind: str, draw: Draw) -> None:
    run_invalid(draw, kind)


@pytest.mark.parametrize("kind", sorted(VALID))
@FAST
@given(draw=st.data())
def test_valid_mutation_passes(kind: str, draw: Draw) -> None:
    run_valid(draw, kind)


@settings(FAST, max_examples=20)
@given(draw=st.data())
def test_byte_edits_of_a_file(draw: Draw) -> None:
    run_file(draw)


# ------------------------------------------------------------------ the campaign


def _report(
    config: pytest.Config, capsys: pytest.CaptureFixture[str], prop: str, stats: Counter[str]
) -> None:
    line = f"fuzz campaign, {prop}: " + ", ".join(f"{k} {v}" for k, v in sorted(stats.items()))
    reporter = config.pluginmanager.getplugin("terminalreporter")
    if reporter is not None:
        with capsys.disabled():
            reporter.write_line("\n" + line + ", crashes 0")


@pytest.mark.slow
def test_campaign_invalid(pytestconfig: pytest.Config, capsys: pytest.CaptureFixture[str]) -> None:
    STATS["invalid"].clear()

    @CAMPAIGN
    @given(draw=st.data())
    def run(draw: Draw) -> None:
        run_invalid(draw, draw.draw(st.sampled_from(sorted(INVALID)), label="kind"))

    run()
    assert STATS["invalid"]["examples"] >= CAMPAIGN_EXAMPLES
    _report(pytestconfig, capsys, "invalid mutations", STATS["invalid"])


@pytest.mark.slow
def test_campaign_valid(pytestconfig: pytest.Config, capsys: pytest.CaptureFixture[str]) -> None:
    STATS["valid"].clear()

    @CAMPAIGN
    @given(draw=st.data())
    def run(draw: Draw) -> None:
        run_valid(draw, draw.draw(st.sampled_from(sorted(VALID)), label="kind"))

    run()
    assert STATS["valid"]["problems"] == 0
    _report(pytestconfig, capsys, "valid mutations", STATS["valid"])


@pytest.mark.slow
def test_campaign_file(pytestconfig: pytest.Config, capsys: pytest.CaptureFixture[str]) -> None:
    STATS["file"].clear()

    @CAMPAIGN
    @given(draw=st.data())
    def run(draw: Draw) -> None:
        run_file(draw)

    run()
    _report(pytestconfig, capsys, "byte edits of files", STATS["file"])


def test_id_fields_cover_every_layer() -> None:
    """The mutations rename and break every kind of id a registered layer gives out (the
    target ids of stance repeat by design and are not renamed)."""
    from newsgold.layers import layers

    declared = {
        (layer.name, "*", *kind.path, "id")
        if not kind.path
        else (layer.name, "*", *kind.path, *(("*",) if kind.unique else ()), "id")
        for layer in layers()
        for kind in layer.ids
        if kind.unique
    }
    assert declared == set(ID_FIELDS)
    assert {path[0] for path in REF_FIELDS} | {"sentences"} == {layer.name for layer in layers()}

"""The reader's quick path (``reader._quick``: ``orjson`` parses and writes) decides
nothing the exact path would decide otherwise.

A file passes quickly only when its value passes L2 and L3 and its bytes are the
canonical form of the document typed from it; every other file is read again by the
exact path. So for every file, valid or not, the quick reader gives exactly what the
exact reader gives: the same problems (code, pointer, message, hint) and the same
document. The attacks are files the fast parser reads more leniently than the exact one
(the last of two equal keys, an integer beyond 64 bits as a float, ``-0``) or not at all.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import newsgold.reader
from newsgold.io import dumps_quick
from newsgold.reader import Read, read_file
from newsgold.resources import documents_dir

CORPUS = sorted(documents_dir().glob("*.json"))
FIXTURES = sorted((Path(__file__).parent / "fixtures").rglob("*.json"))
SMALL = Path(__file__).parent / "fixtures" / "valid" / "fixture_small.json"


def exact_read(path: Path, monkeypatch: pytest.MonkeyPatch) -> Read:
    with monkeypatch.context() as m:
        m.setattr(newsgold.reader, "_quick", lambda *args: None)
        return read_file(path)


def same(quick: Read, exact: Read) -> None:
    assert quick.problems == exact.problems
    assert quick.document == exact.document


@pytest.mark.parametrize("path", CORPUS + FIXTURES, ids=lambda p: p.name)
def test_every_file_reads_as_the_exact_path_reads_it(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    same(read_file(path), exact_read(path, monkeypatch))


def _first(text: str, old: str, new: str) -> str:
    assert old in text, old
    return text.replace(old, new, 1)


MENTION = '"mentions": [\n    {\n      "id": "m1",\n'
"""Where the small fixture's first mention begins (checked by ``_first``)."""

ATTACKS: dict[str, Any] = {
    # a repeated key, in canonical layout: the fast parser keeps the last value
    "repeated key, first value wins nothing": lambda t: _first(
        t, MENTION, MENTION + '      "id": "m99",\n'
    ),
    "repeated key, same value": lambda t: _first(t, MENTION, MENTION + '      "id": "m1",\n'),
    "integer beyond 64 bits": lambda t: _first(t, '"start": 0,', '"start": ' + "9" * 30 + ","),
    "negative zero offset": lambda t: _first(t, '"start": 0,', '"start": -0,'),
    "offset written as 0.0": lambda t: _first(t, '"start": 0,', '"start": 0.0,'),
    "offset written as 0e0": lambda t: _first(t, '"start": 0,', '"start": 0e0,'),
    "lone surrogate escape": lambda t: _first(t, '"id": "m1"', '"id": "m\\ud800"'),
    "escaped NUL in an id": lambda t: _first(t, '"id": "m1"', '"id": "m\\u0000"'),
    "CR LF line ends": lambda t: t.replace("\n", "\r\n"),
    "a space more of indent": lambda t: t.replace("\n  ", "\n   ", 1),
    "no final newline": lambda t: t.rstrip("\n"),
    "two final newlines": lambda t: t + "\n",
    "an escaped slash": lambda t: _first(t, '"id": "m1"', '"id": "m\\/1"'),
    "escaped ASCII letter": lambda t: _first(t, '"id": "m1"', '"id": "\\u006d1"'),
    "two documents": lambda t: t + t,
    # the fast parser reads 1,024 levels; the exact path refuses more than 64 before the
    # schema (whose error messages would recurse through every level)
    "nesting 65 deep in a record": lambda t: _first(
        t, '"id": "m1"', '"id": ' + "[" * 65 + '"m1"' + "]" * 65
    ),
    "nesting 900 deep in a record": lambda t: _first(
        t, '"id": "m1"', '"id": ' + "[" * 900 + '"m1"' + "]" * 900
    ),
    "nesting 990 deep in a label": lambda t: _first(
        t, '"label": "GPE"', '"label": ' + "[" * 990 + '"GPE"' + "]" * 990
    ),
    "keys in another order": lambda t: (
        json.dumps(dict(reversed(json.loads(t).items())), ensure_ascii=False, indent=2) + "\n"
    ),
    # the records are written by orjson from their fields: a record's keys in another
    # order, at the top of a layer or nested, are not its canonical form
    "a mention's keys in another order": lambda t: _reordered(t, "mentions", 0),
    "a quote's content span's keys in another order": lambda t: _reordered(
        t, "quotes", 0, "content", 0
    ),
    "a stance target's keys in another order": lambda t: _reordered(t, "stance", 0, "target"),
}


def _reordered(text: str, *path: str | int) -> str:
    """``text`` with the keys of the object at ``path`` in reverse order."""
    doc = json.loads(text)
    parent = doc
    for key in path[:-1]:
        parent = parent[key]
    parent[path[-1]] = dict(reversed(parent[path[-1]].items()))
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"


@pytest.mark.parametrize("name", ATTACKS)
def test_an_attack_reads_as_the_exact_path_reads_it(
    name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / SMALL.name
    text = ATTACKS[name](SMALL.read_text(encoding="utf-8"))
    path.write_bytes(text.encode("utf-8", "surrogatepass"))
    quick, exact = read_file(path), exact_read(path, monkeypatch)
    same(quick, exact)
    assert quick.problems, "every attack is a file with a problem"


def _offset_places(value: Any, path: tuple[str | int, ...] = ()) -> dict[str, tuple]:
    """The first place of each kind holding an offset (``start`` or ``end``) in ``value``:
    its path with the indexes left out -> its path."""
    found: dict[str, tuple] = {}
    items = value.items() if isinstance(value, dict) else enumerate(value)
    for key, item in items:
        here = (*path, key)
        if key in ("start", "end") and type(item) is int:
            found.setdefault("/".join(str(k) for k in here if isinstance(k, str)), here)
        elif isinstance(item, (dict, list)):
            for kind, place in _offset_places(item, here).items():
                found.setdefault(kind, place)
    return found


def test_every_integer_the_schema_allows_is_an_offset() -> None:
    """The quick path leaves the schema's integer rule to typing, which refuses an offset
    that is no integer (``spans.offsets``): that covers the schema only while each of its
    integers is a ``start`` or an ``end``."""
    from newsgold.validate import effective_schema

    def integers(node: Any, key: str | None = None) -> set[str | None]:
        found: set[str | None] = set()
        if isinstance(node, dict):
            kind = node.get("type")
            if kind == "integer" or (isinstance(kind, list) and "integer" in kind):
                found.add(key)
            assert "$ref" not in node, "a $ref left in the applied schema"
            for k, v in node.items():
                if k != "$defs":  # applied only where a $ref leads, and none is left
                    found |= integers(v, k)
        elif isinstance(node, list):
            for v in node:
                found |= integers(v, key)
        return found

    assert integers(effective_schema()) == {"start", "end"}


PLACES = _offset_places(json.loads(CORPUS[0].read_bytes()))


def test_the_corpus_holds_an_offset_in_every_kind_of_record() -> None:
    assert sorted(PLACES) == [
        "events/triggers/end",
        "events/triggers/start",
        "mentions/end",
        "mentions/start",
        "quotes/content/end",
        "quotes/content/start",
        "quotes/cue/end",
        "quotes/cue/start",
        "sentences/end",
        "sentences/start",
        "stance/evidence/end",
        "stance/evidence/start",
    ]


@pytest.mark.parametrize("kind", sorted(PLACES))
def test_an_offset_written_as_a_float_is_refused_in_every_kind_of_record(
    kind: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    value = json.loads(CORPUS[0].read_bytes())
    *parents, key = PLACES[kind]
    target = value
    for step in parents:
        target = target[step]
    target[key] = float(target[key])
    path = tmp_path / CORPUS[0].name
    path.write_text(json.dumps(value, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    quick, exact = read_file(path), exact_read(path, monkeypatch)
    same(quick, exact)
    where = "/" + "/".join(str(k) for k in PLACES[kind])
    assert [(p.code, p.pointer) for p in quick.problems] == [("schema-type", where)]
    assert quick.document is None


def test_a_valid_file_passes_by_the_quick_path(monkeypatch: pytest.MonkeyPatch) -> None:
    """The corpus is read without the exact parser (a guard that the quick path is used)."""

    def refuse(*args: Any) -> Any:
        raise AssertionError("the exact parser ran on a valid file")

    monkeypatch.setattr(newsgold.reader, "parse_json_bytes", refuse)
    for path in CORPUS:
        assert read_file(path).problems == []


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**63), 2**64 - 1) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=30,
)


@settings(max_examples=300, deadline=None)
@given(json_values)
def test_dumps_quick_equals_json_dumps_byte_for_byte(value: Any) -> None:
    """Where the fast serialiser writes a document's kind of value, it writes what the
    canonical form (``json.dumps(ensure_ascii=False, indent=2)``) writes; where it does
    not (a lone surrogate), it refuses."""
    got = dumps_quick(value)
    text = json.dumps(value, ensure_ascii=False, indent=2)
    try:
        want = text.encode("utf-8")
    except UnicodeEncodeError:
        assert got is None
    else:
        assert got == want


@pytest.mark.parametrize("value", [2**64, -(2**63) - 1, {1: "a"}, "\udfff"], ids=repr)
def test_dumps_quick_refuses_what_it_would_write_otherwise(value: Any) -> None:
    assert dumps_quick(value) is None

"""The quick schema check (``jsonschema-rs``) only ever says "valid" where ``jsonschema`` does.

Problems come from ``jsonschema`` alone, so every message and pointer is the same whether the
quick check runs or not; these tests attack the places where the two libraries differ (2.0 as
an integer, ``\\s`` in a pattern, a tuple as an array) and the fallback without it.
"""

from __future__ import annotations

import builtins
import copy
import json
from pathlib import Path
from typing import Any

import pytest

import newsgold.evaluate as E
import newsgold.validate as V
from newsgold import layers as registry
from newsgold.io import parse_json_bytes
from newsgold.reader import read_file
from newsgold.resources import documents_dir

FIXTURES = Path(__file__).parent / "fixtures"
VALID = FIXTURES / "valid" / "fixture_small.json"
INVALID = sorted((FIXTURES / "invalid").glob("*.json"))
CORPUS = sorted(documents_dir().glob("*.json"))


def small() -> dict[str, Any]:
    value: dict[str, Any] = json.loads(VALID.read_text(encoding="utf-8"))
    return value


def fast() -> V.FastCheck:
    check = V._fast(registry.version())
    assert check is not None, "jsonschema-rs is a dependency: the quick check must be built"
    return check


def slow_valid(value: Any) -> bool:
    return not list(V._validator().iter_errors(value))


def slow(value: Any, name: str = "x.json") -> list[Any]:
    """The problems with the quick check switched off."""
    return V._validate(value, name, False)


@pytest.mark.parametrize("path", [VALID, *CORPUS, *INVALID], ids=lambda p: p.name)
def test_quick_check_agrees_with_jsonschema_on_every_fixture(path: Path) -> None:
    value, problems = parse_json_bytes(path.read_bytes(), str(path))
    if problems:
        pytest.skip("an L1 fixture: never reaches the schema")
    assert fast()(value) == slow_valid(value)


@pytest.mark.parametrize("path", INVALID, ids=lambda p: p.name)
def test_every_fixture_gives_the_same_problems_with_and_without_the_quick_check(
    path: Path,
) -> None:
    value, problems = parse_json_bytes(path.read_bytes(), str(path))
    if problems:
        pytest.skip("an L1 fixture: never reaches the schema")
    assert V.validate_parsed(value, str(path)) == slow(value, str(path))


def test_a_float_offset_is_refused_though_jsonschema_rs_calls_it_an_integer(
    tmp_path: Path,
) -> None:
    doc = small()
    doc["mentions"][0]["start"] = float(doc["mentions"][0]["start"])
    assert fast()(doc) is False
    found = [(p.code, p.pointer) for p in V.validate_document_value(doc, "x.json")]
    assert ("schema-type", "/mentions/0/start") in found
    path = tmp_path / f"{doc['id']}.json"
    path.write_text(json.dumps(doc, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    assert '"start": ' + str(doc["mentions"][0]["start"]) in path.read_text(encoding="utf-8")
    read = read_file(path)
    assert read.document is None
    assert ("schema-type", "/mentions/0/start") in [(p.code, p.pointer) for p in read.problems]


def test_a_float_in_a_prediction_is_refused_by_the_quick_check_too() -> None:
    gold = json.loads(CORPUS[0].read_text(encoding="utf-8"))
    record = {"doc_id": gold["id"], "layer": "ner", "start": 0.0, "end": 3, "label": "PERSON"}
    found = E.schema_problems(record, "record_ner", "p.jsonl", (0,))
    assert ("schema-type", "/0/start") in [(p.code, p.pointer) for p in found]
    assert E.schema_problems(gold, "document", "p.json") == []


# \x1c is white space to Python's \s but not to ECMA-262's; U+FEFF the other way round.
@pytest.mark.parametrize(
    "address",
    [
        "https://example.org/a\x1cb",
        "https://example.org/a\ufeffb",
        "https://example.org/a\u0085b",
        "https://example.org/ab\n",
        "https://example.org/a b",
        "https://example.org/ab",
    ],
)
def test_a_pattern_with_backslash_s_is_matched_as_python_reads_it(address: str) -> None:
    doc = small()
    doc["metadata"]["publication"] = {
        "publisher": "P",
        "address": address,
        "date": None,
        "basis": "B",
    }
    with_quick = V.validate_parsed(doc, "x.json")
    assert with_quick == slow(doc)
    assert fast()(doc) == slow_valid(doc)


def test_the_patterns_read_alike_by_both_libraries_stay_with_jsonschema_rs() -> None:
    patterns: set[str] = set()
    V._fast_schema(V.effective_schema(), patterns)
    assert patterns == {r"^https://[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+(/[^\s]*)?$"}


@pytest.mark.parametrize(
    ("place", "value"),
    [
        (("mentions", 0, "start"), True),
        (("mentions", 0, "start"), (1, 2)),
        (("annotated_layers",), ("sentences",)),
        (("mentions", 0, "start"), 2**70),
    ],
)
def test_values_json_does_not_make_give_the_same_problems(
    place: tuple[Any, ...], value: Any
) -> None:
    doc = small()
    target: Any = doc
    for key in place[:-1]:
        target = target[key]
    target[place[-1]] = value
    assert V.validate_document_value(doc, "x.json") == slow(doc)


def test_a_validator_with_another_schema_does_not_use_the_quick_check(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    base = V._validator()
    schema = copy.deepcopy(base.schema)
    schema["properties"]["text"]["maxLength"] = 3
    monkeypatch.setattr(V, "_validator", lambda: base.evolve(schema=schema))
    codes = {p.code for p in V.validate_parsed(small(), "x.json")}
    assert "schema-other" in codes


def test_without_jsonschema_rs_validation_falls_back_to_jsonschema(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    real_import = builtins.__import__

    def no_rs(name: str, *args: Any, **kwargs: Any) -> Any:
        if name == "jsonschema_rs":
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_rs)
    assert V.fast_check(V.effective_schema()) is None
    V._fast.cache_clear()
    E._fast_check.cache_clear()
    E._fast_checker.cache_clear()
    try:
        assert V._fast(registry.version()) is None
        doc = small()
        assert V.validate_parsed(doc, "x.json") == []
        doc["mentions"][0]["start"] = 1.0
        assert ("schema-type", "/mentions/0/start") in [
            (p.code, p.pointer) for p in V.validate_parsed(doc, "x.json")
        ]
        gold = json.loads(CORPUS[0].read_text(encoding="utf-8"))
        kinds = E._schemas(registry.version())
        assert [E._fast_check(registry.version(), k) for k in kinds] == [None] * len(kinds)
        assert E.schema_problems(gold, "document", "p.json") == []
    finally:
        monkeypatch.undo()
        V._fast.cache_clear()
        E._fast_check.cache_clear()
        E._fast_checker.cache_clear()
    assert V._fast(registry.version()) is not None


def test_a_schema_jsonschema_rs_cannot_compile_gives_no_quick_check() -> None:
    assert V.fast_check({"$ref": "https://example.org/elsewhere.json"}) is None


def test_validate_imports_no_schema_library_before_it_validates() -> None:
    import subprocess
    import sys

    probe = (
        "import sys, newsgold, newsgold.validate, newsgold.reader, newsgold.evaluate; "
        "heavy = ('datasets', 'spacy', 'pyarrow', 'jsonschema', 'jsonschema_rs', 'referencing'); "
        "print(sorted(m for m in heavy if m in sys.modules))"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=False
    )
    assert (done.returncode, done.stdout, done.stderr) == (0, "[]\n", "")


def test_a_layer_registered_from_outside_gets_the_quick_check_too() -> None:
    from test_layer_registry import TOY

    with registry.registered(TOY):
        check = V._fast(registry.version())
        assert check is not None and check.source is V._validator().schema
        doc = small()
        doc["toys"] = [{"id": "toy1", "start": 0, "end": 3, "text": "x", "label": "A"}]
        assert check(doc) is slow_valid(doc) is True
        doc["toys"][0]["start"] = 0.0
        assert check(doc) is slow_valid(doc) is False
        doc["toys"][0] = {"id": "toy1", "start": 0, "end": 3, "text": "x", "label": 1}
        assert check(doc) is slow_valid(doc) is False


def test_a_prediction_kind_is_compiled_only_when_a_prediction_of_it_is_checked(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    real = E._fast_checker()
    assert real is not None
    schemas = E._schemas(registry.version())
    compiled: list[str] = []

    def maker(schema: Any) -> Any:
        compiled.extend(kind for kind, known in schemas.items() if known is schema)
        return real(schema)

    monkeypatch.setattr(E, "_fast_checker", lambda: maker)
    gold = json.loads(CORPUS[0].read_text(encoding="utf-8"))
    record = {"doc_id": gold["id"], "layer": "ner", "start": 0, "end": 1, "label": "ORG"}
    E._fast_check.cache_clear()
    try:
        assert E.schema_problems(gold, "document", "p.json") == []
        assert E.schema_problems(gold, "document", "q.json") == []
        assert compiled == ["document"]
        E.schema_problems(record, "record_ner", "p.jsonl", (0,))
        assert compiled == ["document", "record_ner"]
    finally:
        E._fast_check.cache_clear()

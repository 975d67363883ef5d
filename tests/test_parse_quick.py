"""The quick L1 parse and the quick canonical form give what the exact ones give.

:func:`newsgold.io.parse_json_text` parses with plain dicts and walks the value once; the
exact path (keys kept twice, every hazard placed) runs only where that walk or the text
shows something. :func:`newsgold.io.dumps_indented` must equal ``json.dumps(indent=2)``
byte for byte, or the canonical-form check would call a canonical file non-canonical.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsgold import io
from newsgold.io import MAX_NESTING, dumps_indented, parse_json_bytes, parse_json_text
from newsgold.resources import documents_dir

CORPUS = sorted(documents_dir().glob("*.json"))
FIXTURES = sorted((Path(__file__).parent / "fixtures").rglob("*.json"))

scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.text()
    | st.floats(allow_nan=False, allow_infinity=False)
)
values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=30,
)


@settings(max_examples=300, deadline=None)
@given(values)
def test_dumps_indented_equals_json_dumps_byte_for_byte(value: Any) -> None:
    assert dumps_indented(value) == json.dumps(value, ensure_ascii=False, indent=2)


@pytest.mark.parametrize(
    "value",
    [
        {1: "a", "b": [True, False, None]},
        {"x": (1, 2)},
        [1.5, 2.0, -0.0],
        {"s": '\u2028\x00\x1f"\\/é'},
        [[], {}, [[]], {"a": {}}],
        10**300,
    ],
    ids=repr,
)
def test_dumps_indented_on_values_the_quick_path_leaves_alone(value: Any) -> None:
    assert dumps_indented(value) == json.dumps(value, ensure_ascii=False, indent=2)


@pytest.mark.parametrize("path", CORPUS, ids=lambda p: p.name)
def test_the_corpus_in_canonical_form_is_its_file(path: Path) -> None:
    value = json.loads(path.read_bytes())
    assert (dumps_indented(value) + "\n").encode() == path.read_bytes()


def exact(text: str, where: str = "") -> tuple[Any, list[Any]]:
    return io._parse_exactly(text, "x.json", where)


@settings(max_examples=300, deadline=None)
@given(values)
def test_quick_parse_equals_exact_parse(value: Any) -> None:
    text = json.dumps(value, ensure_ascii=False)
    assert parse_json_text(text, "x.json") == exact(text)
    assert parse_json_bytes(text.encode("utf-8", "surrogatepass"), "x.json")[1] or (
        parse_json_bytes(text.encode(), "x.json") == exact(text)
    )


HOSTILE = [
    '{"a": 1, "a": 2}',
    '{"a": {"b": 1, "c": {"b": 2, "b": 3}}}',
    '{"a": NaN}',
    '{"a": [Infinity, -Infinity]}',
    '{"a": 1e999}',
    '{"a": "\\ud800"}',
    '{"\\udfff": 1}',
    '{"a": "x\\ud83d\\ude00"}',
    '{"a": "\\\\ud800"}',
    '{"a": ' + "9" * 1000 + "}",
    '{"a": ' + "9" * 999 + "}",
    '{"a": -' + "9" * 1000 + "}",
    '{"a": ' + "9" * 5000 + "}",
    "[" * MAX_NESTING + "]" * MAX_NESTING,
    "[" * (MAX_NESTING + 1) + "]" * (MAX_NESTING + 1),
    '{"a": ' * MAX_NESTING + "1" + "}" * MAX_NESTING,
    "[" * 5000 + "]" * 5000,
    '{"a": 1, "a": NaN}',
    '{"a": [1, 2,]}',
    "",
    "5",
    '"\\ud800"',
    # the fast parser keeps the last of two equal keys: the colons of the text tell
    '{"a": 1, "a": "x:y"}',
    '{"a:b": 1, "a:b": 2}',
    '{"a": {"b": 1}, "a": {"c": ":"}}',
    '{"a": "", "a": ":"}',
    '[{"k": 1}, {"k": 2, "k": 3}]',
    '{"a": "\\u003a", "a": 1}',
    '{"a": "x\ty"}',
    '{"a": "x\ny"}',
    '{"a": 1} x',
    '{"a": 1}   ',
    '{"a": 18446744073709551616}',
    '{"a": -9223372036854775809}',
    '{"a": -0}',
    '{"a": 1.0}',
    '{"a": 1E2}',
    '{"a": ' * (MAX_NESTING - 1) + '{"b": [1]}' + "}" * (MAX_NESTING - 1),
    '{"a": ' * MAX_NESTING + '{"b": [1]}' + "}" * MAX_NESTING,
]


@pytest.mark.parametrize("text", HOSTILE, ids=lambda t: t[:40])
def test_hostile_text_gives_exactly_the_problems_of_the_exact_parse(text: str) -> None:
    quick = parse_json_text(text, "x.json", "/3")
    assert quick == exact(text, "/3")
    if text:  # an empty file is refused before parsing
        assert parse_json_bytes(text.encode(), "x.json") == exact(text)


@settings(max_examples=300, deadline=None)
@given(values, st.booleans())
def test_a_file_in_the_indented_form_parses_as_the_exact_parse(value: Any, newline: bool) -> None:
    text = json.dumps(value, ensure_ascii=False, indent=2) + ("\n" if newline else "")
    data = text.encode("utf-8", "surrogatepass")
    assert parse_json_bytes(data, "x.json")[1] or parse_json_bytes(data, "x.json") == exact(text)


def nested_lists(depth: int) -> Any:
    value: Any = []
    for _ in range(depth - 1):
        value = [value]
    return value


INDENTED = [
    '{\n  "a": 1,\n  "a": 2\n}\n',
    '{\n  "a": {\n    "b": 1\n  },\n  "a": 2\n}',
    '{\n  "a": 18446744073709551616\n}\n',
    '{\n  "a": -9223372036854775809\n}\n',
    '{\n  "a": 1e16\n}\n',
    '{\n  "a": 1e+16\n}\n',
    '{\n  "a": 1.0\n}\n',
    '{\n  "a": -0.0\n}\n',
    '{\n  "a": 1e999\n}\n',
    '{\n  "a": NaN\n}\n',
    '{\n  "a": "\\u00e9"\n}\n',
    '{\n  "a": "\\ud800"\n}\n',
    '{\n  "a": "x\\ud83d\\ude00"\n}\n',
    '{\n  "a": "\\/"\n}\n',
    '{\n  "a": "\\u0001"\n}\n',
    '{\n  "a": 1\n}\n\n',
    '{\n  "a": 1\n} ',
    "[\n  1,\n  2,\n]\n",
    json.dumps(nested_lists(MAX_NESTING), indent=2) + "\n",
    json.dumps(nested_lists(MAX_NESTING + 1), indent=2) + "\n",
    json.dumps(nested_lists(MAX_NESTING + 2), indent=2),
    json.dumps({"a": nested_lists(MAX_NESTING - 1)}, indent=2),
    json.dumps({"a": nested_lists(MAX_NESTING)}, indent=2),
    json.dumps(nested_lists(900), indent=2),
]
"""Files in (or next to) the two-space indented form that the fast parser reads otherwise
than :func:`json.loads` with every key kept, or that a check must refuse."""


@pytest.mark.parametrize("text", INDENTED, ids=lambda t: repr(t[:40]))
def test_an_indented_file_the_fast_parser_reads_otherwise_is_read_exactly(text: str) -> None:
    assert parse_json_bytes(text.encode(), "x.json") == exact(text)


def test_a_raw_lone_surrogate_in_text_not_decoded_from_utf8_is_found() -> None:
    text = '{"a": "\ud800"}'
    value, problems = parse_json_text(text, "x.json")
    assert value is None
    assert [(p.code, p.pointer) for p in problems] == [("invalid-json", "/a")]


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: p.name)
def test_every_fixture_parses_as_the_exact_parse_does(path: Path) -> None:
    data = path.read_bytes()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        pytest.skip("not UTF-8: refused before parsing")
    assert parse_json_text(text, str(path)) == io._parse_exactly(text, str(path), "")


@pytest.mark.parametrize("path", CORPUS, ids=lambda p: p.name)
def test_the_corpus_is_parsed_by_the_fast_parser(path: Path) -> None:
    """A guard that the quick path is taken: a document with no ``\\u`` escape, float or
    repeated key is parsed by ``orjson`` to the value ``json.loads`` gives."""
    text = path.read_text(encoding="utf-8")
    assert "\\u" not in text
    assert io._loads_counted(text) == json.loads(text)


@pytest.mark.parametrize(
    "text", ['{"a": 1, "a": 1}', '{"a": "b", "b": "a:", "a": "b"}', '{"a": 1.5}', '{"a": 2e64}']
)
def test_the_fast_parser_leaves_a_repeated_key_or_a_float_to_the_standard_parser(
    text: str,
) -> None:
    assert io._loads_counted(text) is io._REFUSED


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b'\xef\xbb\xbf{\n  "a": 1\n}\n', "utf8-bom"),
        (b'{\n  "a": "\xff"\n}\n', "invalid-utf8"),
        (b'{\n  "a": "\xed\xa0\x80"\n}\n', "invalid-utf8"),
        (b'{\n  "a": 1\n}\n\x00', "nul-byte"),
        (b'{\r\n  "a": 1\r\n}\r\n', "crlf-line-ends"),
        (b"\n", "empty-file"),
    ],
    ids=["bom", "not-utf8", "surrogate-bytes", "nul", "crlf", "blank"],
)
def test_an_indented_file_with_a_byte_hazard_is_refused_with_its_code(
    data: bytes, code: str
) -> None:
    value, problems = parse_json_bytes(data, "x.json")
    assert value is None and [p.code for p in problems] == [code]

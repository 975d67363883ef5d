"""The one problem vocabulary: the code registry, the constructor, the exception base class."""

from __future__ import annotations

import ast
import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsgold import issues
from newsgold.agreement import AgreementError
from newsgold.build import BuildError
from newsgold.convert import ConversionError
from newsgold.evaluate import PredictionError
from newsgold.issues import (
    CODES,
    DOMAINS,
    LEVEL_NAMES,
    Code,
    ProblemError,
    codes_of,
    pointer,
    problem,
)
from newsgold.validate import CorpusError

SRC = Path(issues.__file__).parent
CODE = re.compile(r"[a-z][a-z0-9]*(?:-[a-z0-9]+)+")


def literal_codes(names: set[str]) -> dict[str, list[str]]:
    """Code-shaped string literals passed to calls of ``names``, with where each is."""
    found: dict[str, list[str]] = {}
    for path in sorted(SRC.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
            if name not in names:
                continue
            for arg in node.args:
                value = arg.value if isinstance(arg, ast.Constant) else None
                if isinstance(value, str) and CODE.fullmatch(value):
                    found.setdefault(value, []).append(f"{path.relative_to(SRC)}:{node.lineno}")
    return found


def test_every_code_given_to_the_constructor_is_registered() -> None:
    used = literal_codes({"problem"})
    unknown = {code: where for code, where in used.items() if code not in CODES}
    assert unknown == {}
    assert {CODES[code].domain for code in used} == set(DOMAINS)


def test_every_code_checked_in_the_validator_or_parser_is_registered() -> None:
    # _Checker.add and the parsers' fail helpers take a code too.
    used = literal_codes({"add", "fail"})
    assert used, "no code found: the helpers were renamed"
    assert {code: where for code, where in used.items() if code not in CODES} == {}


def test_every_registered_code_is_emitted_somewhere() -> None:
    literals: set[str] = set()
    for path in SRC.rglob("*.py"):
        if path.name == "issues.py" and path.parent == SRC:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                literals.add(node.value)
    assert sorted(set(CODES) - literals) == []


def test_registry_entries() -> None:
    assert set(DOMAINS) == {entry.domain for entry in CODES.values()}
    for code, entry in CODES.items():
        assert CODE.fullmatch(code), code
        assert isinstance(entry, Code)
        assert entry.level in LEVEL_NAMES
        assert entry.meaning and not entry.meaning.endswith(".")
        assert CODES[code][0] == entry.level  # the level is also the first item
    assert sum(len(codes_of(d)) for d in DOMAINS) == len(CODES)
    with pytest.raises(TypeError):
        CODES["new-code"] = Code(3, "document", "a code added at run time")  # type: ignore[index]


def test_a_code_cannot_be_registered_twice() -> None:
    one = {"a-code": Code(3, "document", "one")}
    with pytest.raises(ValueError, match="registered twice"):
        issues._registry(one, {"a-code": Code(4, "build", "two")})


def test_codes_of_an_unknown_domain() -> None:
    with pytest.raises(ValueError, match="unknown domain"):
        codes_of("nowhere")


@pytest.mark.parametrize(
    ("code", "level"),
    [
        ("invalid-json", 1),
        ("schema-enum", 2),
        ("span-text-mismatch", 3),
        ("non-canonical-format", 4),
        ("built-file-stale", 4),
        ("span-token-misaligned", 3),
        ("unknown-line-kind", 2),
        ("brat-file-missing", 1),
        ("brat-id-mismatch", 4),
        ("target-map-invalid", 2),
        ("texts-differ", 3),
    ],
)
def test_the_constructor_takes_the_level_from_the_code(code: str, level: int) -> None:
    made = problem(code, "x.json", "/text", "what is wrong", "how to fix it")
    assert (made.file, made.pointer, made.level, made.code) == ("x.json", "/text", level, code)
    assert made.format() == f"x.json#/text: L{level} {code}: what is wrong; how to fix it"


def test_the_constructor_refuses_an_unknown_code() -> None:
    with pytest.raises(KeyError, match="unknown problem code 'no-such-code'"):
        problem("no-such-code", "x.json", "", "message", "hint")


@pytest.mark.parametrize(
    ("cls", "empty"),
    [
        (ProblemError, "invalid input"),
        (CorpusError, "invalid document"),
        (BuildError, "build failed"),
        (PredictionError, "invalid prediction"),
        (ConversionError, "conversion failed"),
        (AgreementError, "the annotations cannot be compared"),
    ],
)
def test_one_exception_class_carries_the_problems(cls: type[ProblemError], empty: str) -> None:
    assert issubclass(cls, ProblemError)
    assert str(cls([])) == empty
    first = problem("span-reversed", "a.json", "/mentions/0", "start 5 >= end 3", "swap them")
    second = problem("duplicate-id", "a.json", "/mentions/1/id", 'id "m1" twice', "rename one")
    err = cls(iter([first, second]))
    assert err.problems == [first, second]
    assert str(err) == first.format() + " (and 1 more)"
    assert str(cls([first])) == first.format()


def test_conversion_and_agreement_errors_stay_value_errors() -> None:
    # Callers that caught ValueError from the converters and compare() still do.
    assert issubclass(ConversionError, ValueError)
    assert issubclass(AgreementError, ValueError)


def _pointer_by_the_rule(*parts: str | int) -> str:
    """RFC 6901, section 3: each reference token with "~" written "~0" and "/" "~1"."""
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in parts)


@pytest.mark.parametrize(
    ("parts", "expected"),
    [
        ((), ""),
        (("mentions", 3, "start"), "/mentions/3/start"),
        (("a/b", "c~d"), "/a~1b/c~0d"),
        (("~1",), "/~01"),
        (("", ""), "//"),
        (("/",), "/~1"),
    ],
)
def test_pointer_escapes_exactly_as_rfc_6901_says(parts: tuple[Any, ...], expected: str) -> None:
    assert pointer(*parts) == expected == _pointer_by_the_rule(*parts)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(alphabet="ab/~0 é") | st.integers(0, 99), max_size=5))
def test_pointer_equals_the_rule_on_any_parts(parts: list[str | int]) -> None:
    assert pointer(*parts) == _pointer_by_the_rule(*parts)

"""The validator: one invalid fixture per code, the clean corpus, corrupted copies, regressions."""

from __future__ import annotations

import copy
import hashlib
import json
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

import newsgold.reader as R
import newsgold.validate as V
from newsgold import layers
from newsgold.io import MAX_DOCUMENT_BYTES
from newsgold.issues import CODES, Problem, codes_of
from newsgold.layers import Layer
from newsgold.resources import documents_dir, schema_dir

FIXTURES = Path(__file__).parent / "fixtures"
VALID = FIXTURES / "valid" / "fixture_small.json"
INVALID = FIXTURES / "invalid"
EXPECTED: dict[str, dict[str, Any]] = json.loads(
    (INVALID / "expected.json").read_text(encoding="utf-8")
)
CORPUS = sorted(documents_dir().glob("*.json"))


def small() -> dict[str, Any]:
    """A fresh copy of the valid fixture as a JSON value."""
    value: dict[str, Any] = json.loads(VALID.read_text(encoding="utf-8"))
    return value


def write(folder: Path, doc: dict[str, Any], name: str | None = None) -> Path:
    """Write ``doc`` in canonical layout as ``<id>.json`` (or ``name``) in ``folder``."""
    path = folder / (name or f"{doc['id']}.json")
    path.write_text(json.dumps(doc, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return path


def problems_of(paths: list[Path]) -> list[Problem]:
    return [p for result in R.read(paths) for p in result.problems]


def codes_at(problems: list[Problem]) -> list[tuple[str, str]]:
    return [(p.code, p.pointer) for p in problems]


# ---------------------------------------------------------------- fixtures made at test time


# Each returns the paths to validate and the file the one problem names.
Made = tuple[list[Path], Path]


def _make_file_unreadable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Made:
    folder = tmp_path / "file-unreadable.json"
    folder.mkdir()
    return [tmp_path], folder  # a folder given as a path is searched for *.json: give its parent


def _make_file_too_large(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Made:
    path = tmp_path / "file-too-large.json"
    with path.open("wb") as handle:  # sparse: no 50 MiB written to disk
        handle.truncate(MAX_DOCUMENT_BYTES + 1)
    return [path], path


def _make_schema_other(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Made:
    base = V._validator()
    schema = copy.deepcopy(base.schema)
    schema["properties"]["text"]["maxLength"] = 100  # a keyword the validator does not map
    extended = base.evolve(schema=schema)
    monkeypatch.setattr(V, "_validator", lambda: extended)
    monkeypatch.setattr(V, "document_schema", lambda version: schema)  # the quick check's too
    doc = small()
    doc["id"] = "schema-other"
    path = write(tmp_path, doc)
    return [path], path


def _make_duplicate_document_id(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Made:
    paths = []
    for folder in ("a", "b"):
        (tmp_path / folder).mkdir()
        paths.append(Path(shutil.copy(VALID, tmp_path / folder / VALID.name)))
    return paths, paths[1]


@dataclass(frozen=True)
class _Note:
    id: str

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> _Note:
        return cls(d["id"])


def _make_annotated_layer_missing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Made:
    # Every layer of schema 1.0 is required by the schema; a later layer is optional.
    notes = Layer(name="notes", record=_Note, ids=(), schema={"type": "array"})
    monkeypatch.setattr(layers._REGISTRY, "added", (*layers.added(), notes))
    monkeypatch.setattr(layers._REGISTRY, "version", layers.version() + 1_000_000)
    doc = small()
    doc["id"] = "annotated-layer-missing"
    doc["annotated_layers"].append("notes")
    path = write(tmp_path, doc)
    return [path], path


GENERATORS: dict[str, Callable[[Path, pytest.MonkeyPatch], Made]] = {
    "annotated-layer-missing": _make_annotated_layer_missing,
    "file-unreadable": _make_file_unreadable,
    "file-too-large": _make_file_too_large,
    "schema-other": _make_schema_other,
    "duplicate-document-id": _make_duplicate_document_id,
}


def materialize(name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Made:
    """The paths to validate for the fixture ``name`` of expected.json, and the file at fault."""
    entry = EXPECTED[name]
    if entry.get("generated"):
        return GENERATORS[entry["code"]](tmp_path, monkeypatch)
    return [INVALID / name], INVALID / name


# ---------------------------------------------------------------- one fixture per code


def test_every_document_code_has_exactly_one_fixture() -> None:
    assert sorted(e["code"] for e in EXPECTED.values()) == sorted(codes_of("document"))
    for name, entry in EXPECTED.items():
        assert name == f"{entry['code']}.json"
        assert entry["pointer"] == "" or entry["pointer"].startswith("/")
        assert entry["defect"]
        if entry.get("generated"):
            assert entry["code"] in GENERATORS
            assert entry["reason"]
            assert not (INVALID / name).exists()
        else:
            assert (INVALID / name).is_file()
    on_disk = {p.name for p in INVALID.glob("*.json")} - {"expected.json"}
    assert on_disk == {n for n, e in EXPECTED.items() if not e.get("generated")}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_invalid_fixture_yields_exactly_its_code(
    name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    entry = EXPECTED[name]
    paths, at_fault = materialize(name, tmp_path, monkeypatch)
    problems = problems_of(paths)
    code = entry["code"]
    assert [(p.code, p.pointer, p.level) for p in problems] == [
        (code, entry["pointer"], CODES[code][0])
    ]
    (problem,) = problems
    assert problem.file == str(at_fault)
    assert problem.message
    assert problem.hint


ASSERTIONS = {
    "type", "enum", "const", "multipleOf", "maximum", "exclusiveMaximum", "minimum",
    "exclusiveMinimum", "maxLength", "minLength", "pattern", "maxItems", "minItems",
    "uniqueItems", "maxContains", "minContains", "maxProperties", "minProperties", "required",
    "dependentRequired", "additionalProperties", "unevaluatedProperties", "unevaluatedItems",
    "oneOf", "anyOf", "allOf", "not", "if", "contains", "propertyNames", "format",
}  # fmt: skip


def _keywords(value: Any) -> Iterator[str]:
    if isinstance(value, dict):
        for key, item in value.items():
            yield key
            if key in ("properties", "$defs"):  # names, then schemas
                for sub in item.values():
                    yield from _keywords(sub)
            elif key not in ("const", "enum"):
                yield from _keywords(item)
    elif isinstance(value, list):
        for item in value:
            yield from _keywords(item)


def test_every_schema_keyword_has_its_own_code() -> None:
    """Which is why schema-other needs a generated fixture: no document reaches it."""
    used: set[str] = set()
    for name in ("document.schema.json", "labels.json"):
        used |= set(_keywords(json.loads((schema_dir() / name).read_text(encoding="utf-8"))))
    assert used & ASSERTIONS == set(V._SCHEMA_CODES)


def test_fixture_ids_equal_their_file_stems() -> None:
    """So that the file-name check stays on and adds nothing but its own fixture."""
    for name, entry in EXPECTED.items():
        path = INVALID / name
        if entry.get("generated") or entry["code"].startswith(("empty-", "invalid-", "nul-")):
            continue
        raw = path.read_bytes().removeprefix(b"\xef\xbb\xbf").replace(b"\r\n", b"\n")
        doc_id = json.loads(raw)["id"]
        assert (doc_id == path.stem) is (entry["code"] != "file-name-mismatch"), name


# ---------------------------------------------------------------- valid input


def test_valid_fixture_has_no_problems() -> None:
    assert problems_of([VALID.parent]) == []


def test_corpus_validates_with_zero_problems() -> None:
    assert CORPUS, "dataset/documents holds no documents"
    results = list(R.read())
    assert [r.path.name for r in results] == [p.name for p in CORPUS]
    assert [p.format() for r in results for p in r.problems] == []


def test_corpus_documents_load_as_typed_values() -> None:
    docs = list(R.documents())
    assert [d.id for d in docs] == [p.stem for p in CORPUS]
    for doc in docs:
        assert hashlib.sha256(doc.text.encode("utf-8")).hexdigest() == doc.text_sha256


def test_validation_prints_nothing(capsys: pytest.CaptureFixture[str]) -> None:
    paths = [p for p in INVALID.glob("*.json") if p.name != "expected.json"]
    problems = problems_of([*CORPUS, VALID, *paths])
    assert len(problems) == len(paths)
    assert capsys.readouterr() == ("", "")


# ---------------------------------------------------------------- a corrupted copy


def _spans(doc: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield from doc["sentences"]
    yield from doc["mentions"]
    for q in doc["quotes"]:
        yield from q["content"]
        yield from q["cue"]
    for ev in doc["events"]:
        yield from ev["triggers"]
    for st in doc["stance"]:
        yield from st["evidence"]


def _uncovered(doc: dict[str, Any]) -> list[int]:
    """Offsets of the characters that no span of any layer covers."""
    covered = [False] * len(doc["text"])
    for span in _spans(doc):
        covered[span["start"] : span["end"]] = [True] * (span["end"] - span["start"])
    return [i for i, c in enumerate(covered) if not c]


def _scenario_candidates() -> list[Path]:
    out = []
    for path in [*CORPUS, VALID]:
        doc = json.loads(path.read_text(encoding="utf-8"))
        if (
            len(doc["mentions"]) >= 2
            and any(q["speaker"] for q in doc["quotes"])
            and _uncovered(doc)
        ):
            out.append(path)
    return out


SCENARIO = _scenario_candidates()


def test_some_document_can_carry_the_corruption_scenario() -> None:
    assert SCENARIO


@pytest.mark.parametrize("source", SCENARIO, ids=[p.stem for p in SCENARIO])
def test_four_defects_give_four_problems(source: Path, tmp_path: Path) -> None:
    """One offset shifted, one label misspelt, one dangling speaker, one character changed."""
    doc = json.loads(source.read_text(encoding="utf-8"))
    text = doc["text"]
    # 1. shift the start of the first mention of two or more characters
    i, m = next((i, m) for i, m in enumerate(doc["mentions"]) if m["end"] - m["start"] > 1)
    start, end = m["start"], m["end"]
    m["start"] += 1
    # 2. misspell the label of another mention: drop its last letter
    j = 1 if i == 0 else 0
    doc["mentions"][j]["label"] = doc["mentions"][j]["label"][:-1]
    # 3. a speaker id that no entity has
    k = next(k for k, q in enumerate(doc["quotes"]) if q["speaker"])
    doc["quotes"][k]["speaker"] = "e_nobody"
    assert "e_nobody" not in {e["id"] for e in doc["entities"]}
    # 4. change one character that no span covers (a space to a newline or back)
    at = _uncovered(doc)[0]
    doc["text"] = text[:at] + ("\n" if text[at] == " " else " ") + text[at + 1 :]

    path = write(tmp_path, doc)
    problems = problems_of([path])
    assert sorted(codes_at(problems)) == sorted(
        [
            ("span-text-mismatch", f"/mentions/{i}/start"),
            ("schema-enum", f"/mentions/{j}/label"),
            ("dangling-reference", f"/quotes/{k}/speaker"),
            ("text-sha256-mismatch", "/text_sha256"),
        ]
    )
    for p in problems:
        assert p.file == str(path)
        assert p.hint
    by_code = {p.code: p for p in problems}
    assert by_code["span-text-mismatch"].hint == (
        f'set start to {start} and end to {end}, or correct "text"'
    )
    assert by_code["text-sha256-mismatch"].hint.endswith(
        hashlib.sha256(doc["text"].encode("utf-8")).hexdigest()
    )


def test_a_changed_character_inside_spans_is_reported_at_each_span(tmp_path: Path) -> None:
    doc = small()
    text = doc["text"]
    at = text.index("Lavrov") + 1  # "a" of "Lavrov": in sentence s2 and mention m6
    doc["text"] = text[:at] + "e" + text[at + 1 :]
    problems = problems_of([write(tmp_path, doc)])
    assert codes_at(problems) == [
        ("text-sha256-mismatch", "/text_sha256"),
        ("span-text-mismatch", "/sentences/1/text"),
        ("span-text-mismatch", "/mentions/5/text"),
    ]
    assert problems[2].message == 'text "Lavrov" != text[109:115] "Levrov"'
    assert problems[2].hint == 'set "text" to "Levrov" or correct the offsets'


# ---------------------------------------------------------------- messages


def test_message_shows_both_values_and_a_fix() -> None:
    (problem,) = problems_of([INVALID / "span-text-mismatch.json"])
    assert problem.format() == (
        f"{INVALID / 'span-text-mismatch.json'}#/mentions/5/start: L3 span-text-mismatch: "
        'text "Lavrov" != text[110:115] "avrov"; set start to 109 and end to 115, or correct "text"'
    )


def test_problem_as_dict_has_every_field() -> None:
    (problem,) = problems_of([INVALID / "dangling-reference.json"])
    assert problem.as_dict() == {
        "file": str(INVALID / "dangling-reference.json"),
        "pointer": "/stance/0/holder",
        "level": 3,
        "code": "dangling-reference",
        "message": '"e_nobody" is not the id of any of the entities',
        "hint": "use an id from /entities or add the missing record",
    }


def test_load_document_raises_with_the_problems() -> None:
    with pytest.raises(V.CorpusError) as info:
        next(R.documents([INVALID / "duplicate-id.json"]))
    assert codes_at(info.value.problems) == [("duplicate-id", "/sentences/1/id")]


def test_missing_file_is_unreadable(tmp_path: Path) -> None:
    problems = problems_of([tmp_path / "absent.json"])
    assert [(p.code, p.message) for p in problems] == [
        ("file-unreadable", "cannot read: No such file or directory")
    ]


# ---------------------------------------------------------------- one defect, one problem


def test_a_malformed_checksum_is_a_schema_problem_only(tmp_path: Path) -> None:
    doc = small()
    doc["text_sha256"] = doc["text_sha256"].upper()
    assert codes_at(problems_of([write(tmp_path, doc)])) == [("schema-pattern", "/text_sha256")]


def test_a_malformed_id_is_a_schema_problem_only(tmp_path: Path) -> None:
    doc = small()
    doc["sentences"][1]["id"] = "S2"
    assert codes_at(problems_of([write(tmp_path, doc)])) == [("schema-pattern", "/sentences/1/id")]


def test_a_sentence_with_bad_offsets_does_not_also_leave_a_gap(tmp_path: Path) -> None:
    doc = small()
    doc["sentences"][0]["end"] += 1  # s1 no longer matches its text
    doc["sentences"][1]["start"] += 1  # s2 neither
    problems = problems_of([write(tmp_path, doc)])
    assert codes_at(problems) == [
        ("span-text-mismatch", "/sentences/0/end"),
        ("span-text-mismatch", "/sentences/1/start"),
    ]


def test_listed_sentences_layer_without_sentences_leaves_the_text_uncovered(
    tmp_path: Path,
) -> None:
    doc = small()
    doc["sentences"] = []
    problems = problems_of([write(tmp_path, doc)])
    assert codes_at(problems) == [("sentence-gap", "/sentences")]


def test_a_nested_quote_under_a_parent_with_bad_offsets_is_not_called_outside(
    tmp_path: Path,
) -> None:
    doc = small()
    inner = {"start": 68, "end": 107, "text": doc["text"][68:107]}
    doc["quotes"].append(
        {
            "id": "q2",
            "type": "direct",
            "content": [inner],
            "cue": copy.deepcopy(doc["quotes"][0]["cue"]),
            "source": "m6",
            "speaker": "e_lavrov",
            "addressee": None,
            "parent": "q1",
        }
    )
    assert problems_of([write(tmp_path, doc)]) == []
    doc["quotes"][0]["content"][0]["end"] = 108  # the parent's content no longer matches
    problems = problems_of([write(tmp_path, doc)])
    assert codes_at(problems) == [("span-text-mismatch", "/quotes/0/content/0/end")]


def test_nam_overlap_is_found_past_a_nested_name(tmp_path: Path) -> None:
    """A long NAM mention that encloses two others overlaps both, not only the first."""
    doc = small()
    doc["mentions"][1]["mention_type"] = "NAM"  # m4 "our U.S. colleagues" 26-45
    colleagues = {"id": "m8", "start": 35, "end": 45, "text": "colleagues"}
    doc["mentions"].append(
        {**colleagues, "label": "GPE", "mention_type": "NAM", "entity_id": "e_united_states"}
    )
    problems = problems_of([write(tmp_path, doc)])
    # m3 "U.S." 30-34 and m8 "colleagues" 35-45 lie inside m4 and do not touch each other
    assert codes_at(problems) == [("nam-overlap", "/mentions/3"), ("nam-overlap", "/mentions/7")]


def test_the_same_file_given_twice_is_validated_once(tmp_path: Path) -> None:
    results = list(R.read([VALID, VALID.parent, VALID]))
    assert [(r.path, r.problems) for r in results] == [(VALID, [])]


def test_label_type_mismatch_is_reported_for_a_known_label(tmp_path: Path) -> None:
    doc = small()
    doc["mentions"][5]["label"] = "GPE"
    problems = problems_of([write(tmp_path, doc)])
    assert [(p.code, p.pointer, p.message) for p in problems] == [
        (
            "label-type-mismatch",
            "/mentions/5/label",
            'label GPE != type PERSON of entity "e_lavrov"',
        )
    ]


# ---------------------------------------------------------------- metadata


def with_provenance(doc: dict[str, Any]) -> dict[str, Any]:
    """``doc`` with a publication, one source and a date given only by its bounds, in key order."""
    md = doc["metadata"]
    doc["metadata"] = {
        "headline": "A headline",
        "publication": {
            "publisher": "A publisher",
            "address": "https://example.org/a/page.html",
            "date": None,
            "basis": "Test: the page shows the text.",
        },
        "source_outlets": md["source_outlets"],
        "sources": [
            {
                "publisher": "A source",
                "title": "A title",
                "address": "https://example.org/source?id=1",
                "date": "2017-08-06",
                "supplies": "Paragraph 1.",
                "basis": "Test: compared sentence by sentence.",
            }
        ],
        "language": md["language"],
        "date": {
            "value": None,
            "not_before": "2017-08-06",
            "not_after": "2017-08-10",
            "basis": "T",
        },
        "provenance": md["provenance"],
        "license": md["license"],
    }
    return doc


def test_publication_sources_and_date_bounds_validate_and_round_trip(tmp_path: Path) -> None:
    path = write(tmp_path, with_provenance(small()))
    assert problems_of([path]) == []
    doc = next(R.documents([path]))
    assert doc.metadata.date.not_before == "2017-08-06"
    assert doc.metadata.publication is not None
    assert [s.title for s in doc.metadata.sources] == ["A title"]


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda md: md["sources"][0].update(date="2017-13-01"), "/metadata/sources/0/date"),
        (lambda md: md["publication"].update(date="2017-04-31"), "/metadata/publication/date"),
        (lambda md: md["date"].update(not_before="2017-06-31"), "/metadata/date/not_before"),
        (lambda md: md["date"].update(not_after="2017-08-05"), "/metadata/date/not_after"),
        (lambda md: md["date"].update(value="2017-08-11"), "/metadata/date/value"),
        (lambda md: md["date"].update(value="2017-08-05"), "/metadata/date/value"),
    ],
)
def test_a_metadata_date_that_is_no_day_or_out_of_bounds_is_impossible(
    change: Callable[[dict[str, Any]], None], expected: str, tmp_path: Path
) -> None:
    doc = with_provenance(small())
    change(doc["metadata"])
    assert codes_at(problems_of([write(tmp_path, doc)])) == [("impossible-date", expected)]


@pytest.mark.parametrize(
    "address",
    [
        "http://example.org/page",
        "https://localhost/page",
        "https://example.org/a page",
        "example.org",
    ],
)
def test_an_address_must_be_an_https_url(address: str, tmp_path: Path) -> None:
    doc = with_provenance(small())
    doc["metadata"]["sources"][0]["address"] = address
    problems = problems_of([write(tmp_path, doc)])
    assert codes_at(problems) == [("schema-pattern", "/metadata/sources/0/address")]


def test_an_empty_sources_list_is_refused(tmp_path: Path) -> None:
    """Absent means none identified; an empty list would not survive the canonical round trip."""
    doc = with_provenance(small())
    doc["metadata"]["sources"] = []
    assert codes_at(problems_of([write(tmp_path, doc)])) == [
        ("schema-min-items", "/metadata/sources")
    ]


# ---------------------------------------------------------------- semantic checks


@pytest.mark.parametrize(
    ("value", "valid"),
    [
        ("2017-W31", True),
        ("2020-W53", True),  # 2020 has 53 ISO weeks
        ("2017-W53", False),
        ("2017-W54", False),
        ("2017-W00", False),
        ("2017-02-28", True),
        ("2017-02-29", False),
        ("2016-02-29", True),
        ("2017-02-30", False),
        ("2017-13", False),
        ("2017-00", False),
        ("2017-07", True),
        ("2017", True),
    ],
)
def test_event_time_must_be_a_real_time(tmp_path: Path, value: str, valid: bool) -> None:
    doc = small()
    doc["events"][0]["time"] = {"mention_id": None, "value": value, "reasoning": "A test."}
    problems = problems_of([write(tmp_path, doc)])
    expected = [] if valid else [("impossible-date", "/events/0/time/value")]
    assert codes_at(problems) == expected


def test_ids_equal_up_to_case_are_one_id(tmp_path: Path) -> None:
    doc = small()
    doc["entities"][0]["id"] = "e_Russia"  # e_russia is the id of another entity
    problems = problems_of([write(tmp_path, doc)])
    dup = [p for p in problems if p.code == "duplicate-id"]
    assert [(p.pointer, p.message) for p in dup] == [
        ("/entities/1/id", 'id "e_russia" is already used at /entities/0/id (as "e_Russia", '
         "equal up to case)")
    ]  # fmt: skip


def test_document_ids_equal_up_to_case_are_one_id(tmp_path: Path) -> None:
    first, second = tmp_path / "a", tmp_path / "b"
    first.mkdir()
    second.mkdir()
    doc = small()
    write(first, doc)
    doc["id"] = "Fixture_small"
    write(second, doc)
    problems = problems_of([first, second])
    assert codes_at(problems) == [("duplicate-document-id", "/id")]
    assert 'is also the id "fixture_small" (equal up to case)' in problems[0].message


@pytest.mark.parametrize(
    ("text", "pronoun"),
    [("I", True), ("We", True), ("their", True), ("both", True), ("Themselves", True),
     ("US", False), ("IT", False), ("Lavrov", False), ("the ministry", False), ("which", False)],
)  # fmt: skip
def test_the_closed_class_of_pronouns(text: str, pronoun: bool) -> None:
    from newsgold.layers.mentions import is_pronoun

    assert is_pronoun(text) is pronoun


def test_a_pronoun_in_capitals_may_be_pro(tmp_path: Path) -> None:
    doc = small()
    we = next(i for i, m in enumerate(doc["mentions"]) if m["text"] == "We")
    start, end = doc["mentions"][we]["start"], doc["mentions"][we]["end"]
    doc["text"] = doc["text"][:start] + "WE" + doc["text"][end:]
    doc["text_sha256"] = hashlib.sha256(doc["text"].encode("utf-8")).hexdigest()
    for record in (doc["mentions"][we], doc["sentences"][0], doc["quotes"][0]["content"][0]):
        record["text"] = doc["text"][record["start"] : record["end"]]
    assert problems_of([write(tmp_path, doc)]) == []


def test_a_name_marked_pro_is_refused(tmp_path: Path) -> None:
    doc = small()
    lavrov = next(i for i, m in enumerate(doc["mentions"]) if m["text"] == "Lavrov")
    doc["mentions"][lavrov]["mention_type"] = "PRO"
    problems = problems_of([write(tmp_path, doc)])
    assert codes_at(problems) == [("mention-type-form", f"/mentions/{lavrov}/mention_type")]
    assert problems[0].message == 'PRO mention "Lavrov" is not a pronoun of the closed class'


def test_a_participant_whose_entity_type_is_a_list_is_reported_not_crashed(tmp_path: Path) -> None:
    doc = small()
    holder = doc["stance"][0]["holder"]
    i = next(i for i, e in enumerate(doc["entities"]) if e["id"] == holder)
    doc["entities"][i]["type"] = [["PERSON"]]  # found by the fuzz campaign: no crash at L3
    problems = problems_of([write(tmp_path, doc)])
    assert codes_at(problems) == [("schema-enum", f"/entities/{i}/type")]


def test_a_mention_whose_label_is_a_list_is_reported_not_crashed(tmp_path: Path) -> None:
    doc = small()
    doc["mentions"][0]["label"] = [["PERSON"]]  # compared with its entity's type at L3
    problems = problems_of([write(tmp_path, doc)])
    assert codes_at(problems) == [("schema-enum", "/mentions/0/label")]


@pytest.mark.parametrize("name", ["document.schema.json", "labels.json"])
def test_the_schema_files_are_valid_2020_12_schemas(name: str) -> None:
    """Checked here rather than on every run: a schema file that is no valid schema fails
    the suite."""
    from jsonschema import Draft202012Validator
    from jsonschema.exceptions import SchemaError

    raw = json.loads((schema_dir() / name).read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(raw)
    broken = copy.deepcopy(raw)
    broken["type"] = "no-such-type"
    with pytest.raises(SchemaError):
        Draft202012Validator.check_schema(broken)


def test_of_two_equal_ids_the_later_in_record_order_is_reported(tmp_path: Path) -> None:
    """Ids are gathered record by record, each record's own id before its triggers': a
    trigger of the first event given the id of the last event makes the last event's id
    the duplicate, found at the trigger."""
    doc = json.loads(CORPUS[0].read_text(encoding="utf-8"))
    last = len(doc["events"]) - 1
    taken = doc["events"][last]["id"]
    doc["events"][0]["triggers"][0]["id"] = taken
    found = [
        (p.code, p.pointer, p.message)
        for p in V.validate_document_value(doc, "x.json")
        if p.code == "duplicate-id"
    ]
    assert found == [
        (
            "duplicate-id",
            f"/events/{last}/id",
            f'id "{taken}" is already used at /events/0/triggers/0/id',
        )
    ]


@pytest.mark.parametrize(
    ("ident", "reported"),
    [("m1", False), ("m_1", False), ("m12x", False), ("mx1", True), ("e1", True), ("M1", False)],
)
def test_a_mention_id_is_checked_for_its_prefix_and_the_character_after_it(
    ident: str, reported: bool
) -> None:
    """The prefix ``m``, then a digit or ``_``: any other id the schema allows is an
    ``id-prefix`` problem at the id (the quick path of the id check takes the others;
    an id of another shape, "M1", is the schema's to report)."""
    from newsgold.layers.base import Context

    ck = Context("x.json", {"text": "", "mentions": [{"id": ident}]}, set())
    ck.collect_ids(layers.layers())
    found = [(p.code, p.pointer) for p in ck.problems]
    assert found == ([("id-prefix", "/mentions/0/id")] if reported else [])


@pytest.mark.parametrize(
    ("text", "start", "end", "reported"),
    [
        ('"yes"', 1, 4, False),
        ('" yes"', 1, 5, True),  # leading space, no letter beside the span
        ('"yes "', 1, 5, True),  # trailing space
        ('"yes\u00a0"', 1, 5, True),  # a no-break space is whitespace too
        ('"\u2003yes"', 1, 5, True),
    ],
)
def test_whitespace_at_a_span_edge_is_reported_without_a_letter_beside_it(
    text: str, start: int, end: int, reported: bool
) -> None:
    """A span that starts or ends with whitespace (``str.isspace``) is reported even when
    the characters beside it are no letters, so nothing else sends it to the edge checks."""
    from newsgold.layers.base import Context

    ck = Context("x.json", {"text": text}, set())
    span = {"start": start, "end": end, "text": text[start:end]}
    assert ck.span(span, "mentions", 0) == (start, end)
    found = [(p.code, p.pointer) for p in ck.problems]
    assert found == ([("span-whitespace-edge", "/mentions/0/text")] if reported else [])

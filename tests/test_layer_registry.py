"""A layer is one module: a toy layer defined here, registered, validated, stored, built
and listed, with no change to any package module."""

from __future__ import annotations

import dataclasses
import json
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from newsgold import build as B
from newsgold import issues, labels, layers
from newsgold.cli import main
from newsgold.columns import d
from newsgold.io import canonical_json
from newsgold.issues import pointer
from newsgold.layers import Context, IdKind, Layer
from newsgold.layers.base import Column, Config, Lookup
from newsgold.model import Document
from newsgold.reader import read_file
from newsgold.resources import dataset_dir

FIXTURE = Path(__file__).parent / "fixtures" / "valid" / "fixture_small.json"
CARD = dataset_dir().parent / "DATASET_CARD.md"

# ---------------------------------------------------------------- the toy layer


@dataclass(frozen=True)
class Toy:
    """A labelled span: the smallest record a layer can have."""

    id: str
    start: int
    end: int
    text: str
    label: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "label": self.label,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Toy:
        return cls(d["id"], d["start"], d["end"], d["text"], d["label"])


def check_toys(ck: Context) -> None:
    for i, item in ck.items("toys"):
        span = ck.span(item, "toys", i)
        if span is not None and item.get("label") == item.get("text"):
            ck.add(
                pointer("toys", i, "label"),
                "toy-label-is-text",
                f'label "{item["label"]}" repeats the text',
                "give a label, not the text",
            )


def toy_columns() -> list[Column]:
    return [
        ("doc_id", "string", d("document.id")),
        ("id", "string", "Toy id."),
        ("start", "int32", "Start offset."),
        ("end", "int32", "End offset."),
        ("label", "string", "Toy label."),
    ]


def toy_rows(doc: Document, look: Lookup) -> list[dict[str, Any]]:
    return [
        {"doc_id": doc.id, "id": t.id, "start": t.start, "end": t.end, "label": t.label}
        for t in doc.layer("toys")
    ]


SPAN_SCHEMA = {"type": "integer", "minimum": 0, "description": "An offset."}
TOY = Layer(
    name="toys",
    record=Toy,
    ids=(IdKind("toys", "toy"),),
    check=check_toys,
    codes={"toy-label-is-text": (3, "a toy whose label repeats its text")},
    configs=(Config("toys", "toy span", ("toys",), toy_columns, toy_rows),),
    schema={
        "description": "Toy spans.",
        "type": "array",
        "items": {
            "type": "object",
            "additionalProperties": False,
            "required": ["id", "start", "end", "text", "label"],
            "properties": {
                "id": {"type": "string", "pattern": "^toy[0-9]+$", "description": "Id."},
                "start": SPAN_SCHEMA,
                "end": SPAN_SCHEMA,
                "text": {"type": "string", "description": "Text."},
                "label": {"type": "string", "description": "Label."},
            },
        },
    },
    description="Toy spans of the registry test.",
)


@pytest.fixture
def toy() -> Iterator[Layer]:
    with layers.registered(TOY) as layer:
        yield layer


def toy_document(tmp_path: Path, toys: list[dict[str, Any]]) -> Path:
    doc = json.loads(FIXTURE.read_text(encoding="utf-8"))
    doc["annotated_layers"].append("toys")
    doc["toys"] = toys
    folder = tmp_path / "documents"
    folder.mkdir(exist_ok=True)
    path = folder / FIXTURE.name
    path.write_text(canonical_json(Document.from_dict(doc)), encoding="utf-8")
    return path


def first_word(path: Path | None = None) -> dict[str, Any]:
    text = json.loads(FIXTURE.read_text(encoding="utf-8"))["text"]
    word = re.search(r"[A-Za-z]+", text)
    assert word is not None
    start, end = word.span()
    return {"id": "toy1", "start": start, "end": end, "text": text[start:end], "label": "WORD"}


# ---------------------------------------------------------------- tests


def test_toy_layer_validates_and_round_trips(tmp_path: Path, toy: Layer) -> None:
    path = toy_document(tmp_path, [first_word(tmp_path)])
    doc, problems = read_file(path)[1:]
    assert problems == []
    assert doc is not None
    assert doc.layer("toys") == (Toy.from_dict(first_word()),)
    assert doc.record("toys", "toy1") == doc.layer("toys")[0]
    assert canonical_json(doc) == path.read_text(encoding="utf-8")  # byte-identical


def test_toy_layer_checks_report_their_codes(tmp_path: Path, toy: Layer) -> None:
    word = first_word(tmp_path)
    shifted = {**word, "id": "toy2", "start": word["start"] + 1}  # text no longer matches
    same = {**word, "id": "x3", "label": word["text"]}
    path = toy_document(tmp_path, [shifted, same])
    problems = read_file(path).problems
    got = [(p.code, p.pointer, p.level) for p in problems]
    assert got == [
        ("schema-pattern", "/toys/1/id", 2),
        ("id-prefix", "/toys/1/id", 3),
        ("span-text-mismatch", "/toys/0/start", 3),
        ("toy-label-is-text", "/toys/1/label", 3),
    ]


def test_toy_layer_needs_its_schema(tmp_path: Path, toy: Layer) -> None:
    path = toy_document(tmp_path, [first_word()])
    raw = json.loads(path.read_text(encoding="utf-8"))
    raw["toys"][0]["colour"] = "red"
    path.write_text(json.dumps(raw), encoding="utf-8")
    problems = read_file(path).problems
    assert [(p.code, p.pointer) for p in problems] == [
        ("schema-additional-property", "/toys/0/colour")
    ]


def test_a_float_offset_of_a_toy_is_refused(tmp_path: Path, toy: Layer) -> None:
    """A layer from outside types its records its own way (``Toy.from_dict`` takes any
    number): the reader's quick path then keeps the schema's integer rule itself."""
    word = first_word()
    path = toy_document(tmp_path, [word])
    raw = json.loads(path.read_text(encoding="utf-8"))
    raw["toys"][0]["start"] = float(word["start"])
    path.write_text(json.dumps(raw, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    doc, problems = read_file(path)[1:]
    assert [(p.code, p.pointer) for p in problems] == [("schema-type", "/toys/0/start")]
    assert doc is None


@dataclass(frozen=True)
class LabelFirst(Toy):
    """A toy whose ``to_dict`` writes its label first: not the order of its fields."""

    def to_dict(self) -> dict[str, Any]:
        return {"label": self.label, **{k: v for k, v in super().to_dict().items() if k != "label"}}


def test_a_layer_from_outside_is_written_by_its_to_dict(tmp_path: Path) -> None:
    """The canonical form of a record of a layer from outside the package is its
    ``to_dict``, whatever the order of its fields: a file in that order is canonical, and
    one in field order is not, on the reader's quick path as on the exact one."""
    with layers.registered(dataclasses.replace(TOY, record=LabelFirst)):
        path = toy_document(tmp_path, [first_word()])
        written = json.loads(path.read_text(encoding="utf-8"))["toys"][0]
        assert list(written) == ["label", "id", "start", "end", "text"]
        assert read_file(path).problems == []
        raw = json.loads(path.read_text(encoding="utf-8"))
        raw["toys"][0] = first_word()  # the fields' order
        path.write_text(json.dumps(raw, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        doc, problems = read_file(path)[1:]
    assert [(p.code, p.pointer) for p in problems] == [("non-canonical-format", "")]
    assert doc is not None


def test_unregistered_toy_layer_is_refused(tmp_path: Path) -> None:
    with layers.registered(TOY):
        path = toy_document(tmp_path, [first_word(tmp_path)])
    problems = read_file(path).problems
    assert ("schema-additional-property", "/toys") in [(p.code, p.pointer) for p in problems]


def test_toy_layer_is_built_into_a_config_with_a_card_entry(tmp_path: Path, toy: Layer) -> None:
    path = toy_document(tmp_path, [first_word(tmp_path)])
    splits = tmp_path / "splits.json"
    splits.write_text('{"test": ["fixture_small"]}\n', encoding="utf-8")
    out = tmp_path / "out"
    B.build(out, documents=path.parent, splits=splits, card=CARD)
    assert B.configs()[-1] == "toys"
    import pyarrow.parquet as pq

    rows = pq.read_table(out / B.data_file("toys", "test")).to_pylist()
    word = first_word(tmp_path)
    assert rows == [
        {
            "doc_id": "fixture_small",
            "id": "toy1",
            "start": word["start"],
            "end": word["end"],
            "label": "WORD",
        }
    ]
    card = (out / "README.md").read_text(encoding="utf-8")
    assert "config_name: toys" in card
    assert "#### `toys`\n\nOne row per toy span." in card
    documents = pq.read_table(out / B.data_file("documents", "test")).to_pylist()
    assert documents[0]["toys"] == [word]  # the lossless config carries the new layer
    croissant = json.loads((out / "croissant.json").read_text(encoding="utf-8"))
    assert "toys" in [r["name"] for r in croissant["recordSet"]]


def test_toy_layer_is_listed_by_the_cli(toy: Layer, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["layers"]) == 0
    out = capsys.readouterr().out
    assert "toys: Toy spans of the registry test.\n  ids: toys (toy…)" in out
    assert "  configs: toys" in out


def test_registry_refuses_a_taken_name_and_a_missing_dependency() -> None:
    with pytest.raises(ValueError, match='"quotes" is already registered'):
        layers.register(Layer(name="quotes", record=Toy, ids=()))
    with pytest.raises(ValueError, match="depends on unregistered nowhere"):
        layers.register(Layer(name="other", record=Toy, ids=(), depends_on=("nowhere",)))
    assert layers.names() == (
        "sentences",
        "mentions",
        "entities",
        "quotes",
        "events",
        "stance",
        "relations",
    )


def test_builtin_registry_is_the_schema_layer_list() -> None:
    labels = json.loads((dataset_dir().parent / "schema" / "labels.json").read_text("utf-8"))
    assert list(layers.names()) == labels["$defs"]["layer"]["enum"]


def test_build_of_the_corpus_is_unchanged_by_the_registry(tmp_path: Path) -> None:
    out = tmp_path / "out"
    shutil.copytree(dataset_dir(), out)
    assert B.check(out) == []


# ---------------------------------------------------------------- built-in discovery


def test_builtin_layers_are_the_modules_that_define_one_in_the_declared_order() -> None:
    found = {x.name: x for x in layers.builtin_layers()}
    assert tuple(found) == layers.names()[: len(found)]
    order = list(reversed(found))  # mentions and entities refer to each other: any order
    assert [x.name for x in layers.builtin_layers(found, order)] == order


def test_a_layer_module_not_in_the_layer_list_is_refused() -> None:
    found = {x.name: x for x in layers.builtin_layers()}
    found["toys"] = TOY
    with pytest.raises(RuntimeError, match=r"toys not in the layer list of schema/labels.json"):
        layers.builtin_layers(found, list(layers.names()))


def test_a_listed_layer_without_a_module_is_refused() -> None:
    found = {x.name: x for x in layers.builtin_layers()}
    order = [*found, "toys"]
    with pytest.raises(RuntimeError, match=r"lists the layer\(s\) toys, which no module"):
        layers.builtin_layers(found, order)


def test_a_builtin_layer_depending_on_no_builtin_layer_is_refused() -> None:
    found = {x.name: x for x in layers.builtin_layers()}
    found["toys"] = dataclasses.replace(TOY, depends_on=("nowhere",))
    with pytest.raises(RuntimeError, match='"toys" depends on nowhere, which no module'):
        layers.builtin_layers(found, [*found])


def test_declared_codes_join_the_vocabulary_all_or_nothing() -> None:
    before = dict(issues.CODES)
    with pytest.raises(ValueError, match="'span-reversed' is registered twice"):
        issues.declare_codes("toys", {"toy-new-code": (3, "new"), "span-reversed": (3, "again")})
    assert dict(issues.CODES) == before
    with pytest.raises(ValueError, match="has no level 7"):
        issues.declare_codes("toys", {"toy-new-code": (7, "new")})  # type: ignore[dict-item]
    assert dict(issues.CODES) == before


def test_every_builtin_layer_code_is_in_the_vocabulary() -> None:
    for layer in layers.builtin_layers():
        for code, (level, meaning) in layer.codes.items():
            assert issues.CODES[code] == issues.Code(level, "document", meaning)  # type: ignore[arg-type]


# ---------------------------------------------------------------- a layer a document lacks


def test_a_later_layer_is_absent_unless_annotated_or_filled(toy: Layer) -> None:
    raw = json.loads(FIXTURE.read_text(encoding="utf-8"))
    plain = Document.from_dict(raw)
    assert "toys" not in plain.to_dict()  # a document written before the layer: unchanged
    assert Document.from_dict({**raw, "toys": None}) == plain  # a Parquet null
    assert Document.from_dict({**raw, "toys": []}) == plain
    listed = Document.from_dict({**raw, "annotated_layers": [*raw["annotated_layers"], "toys"]})
    assert listed.to_dict()["toys"] == []  # annotated, none
    assert list(listed.to_dict())[-1] == "toys"


def test_a_layer_reads_its_labels_from_labels_json() -> None:
    assert labels.enum("layer") == layers.names()
    table = labels.const("event_modes")
    table.clear()
    assert labels.const("event_modes")  # a copy each time
    with pytest.raises(KeyError):
        labels.enum("no_such_definition")


def test_a_document_without_a_later_layer_builds_and_reads_back(tmp_path: Path, toy: Layer) -> None:
    folder = tmp_path / "documents"
    folder.mkdir()
    shutil.copy(FIXTURE, folder / FIXTURE.name)
    splits = tmp_path / "splits.json"
    splits.write_text('{"test": ["fixture_small"]}\n', encoding="utf-8")
    out = tmp_path / "out"
    B.build(out, documents=folder, splits=splits, card=CARD)
    import pyarrow.parquet as pq

    path = out / B.data_file("documents", "test")
    assert pq.read_table(path).to_pylist()[0]["toys"] is None  # not annotated: null
    (back,) = B.documents_from_parquet(path)
    assert canonical_json(back) == FIXTURE.read_text(encoding="utf-8")


def test_the_summary_has_no_line_for_a_layer_the_document_leaves_out(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    counted = dataclasses.replace(TOY, summary=lambda records: [("toys", len(records), "")])
    with layers.registered(counted):
        assert main(["summary", str(FIXTURE)]) == 0
        assert "  toys " not in capsys.readouterr().out
        assert main(["summary", str(toy_document(tmp_path, []))]) == 0
        assert "  toys            0  \n" in capsys.readouterr().out  # annotated, none


def test_a_document_without_annotated_layers_is_one_schema_problem(
    tmp_path: Path, toy: Layer
) -> None:
    raw = json.loads(FIXTURE.read_text(encoding="utf-8"))
    del raw["annotated_layers"]
    path = tmp_path / FIXTURE.name
    path.write_text(json.dumps(raw), encoding="utf-8")
    problems = read_file(path).problems
    assert [(p.code, p.pointer) for p in problems] == [("schema-required", "/annotated_layers")]

"""Croissant: mlcroissant reads every record set in full, and what it reads is the Parquet.

Every leaf field of every record set is compared, value for value, with the Parquet file
it describes; the lists of records that the ``documents`` record set leaves to the layer
record sets (``quotes[].content``) are rebuilt from those by (doc_id, id) and compared
with the ``documents`` Parquet rows.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from newsgold import RELEASE_DATE, __version__
from newsgold import build as B
from newsgold import hub as H
from newsgold.columns import label_names
from newsgold.resources import dataset_dir
from test_build import CARD, FIXTURE

pytestmark = [
    pytest.mark.usefixtures("no_network"),
    # Deprecations inside mlcroissant's own dependencies (rdflib, pandas), not in newsgold.
    pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning"),
    pytest.mark.filterwarnings("ignore:The inplace keyword:DeprecationWarning"),
]

mlc = pytest.importorskip("mlcroissant")


# ---------------------------------------------------------------- reading and comparing


def _plain(value: Any) -> Any:
    """mlcroissant's values as JSON values: bytes decoded, numpy scalars and arrays unwrapped."""
    if isinstance(value, bytes):
        return value.decode("utf-8")
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)) or type(value).__name__ == "ndarray":
        return [_plain(v) for v in value]
    if hasattr(value, "item"):
        return value.item()
    return value


def _leaves(
    fields: list[dict[str, Any]], parent: dict[str, Any] | None = None
) -> Iterator[tuple[dict[str, Any], dict[str, Any] | None]]:
    for field in fields:
        if "subField" in field:
            yield from _leaves(field["subField"], field)
        else:
            yield field, parent


def _expected(row: dict[str, Any], leaf: dict[str, Any]) -> Any:
    """What a leaf must hold for a Parquet row, from its id alone (``quotes/cue/start``:
    column ``cue``, then key ``start`` of each item), not from the source it declares."""
    column, *keys = leaf["@id"].split("/")[1:]
    value = row[column]
    for key in keys:
        if isinstance(value, list):
            value = [None if item is None else item[key] for item in value]
        elif value is not None:  # a null struct gives null members
            value = value[key]
    return value


def _actual(record: dict[str, Any], leaf: dict[str, Any], parent: dict[str, Any] | None) -> Any:
    """Where mlcroissant puts a leaf: at the top of the record, in a list of dicts under a
    repeated parent, or in a dict under a parent that is not repeated."""
    if parent is None:
        return record[leaf["@id"]]
    held = record[parent["@id"]]
    if parent.get("repeated"):
        if len(held) == 1 and all(v is None for v in held[0].values()):
            return None  # mlcroissant writes a null list of records as one record of nulls
        return [item[leaf["@id"]] for item in held]
    return held[leaf["@id"]]


def read_all(folder: Path) -> tuple[Any, dict[str, list[dict[str, Any]]]]:
    """The mlcroissant dataset of ``folder`` and every record of every record set."""
    dataset = mlc.Dataset(jsonld=str(folder / "croissant.json"))
    names = [rs.name for rs in dataset.metadata.record_sets]
    return dataset, {name: [_plain(r) for r in dataset.records(record_set=name)] for name in names}


def _parquet(folder: Path, config: str) -> list[tuple[str, dict[str, Any]]]:
    import pyarrow.parquet as pq

    out = []
    for path in sorted((folder / "data" / config).glob("*.parquet")):
        split = path.name.split("-", 1)[0]
        out += [(split, row) for row in pq.read_table(path).to_pylist()]
    return out


def mismatches(folder: Path, records: dict[str, list[dict[str, Any]]]) -> list[str]:
    """Every difference between the Croissant records and the Parquet files of ``folder``:
    a record count, a leaf value, a rebuilt nested list, a label or split record set."""
    croissant = json.loads((folder / "croissant.json").read_text(encoding="utf-8"))
    by_name = {rs["name"]: rs for rs in croissant["recordSet"]}
    found = []
    for config in B.configs():
        rows = _parquet(folder, config)
        got = records.get(config, [])
        if len(got) != len(rows):
            found.append(f"{config}: {len(got)} records, Parquet has {len(rows)} rows")
            continue
        for (split, row), record in zip(rows, got, strict=True):
            if record[f"{config}/split"] != split:
                found.append(f"{config}: split {record[f'{config}/split']!r} != {split!r}")
            for leaf, parent in _leaves(by_name[config]["field"][1:]):
                want, have = _expected(row, leaf), _actual(record, leaf, parent)
                if want != have:
                    found.append(f"{leaf['@id']}: {have!r} != Parquet {want!r}")
    found += _nested_mismatches(folder, records)
    found += _data_mismatches(folder, records)
    return found


def _nested_mismatches(folder: Path, records: dict[str, list[dict[str, Any]]]) -> list[str]:
    """The lists of records inside list items of ``documents``, rebuilt from the layer
    record sets by (doc_id, id)."""
    found = []
    paths = [p for n, s, _ in B.config_columns("documents") for p in H._nested_lists(s, n)]
    for path in paths:
        layer, member = path.split("[].")
        index = {
            (r[f"{layer}/doc_id"], r[f"{layer}/id"]): r[f"{layer}/{member}"] for r in records[layer]
        }
        prefix = f"{layer}/{member}/"
        for _, doc in _parquet(folder, "documents"):
            for item in doc[layer]:
                want = item[member]
                have = _members(index.get((doc["id"], item["id"])), prefix, want)
                if have != want:
                    found.append(
                        f"documents {doc['id']} {layer} {item['id']} {member}: {have!r} != {want!r}"
                    )
    return found


def _members(held: Any, prefix: str, want: list[dict[str, Any]]) -> Any:
    """A layer record's list of records, keyed as in the document (the layer may add keys,
    such as an argument's ``entity_name``)."""
    if held is None or not want:
        return held
    return [
        {k.removeprefix(prefix): v for k, v in x.items() if k.removeprefix(prefix) in want[0]}
        for x in held
    ]


def _data_mismatches(folder: Path, records: dict[str, list[dict[str, Any]]]) -> list[str]:
    splits = json.loads((folder / "splits.json").read_text(encoding="utf-8"))
    found = []
    if [r["splits/name"] for r in records["splits"]] != list(splits):
        found.append(f"splits: {records['splits']!r} != {list(splits)!r}")
    for name, got in records.items():
        if name.endswith("-labels"):
            kind = name.removesuffix("-labels")
            want = [
                {f"{name}/index": i, f"{name}/name": n} for i, n in enumerate(label_names(kind))
            ]
            if got != want:
                found.append(f"{name}: {got!r} != {want!r}")
    return found


# ---------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The small fixture built into a dataset folder, with its split file beside."""
    root = tmp_path_factory.mktemp("croissant")
    docs = root / "documents"
    docs.mkdir()
    shutil.copy(FIXTURE, docs / FIXTURE.name)
    (root / "splits.json").write_text('{"test": ["fixture_small"]}\n', encoding="utf-8")
    out = root / "out"
    B.build(out, documents=docs, splits=root / "splits.json", card=CARD)
    shutil.copy(root / "splits.json", out / "splits.json")
    return out


# ---------------------------------------------------------------- the tests


def test_every_record_set_of_the_corpus_reads_in_full_and_equals_the_parquet() -> None:
    dataset, records = read_all(dataset_dir())
    assert dataset.metadata.ctx.issues.errors == set()
    assert dataset.metadata.ctx.issues.warnings == set()
    assert mismatches(dataset_dir(), records) == []
    names = {rs.name for rs in dataset.metadata.record_sets}
    assert set(B.configs()) <= names and "splits" in names
    (doc,) = records["documents"]
    assert doc["documents/id"] == "000_6f6c25f93ca58200"
    assert doc["documents/quotes"][0]["documents/quotes/speaker"] == "e_abc_news"
    events = doc["documents/events"]
    assert [e["documents/events/modes"] for e in events[:2]] == [["discontinue"], []]
    assert events[0]["documents/events/contexts"] == ["economic", "legislative"]
    assert doc["documents/stance"][1]["documents/stance/quote_ids"] == ["q2", "q6"]
    assert doc["documents/metadata/sources"][1]["documents/metadata/sources/publisher"] == (
        "Ministry of Foreign Affairs of the Russian Federation"
    )
    q1 = next(q for q in records["quotes"] if q["quotes/id"] == "q1")
    assert q1["quotes/content"][0] == {
        "quotes/content/start": 198,
        "quotes/content/end": 283,
        "quotes/content/text": "Trump admin still seeks cooperation with Russia despite new "
        "sanctions and retaliation",
    }
    assert len(records["mentions"]) == 144 and len(records["ner"]) == 28


def test_fixture_records_have_exact_values(built: Path) -> None:
    dataset, records = read_all(built)
    assert dataset.metadata.ctx.issues.warnings == set()
    assert mismatches(built, records) == []
    assert [r["ner/split"] for r in records["ner"]] == ["test", "test"]
    assert records["ner"][1]["ner/ner_tags"][-5:] == [0, 1, 0, 15, 0]
    names = [r["ner-labels/name"] for r in records["ner-labels"]]
    assert [names[i] for i in records["ner"][1]["ner/ner_tags"][-5:]] == [
        "O",
        "B-PERSON",
        "O",
        "B-DATE",
        "O",
    ]
    (doc,) = records["documents"]
    assert doc["documents/events"][0]["documents/events/modes"] == []
    assert doc["documents/metadata/sources"] == [  # a null list: one record of nulls
        {f"documents/metadata/sources/{k}": None for k in
         ("publisher", "title", "address", "date", "supplies", "basis")}
    ]  # fmt: skip


def _tampered(built: Path, tmp_path: Path, edit: Any) -> Path:
    folder = tmp_path / "tampered"
    shutil.copytree(built, folder)
    path = folder / "croissant.json"
    doc = json.loads(path.read_text(encoding="utf-8"))
    edit(doc)
    path.write_text(json.dumps(doc), encoding="utf-8")
    return folder


def test_a_record_set_that_reads_other_rows_is_caught(built: Path, tmp_path: Path) -> None:
    def two_configs(doc: dict[str, Any]) -> None:
        (files,) = [d for d in doc["distribution"] if d["@id"] == "ner-files"]
        files["includes"] = "data/ner*/*.parquet"  # ner and ner_conll: twice the rows

    folder = _tampered(built, tmp_path, two_configs)
    _, records = read_all(folder)
    assert mismatches(folder, records) == ["ner: 4 records, Parquet has 2 rows"]


def test_a_field_that_reads_another_value_is_caught(built: Path, tmp_path: Path) -> None:
    def speaker_from_source(doc: dict[str, Any]) -> None:
        (rs,) = [r for r in doc["recordSet"] if r["name"] == "quotes"]
        (field,) = [f for f in rs["field"] if f["name"] == "speaker"]
        field["source"]["extract"]["column"] = "source"

    folder = _tampered(built, tmp_path, speaker_from_source)
    _, records = read_all(folder)
    found = mismatches(folder, records)
    assert found and all(line.startswith("quotes/speaker: ") for line in found)


def test_metadata_comes_from_the_facts() -> None:
    croissant = json.loads((dataset_dir() / "croissant.json").read_text(encoding="utf-8"))
    card = CARD.read_text(encoding="utf-8")
    _, body = H.split_front_matter(card)
    assert croissant["description"].startswith("newsgold is a hand-annotated, multi-layer")
    assert "- **stance**:" in croissant["description"]
    assert croissant["version"] == __version__
    assert croissant["datePublished"] == RELEASE_DATE
    assert croissant["creator"] == {"@type": "sc:Organization", "name": "newsgold contributors"}
    assert croissant["citeAs"].startswith("@misc{newsgold2026,")
    for prop, heading in H._RAI_SECTIONS:
        assert croissant[prop] == H.card_section(body, heading)
        assert len(croissant[prop]) > 200
    labels = {rs["name"] for rs in croissant["recordSet"] if rs["name"].endswith("-labels")}
    assert labels == {
        "entity_type-labels", "mention_type-labels", "ner-labels", "ner_conll-labels",
        "quote_type-labels", "event_type-labels", "realis-labels", "polarity-labels",
        "stance_basis-labels", "relation_type-labels", "relation_subtype-labels",
        "relation_tense-labels", "relation_syntactic_class-labels",
    }  # fmt: skip


def test_release_date_is_the_changelog_heading_of_the_version() -> None:
    changelog = (CARD.parent / "CHANGELOG.md").read_text(encoding="utf-8")
    assert f"\n## {__version__} — {RELEASE_DATE}\n" in changelog

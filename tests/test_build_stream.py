"""The build streams: many documents (made here, in tmp_path), row groups of a bounded
number of documents, rows in id order, and no output at all when any document, however
late in the corpus, is bad."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from newsgold import build as B
from newsgold import hub as H
from newsgold.cli import main
from newsgold.io import canonical_json
from newsgold.model import Document
from newsgold.resources import dataset_dir
from test_load import no_network  # noqa: F401 - a fixture

FIXTURE = Path(__file__).parent / "fixtures" / "valid" / "fixture_small.json"
CARD = dataset_dir().parent / "DATASET_CARD.md"


def _document(doc_id: str) -> Document:
    value = json.loads(FIXTURE.read_text(encoding="utf-8"))
    value["id"] = doc_id
    return Document.from_dict(value)


def _corpus(
    root: Path, ids: list[str], splits: dict[str, list[str]] | None = None
) -> dict[str, Path]:
    """Copies of the small fixture under ``ids``, and a split file (default: all in test)."""
    folder = root / "documents"
    folder.mkdir(parents=True)
    for doc_id in ids:
        (folder / f"{doc_id}.json").write_text(canonical_json(_document(doc_id)), encoding="utf-8")
    path = root / "splits.json"
    path.write_text(json.dumps(splits or {"test": ids}), encoding="utf-8")
    return {"documents": folder, "splits": path, "card": CARD}


def _hashes(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def _front(folder: Path) -> dict[str, Any]:
    import yaml

    front, _ = H.split_front_matter((folder / "README.md").read_text(encoding="utf-8"))
    meta: dict[str, Any] = yaml.safe_load(front)
    return meta


IDS = ["d1", "d2", "d3", "d4", "d5"]


def test_row_groups_hold_a_bounded_number_of_documents_and_rows_keep_their_order(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import pyarrow.parquet as pq

    monkeypatch.setattr(B, "ROW_GROUP_DOCUMENTS", 2)
    inputs = _corpus(tmp_path, IDS)
    out = tmp_path / "out"
    digests, changed = B.build(out, **inputs)
    assert sorted(changed) == sorted(digests)
    docs = [_document(i) for i in IDS]
    info = {entry["config_name"]: entry for entry in _front(out)["dataset_info"]}
    for config in B.configs():
        path = out / B.data_file(config, "test")
        file = pq.ParquetFile(path)
        expected = B.rows(config, docs)
        assert file.read().to_pylist() == expected, config
        per_document = [len(B.rows(config, [d])) for d in docs]
        if expected:  # one row group per two documents: 2, 2, 1
            groups = [file.metadata.row_group(i).num_rows for i in range(file.num_row_groups)]
            assert groups == [sum(per_document[0:2]), sum(per_document[2:4]), per_document[4]]
        else:
            assert file.num_row_groups == 0
        (split,) = info[config]["splits"]
        assert split == {
            "name": "test",
            "num_bytes": pq.read_table(path).nbytes,
            "num_examples": len(expected),
        }
        assert digests[B.data_file(config, "test")] == hashlib.sha256(path.read_bytes()).hexdigest()
    assert B.check(out, **inputs) == []
    again = tmp_path / "again"
    B.build(again, **inputs)
    assert _hashes(again) == _hashes(out)


def test_rows_follow_the_ids_not_the_file_names(tmp_path: Path) -> None:
    """``d-b.json`` sorts before ``d.json``, but the id ``d`` before ``d-b``."""
    import pyarrow.parquet as pq

    inputs = _corpus(tmp_path, ["d-b", "d"])
    B.build(tmp_path / "out", **inputs)
    rows = pq.read_table(tmp_path / "out" / B.data_file("documents", "test")).to_pylist()
    assert [row["id"] for row in rows] == ["d", "d-b"]
    card = (tmp_path / "out" / "README.md").read_text(encoding="utf-8")
    assert card.index("| `d` |") < card.index("| `d-b` |")  # the licence table


def test_documents_go_to_their_split_and_the_example_comes_from_the_first_split(
    tmp_path: Path,
) -> None:
    import pyarrow.parquet as pq

    inputs = _corpus(tmp_path, IDS, {"test": ["d1", "d3", "d5"], "train": ["d4", "d2"]})
    out = tmp_path / "out"
    B.build(out, **inputs)
    for split, ids in (("train", ["d2", "d4"]), ("test", ["d1", "d3", "d5"])):
        rows = pq.read_table(out / B.data_file("documents", split)).to_pylist()
        assert [row["id"] for row in rows] == ids
        ner = pq.read_table(out / B.data_file("ner", split)).to_pylist()
        assert sorted({row["doc_id"] for row in ner}) == ids
    body = H.split_front_matter((out / "README.md").read_text(encoding="utf-8"))[1]
    examples = body.split("<!-- generated:examples -->")[1].split("#### `")
    (documents,) = [part for part in examples if part.startswith("documents`")]
    assert '"id": "d2"' in documents  # train comes first, then its first id
    (ner,) = [part for part in examples if part.startswith("ner`")]
    assert '"doc_id": "d2"' in ner and "B-" in ner  # the first sentence with an entity
    assert _front(out)["configs"][0]["data_files"] == [
        {"split": "train", "path": B.data_file("documents", "train")},
        {"split": "test", "path": B.data_file("documents", "test")},
    ]


def _break(path: Path) -> None:
    path.write_text(path.read_text(encoding="utf-8").replace('"Lavrov"', '"Lavroff"', 1))


@pytest.mark.parametrize("existing", [False, True])
def test_a_bad_first_and_last_document_leave_no_output(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, existing: bool
) -> None:
    """The first and the last of five documents are bad, after row groups of the others
    were written to the staging folder: nothing is published, nothing is left."""
    monkeypatch.setattr(B, "ROW_GROUP_DOCUMENTS", 1)
    inputs = _corpus(tmp_path / "in", IDS)
    out = tmp_path / "out"
    if existing:
        B.build(out, **inputs)
    before = _hashes(out) if existing else None
    first, last = (inputs["documents"] / f"{i}.json" for i in (IDS[0], IDS[-1]))
    _break(first)
    last.write_text(last.read_text(encoding="utf-8")[:-20], encoding="utf-8")  # cut short
    with pytest.raises(B.BuildError) as info:
        B.build(out, **inputs)
    assert [(p.file, p.code, p.pointer) for p in info.value.problems] == [
        (str(first), "span-text-mismatch", "/mentions/5/text"),
        (str(last), "invalid-json", ""),
        (str(inputs["splits"]), "split-unknown-document", "/test/0"),
        (str(inputs["splits"]), "split-unknown-document", "/test/4"),
    ]
    if existing:
        assert _hashes(out) == before
        assert [p.name for p in out.iterdir() if p.name.startswith(".")] == []
    else:
        assert not out.exists()
    assert not [p for p in tmp_path.rglob("*.parquet") if not existing or out not in p.parents]


def test_a_document_in_no_split_found_at_the_end_leaves_no_output(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(B, "ROW_GROUP_DOCUMENTS", 1)
    inputs = _corpus(tmp_path / "in", IDS, {"test": IDS[:-1]})
    out = tmp_path / "deep" / "out"  # the build creates both folders, and removes them
    args = ["build", "--out", str(out), "--documents", str(inputs["documents"])]
    assert main([*args, "--splits", str(inputs["splits"])]) == 1
    printed = capsys.readouterr().out
    assert (
        f'{inputs["splits"]}#: L4 split-missing-document: document "d5" is in no split' in printed
    )
    assert not (tmp_path / "deep").exists()


def test_check_of_a_corpus_with_a_bad_last_document_fails_without_writing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(B, "ROW_GROUP_DOCUMENTS", 1)
    inputs = _corpus(tmp_path / "in", IDS)
    out = tmp_path / "out"
    B.build(out, **inputs)
    before = _hashes(out)
    _break(inputs["documents"] / f"{IDS[-1]}.json")
    with pytest.raises(B.BuildError) as info:
        B.check(out, **inputs)
    assert [(p.code, p.pointer) for p in info.value.problems] == [
        ("span-text-mismatch", "/mentions/5/text"),
        ("split-unknown-document", "/test/4"),
    ]
    assert _hashes(out) == before


def test_build_check_names_a_stale_file_of_a_many_document_build(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(B, "ROW_GROUP_DOCUMENTS", 2)
    inputs = _corpus(tmp_path / "in", IDS)
    out = tmp_path / "out"
    B.build(out, **inputs)
    monkeypatch.setattr(B, "ROW_GROUP_DOCUMENTS", 3)  # other row groups, other bytes
    stale = {(p.code, Path(p.file).relative_to(out).as_posix()) for p in B.check(out, **inputs)}
    assert ("built-file-stale", B.data_file("documents", "test")) in stale
    assert ("built-file-stale", "README.md") in stale
    shutil.rmtree(out / "data" / "ner")
    missing = {(p.code, p.file) for p in B.check(out, **inputs)}
    assert ("built-file-missing", str(out / B.data_file("ner", "test"))) in missing


@pytest.mark.usefixtures("no_network")
def test_datasets_loads_a_file_of_many_row_groups_with_its_label_names(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import datasets

    monkeypatch.setattr(B, "ROW_GROUP_DOCUMENTS", 2)
    inputs = _corpus(tmp_path / "in", IDS)
    out = tmp_path / "out"
    B.build(out, **inputs)
    cache = str(tmp_path / "cache")
    ner = datasets.load_dataset(str(out), "ner", split="test", cache_dir=cache)
    assert ner.features == B.features("ner")
    expected = B.rows("ner", [_document(i) for i in IDS])
    assert [row["doc_id"] for row in ner] == [row["doc_id"] for row in expected]
    assert [row["ner_tags"] for row in ner] == [row["ner_tags"] for row in expected]
    names = ner.features["ner_tags"].feature.names
    assert names == list(B.label_names("ner"))
    docs = datasets.load_dataset(str(out), "documents", split="test", cache_dir=cache)
    assert [B.document_from_row(row) for row in docs] == [_document(i) for i in IDS]

"""The Hugging Face build: Parquet configs, card, Croissant, determinism, --check."""

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
from newsgold.resources import dataset_dir, documents_dir
from test_load import no_network  # noqa: F401 - a fixture

FIXTURE = Path(__file__).parent / "fixtures" / "valid" / "fixture_small.json"
CARD = dataset_dir().parent / "DATASET_CARD.md"


@pytest.fixture
def fixture_inputs(tmp_path: Path) -> dict[str, Path]:
    """The small fixture as a one-document corpus with its split file."""
    docs = tmp_path / "documents"
    docs.mkdir()
    shutil.copy(FIXTURE, docs / FIXTURE.name)
    splits = tmp_path / "splits.json"
    splits.write_text('{"test": ["fixture_small"]}\n', encoding="utf-8")
    return {"documents": docs, "splits": splits, "card": CARD}


def _hashes(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def _parquet_rows(path: Path) -> list[dict[str, Any]]:
    import pyarrow.parquet as pq

    rows: list[dict[str, Any]] = pq.read_table(path).to_pylist()
    return rows


EXPECTED_FILES = sorted(
    [*(B.data_file(c, "test") for c in B.configs()), "croissant.json", "README.md"]
)


# ---------------------------------------------------------------- fixture, exact values


def test_fixture_build_writes_every_config(tmp_path: Path, fixture_inputs: dict[str, Path]) -> None:
    out = tmp_path / "out"
    files, changed = B.build(out, **fixture_inputs)
    assert sorted(files) == EXPECTED_FILES == sorted(changed)
    assert sorted(_hashes(out)) == EXPECTED_FILES
    counts = {c: len(_parquet_rows(out / B.data_file(c, "test"))) for c in B.configs()}
    assert counts == {
        "documents": 1,
        "mentions": 7,
        "ner": 2,
        "ner_conll": 2,
        "coref": 4,
        "quotes": 1,
        "events": 1,
        "stance": 1,
        "relations": 0,  # the fixture does not annotate relations
    }


def test_fixture_rows_exact(tmp_path: Path, fixture_inputs: dict[str, Path]) -> None:
    out = tmp_path / "out"
    B.build(out, **fixture_inputs)

    def rows(config: str) -> list[dict[str, Any]]:
        return [B.decode_row(config, r) for r in _parquet_rows(out / B.data_file(config, "test"))]

    m3 = next(r for r in rows("mentions") if r["id"] == "m3")
    assert m3 == {
        "doc_id": "fixture_small",
        "id": "m3",
        "start": 30,
        "end": 34,
        "text": "U.S.",
        "label": "GPE",
        "mention_type": "NAM",
        "entity_id": "e_united_states",
        "entity_name": "United States",
        "sentence_id": "s1",
        "sentence_index": 0,
    }
    ner = rows("ner")
    assert ner[1]["tokens"][-5:] == ['"', "Lavrov", "said", "Sunday", "."]
    assert ner[1]["ner_tags"][-5:] == ["O", "B-PERSON", "O", "B-DATE", "O"]
    assert ner[1]["token_starts"][-3:] == [116, 121, 127]
    conll = rows("ner_conll")
    assert conll[0]["ner_tags"][7] == "B-LOC" and conll[1]["ner_tags"][-5:] == [
        "O",
        "B-PER",
        "O",
        "O",
        "O",
    ]
    lavrov = next(r for r in rows("coref") if r["entity_id"] == "e_lavrov")
    assert [(m["id"], m["mention_type"]) for m in lavrov["mentions"]] == [
        ("m5", "PRO"),
        ("m6", "NAM"),
    ]
    (quote,) = rows("quotes")
    assert (quote["source_text"], quote["speaker_name"], quote["type"]) == (
        "Lavrov",
        "Sergei Lavrov",
        "direct",
    )
    assert [s["id"] for s in quote["context"]] == ["s1", "s2"]
    (event,) = rows("events")
    assert [(a["entity_name"], a["mention_text"]) for a in event["arguments"]] == [
        ("Russia", "our"),
        ("United States", "our U.S. colleagues"),
    ]
    assert event["realis"] == "future" and event["time_value"] is None
    assert [s["id"] for s in event["context"]] == ["s1"]
    (stance,) = rows("stance")
    assert (stance["holder_name"], stance["target_event_type"], stance["polarity"]) == (
        "Sergei Lavrov",
        "CONSULT",
        "FAVOR",
    )


def test_features_and_label_orders() -> None:
    from test_tokens import HUB_CONLL2003, HUB_ONTONOTES

    assert B.features("ner")["ner_tags"].feature.names == HUB_ONTONOTES
    assert B.features("ner_conll")["ner_tags"].feature.names == HUB_CONLL2003
    assert B.features("mentions")["label"].names[:3] == ["PERSON", "NORP", "FAC"]
    for config in B.configs():
        assert list(B.features(config)) == [name for name, _, _ in B.config_columns(config)]


# ---------------------------------------------------------------- lossless


def test_documents_config_is_lossless_on_fixture(
    tmp_path: Path, fixture_inputs: dict[str, Path]
) -> None:
    out = tmp_path / "out"
    B.build(out, **fixture_inputs)
    (doc,) = B.documents_from_parquet(out / B.data_file("documents", "test"))
    assert canonical_json(doc).encode("utf-8") == FIXTURE.read_bytes()


def test_documents_config_is_lossless_on_corpus(tmp_path: Path) -> None:
    B.build(tmp_path)
    built = {d.id: d for d in B.documents_from_parquet(tmp_path / B.data_file("documents", "test"))}
    files = sorted(documents_dir().glob("*.json"))
    assert sorted(built) == sorted(p.stem for p in files)
    for path in files:
        assert canonical_json(built[path.stem]).encode("utf-8") == path.read_bytes()


# ---------------------------------------------------------------- determinism


def test_two_builds_give_identical_bytes(tmp_path: Path, fixture_inputs: dict[str, Path]) -> None:
    B.build(tmp_path / "a", **fixture_inputs)
    B.build(tmp_path / "b", **fixture_inputs)
    assert _hashes(tmp_path / "a") == _hashes(tmp_path / "b")
    B.build(tmp_path / "c")
    B.build(tmp_path / "d")
    assert _hashes(tmp_path / "c") == _hashes(tmp_path / "d")


def test_builds_in_separate_processes_give_identical_bytes(tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    for seed, name in (("1", "a"), ("2", "b")):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        code = "import sys; from newsgold.cli import main; sys.exit(main(sys.argv[1:]))"
        subprocess.run(
            [sys.executable, "-c", code, "build", "--out", str(tmp_path / name)],
            env=env,
            check=True,
            capture_output=True,
        )
    assert _hashes(tmp_path / "a") == _hashes(tmp_path / "b")
    assert sorted(_hashes(tmp_path / "a")) == EXPECTED_FILES


def test_invalid_document_fails_the_build(
    tmp_path: Path, fixture_inputs: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    path = fixture_inputs["documents"] / FIXTURE.name
    path.write_text(path.read_text(encoding="utf-8").replace('"Lavrov"', '"Lavroff"', 1))
    with pytest.raises(B.BuildError) as info:
        B.build(tmp_path / "out", **fixture_inputs)
    assert "span-text-mismatch" in {p.code for p in info.value.problems}
    assert not (tmp_path / "out").exists()


def test_card_lists_sha256_of_each_built_file(tmp_path: Path) -> None:
    B.build(tmp_path)
    card = (tmp_path / "README.md").read_text(encoding="utf-8")
    for rel, digest in _hashes(tmp_path).items():
        if rel != "README.md":
            assert f"| `{rel}` | {(tmp_path / rel).stat().st_size} | `{digest}` |" in card


# ---------------------------------------------------------------- --check


def test_committed_build_is_fresh() -> None:
    assert B.check() == []


def test_check_passes_on_fresh_build_and_names_a_hand_edited_file(
    tmp_path: Path, fixture_inputs: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    import pyarrow.parquet as pq

    out = tmp_path / "out"
    B.build(out, **fixture_inputs)
    assert B.check(out, **fixture_inputs) == []
    args = ["build", "--check", "--out", str(out), "--documents", str(fixture_inputs["documents"])]
    args += ["--splits", str(fixture_inputs["splits"])]
    assert main(args) == 0
    assert "*** PASSED ***" in capsys.readouterr().out

    target = out / B.data_file("ner", "test")
    table = pq.read_table(target)
    edited = table.set_column(
        table.schema.get_field_index("text"),
        "text",
        [[t.replace("Lavrov", "Lavroff") for t in table.column("text").to_pylist()]],
    )
    pq.write_table(edited, target)
    (problem,) = B.check(out, **fixture_inputs)
    assert (problem.file, problem.code, problem.level) == (str(target), "built-file-stale", 4)
    assert main(args) == 1
    printed = capsys.readouterr().out
    assert f"{target}#: L4 built-file-stale" in printed and "*** FAILED ***" in printed


def test_check_names_missing_and_extra_files(
    tmp_path: Path, fixture_inputs: dict[str, Path]
) -> None:
    out = tmp_path / "out"
    B.build(out, **fixture_inputs)
    (out / "croissant.json").unlink()
    extra = out / "data" / "ner" / "train-00000-of-00001.parquet"
    extra.write_bytes(b"PAR1")
    found = {(p.code, p.file) for p in B.check(out, **fixture_inputs)}
    assert found == {
        ("built-file-missing", str(out / "croissant.json")),
        ("built-file-extra", str(extra)),
    }
    B.build(out, **fixture_inputs)  # a build removes the extra file
    assert not extra.exists() and B.check(out, **fixture_inputs) == []


# ---------------------------------------------------------------- failures


def test_misaligned_span_fails_the_build_and_writes_nothing(
    tmp_path: Path, fixture_inputs: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    import hashlib as h

    doc = json.loads(FIXTURE.read_text(encoding="utf-8"))
    # A NAM mention "S." inside the token "U.S." (text and checksum stay valid).
    doc["mentions"][3].update(start=32, end=34, text="S.")
    text = doc["text"]
    doc["text_sha256"] = h.sha256(text.encode("utf-8")).hexdigest()
    path = fixture_inputs["documents"] / FIXTURE.name
    path.write_text(canonical_json(Document.from_dict(doc)), encoding="utf-8")
    out = tmp_path / "out"
    with pytest.raises(B.BuildError) as info:
        B.build(out, **fixture_inputs)
    (problem,) = info.value.problems
    assert (problem.file, problem.pointer, problem.code) == (
        str(path),
        "/mentions/3",
        "span-token-misaligned",
    )
    assert 'NAM mention "m3" 32-34 "S."' in problem.message
    assert 'inside token "U.S." 30-34' in problem.message and "start 30 or 35" in problem.message
    assert not out.exists()
    code = main(
        [
            "build",
            "--out",
            str(out),
            "--documents",
            str(fixture_inputs["documents"]),
            "--splits",
            str(fixture_inputs["splits"]),
        ]
    )
    assert code == 1 and not out.exists()
    assert "span-token-misaligned" in capsys.readouterr().out


MISSING = ("split-missing-document", "")


@pytest.mark.parametrize(
    ("splits", "expected"),
    [
        ({"test": []}, [MISSING]),
        ({}, [MISSING]),
        ({"test": ["fixture_small", "fixture_small"]}, [("split-duplicate-document", "/test/1")]),
        (
            {"test": ["fixture_small"], "train": ["fixture_small"]},
            [("split-duplicate-document", "/train/0")],
        ),
        ({"test": ["fixture_small", "nope"]}, [("split-unknown-document", "/test/1")]),
        ({"test": ["fixture_small"], "dev": []}, [("split-file-invalid", "/dev")]),
        ({"test": "fixture_small"}, [("split-file-invalid", "/test"), MISSING]),
        ({"test": ["fixture_small", 3]}, [("split-file-invalid", "/test/1")]),
        (["fixture_small"], [("split-file-invalid", "")]),
    ],
)
def test_split_file_problems(
    tmp_path: Path,
    fixture_inputs: dict[str, Path],
    splits: Any,
    expected: list[tuple[str, str]],
) -> None:
    fixture_inputs["splits"].write_text(json.dumps(splits), encoding="utf-8")
    with pytest.raises(B.BuildError) as info:
        B.build(tmp_path / "out", **fixture_inputs)
    assert [(p.code, p.pointer) for p in info.value.problems] == expected
    assert {p.level for p in info.value.problems} == {4}
    assert not (tmp_path / "out").exists()


def test_failed_build_leaves_the_folder_as_it_was(
    tmp_path: Path, fixture_inputs: dict[str, Path]
) -> None:
    out = tmp_path / "out"
    B.build(out, **fixture_inputs)
    before = _hashes(out)
    fixture_inputs["splits"].write_text('{"test": []}', encoding="utf-8")
    with pytest.raises(B.BuildError):
        B.build(out, **fixture_inputs)
    assert _hashes(out) == before


def test_writer_failure_midway_keeps_old_files(
    tmp_path: Path, fixture_inputs: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    import pyarrow.parquet as pq

    out = tmp_path / "out"
    B.build(out, **fixture_inputs)
    before = _hashes(out)
    real_write = pq.ParquetWriter.write_table
    calls = []

    def failing(writer: Any, *args: Any, **kwargs: Any) -> Any:
        calls.append(writer)
        if len(calls) == 2:
            raise OSError(28, "No space left on device")
        return real_write(writer, *args, **kwargs)

    monkeypatch.setattr(pq.ParquetWriter, "write_table", failing)
    with pytest.raises(B.BuildError) as err:
        B.build(out)  # the corpus: every file would change
    monkeypatch.undo()
    (found,) = err.value.problems
    second = B.data_file(B.configs()[1], "test")  # files are written config by config
    assert (found.code, found.level, found.pointer) == ("built-file-unwritten", 4, "")
    assert found.file.endswith(second) and "No space left on device" in found.message
    assert f"cannot write {second}" in found.message
    # Nothing was published: every file is as it was, and no staging folder is left.
    assert _hashes(out) == before
    assert [p.name for p in out.iterdir() if p.name.startswith(".")] == []


# ---------------------------------------------------------------- card


def _front(card: str) -> dict[str, Any]:
    import yaml

    front, _ = H.split_front_matter(card)
    meta: dict[str, Any] = yaml.safe_load(front)
    return meta


def test_card_metadata_and_sections(tmp_path: Path, fixture_inputs: dict[str, Path]) -> None:
    B.build(tmp_path, **fixture_inputs)
    card = (tmp_path / "README.md").read_text(encoding="utf-8")
    meta = _front(card)
    for key in (*B.REQUIRED_CARD_KEYS, "configs", "dataset_info"):
        assert key in meta, key
    assert [c["config_name"] for c in meta["configs"]] == list(B.configs())
    assert meta["configs"][0]["default"] is True
    assert meta["configs"][2]["data_files"] == [
        {"split": "test", "path": "data/ner/test-00000-of-00001.parquet"}
    ]
    ner_info = meta["dataset_info"][2]
    assert ner_info["config_name"] == "ner" and ner_info["splits"][0]["num_examples"] == 2
    tags = next(f for f in ner_info["features"] if f["name"] == "ner_tags")
    assert tags["list"]["class_label"]["names"]["9"] == "B-GPE"
    for name in H.MARKERS:
        assert card.count(f"<!-- generated:{name} -->") == 1
        assert card.count(f"<!-- /generated:{name} -->") == 1
    assert "| `mentions[].label` | string | OntoNotes type of the mention;" in card
    assert "| `GPE` | `LOC` |" in card and "| `DATE` | `O` |" in card
    assert "| `test` | 1 | 1 | 7 | 2 | 2 | 4 | 1 | 1 | 1 |" in card
    assert '"… [3 more items]"' in card  # examples cut lists of records to 4 items
    assert '"source_text": "Lavrov"' in card


TEST_CARD = """---
pretty_name: test
language: [en]
license: cc-by-4.0
annotations_creators: [expert-generated]
language_creators: [found]
multilinguality: [monolingual]
size_categories: [n<1K]
source_datasets: [original]
task_categories: [token-classification]
task_ids: [named-entity-recognition]
---
# test

## Fields

<!-- generated:fields -->

Hand-written text stays.
"""


def test_card_without_marker_gets_the_section_appended(
    tmp_path: Path, fixture_inputs: dict[str, Path]
) -> None:
    card = tmp_path / "CARD.md"
    card.write_text(TEST_CARD, encoding="utf-8")
    B.build(tmp_path / "out", **{**fixture_inputs, "card": card})
    built = (tmp_path / "out" / "README.md").read_text(encoding="utf-8")
    meta = _front(built)
    assert meta["pretty_name"] == "test" and meta["task_ids"] == ["named-entity-recognition"]
    body = H.split_front_matter(built)[1]
    assert body.startswith("# test\n\n## Fields\n\n<!-- generated:fields -->\n#### `documents`")
    assert "<!-- /generated:fields -->\n\nHand-written text stays.\n" in body
    where = {name: body.index(f"<!-- generated:{name} -->") for name in H.MARKERS}
    appended = [where[name] for name in H.MARKERS if name != "fields"]
    assert where["fields"] < min(appended) and appended == sorted(appended)
    assert built.rstrip().endswith("<!-- /generated:checksums -->")


def test_card_missing_metadata_key_is_a_problem(
    tmp_path: Path, fixture_inputs: dict[str, Path]
) -> None:
    card = tmp_path / "CARD.md"
    front, body = H.split_front_matter(TEST_CARD)
    front = "\n".join(line for line in front.split("\n") if not line.startswith("pretty_name:"))
    card.write_text(f"---\n{front}---\n{body}", encoding="utf-8")
    with pytest.raises(B.BuildError) as info:
        B.build(tmp_path / "out", **{**fixture_inputs, "card": card})
    assert [(p.code, p.pointer) for p in info.value.problems] == [
        ("card-metadata-missing", "/pretty_name")
    ]


# Croissant: tests/test_croissant.py.

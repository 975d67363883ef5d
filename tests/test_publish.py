"""Publishing the built files: a build is published whole or refused, and the loader reads
nothing that disagrees with the checksums the card records."""

from __future__ import annotations

import errno
import hashlib
import shutil
from pathlib import Path
from typing import Any

import pytest

from newsgold import build as B
from newsgold.cli import main
from newsgold.resources import dataset_dir

NER = "data/ner/test-00000-of-00001.parquet"
NER_CONLL = "data/ner_conll/test-00000-of-00001.parquet"
FIXTURE = Path(__file__).parent / "fixtures" / "valid" / "fixture_small.json"


def _hashes(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.fixture
def copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the dataset folder that the loader reads instead of the real one."""
    folder = tmp_path / "dataset"
    shutil.copytree(dataset_dir(), folder)
    monkeypatch.setattr(B, "dataset_dir", lambda: folder)
    return folder


def test_loader_refuses_a_tampered_file_whatever_the_cache(
    no_network: None, copy: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cache = str(tmp_path / "cache")
    first = B.load_config("ner", cache_dir=cache)  # the cache is warm now
    assert first.features["ner_tags"].feature.names[:3] == ["O", "B-PERSON", "I-PERSON"]
    shutil.copy(copy / NER_CONLL, copy / NER)  # the CoNLL tags where OntoNotes tags belong
    before = _hashes(copy)
    with pytest.raises(B.DatasetError) as err:
        B.load_config("ner", cache_dir=cache)
    (found,) = err.value.problems
    assert (found.code, found.level, found.pointer) == ("built-file-checksum", 4, "")
    assert found.file == str(copy / NER)
    assert "run `newsgold build`" in found.hint
    assert main(["show", "--config", "ner", "--n", "1"]) == 1
    out = capsys.readouterr().out
    assert f"{NER}#: L4 built-file-checksum: {NER} has SHA-256" in out
    assert _hashes(copy) == before  # the loader changed nothing
    assert B.verify_config(copy, "quotes") == []  # the other configs still load


def test_loader_refuses_a_missing_or_truncated_file(no_network: None, copy: Path) -> None:
    data = (copy / NER).read_bytes()
    (copy / NER).write_bytes(data[: len(data) // 2])
    (found,) = B.verify_config(copy, "ner")
    assert found.code == "built-file-checksum"
    (copy / NER).unlink()
    (found,) = B.verify_config(copy, "ner")
    assert (found.code, found.message) == ("built-file-missing", f"{NER} is missing")
    with pytest.raises(B.DatasetError):
        B.load_config("ner")


def test_a_build_cut_off_while_publishing_is_refused_until_rebuilt(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    other = tmp_path / "other"  # another corpus: the small fixture, in the test split
    other.mkdir()
    shutil.copy(FIXTURE, other / FIXTURE.name)
    (tmp_path / "splits.json").write_text('{"test": ["fixture_small"]}\n', encoding="utf-8")
    B.build(out, documents=other, splits=tmp_path / "splits.json")
    real = B.os.replace

    def killed(src: Any, dst: Any) -> None:
        if str(dst).endswith("README.md"):
            raise KeyboardInterrupt  # the process is stopped before the card is written
        real(src, dst)

    monkeypatch.setattr(B.os, "replace", killed)
    with pytest.raises(KeyboardInterrupt):
        B.build(out)  # the corpus: every data file changes
    monkeypatch.undo()
    problems = B.verify_config(out, "ner")
    assert [(p.code, p.file) for p in problems] == [("built-file-checksum", str(out / NER))]
    assert "built-file-stale" in {p.code for p in B.check(out)}
    assert [p.name for p in out.iterdir() if p.name.startswith(".")] == []  # no staging left
    B.build(out)
    assert B.verify_config(out, "ner") == [] and B.check(out) == []


def test_full_disk_names_the_file_and_changes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    shutil.copytree(dataset_dir(), out)
    with (out / "README.md").open("a", encoding="utf-8") as card:  # so the build writes
        card.write("an old line\n")
    before = _hashes(out)

    def full(path: Path, data: bytes) -> None:
        raise OSError(errno.ENOSPC, "No space left on device", str(path))

    monkeypatch.setattr(B, "write_staged", full)
    assert main(["build", "--out", str(out)]) == 2
    printed = capsys.readouterr().out
    assert "#: L4 built-file-unwritten: cannot write " in printed
    assert "No space left on device" in printed and "the dataset folder was not changed" in printed
    assert _hashes(out) == before
    assert [p.name for p in out.iterdir() if p.name.startswith(".")] == []


def test_build_refuses_to_delete_or_overwrite_files_it_did_not_write(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "project"
    (out / "data" / "results").mkdir(parents=True)
    (out / "data" / "results" / "scores.csv").write_text("precious\n", encoding="utf-8")
    (out / "data" / ".gitattributes").write_text("*.parquet lfs\n", encoding="utf-8")
    (out / "README.md").write_text("my notes\n", encoding="utf-8")
    before = _hashes(out)
    assert main(["build", "--out", str(out)]) == 1
    printed = capsys.readouterr().out
    for rel in ("data/.gitattributes", "data/results/scores.csv", "README.md"):
        assert f"{out / rel}#: L4 out-not-a-build: {rel} is not a file the build wrote" in printed
    assert _hashes(out) == before


def test_a_rebuild_replaces_the_data_of_a_config_no_longer_built(tmp_path: Path) -> None:
    out = tmp_path / "out"
    B.build(out)
    old = out / "data" / "gone" / "test-00000-of-00001.parquet"
    old.parent.mkdir()
    old.write_bytes(b"a config an earlier build wrote")
    _, changed = B.build(out)
    assert "data/gone/test-00000-of-00001.parquet" in changed
    assert not old.parent.exists() and B.check(out) == []

"""The one document path: every loader reads through ``newsgold.reader``, and the
reader reads and parses each file once.

The ``calls`` fixture counts, per file, the reader's passes (``reader._read``), the
JSON parses and the whole-file reads (``Path.read_bytes`` and ``Path.read_text``). A
parse is either the quick one (``reader._quick``: the fast parser, trusted only for a
file that passes every check) or the exact one (``newsgold.io._parse``, under every
file parse of the exact path; a file with a repeated key or an L1 hazard is parsed once
more there to place each problem). A valid file is parsed once, by the quick parser; a
file with a problem is parsed by both, the exact parser saying what is wrong.
"""

from __future__ import annotations

import json
import shutil
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import newsgold
import newsgold.io
import newsgold.reader
from newsgold.cli import main
from newsgold.resources import documents_dir
from newsgold.validate import CorpusError

CORPUS = sorted(documents_dir().glob("*.json"))
FIXTURE = Path(__file__).parent / "fixtures" / "valid" / "fixture_small.json"

Calls = Counter[tuple[str, str]]
KINDS = ("read", "quick", "parse", "open")
"""What the ``calls`` fixture counts: reader passes, quick and exact parses, file reads."""


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> Calls:
    seen: Calls = Counter()
    real_read = newsgold.reader._read
    real_parse = newsgold.io._parse
    real_quick = newsgold.reader._quick

    def counting_read(path: Path, check_name: bool) -> Any:
        seen["read", str(path)] += 1
        return real_read(path, check_name)

    def counting_parse(text: str, name: str, where: str, decoded: bool) -> Any:
        seen["parse", name] += 1
        return real_parse(text, name, where, decoded)

    def counting_quick(path: Path, *args: Any) -> Any:
        seen["quick", str(path)] += 1
        return real_quick(path, *args)

    monkeypatch.setattr(newsgold.reader, "_read", counting_read)
    monkeypatch.setattr(newsgold.reader, "_quick", counting_quick)
    monkeypatch.setattr(newsgold.io, "_parse", counting_parse)
    for method in ("read_bytes", "read_text"):
        real: Callable[..., Any] = getattr(Path, method)

        def counting_open(
            self: Path, *args: Any, _real: Callable[..., Any] = real, **kwargs: Any
        ) -> Any:
            seen["open", str(self)] += 1
            return _real(self, *args, **kwargs)

        monkeypatch.setattr(Path, method, counting_open)
    return seen


def documents_folder(folder: Path) -> list[Path]:
    """The corpus documents and the small fixture, copied into ``folder``."""
    folder.mkdir(parents=True)
    for source in [*CORPUS, FIXTURE]:
        shutil.copyfile(source, folder / source.name)
    return sorted(folder.glob("*.json"))


def test_validate_reads_and_parses_each_file_once(
    tmp_path: Path, calls: Calls, capsys: pytest.CaptureFixture[str]
) -> None:
    files = documents_folder(tmp_path / "in")
    assert main(["validate", str(tmp_path / "in")]) == 0, capsys.readouterr()
    for path in files:
        assert [calls[kind, str(path)] for kind in KINDS] == [1, 1, 0, 1], path


def test_build_reads_and_parses_each_file_once(
    tmp_path: Path, calls: Calls, capsys: pytest.CaptureFixture[str]
) -> None:
    files = documents_folder(tmp_path / "in")
    splits = tmp_path / "splits.json"
    splits.write_text(json.dumps({"test": [p.stem for p in files]}) + "\n", encoding="utf-8")
    argv = ["build", "--out", str(tmp_path / "out"), "--documents", str(tmp_path / "in")]
    assert main([*argv, "--splits", str(splits)]) == 0, capsys.readouterr()
    for path in files:
        assert [calls[kind, str(path)] for kind in KINDS] == [1, 1, 0, 1], path


def test_each_file_is_read_once_when_a_document_is_invalid(
    tmp_path: Path, calls: Calls, capsys: pytest.CaptureFixture[str]
) -> None:
    files = documents_folder(tmp_path / "in")
    files[-1].write_text(files[-1].read_text(encoding="utf-8").replace("  ", "   "), "utf-8")
    calls.clear()
    assert main(["validate", str(tmp_path / "in")]) == 1
    assert "non-canonical-format" in capsys.readouterr().out
    for path in files[:-1]:
        assert [calls[kind, str(path)] for kind in KINDS] == [1, 1, 0, 1], path
    assert [calls[kind, str(files[-1])] for kind in KINDS] == [1, 1, 1, 1]


def test_the_strict_reader_stops_at_the_first_invalid_file(tmp_path: Path, calls: Calls) -> None:
    files = documents_folder(tmp_path / "in")
    files[0].write_text(files[0].read_text(encoding="utf-8").replace("  ", "   "), "utf-8")
    calls.clear()
    with pytest.raises(CorpusError) as info:
        list(newsgold.reader.documents([tmp_path / "in"]))
    assert [(p.file, p.code) for p in info.value.problems] == [
        (str(files[0]), "non-canonical-format")
    ]
    assert [calls["read", str(path)] for path in files] == [1] + [0] * (len(files) - 1)


def test_a_file_with_only_corpus_problems_still_gives_its_document(tmp_path: Path) -> None:
    path = tmp_path / "renamed.json"
    shutil.copyfile(FIXTURE, path)
    read = newsgold.reader.read_file(path)
    assert read.document is not None and read.document.id == FIXTURE.stem
    assert [(p.level, p.code, p.pointer) for p in read.problems] == [
        (4, "file-name-mismatch", "/id")
    ]
    assert newsgold.reader.read_file(path, check_name=False).problems == []


# ---------------------------------------------------------------- every entry point


def _ner_baseline(work: Path, monkeypatch: pytest.MonkeyPatch) -> int:
    import spacy

    from newsgold.baselines import ner

    monkeypatch.setattr(ner, "load_pipeline", lambda model: spacy.blank("en"))
    return main(["baseline", "ner", "--model", "blank", "--out", "p.jsonl", "--gold", "in"])


def _library(work: Path, monkeypatch: pytest.MonkeyPatch) -> int:
    return 0 if [d.id for d in newsgold.documents("in")] == CORPUS_IDS else 1


def _argv(*args: str) -> Callable[[Path, pytest.MonkeyPatch], int]:
    def run(work: Path, monkeypatch: pytest.MonkeyPatch) -> int:
        return main(list(args))

    return run


CORPUS_IDS = [p.stem for p in CORPUS]
ENTRY_POINTS: dict[str, Callable[[Path, pytest.MonkeyPatch], int]] = {
    "validate": _argv("validate", "in"),
    "format": _argv("format", "in"),
    "summary": _argv("summary", "in"),
    "build": _argv("build", "--out", "out", "--documents", "in", "--splits", "splits.json"),
    "convert-conll": _argv("convert", "--to", "conll", "--out", "out", "in"),
    "convert-docbin": _argv("convert", "--to", "docbin", "--out", "out", "in"),
    "convert-brat": _argv("convert", "--to", "brat", "--out", "out", "in"),
    "show-html": _argv("show", "--html", "page.html", "in"),
    "evaluate": _argv("evaluate", "--layer", "quotes", "--pred", "pred.json", "--gold", "in"),
    "agreement": _argv("agreement", "--layer", "quotes", *[f"in/{CORPUS_IDS[0]}.json"] * 2),
    "baseline-quotes": _argv("baseline", "quotes", "--out", "p.jsonl", "--gold", "in"),
    "baseline-ner": _ner_baseline,
    "newsgold.documents": _library,
}


@pytest.mark.parametrize("entry", sorted(ENTRY_POINTS))
def test_every_entry_point_reads_documents_through_the_reader(
    entry: str,
    tmp_path: Path,
    calls: Calls,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Each document is read by the reader, and parsed only there."""
    if entry == "baseline-ner":
        pytest.importorskip("spacy")
    monkeypatch.chdir(tmp_path)
    files = [Path("in") / p.name for p in CORPUS]
    if entry == "agreement":  # two annotations of one document: the first, twice
        files = files[:1]
    documents_folder(tmp_path / "in")
    (tmp_path / "in" / FIXTURE.name).unlink()  # the corpus alone: every command accepts it
    (tmp_path / "out").mkdir()
    shutil.copyfile(CORPUS[0], tmp_path / "pred.json")
    (tmp_path / "splits.json").write_text(json.dumps({"test": CORPUS_IDS}), encoding="utf-8")
    calls.clear()
    assert ENTRY_POINTS[entry](tmp_path, monkeypatch) == 0, capsys.readouterr()
    for path in files:
        reads = calls["read", str(path)]
        assert reads >= 1, f"{entry} did not read {path} through newsgold.reader"
        assert calls["quick", str(path)] == reads, f"{entry} parsed {path} outside the reader"
        assert calls["parse", str(path)] == 0, f"{entry} parsed {path} outside the reader"


def test_read_again_checks_what_the_file_holds_now(tmp_path: Path) -> None:
    path = tmp_path / FIXTURE.name
    shutil.copyfile(FIXTURE, path)
    first = newsgold.reader.read_file(path)
    assert newsgold.reader.read_again(path) == first.document
    value = json.loads(FIXTURE.read_text(encoding="utf-8"))
    del value["text"]
    path.write_text(json.dumps(value), encoding="utf-8")
    with pytest.raises(CorpusError) as info:
        newsgold.reader.read_again(path)
    assert ("schema-required", "/text") in [(p.code, p.pointer) for p in info.value.problems]


def test_read_again_refuses_a_changed_file_that_still_types(tmp_path: Path) -> None:
    """A change that typing cannot see (a span whose text no longer matches, a layout
    that is not canonical) is found: the file is checked again, not only typed."""
    path = tmp_path / FIXTURE.name
    value = json.loads(FIXTURE.read_text(encoding="utf-8"))
    value["mentions"][0]["end"] += 1
    path.write_text(json.dumps(value, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    with pytest.raises(CorpusError) as info:
        newsgold.reader.read_again(path)
    assert [p.code for p in info.value.problems][:1] == ["span-text-mismatch"]
    shutil.copyfile(FIXTURE, path)
    path.write_text(json.dumps(json.loads(path.read_bytes())), encoding="utf-8")
    with pytest.raises(CorpusError) as info:
        newsgold.reader.read_again(path)
    assert [p.code for p in info.value.problems] == ["non-canonical-format"]

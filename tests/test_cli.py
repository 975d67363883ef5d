"""The command line: exit status, text and JSON reports, the summary line."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from newsgold.cli import main
from newsgold.issues import CODES
from newsgold.layers import names as layer_names
from test_validate import CORPUS, EXPECTED, INVALID, VALID, materialize

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def _at_repo_root(monkeypatch: pytest.MonkeyPatch) -> None:
    """File names in reports are relative to the working directory: make it the checkout."""
    monkeypatch.chdir(ROOT)


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


# ---------------------------------------------------------------- the corpus


def test_validate_corpus_exits_0(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "validate") == (0, f"*** PASSED *** {len(CORPUS)} file(s), 0 problems\n", "")


def test_validate_corpus_json(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(capsys, "validate", "--format", "json", "dataset/documents")
    assert (status, err) == (0, "")
    assert json.loads(out) == {
        "valid": True,
        "files": len(CORPUS),
        "problem_count": 0,
        "problems": [],
    }


def test_validate_runs_the_collector_less_often_and_restores_it(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """While ``validate`` goes through the files, the collector's first threshold is a
    hundred times its own; after a valid corpus, an invalid file and a folder with no
    ``.json`` file, the thresholds are as they were, and the statuses as before."""
    import gc

    import newsgold.reader

    seen: list[tuple[int, ...]] = []
    read = newsgold.reader.read

    def watched(*args: object, **kwargs: object) -> object:
        for result in read(*args, **kwargs):  # type: ignore[arg-type]
            seen.append(gc.get_threshold())
            yield result

    monkeypatch.setattr(newsgold.reader, "read", watched)
    before = gc.get_threshold()
    raised = (before[0] * 100, *before[1:])
    assert run(capsys, "validate")[0] == 0
    assert seen == [raised] * len(CORPUS) and gc.get_threshold() == before
    bad = INVALID / "span-text-mismatch.json"
    assert run(capsys, "validate", str(bad), str(VALID))[0] == 1
    assert seen[len(CORPUS) :] == [raised] * 2 and gc.get_threshold() == before
    status, out, err = run(capsys, "validate", str(tmp_path))
    assert (status, out) == (2, "")
    assert err == f"newsgold validate: no .json files in {tmp_path}\n"
    assert gc.get_threshold() == before


def test_summary_lists_every_document_and_layer(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(capsys, "summary")
    assert (status, err) == (0, "")
    lines = out.splitlines()
    docs = [json.loads(path.read_text(encoding="utf-8")) for path in CORPUS]
    # the head line, the annotated-layers line, one line per layer the document holds,
    # and the NAM labels line under mentions
    present = [[name for name in layer_names() if name in doc] for doc in docs]
    assert len(lines) == sum(3 + len(names) for names in present)
    at = 0
    for doc, names in zip(docs, present, strict=True):
        head, listed, *rows = lines[at : at + 3 + len(names)]
        at += 3 + len(names)
        assert head.startswith(f"{doc['id']}: {len(doc['text'])} characters, ")
        assert listed == f"  annotated layers: {', '.join(doc['annotated_layers']) or '(none)'}"
        del rows[2]  # the NAM labels line under mentions
        assert [(r[2:14].strip(), int(r[15:19])) for r in rows] == [
            (layer, len(doc[layer])) for layer in names
        ]
    assert "relations" in present[0]


def test_summary_of_the_fixture_has_exact_counts(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    shutil.copy(VALID, tmp_path / VALID.name)
    status, out, err = run(capsys, "summary", str(tmp_path))
    assert (status, err) == (0, "")
    assert out.splitlines() == [
        "fixture_small: 128 characters, 1 paragraphs, date 2017-08-07",
        "  annotated layers: sentences, mentions, entities, quotes, events, stance",
        "  sentences       2  ",
        "  mentions        7  NAM 3, NOM 1, PRO 3",
        "    NAM labels    3  DATE 1, GPE 1, PERSON 1",
        "  entities        4  DATE 1, GPE 2, PERSON 1",
        "  quotes          1  direct 1",
        "  events          1  CONSULT 1",
        "  stance          1  FAVOR 1",
    ]


# ---------------------------------------------------------------- invalid input


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_validate_invalid_fixture_json(
    name: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    entry = EXPECTED[name]
    paths, at_fault = materialize(name, tmp_path, monkeypatch)
    status, out, err = run(capsys, "validate", "--format", "json", *map(str, paths))
    # An unreadable file is an I/O error (2); every other problem makes the input invalid (1).
    assert status == (2 if entry["code"] == "file-unreadable" else 1)
    assert err == ""
    report = json.loads(out)
    assert (report["valid"], report["files"], report["problem_count"]) == (False, len(paths), 1)
    (problem,) = report["problems"]
    assert set(problem) == {"code", "level", "file", "pointer", "message", "hint"}
    assert (problem["code"], problem["level"], problem["pointer"]) == (
        entry["code"],
        CODES[entry["code"]][0],
        entry["pointer"],
    )
    assert Path(problem["file"]).resolve() == at_fault.resolve()
    assert problem["message"]
    assert problem["hint"]


def test_validate_invalid_text_report_and_summary_line(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(
        capsys, "validate", "tests/fixtures/invalid/span-text-mismatch.json", str(VALID)
    )
    assert (status, err) == (1, "")
    assert out.splitlines() == [
        "tests/fixtures/invalid/span-text-mismatch.json#/mentions/5/start: L3 span-text-mismatch: "
        'text "Lavrov" != text[110:115] "avrov"; '
        'set start to 109 and end to 115, or correct "text"',
        "*** FAILED *** with 1 problem(s) in 1 of 2 file(s)",
    ]


def test_validate_every_committed_fixture_at_once(capsys: pytest.CaptureFixture[str]) -> None:
    files = sorted(p for p in INVALID.glob("*.json") if p.name != "expected.json")
    status, out, err = run(capsys, "validate", "--format", "json", *map(str, files))
    assert (status, err) == (1, "")
    report = json.loads(out)
    assert report["files"] == len(files)
    got = sorted((Path(p["file"]).name, p["code"], p["pointer"]) for p in report["problems"])
    want = sorted((f.name, EXPECTED[f.name]["code"], EXPECTED[f.name]["pointer"]) for f in files)
    assert got == want


def test_summary_of_an_invalid_folder_exits_1(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    shutil.copy(INVALID / "dangling-reference.json", tmp_path)
    status, out, err = run(capsys, "summary", str(tmp_path))
    assert (status, err) == (1, "")
    assert out.splitlines()[-1] == "*** FAILED *** with 1 problem(s) in 1 of 1 file(s)"


# ---------------------------------------------------------------- usage errors


def test_unknown_option_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(capsys, "validate", "--no-such-option")
    assert (status, out) == (2, "")
    assert "unrecognized arguments: --no-such-option" in err


def test_unknown_format_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(capsys, "validate", "--format", "xml")
    assert (status, out) == (2, "")
    assert "invalid choice: 'xml'" in err


def test_no_command_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(capsys)
    assert (status, out) == (2, "")
    assert "usage: newsgold" in err


def test_missing_path_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(capsys, "validate", "no/such/file.json")
    assert (status, err) == (2, "")
    assert out.splitlines() == [
        "no/such/file.json#: L1 file-unreadable: cannot read: No such file or directory; "
        "check the path and its permissions",
        "*** FAILED *** with 1 problem(s) in 1 of 1 file(s)",
    ]


def test_folder_without_documents_exits_2(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    status, out, err = run(capsys, "validate", str(tmp_path))
    assert (status, out) == (2, "")
    assert err == f"newsgold validate: no .json files in {tmp_path}\n"


def test_help_exits_0(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(capsys, "validate", "--help")
    assert (status, err) == (0, "")
    assert out.startswith("usage: newsgold validate")

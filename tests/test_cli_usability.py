"""The command line as a user meets it: help texts, progress bars, short conversion reports,
``show --n``, and ``build --check`` on files that do not belong in the dataset folder."""

from __future__ import annotations

import argparse
import csv
import fcntl
import json
import os
import pty
import shutil
import struct
import subprocess
import sys
import termios
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from newsgold import evaluate, scoring
from newsgold.cli import build_parser, main
from newsgold.convert import REPORT_NAME
from newsgold.convert.brat import write_brat
from newsgold.convert.conll import write_conll
from newsgold.convert.conll2012 import write_conll2012
from newsgold.convert.docbin import write_docbin
from newsgold.io import canonical_json
from newsgold.model import Document
from newsgold.resources import dataset_dir

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "tests" / "fixtures" / "valid" / "fixture_small.json"
MANY = 60
"""Synthetic documents made at run time from the fixture (its text, other ids)."""


@pytest.fixture(autouse=True)
def _at_repo_root(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)


def many_documents(folder: Path, n: int = MANY) -> list[Path]:
    """``n`` valid documents ``synthetic_000`` ... in ``folder``: the fixture under other ids."""
    folder.mkdir(parents=True)
    value = json.loads(FIXTURE.read_text(encoding="utf-8"))
    paths = []
    for i in range(n):
        value["id"] = f"synthetic_{i:03d}"
        path = folder / f"{value['id']}.json"
        path.write_text(canonical_json(Document.from_dict(value)), encoding="utf-8")
        paths.append(path)
    return paths


# ---------------------------------------------------------------- help


def subcommands(
    parser: argparse.ArgumentParser, prefix: tuple[str, ...] = ()
) -> list[tuple[tuple[str, ...], argparse.ArgumentParser]]:
    """Every subcommand of ``parser`` (nested ones too), as found in the parser itself."""
    found = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                found.append(((*prefix, name), sub))
                found += subcommands(sub, (*prefix, name))
    return found


def test_the_parser_has_the_commands() -> None:
    """The loop below walks the parser; this guards it against walking nothing."""
    names = [" ".join(path) for path, _ in subcommands(build_parser())]
    for name in ("validate", "format", "summary", "build", "show", "convert", "evaluate"):
        assert name in names
    assert "baseline quotes" in names


@pytest.mark.parametrize("path", [path for path, _ in subcommands(build_parser())], ids=" ".join)
def test_every_subcommand_has_a_description_examples_and_exit_codes(
    path: tuple[str, ...], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([*path, "--help"]) == 0
    text = capsys.readouterr().out
    sub = dict(subcommands(build_parser()))[path]
    assert sub.description and len(sub.description) > 40
    assert " ".join(sub.description.split()) in " ".join(text.split())
    examples = text.split("examples:\n", 1)[1].split("\n\n", 1)[0].splitlines()
    assert examples and all(line.startswith(f"  newsgold {path[0]}") or "newsgold" in line
                            for line in examples)  # fmt: skip
    codes = [line[2] for line in text.split("exit status:\n", 1)[1].splitlines() if line[:2] == "  "
             and line[2:3].isdigit()]  # fmt: skip
    assert codes[0] == "0" and codes[-1] == "2"


def test_evaluate_layer_help_lists_the_registered_views(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["evaluate", "--help"]) == 0
    text = " ".join(capsys.readouterr().out.split())
    views = [v.name for v in evaluate.evaluations()]
    choices = "{" + ",".join(views) + "}"
    assert f"--layer {choices} the evaluation view to score: {', '.join(views)}" in text
    assert "--docs print the scoring definitions and exit" in text


def test_evaluate_docs_prints_the_one_text(capsys: pytest.CaptureFixture[str]) -> None:
    """The definitions printed are the module docstring: the views' descriptions and the
    shared definitions of the scoring core, word for word."""
    assert main(["evaluate", "--docs"]) == 0
    out, err = capsys.readouterr()
    assert err == ""
    assert out == evaluate.docs() == evaluate.__doc__
    assert scoring.DEFINITIONS in out
    for view in evaluate.evaluations():
        assert view.description.strip() in out


def test_evaluate_without_layer_or_pred_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["evaluate", "--pred", "x.jsonl"]) == 2
    assert "give --layer and --pred (or --docs)" in capsys.readouterr().err
    assert main(["evaluate", "--layer", "nonsense", "--pred", "x.jsonl"]) == 2
    assert "invalid choice: 'nonsense'" in capsys.readouterr().err


# ---------------------------------------------------------------- show


@pytest.mark.parametrize(
    ("n", "message"),
    [
        ("0", "argument --n: 0 is not a positive number (give 1 or more)"),
        ("-1", "argument --n: -1 is not a positive number (give 1 or more)"),
        ("x", "argument --n: 'x' is not a whole number"),
    ],
)
def test_show_n_must_be_positive(n: str, message: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["show", "--config", "ner", "--n", n]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert f"newsgold show: error: {message}" in err


def _show(_: int) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "HF_DATASETS_OFFLINE": "1"}
    return subprocess.run(
        [sys.executable, "-m", "newsgold", "show", "--config", "ner", "--n", "1"],
        capture_output=True, text=True, timeout=300, env=env, cwd=ROOT,
    )  # fmt: skip


def test_show_never_aborts() -> None:
    """A streaming iterator left behind made the interpreter abort at exit now and then
    (exit 134, "terminate called without an active exception"): twenty runs all exit 0,
    print one row and nothing on stderr."""
    runs = [_show(0)]  # the first builds the datasets cache, the rest read it
    with ThreadPoolExecutor(4) as pool:
        runs += list(pool.map(_show, range(19)))
    for done in runs:
        assert (done.returncode, done.stderr) == (0, ""), done.stderr
        (line,) = done.stdout.splitlines()
        assert json.loads(line)["sentence_id"] == "s1"


# ---------------------------------------------------------------- progress


def on_terminal(*argv: str) -> tuple[int, str]:
    """Run ``newsgold ARGV`` with stderr on a pseudo-terminal of 100 columns; its exit status
    and stderr."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 100, 0, 0))
    proc = subprocess.Popen(
        [sys.executable, "-m", "newsgold", *argv],
        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=slave, cwd=ROOT,
    )  # fmt: skip
    os.close(slave)
    chunks = []
    while True:
        try:
            data = os.read(master, 65536)
        except OSError:  # EIO: the child closed the terminal
            break
        if not data:
            break
        chunks.append(data)
    os.close(master)
    return proc.wait(timeout=300), b"".join(chunks).decode("utf-8", errors="replace")


def progress_cases(tmp_path: Path) -> dict[str, list[str]]:
    docs = tmp_path / "docs"
    many_documents(docs)
    return {
        "validate": ["validate", str(docs)],
        "convert": ["convert", "--to", "conll", "--out", str(tmp_path / "conll"), str(docs)],
        "evaluate": ["evaluate", "--layer", "quotes", "--pred", str(docs), "--gold", str(docs)],
    }


@pytest.mark.parametrize("command", ["validate", "convert", "evaluate"])
def test_progress_on_a_terminal_and_quiet(command: str, tmp_path: Path) -> None:
    argv = progress_cases(tmp_path)[command]
    status, shown = on_terminal(*argv)
    assert status == 0, shown
    assert f"newsgold {command}: read:" in shown
    assert f"/{MANY}" in shown
    status, shown = on_terminal(*argv, "--quiet")
    assert (status, shown) == (0, "")


@pytest.mark.parametrize("command", ["validate", "convert", "evaluate"])
def test_no_progress_off_a_terminal(
    command: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(progress_cases(tmp_path)[command]) == 0
    assert capsys.readouterr().err == ""


# ---------------------------------------------------------------- conversion reports


WRITERS = {"conll": write_conll, "conll2012": write_conll2012, "brat": write_brat}
"""The converters that cannot carry everything of the fixture."""


@pytest.mark.parametrize("target", sorted(WRITERS))
def test_conversion_prints_counts_and_lists_everything_in_the_report(
    target: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    paths = many_documents(tmp_path / "docs")
    out = tmp_path / "out"
    assert main(["convert", "--to", target, "--out", str(out), str(tmp_path / "docs")]) == 0
    printed = capsys.readouterr().out.splitlines()
    # The library's own list, converted apart: the report holds every item of it.
    docs = [Document.from_dict(json.loads(p.read_text(encoding="utf-8"))) for p in paths]
    lost = WRITERS[target](docs, tmp_path / "apart").not_carried
    assert len(lost) >= MANY
    with (out / REPORT_NAME).open(encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f, delimiter="\t"))
    assert rows[0] == ["doc_id", "pointer", "reason", "kept_in"]
    assert rows[1:] == [[n.doc_id, n.pointer, n.reason, n.kept_in or ""] for n in lost]
    # The console: what was written, the total, one line per kind, no document named.
    kinds = {(n.reason, n.kept_in is None) for n in lost}
    assert len(printed) == 2 + len(kinds) < 20
    assert printed[1] == f"not carried: {len(lost)} (listed in {out / REPORT_NAME})"
    assert not any("synthetic_" in line for line in printed[1:])
    counted = sum(int(line.split(" x ", 1)[0]) for line in printed[2:])
    assert counted == len(lost)


def test_a_conversion_that_carries_everything_writes_an_empty_report(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """DocBin holds all of the fixture; the report then has its header only (never a stale
    list from an earlier run)."""
    paths = many_documents(tmp_path / "docs")
    docs = [Document.from_dict(json.loads(p.read_text(encoding="utf-8"))) for p in paths]
    assert write_docbin(docs, tmp_path / "apart").not_carried == ()
    out = tmp_path / "out"
    out.mkdir()
    (out / REPORT_NAME).write_text("doc_id\tpointer\treason\tkept_in\nold\t/x\ty\t\n")
    assert main(["convert", "--to", "docbin", "--out", str(out), str(tmp_path / "docs")]) == 0
    assert (out / REPORT_NAME).read_text(encoding="utf-8") == "doc_id\tpointer\treason\tkept_in\n"
    printed = capsys.readouterr().out.splitlines()
    assert printed == [
        f"wrote 1 file(s) for {MANY} document(s) to {out}: newsgold.spacy",
        f"not carried: 0 (listed in {out / REPORT_NAME})",
    ]


def test_brat_round_trip_is_unbroken_by_the_report(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    paths = many_documents(tmp_path / "docs")
    brat, back = tmp_path / "brat", tmp_path / "back"
    assert main(["convert", "--to", "brat", "--out", str(brat), str(tmp_path / "docs")]) == 0
    assert (brat / REPORT_NAME).is_file()
    printed = capsys.readouterr().out.splitlines()
    written = len(list(brat.iterdir())) - 1  # all but the report
    assert written > 3 * MANY
    assert printed[0].startswith(f"wrote {written} file(s) for {MANY} document(s) to ")
    assert printed[0].endswith(f", ... ({written - 10} more)")
    assert "(kept in <id>.meta.json)" in "\n".join(printed)
    assert main(["convert", "--from", "brat", str(brat), "--out", str(back)]) == 0
    assert sorted(p.name for p in back.iterdir()) == [p.name for p in paths]
    for path in paths:
        assert (back / path.name).read_bytes() == path.read_bytes()
    assert capsys.readouterr().out.splitlines()[1] == "not carried: 0"


# ---------------------------------------------------------------- build --check


def built_copy(tmp_path: Path) -> tuple[Path, list[str]]:
    """A dataset folder built from the corpus into ``tmp_path/ds``; the --check arguments."""
    ds = tmp_path / "ds"
    shutil.copytree(dataset_dir() / "documents", ds / "documents")
    shutil.copy(dataset_dir() / "splits.json", ds / "splits.json")
    args = ["--out", str(ds), "--documents", str(ds / "documents")]
    args += ["--splits", str(ds / "splits.json")]
    assert main(["build", *args]) == 0
    return ds, args


def test_build_check_names_every_stray_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ds, args = built_copy(tmp_path)
    capsys.readouterr()
    assert main(["build", "--check", *args]) == 0
    # What `convert --out dataset` leaves, a note among the documents, a hidden file in data/.
    assert main(["convert", "--to", "conll", "--out", str(ds)]) == 0
    (ds / "documents" / "notes.txt").write_text("to do\n", encoding="utf-8")
    (ds / "data" / ".DS_Store").write_bytes(b"\0")
    capsys.readouterr()
    assert main(["build", "--check", *args]) == 1
    lines = capsys.readouterr().out.splitlines()
    stray = ["conll2003.conll", "data/.DS_Store", "documents/notes.txt", "not-carried.tsv"]
    stray.append("ontonotes.conll")
    assert lines == [
        f"{ds / rel}#: L4 stray-file: {rel} is neither written nor read by the build, and "
        f"would be published with the dataset; move it out of {ds} (write converter output "
        "elsewhere, e.g. --out out/...)"
        for rel in stray
    ] + ["*** FAILED *** with 5 problem(s) in 5 of 5 file(s)"]
    for rel in stray:
        (ds / rel).unlink()
    assert main(["build", "--check", *args]) == 0

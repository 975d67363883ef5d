"""Hostile files through the command line: each gives one line per problem naming the
file, a summary line, exit status 1 (invalid) or 2 (I/O), no traceback, and leaves
nothing behind.

Symbolic links: ``validate``, ``build`` and ``evaluate`` (its gold and its prediction
folder) read a folder's files but do not follow a link that leads out of that folder
(``file-unreadable``, exit 2); a file named on the command line is read where its link
points.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from functools import cache
from pathlib import Path

import pytest

from newsgold.resources import documents_dir

DOC = sorted(documents_dir().glob("*.json"))[0]
DOC_ID = DOC.stem
FIXTURE = Path(__file__).parent / "fixtures" / "valid" / "fixture_small.json"
PROBLEM = re.compile(
    r"^(?P<file>[^#]+)#(?P<pointer>\S*): L(?P<level>[1-4]) (?P<code>[a-z0-9-]+): .+"
)
SUMMARY = re.compile(r"^\*\*\* FAILED \*\*\* with (?P<n>\d+) problem\(s\) in \d+ of \d+ file\(s\)$")

# hostile input -> (the code it must get, the exit status)
EXPECTED: dict[str, tuple[str, int]] = {
    "invalid-utf8": ("invalid-utf8", 1),
    "bom": ("utf8-bom", 1),
    "crlf": ("crlf-line-ends", 1),
    "nul-byte": ("nul-byte", 1),
    "truncated": ("invalid-json", 1),
    "100-mb": ("file-too-large", 1),
    "empty": ("empty-file", 1),
    "directory": ("file-unreadable", 2),
    "symlink-out": ("file-unreadable", 2),
    "dotdot-id": ("schema-pattern", 1),
}


def hostile(case: str, folder: Path) -> Path:
    """Write the hostile form of the corpus document into ``folder``; return its path."""
    data = DOC.read_bytes()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / DOC.name
    if case == "invalid-utf8":
        path.write_bytes(data[:200] + b"\xff\xfe" + data[200:])
    elif case == "bom":
        path.write_bytes(b"\xef\xbb\xbf" + data)
    elif case == "crlf":
        path.write_bytes(data.replace(b"\n", b"\r\n"))
    elif case == "nul-byte":
        path.write_bytes(data[:200] + b"\x00" + data[200:])
    elif case == "truncated":
        path.write_bytes(data[: len(data) // 2])
    elif case == "100-mb":
        with path.open("wb") as handle:
            handle.truncate(100 * 1024 * 1024)  # sparse: no disk space, no time
    elif case == "empty":
        path.write_bytes(b"")
    elif case == "directory":
        path.mkdir()
    elif case == "symlink-out":
        outside = folder.parent / "elsewhere"
        outside.mkdir()
        (outside / DOC.name).write_bytes(data)  # a valid document: only the link is wrong
        path.symlink_to(outside / DOC.name)
    elif case == "dotdot-id":
        value = json.loads(data)
        value["id"] = "../../x"
        path.write_text(json.dumps(value, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    else:
        raise AssertionError(case)
    return path


def tree(root: Path) -> dict[str, tuple[bool, int]]:
    """Every path under ``root`` (links not followed) with whether it is a folder and its size."""
    out = {}
    for path in sorted(root.rglob("*")):
        info = path.lstat()
        out[str(path.relative_to(root))] = (path.is_dir() and not path.is_symlink(), info.st_size)
    return out


def newsgold(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "newsgold", *map(str, args)],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PYTHONIOENCODING": "utf-8"},
    )


@cache
def subcommands() -> frozenset[str]:
    out = newsgold("--help", cwd=Path.cwd()).stdout
    return frozenset(re.findall(r"^    (\w+)", out, flags=re.MULTILINE))


def need(command: str) -> None:
    if command not in subcommands():
        pytest.skip(f"`newsgold {command}` does not exist yet")


def assert_report(
    result: subprocess.CompletedProcess[str], file: str, code: str, status: int
) -> list[re.Match[str]]:
    """Exit status; a problem line per problem and the summary; ``code`` on ``file``."""
    shown = f"stdout:\n{result.stdout}\nstderr:\n{result.stderr}"
    assert "Traceback" not in result.stderr + result.stdout, shown
    assert result.returncode == status, shown
    lines = result.stdout.splitlines()
    assert lines, shown
    summary = SUMMARY.match(lines[-1])
    assert summary, shown
    problems = [PROBLEM.match(line) for line in lines[:-1]]
    assert all(problems), shown
    found = [m for m in problems if m is not None]
    assert int(summary["n"]) == len(found), shown
    assert any(m["file"] == file and m["code"] == code for m in found), shown
    return found


# ------------------------------------------------------------------ the commands
#
# Each takes the work folder (the current folder of the run) and the hostile case and
# gives the arguments; the hostile document is work/in/<doc>.json, output goes to work/out.


def _validate_folder(work: Path) -> list[str | Path]:
    return ["validate", "in"]


def _build(work: Path) -> list[str | Path]:
    splits = work / "splits.json"
    splits.write_text(json.dumps({"test": [DOC_ID]}) + "\n", encoding="utf-8")
    return ["build", "--out", "out", "--documents", "in", "--splits", splits]


def _convert(fmt: str) -> Callable[[Path], list[str | Path]]:
    def args(work: Path) -> list[str | Path]:
        return ["convert", "--to", fmt, "--out", "out", "in"]

    return args


def _evaluate_gold(work: Path) -> list[str | Path]:
    pred = work / "pred.json"
    shutil.copyfile(DOC, pred)  # the gold as its own prediction: valid
    return ["evaluate", "--layer", "quotes", "--pred", pred, "--gold", "in"]


def _evaluate_pred(work: Path) -> list[str | Path]:
    return ["evaluate", "--layer", "quotes", "--pred", "in"]


COMMANDS: dict[str, tuple[str, Callable[[Path], list[str | Path]]]] = {
    "validate": ("validate", _validate_folder),
    "build": ("build", _build),
    "convert-conll": ("convert", _convert("conll")),
    "convert-brat": ("convert", _convert("brat")),
    "convert-docbin": ("convert", _convert("docbin")),
    "evaluate-gold": ("evaluate", _evaluate_gold),
    "evaluate-pred": ("evaluate", _evaluate_pred),
}


@pytest.mark.parametrize("case", sorted(EXPECTED))
@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_hostile_document(command: str, case: str, tmp_path: Path) -> None:
    name, make_args = COMMANDS[command]
    need(name)
    work = tmp_path / "a" / "b"  # "../../x" from work/out is tmp_path/a/x
    hostile(case, work / "in")
    (work / "out").mkdir()
    args = make_args(work)
    before = tree(tmp_path)
    result = newsgold(*args, cwd=work)
    code, status = EXPECTED[case]
    assert_report(result, f"in/{DOC.name}", code, status)
    assert tree(tmp_path) == before, "a failed run must leave no file behind"


def test_validate_names_the_link_not_its_target(tmp_path: Path) -> None:
    hostile("symlink-out", tmp_path / "in")
    result = newsgold("validate", "in", cwd=tmp_path)
    (problem,) = assert_report(result, f"in/{DOC.name}", "file-unreadable", 2)
    assert problem["pointer"] == ""
    assert "is a symbolic link to" in result.stdout and "not followed" in result.stdout


def test_validate_follows_a_link_given_by_name(tmp_path: Path) -> None:
    link = hostile("symlink-out", tmp_path / "in")
    result = newsgold("validate", link, cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout == "*** PASSED *** 1 file(s), 0 problems\n"


def test_validate_a_link_inside_the_folder_is_followed(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copyfile(DOC, folder / "real.txt")
    (folder / DOC.name).symlink_to(folder / "real.txt")
    result = newsgold("validate", "in", cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("case", sorted(set(EXPECTED) - {"directory", "symlink-out"}))
def test_validate_one_named_file(case: str, tmp_path: Path) -> None:
    path = hostile(case, tmp_path / "in")
    code, status = EXPECTED[case]
    assert_report(newsgold("validate", path, cwd=tmp_path), f"in/{DOC.name}", code, status)


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_validate_a_folder_named_as_a_file(fmt: str, tmp_path: Path) -> None:
    hostile("directory", tmp_path / "in")  # in/<doc>.json is an empty folder
    result = newsgold("validate", "--format", fmt, f"in/{DOC.name}", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr == f"newsgold validate: no .json files in in/{DOC.name}\n"


@pytest.mark.parametrize("path", ["/dev/null", "/dev/zero"])
def test_validate_refuses_a_device(path: str, tmp_path: Path) -> None:
    """Not a regular file: refused before reading (/dev/zero would never end)."""
    if not Path(path).exists():
        pytest.skip(f"no {path}")
    assert_report(newsgold("validate", path, cwd=tmp_path), path, "file-unreadable", 2)


def test_validate_refuses_a_fifo(tmp_path: Path) -> None:
    if not hasattr(os, "mkfifo"):
        pytest.skip("no FIFOs on this system")
    os.mkfifo(tmp_path / "pipe.json")  # reading it would block for ever
    assert_report(newsgold("validate", ".", cwd=tmp_path), "pipe.json", "file-unreadable", 2)


@pytest.mark.parametrize("name", ["pipe.jsonl", "pipe.json"])
@pytest.mark.parametrize("given", ["folder", "file"])
def test_evaluate_refuses_a_fifo_among_predictions(name: str, given: str, tmp_path: Path) -> None:
    """A FIFO is not read (it would block for ever), in a folder or named: exit 2."""
    if not hasattr(os, "mkfifo"):
        pytest.skip("no FIFOs on this system")
    (tmp_path / "pred").mkdir()
    os.mkfifo(tmp_path / "pred" / name)
    pred = "pred" if given == "folder" else f"pred/{name}"
    before = tree(tmp_path)
    result = newsgold("evaluate", "--layer", "ner", "--pred", pred, "--gold", FIXTURE, cwd=tmp_path)
    (problem,) = assert_report(result, f"pred/{name}", "file-unreadable", 2)
    assert problem["pointer"] == ""
    assert "is not a regular file" in result.stdout
    assert tree(tmp_path) == before


def test_evaluate_follows_a_prediction_link_inside_its_folder(tmp_path: Path) -> None:
    folder = tmp_path / "pred"
    folder.mkdir()
    shutil.copyfile(FIXTURE, folder / "real.txt")
    (folder / "p.json").symlink_to(folder / "real.txt")
    args = ["evaluate", "--layer", "ner", "--pred", "pred", "--gold", FIXTURE]
    result = newsgold(*args, cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr


def test_evaluate_follows_a_prediction_link_given_by_name(tmp_path: Path) -> None:
    link = hostile("symlink-out", tmp_path / "in")
    args = ["evaluate", "--layer", "quotes", "--pred", link, "--gold", DOC]
    result = newsgold(*args, cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr


def test_validate_json_format_on_hostile_files(tmp_path: Path) -> None:
    for case in ("invalid-utf8", "bom", "100-mb"):
        hostile(case, tmp_path / case)
    result = newsgold("validate", "--format", "json", "invalid-utf8", "bom", "100-mb", cwd=tmp_path)
    assert result.returncode == 1 and result.stderr == ""
    report = json.loads(result.stdout)
    assert report["valid"] is False and report["files"] == 3
    assert [(p["file"], p["code"]) for p in report["problems"]] == [
        (f"invalid-utf8/{DOC.name}", "invalid-utf8"),
        (f"bom/{DOC.name}", "utf8-bom"),
        (f"100-mb/{DOC.name}", "file-too-large"),
    ]


def test_dotdot_id_writes_nothing_outside_out(tmp_path: Path) -> None:
    """The id pattern refuses "../../x" before any converter builds a file name from it."""
    need("convert")
    work = tmp_path / "a" / "b"
    hostile("dotdot-id", work / "in")
    for fmt in ("conll", "conll2012", "brat", "docbin"):
        result = newsgold("convert", "--to", fmt, "--out", "out", "in", cwd=work)
        found = assert_report(result, f"in/{DOC.name}", "schema-pattern", 1)
        assert any(m["pointer"] == "/id" and m["code"] == "schema-pattern" for m in found)
    assert not list(tmp_path.rglob("x*")) and not (work / "out").exists()


# ------------------------------------------------------------------ brat folders read back

BRAT_CASES: dict[str, str] = {
    # case -> a fragment the one error line must contain
    "txt-invalid-utf8": "not UTF-8",
    "ann-crlf": "fixture_small.ann#: L1 crlf-line-ends: line 1: a CRLF line end",
    "ann-nul-byte": "not a T, E, R, A, N or # line",
    "meta-truncated": "not JSON",
    "ann-directory": ".ann missing beside it",
    "txt-symlink-out": "is a symbolic link",
    "meta-dotdot-id": 'id "../../x" != file name',
}


def _brat_folder(case: str, work: Path) -> Path:
    source = work / "in"
    result = newsgold("convert", "--to", "brat", "--out", source, FIXTURE, cwd=work)
    assert result.returncode == 0, result.stderr
    txt, ann, meta = (source / f"{FIXTURE.stem}{s}" for s in (".txt", ".ann", ".meta.json"))
    if case == "txt-invalid-utf8":
        txt.write_bytes(txt.read_bytes()[:10] + b"\xff" + txt.read_bytes()[10:])
    elif case == "ann-crlf":
        ann.write_bytes(ann.read_bytes().replace(b"\n", b"\r\n"))
    elif case == "ann-nul-byte":
        ann.write_bytes(ann.read_bytes()[:10] + b"\x00" + ann.read_bytes()[10:])
    elif case == "meta-truncated":
        meta.write_bytes(meta.read_bytes()[: meta.stat().st_size // 2])
    elif case == "ann-directory":
        ann.unlink()
        ann.mkdir()
    elif case == "txt-symlink-out":
        outside = work / "outside.txt"
        shutil.copyfile(txt, outside)
        txt.unlink()
        txt.symlink_to(outside)
    elif case == "meta-dotdot-id":
        meta.write_text(
            meta.read_text(encoding="utf-8").replace(f'"{FIXTURE.stem}"', '"../../x"', 1),
            encoding="utf-8",
        )
    elif case in ("ann-empty", "txt-bom"):
        target = ann if case == "ann-empty" else txt
        target.write_bytes(b"" if case == "ann-empty" else b"\xef\xbb\xbf" + txt.read_bytes())
    return source


@pytest.mark.parametrize("case", sorted(BRAT_CASES))
def test_hostile_brat_folder(case: str, tmp_path: Path) -> None:
    need("convert")
    work = tmp_path / "a" / "b"
    work.mkdir(parents=True)
    _brat_folder(case, work)
    before = tree(tmp_path)
    result = newsgold("convert", "--from", "brat", "--out", "out", "in", cwd=work)
    shown = result.stdout + result.stderr
    assert "Traceback" not in shown
    assert result.returncode == 1, shown
    errors = result.stderr.splitlines()
    assert len(errors) == 2, shown  # one error line and the summary
    assert BRAT_CASES[case] in errors[0], shown
    assert errors[1].startswith("*** FAILED *** newsgold convert: 1 problem(s); nothing written")
    assert tree(tmp_path) == before


def test_brat_empty_ann_is_refused(tmp_path: Path) -> None:
    """An empty .ann whose side file maps annotations would lose them all: refused."""
    need("convert")
    _brat_folder("ann-empty", tmp_path)
    result = newsgold("convert", "--from", "brat", "--out", "out", "in", cwd=tmp_path)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    assert ".ann#: L3 brat-ann-emptied: empty, but" in result.stdout + result.stderr
    assert not (tmp_path / "out").exists()


def test_brat_bom_is_refused(tmp_path: Path) -> None:
    """A BOM shifts every offset by one: refused (the messages show the shifted spans)."""
    need("convert")
    _brat_folder("txt-bom", tmp_path)
    result = newsgold("convert", "--from", "brat", "--out", "out", "in", cwd=tmp_path)
    assert "Traceback" not in result.stdout + result.stderr
    assert result.returncode == 1
    assert result.stderr.splitlines()[-1].endswith("nothing written")
    assert not (tmp_path / "out").exists()


# ------------------------------------------------------------------ no network


def test_no_network_fixture_blocks_sockets(no_network: None) -> None:
    import socket

    with pytest.raises(OSError, match="network access attempted"):
        socket.create_connection(("127.0.0.1", 9), timeout=1)
    with pytest.raises(OSError, match="network access attempted"), socket.socket() as sock:
        sock.connect(("127.0.0.1", 9))
    with pytest.raises(OSError, match="network access attempted"):
        socket.getaddrinfo("huggingface.co", 443)
    assert os.environ["HF_HUB_OFFLINE"] == "1" and os.environ["HF_DATASETS_OFFLINE"] == "1"


def test_validate_and_load_without_network(no_network: None) -> None:
    import newsgold
    from newsgold.reader import read
    from newsgold.validate import _compiled

    _compiled.cache_clear()  # rebuild the schema registry with the network blocked
    assert all(result.problems == [] for result in read())
    docs = list(newsgold.documents())
    assert [d.id for d in docs] == sorted(p.stem for p in documents_dir().glob("*.json"))


BLOCKED_IMPORT = """
import socket
def refuse(*args, **kwargs):
    raise OSError("network access attempted")
socket.socket.connect = socket.socket.connect_ex = refuse
socket.create_connection = socket.getaddrinfo = refuse
import newsgold, sys
from newsgold.reader import read
assert all(r.problems == [] for r in read())
docs = list(newsgold.documents())
assert "datasets" not in sys.modules and "spacy" not in sys.modules
print(len(docs))
"""


def test_import_validate_and_load_in_a_process_without_network(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-c", BLOCKED_IMPORT], capture_output=True, text=True, cwd=tmp_path
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"{len(list(documents_dir().glob('*.json')))}\n"


def test_readme_reliability_section_states_these_codes() -> None:
    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    match = re.search(r"<!-- reliability:start -->\n(.*?)<!-- reliability:end -->", readme, re.S)
    assert match, "README.md has no reliability section"
    rows = re.findall(r"^\| .+ \| `([a-z0-9-]+)` \| ([12]) \|$", match[1], flags=re.MULTILINE)
    assert {(code, int(status)) for code, status in rows} == set(EXPECTED.values())
    assert "--run-slow -k campaign" in match[1] and "NEWSGOLD_FUZZ_EXAMPLES" in match[1]

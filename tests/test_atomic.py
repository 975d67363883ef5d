"""Atomic writes: a writer that fails midway leaves the old file intact and no temporary
file behind; and every writer in the package goes through the atomic helpers."""

from __future__ import annotations

import json
import os
import re
import stat
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

import newsgold
import newsgold.io
from newsgold import cli
from newsgold.io import atomic_writer, write_bytes_atomic, write_text_atomic

OLD = "old content\n"
FIXTURE = Path(__file__).parent / "fixtures" / "valid" / "fixture_small.json"
SRC = Path(newsgold.__file__).parent


def listing(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


@pytest.fixture
def old(tmp_path: Path) -> Path:
    path = tmp_path / "file.txt"
    path.write_text(OLD, encoding="utf-8")
    return path


def fail(*args: Any, **kwargs: Any) -> None:
    raise OSError(28, "No space left on device")


def test_success_replaces_the_file(old: Path) -> None:
    write_text_atomic(old, "new\n")
    assert old.read_text(encoding="utf-8") == "new\n"
    write_bytes_atomic(old, b"\x00\xff")
    assert old.read_bytes() == b"\x00\xff"
    assert listing(old.parent) == ["file.txt"]


def test_text_is_utf8_with_lf(tmp_path: Path) -> None:
    path = tmp_path / "t.txt"
    write_text_atomic(path, "a\nb\u2019\n")
    assert path.read_bytes() == "a\nb\u2019\n".encode()


def test_exception_inside_the_block(old: Path) -> None:
    with pytest.raises(RuntimeError), atomic_writer(old) as handle:
        handle.write("half of the new ")
        handle.flush()
        raise RuntimeError("the data source failed")
    assert old.read_text(encoding="utf-8") == OLD
    assert listing(old.parent) == ["file.txt"]


def test_interrupt_inside_the_block(old: Path) -> None:
    with pytest.raises(KeyboardInterrupt), atomic_writer(old, "wb") as handle:
        handle.write(b"partial")
        raise KeyboardInterrupt
    assert old.read_text(encoding="utf-8") == OLD
    assert listing(old.parent) == ["file.txt"]


def test_data_source_raises_while_writing(old: Path) -> None:
    def chunks() -> Iterator[str]:
        yield "first chunk\n"
        raise ValueError("the source broke")

    with pytest.raises(ValueError), atomic_writer(old) as handle:
        for chunk in chunks():
            handle.write(chunk)
    assert old.read_text(encoding="utf-8") == OLD
    assert listing(old.parent) == ["file.txt"]


def test_text_that_cannot_be_encoded(old: Path) -> None:
    """A lone surrogate cannot be written as UTF-8: the write fails, the old file stays."""
    with pytest.raises(UnicodeEncodeError):
        write_text_atomic(old, "new text \ud800")
    assert old.read_text(encoding="utf-8") == OLD
    assert listing(old.parent) == ["file.txt"]


@pytest.mark.parametrize("step", ["replace", "fsync"])
def test_failure_at_the_rename_or_sync(
    step: str, old: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(newsgold.io.os, step, fail)
    with pytest.raises(OSError, match="No space left"):
        write_text_atomic(old, "new\n")
    monkeypatch.undo()
    assert old.read_text(encoding="utf-8") == OLD
    assert listing(old.parent) == ["file.txt"]


def test_failure_creates_no_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(newsgold.io.os, "replace", fail)
    with pytest.raises(OSError):
        write_bytes_atomic(tmp_path / "sub" / "new.bin", b"data")
    assert listing(tmp_path) == ["sub"]


def test_permissions_are_those_of_open(tmp_path: Path) -> None:
    """A new file gets 0o666 less the umask, not 0o600; a rewritten file keeps its bits."""
    umask = os.umask(0o022)
    os.umask(umask)
    path = tmp_path / "new.txt"
    write_text_atomic(path, "x")
    assert stat.S_IMODE(path.stat().st_mode) == 0o666 & ~umask
    path.chmod(0o640)
    write_text_atomic(path, "y")
    assert stat.S_IMODE(path.stat().st_mode) == 0o640


# ------------------------------------------------------------------ the package's writers


CARD_MARK = b"<!-- generated:checksums -->\n"


def test_build_fails_midway_while_publishing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A failure while publishing leaves every built file as it was, or the new ``data/``
    whole beside the old card (which the loader then refuses); no staging folder is left."""
    from newsgold import build
    from newsgold.resources import dataset_dir

    folder = tmp_path / "dataset"
    gone = "data/b/test-00000-of-00001.parquet"  # of a config the build does not write
    old = {gone: b"old b", "croissant.json": b'{"recordSet": 1}', "README.md": CARD_MARK}
    for rel, content in old.items():
        (folder / rel).parent.mkdir(parents=True, exist_ok=True)
        (folder / rel).write_bytes(content)
    real = os.replace

    def fails(src: str, dst: str | Path) -> None:
        if str(dst).endswith("croissant.json"):
            fail()
        real(src, dst)

    monkeypatch.setattr(build.os, "replace", fails)
    with pytest.raises(OSError):
        build.build(folder)
    monkeypatch.undo()
    assert (folder / "croissant.json").read_bytes() == old["croissant.json"]
    assert (folder / "README.md").read_bytes() == CARD_MARK
    assert not (folder / gone).exists()  # the new data/, whole
    ner = "data/ner/test-00000-of-00001.parquet"
    assert (folder / ner).read_bytes() == (dataset_dir() / ner).read_bytes()
    assert [p for p in listing(folder) if ".build-" in p or p.endswith(".tmp")] == []


def test_convert_staged_output_fails_midway(tmp_path: Path) -> None:
    """A conversion that fails leaves --out as it was and removes its staging folder."""
    from newsgold.convert import staged_output

    out = tmp_path / "out"
    out.mkdir()
    (out / "kept.conll").write_text(OLD, encoding="utf-8")
    with pytest.raises(RuntimeError), staged_output(out) as tmp:
        (tmp / "kept.conll").write_text("half", encoding="utf-8")
        raise RuntimeError("the converter failed")
    assert (out / "kept.conll").read_text(encoding="utf-8") == OLD
    assert listing(tmp_path) == ["out", "out/kept.conll"]


def test_convert_into_a_new_folder_fails_midway(tmp_path: Path) -> None:
    from newsgold.convert import staged_output

    with pytest.raises(RuntimeError), staged_output(tmp_path / "new") as tmp:
        (tmp / "x.txt").write_text("x", encoding="utf-8")
        raise RuntimeError
    assert listing(tmp_path) == []


def _format_case(tmp_path: Path) -> Path:
    path = tmp_path / FIXTURE.name
    value = json.loads(FIXTURE.read_text(encoding="utf-8"))
    path.write_text(json.dumps(value, ensure_ascii=False, indent=4) + "\n", encoding="utf-8")
    return path


def test_format_rewrite_fails_midway(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _format_case(tmp_path)
    before = path.read_bytes()
    monkeypatch.setattr(newsgold.io.os, "replace", fail)
    assert cli.main(["format", str(path)]) == 2
    monkeypatch.undo()
    assert path.read_bytes() == before
    assert listing(tmp_path) == [FIXTURE.name]


def test_format_write_error_is_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _format_case(tmp_path)
    monkeypatch.setattr(newsgold.io.os, "replace", fail)
    assert cli.main(["format", str(path)]) == 2
    assert len(capsys.readouterr().err.splitlines()) == 1


# ------------------------------------------------------------------ no other writer

WRITE_CALL = re.compile(
    r"""\.write_text\(|\.write_bytes\(|\bopen\([^)]*["'][wax]b?\+?["']|\.open\(["'][wax]"""
    r"""|to_parquet\(|write_table\(|\bjson\.dump\(|\.to_disk\(|\.save\(|shutil\.copy"""
)
# A write is allowed in the atomic helpers themselves, into a staging folder of
# convert.staged_output (named ``tmp``), or into an in-memory buffer.
ALLOWED: list[tuple[str, Callable[[str], bool]]] = [
    ("io.py", lambda line: True),
    ("convert/", lambda line: "(tmp / " in line),
    ("build.py", lambda line: "writer.write_table(" in line),  # into build's staging folder
]


def test_every_writer_is_atomic() -> None:
    offending = []
    for path in sorted(SRC.rglob("*.py")):
        rel = path.relative_to(SRC).as_posix()
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if line.lstrip().startswith("#") or not WRITE_CALL.search(line):
                continue
            if any(rel.startswith(prefix) and ok(line) for prefix, ok in ALLOWED):
                continue
            offending.append(f"src/newsgold/{rel}:{number}: {line.strip()}")
    assert not offending, "writes that bypass newsgold.io.atomic_writer:\n" + "\n".join(offending)


# ------------------------------------------------------------------ convert publishes whole


def snapshot(folder: Path) -> dict[str, bytes | None]:
    """Every path under ``folder``: a file's bytes, None for a folder."""
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() if p.is_file() else None
        for p in sorted(folder.rglob("*"))
    }


def _old_out(tmp_path: Path, fmt: str) -> Path:
    """An --out folder holding an earlier conversion (every file changed) and a file of its own."""
    out = tmp_path / "out"
    assert cli.main(["convert", "--to", fmt, "--out", str(out), str(FIXTURE)]) == 0
    for path in out.iterdir():
        path.write_bytes(b"old " + path.name.encode("utf-8"))
    (out / "notes.md").write_text("mine\n", encoding="utf-8")
    return out


TARGETS = [
    ("brat", "fixture_small.txt"),
    ("brat", "fixture_small.ann"),
    ("brat", "fixture_small.meta.json"),
    ("brat", "annotation.conf"),
    ("brat", "visual.conf"),
    ("brat", "tools.conf"),
    ("conll", "ontonotes.conll"),
    ("conll2012", "conll2012.conll"),
    ("docbin", "newsgold.spacy"),
]


@pytest.mark.parametrize(("fmt", "name"), TARGETS)
def test_convert_with_a_folder_at_a_target_changes_nothing(
    tmp_path: Path, fmt: str, name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    out = _old_out(tmp_path, fmt)
    (out / name).unlink()
    (out / name).mkdir()
    (out / name / "inside").write_text("x", encoding="utf-8")
    before = snapshot(out)
    capsys.readouterr()
    assert cli.main(["convert", "--to", fmt, "--out", str(out), str(FIXTURE)]) == 2
    assert capsys.readouterr().err.splitlines() == [
        f"newsgold convert: cannot write {out}: {name} is a folder where the conversion "
        "writes a file; move it away"
    ]
    assert snapshot(out) == before
    assert [p.name for p in tmp_path.iterdir()] == ["out"]


def test_convert_publishes_over_an_existing_out_whole(tmp_path: Path) -> None:
    out = _old_out(tmp_path, "brat")
    inode = out.stat().st_ino
    fresh = tmp_path / "fresh"
    assert cli.main(["convert", "--to", "brat", "--out", str(fresh), str(FIXTURE)]) == 0
    assert cli.main(["convert", "--to", "brat", "--out", str(out), str(FIXTURE)]) == 0
    assert snapshot(out) == {**snapshot(fresh), "notes.md": b"mine\n"}
    assert out.stat().st_ino == inode  # the folder itself is not replaced
    assert sorted(p.name for p in tmp_path.iterdir()) == ["fresh", "out"]


@pytest.mark.parametrize("nth", [1, 2, 4])
def test_convert_that_fails_while_publishing_changes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, nth: int
) -> None:
    """A failure at the first, second or a later file moved in: every file moved in is
    removed and every file it replaced is put back."""
    out = _old_out(tmp_path, "brat")
    before = snapshot(out)
    real = os.replace
    calls = []

    def fails(src: Any, dst: Any) -> None:
        calls.append(dst)
        if len(calls) == nth:
            fail()
        real(src, dst)

    monkeypatch.setattr(newsgold.io.os, "replace", fails)
    assert cli.main(["convert", "--to", "brat", "--out", str(out), str(FIXTURE)]) == 2
    assert len(calls) == nth
    assert snapshot(out) == before
    assert sorted(p.name for p in out.iterdir() if p.name.startswith(".")) == []
    assert [p.name for p in tmp_path.iterdir()] == ["out"]


def test_convert_into_the_working_directory_keeps_the_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    out = _old_out(tmp_path, "conll")
    inode = out.stat().st_ino
    monkeypatch.chdir(out)
    assert cli.main(["convert", "--to", "conll", "--out", ".", str(FIXTURE)]) == 0
    assert capsys.readouterr().out.startswith("wrote 2 file(s) for 1 document(s) to ")
    assert Path.cwd().stat().st_ino == inode and (out / "notes.md").read_bytes() == b"mine\n"


# ------------------------------------------------------------------ permissions of new folders


@pytest.fixture
def umask_022() -> Iterator[None]:
    old_umask = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(old_umask)


def _modes(folder: Path) -> dict[str, int]:
    """The permission bits of ``folder`` and of every folder and file under it."""
    found = {".": stat.S_IMODE(folder.stat().st_mode)}
    for p in sorted(folder.rglob("*")):
        found[p.relative_to(folder).as_posix()] = stat.S_IMODE(p.stat().st_mode)
    return found


@pytest.mark.parametrize("fmt", ["conll", "conll2012", "docbin", "brat", "canonical"])
def test_converted_folders_have_the_umasks_permissions(
    tmp_path: Path, fmt: str, umask_022: None
) -> None:
    """Under umask 022 a converter's new --out folder (and any parent it makes) is 0o755 and
    its files 0o644, so that a server running as another user can read them; mkdtemp's
    0o700 does not leak through the staging folder."""
    brat = tmp_path / "brat"
    assert cli.main(["convert", "--to", "brat", "--out", str(brat), str(FIXTURE)]) == 0
    out = tmp_path / "made" / "out"
    if fmt == "canonical":
        argv = ["convert", "--from", "brat", str(brat), "--out", str(out)]
    else:
        argv = ["convert", "--to", fmt, "--out", str(out), str(FIXTURE)]
    assert cli.main(argv) == 0
    modes = _modes(out)
    assert modes.pop(".") == 0o755
    assert modes and set(modes.values()) == {0o644}
    assert stat.S_IMODE((tmp_path / "made").stat().st_mode) == 0o755

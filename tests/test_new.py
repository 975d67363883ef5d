"""Starting a document from a text file (src/newsgold/new.py, `newsgold new`, `newsgold accept`)."""

from __future__ import annotations

import hashlib
import json
import os
import stat
from pathlib import Path

import pytest

from newsgold import layers
from newsgold.cli import main
from newsgold.new import GIVEN, LICENSE, NOT_GIVEN
from newsgold.reader import read_file
from newsgold.resources import documents_dir

SEED = next(documents_dir().glob("*.json"))
TEXT = (
    "Lavrov met Tillerson in Manila. He \u201ccan\u2019t\u201d say more.\n\u00c9t\u00e9 \u2014 x.\n"
)


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())} if folder.exists() else {}


def test_the_text_enters_byte_for_byte(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "story_1.txt"
    source.write_bytes(TEXT.encode("utf-8"))
    out = tmp_path / "docs"
    assert main(["new", str(source), "--out", str(out)]) == 0
    assert f"story_1.json: {len(TEXT)} characters, no layer annotated" in capsys.readouterr().out
    value = json.loads((out / "story_1.json").read_bytes())
    assert value["id"] == "story_1"
    assert value["text"].encode("utf-8") == source.read_bytes()  # the final line end stays
    assert value["text_sha256"] == hashlib.sha256(source.read_bytes()).hexdigest()
    assert value["annotated_layers"] == []
    assert all(value[name] == [] for name in layers.names() if name in value)
    assert [n for n in layers.names() if n not in value] == ["relations"]  # until annotated
    read = read_file(out / "story_1.json")  # valid, and in canonical form
    assert read.problems == [] and read.document is not None
    assert main(["validate", str(out / "story_1.json")]) == 0
    assert value["metadata"] == {
        "headline": None,
        "source_outlets": [],
        "language": "en",
        "date": {"value": None, "basis": NOT_GIVEN},
        "provenance": f"A plain UTF-8 text file (story_1.txt, {len(TEXT)} characters, "
        "2 paragraph(s)) entered byte for byte: not retyped, normalised or corrected.",
        "license": LICENSE,
    }


def test_metadata_from_options(tmp_path: Path) -> None:
    source = tmp_path / "a.txt"
    source.write_text("Lavrov spoke.", encoding="utf-8")
    argv = ["new", str(source), "--out", str(tmp_path), "--id", "x-1", "--headline", "Talks"]
    argv += ["--publisher", "ABC News", "--address", "https://abcnews.go.com/x"]
    argv += ["--published", "2017-08-07", "--date", "2017-08-07"]
    argv += ["--source-outlet", "ABC News", "--source-outlet", "TASS", "--license", "CC0"]
    assert main(argv) == 0
    meta = json.loads((tmp_path / "x-1.json").read_bytes())["metadata"]
    assert meta["headline"] == "Talks"
    assert meta["publication"] == {
        "publisher": "ABC News",
        "address": "https://abcnews.go.com/x",
        "date": "2017-08-07",
        "basis": GIVEN,
    }
    assert meta["date"] == {"value": "2017-08-07", "basis": GIVEN}
    assert meta["source_outlets"] == ["ABC News", "TASS"]
    assert meta["license"] == "CC0"


@pytest.mark.parametrize(
    ("data", "code", "message"),
    [
        (b"Line one.\r\nLine two.\r\n", "crlf-line-ends", "line 1 has a CRLF line end"),
        (b"Line one.\nLine two.\rThree.", "crlf-line-ends", "line 2 has a carriage return"),
        (b"\xef\xbb\xbfLine one.", "utf8-bom", "byte-order mark"),
        (b"Line one.\nCaf\xe9.", "invalid-utf8", "byte 0xe9 at byte offset 13 (line 2)"),
        (b"Line\x00one.", "nul-byte", "NUL byte at character 4"),
        (b"", "empty-file", "the text file is empty"),
        ("Lavrov \u202espoke.".encode(), "bidi-control", "U+202E"),
    ],
)
def test_a_text_that_would_have_to_change_is_refused(
    tmp_path: Path, data: bytes, code: str, message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """Never normalised: CRLF, a BOM, bytes that are not UTF-8 are refused, not fixed."""
    source = tmp_path / "in.txt"
    source.write_bytes(data)
    out = tmp_path / "docs"
    assert main(["new", str(source), "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert f" {code}: " in err and message in err
    assert "nothing written" in err
    assert not out.exists()


def test_an_existing_document_is_never_overwritten(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "a.txt"
    source.write_text("Lavrov spoke.", encoding="utf-8")
    out = tmp_path / "docs"
    assert main(["new", str(source), "--out", str(out), "--id", "story"]) == 0
    (out / "story.json").write_bytes(b"annotated by hand\n")
    before = snapshot(out)
    for ident in ("story", "STORY"):  # ids equal up to case are one id in the corpus
        assert main(["new", str(source), "--out", str(out), "--id", ident]) == 2
        assert "document-exists" in capsys.readouterr().err
        assert snapshot(out) == before


def test_an_id_that_cannot_be_a_file_name_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "a b.txt"  # the default id, "a b", has a space
    source.write_text("Lavrov spoke.", encoding="utf-8")
    assert main(["new", str(source), "--out", str(tmp_path / "docs")]) == 1
    assert "#/id: L2 schema-pattern" in capsys.readouterr().err
    assert main(["new", str(source), "--out", str(tmp_path / "docs"), "--id", "../x"]) == 1
    assert not (tmp_path / "docs").exists() and not (tmp_path / "x.json").exists()


def test_a_pipeline_that_is_not_installed_is_an_error_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "a.txt"
    source.write_text("Lavrov spoke.", encoding="utf-8")
    argv = ["new", str(source), "--out", str(tmp_path / "docs"), "--propose"]
    assert main([*argv, "--spacy-model", "xx_no_such_pipeline"]) == 2
    err = capsys.readouterr().err
    assert "xx_no_such_pipeline#: L1 file-unreadable: cannot load the spaCy pipeline" in err
    assert not (tmp_path / "docs").exists()
    assert main(["new", str(tmp_path / "missing.txt"), "--out", str(tmp_path / "docs")]) == 2
    assert not (tmp_path / "docs").exists()


def test_a_publisher_needs_an_address(tmp_path: Path) -> None:
    source = tmp_path / "a.txt"
    source.write_text("Lavrov spoke.", encoding="utf-8")
    assert main(["new", str(source), "--out", str(tmp_path), "--publisher", "ABC"]) == 2
    assert not (tmp_path / "a.json").exists()


def test_an_existing_review_file_is_never_overwritten(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "a.txt"
    source.write_text("Lavrov spoke.", encoding="utf-8")
    (tmp_path / "a.review.json").write_text("my review\n", encoding="utf-8")
    assert main(["new", str(source), "--out", str(tmp_path / "docs"), "--propose"]) == 2
    assert "a.review.json#: L4 document-exists: exists" in capsys.readouterr().err
    assert (tmp_path / "a.review.json").read_text(encoding="utf-8") == "my review\n"
    assert not (tmp_path / "docs").exists()
    review = tmp_path / "elsewhere" / "r.json"
    argv = ["new", str(source), "--out", str(tmp_path / "docs"), "--propose", "--review"]
    assert main([*argv, str(review)]) == 0
    assert json.loads(review.read_bytes())["document"] == "a"


def test_the_new_folder_has_the_umasks_permissions(tmp_path: Path) -> None:
    source = tmp_path / "a.txt"
    source.write_text("Lavrov spoke.", encoding="utf-8")
    old = os.umask(0o022)
    try:
        assert main(["new", str(source), "--out", str(tmp_path / "d" / "docs"), "--propose"]) == 0
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "d" / "docs").stat().st_mode) == 0o755
    modes = {stat.S_IMODE(p.stat().st_mode) for p in (tmp_path / "d" / "docs").iterdir()}
    assert modes == {0o644}


# ------------------------------------------------------------------ proposal and review


def _proposed(tmp_path: Path) -> tuple[Path, Path, Path]:
    seed = json.loads(SEED.read_bytes())["text"]
    source = tmp_path / "first.txt"
    source.write_bytes(seed.split("\n")[0].encode("utf-8"))
    out = tmp_path / "docs"
    assert main(["new", str(source), "--out", str(out), "--id", "first", "--propose"]) == 0
    return source, out / "first.json", tmp_path / "first.review.json"


def test_proposed_sentences_go_to_a_review_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The document holds no unreviewed annotation; the review file holds the proposal, beside
    the text file: the documents folder holds documents only, and validates."""
    _, doc, review = _proposed(tmp_path)
    assert [p.name for p in doc.parent.iterdir()] == ["first.json"]
    assert main(["validate", str(doc.parent)]) == 0
    assert "proposed 2 sentences, not reviewed" in capsys.readouterr().out
    assert json.loads(doc.read_bytes())["sentences"] == []
    value = json.loads(review.read_bytes())
    assert value["reviewed"] is False and value["document"] == "first"
    assert value["proposed_by"]["sentences"].startswith("spaCy ")
    assert [(s["start"], s["end"]) for s in value["sentences"]] == [(0, 164), (165, 458)]
    assert value["sentences"][1]["text"].startswith("As ABC News wrote")


def test_accept_needs_a_reviewed_proposal_of_the_same_text(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, doc, review = _proposed(tmp_path)
    before = doc.read_bytes()
    assert main(["accept", str(review), str(doc)]) == 1
    assert "#/reviewed: L2 review-invalid: reviewed is false" in capsys.readouterr().err
    value = json.loads(review.read_bytes())
    value["reviewed"] = True
    value["sentences"][0]["end"] = 163  # a slip while reviewing: the full stop left out
    review.write_text(json.dumps(value), encoding="utf-8")
    assert main(["accept", str(review), str(doc)]) == 1
    err = capsys.readouterr().err
    assert "first.review.json#/sentences/0/end: L3 span-text-mismatch" in err
    value["sentences"][0]["end"] = 164
    value["text_sha256"] = "0" * 64
    review.write_text(json.dumps(value), encoding="utf-8")
    assert main(["accept", str(review), str(doc)]) == 1
    assert "#/text_sha256: L2 review-invalid" in capsys.readouterr().err
    assert doc.read_bytes() == before
    value["text_sha256"] = json.loads(before)["text_sha256"]
    review.write_text(json.dumps(value), encoding="utf-8")
    assert main(["accept", str(review), str(doc)]) == 0
    accepted = json.loads(doc.read_bytes())
    assert accepted["annotated_layers"] == ["sentences"]
    assert accepted["sentences"] == value["sentences"]
    assert main(["validate", str(doc)]) == 0
    assert main(["accept", str(review), str(doc)]) == 1  # already annotated: not replaced
    assert "already lists" in capsys.readouterr().err

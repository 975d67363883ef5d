"""brat folders annotated from scratch: a .txt and a .ann with no side file
(src/newsgold/convert/brat.py, ``newsgold convert --from brat``)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from newsgold.cli import main
from newsgold.new import LICENSE, NOT_GIVEN
from newsgold.resources import documents_dir

SEED = next(documents_dir().glob("*.json"))
TEXT = json.loads(SEED.read_bytes())["text"].split("\n")[0] + "\n"


def at(phrase: str) -> str:
    start = TEXT.index(phrase)
    return f"{start} {start + len(phrase)}\t{phrase}"


ANN = [
    f"T1\tPERSON {at('Rex Tillerson')}",
    f"T2\tPERSON {at('Sergei Lavrov')}",
    f"T3\tPERSON {at('the top U.S. diplomat')}",
    f"T4\tGPE {at('Manila')}",
    f"T5\tQuote {at('Trump admin still seeks cooperation with Russia')}",
    f"T6\tCue {at('wrote')}",
    f"T7\tORG {at('ABC News')}",
    "R1\tCoref Arg1:T3 Arg2:T1",
    "R2\tHasCue Arg1:T5 Arg2:T6",
    "R3\tSource Arg1:T5 Arg2:T7",
    "A1\tMentionType T1 NAM",
    "A2\tMentionType T2 NAM",
    "A3\tMentionType T3 NOM",
    "A4\tMentionType T4 NAM",
    "A5\tMentionType T7 NAM",
    "A6\tQuoteType T5 direct",
    "N1\tReference T1 Wikipedia:Rex_Tillerson\tRex Tillerson",
    "#1\tAnnotatorNotes T1\tUnited States Secretary of State in 2017",
    '#2\tAnnotatorNotes T2\t{"name": "Sergey Lavrov", "description": "Foreign Minister of Russia"}',
    "#3\tAnnotatorNotes T4\tcapital of the Philippines",
    "#4\tAnnotatorNotes T7\tUS television news network",
]


def folder(tmp_path: Path, ann: list[str] | None = None, txt: bytes | None = None) -> Path:
    brat = tmp_path / "brat"
    brat.mkdir(exist_ok=True)
    (brat / "talks.txt").write_bytes(TEXT.encode("utf-8") if txt is None else txt)
    (brat / "talks.ann").write_text("\n".join(ANN if ann is None else ann) + "\n", "utf-8")
    return brat


def convert(brat: Path, out: Path, *options: str) -> int:
    return main(["convert", "--from", "brat", str(brat), "--out", str(out), *options])


def test_a_folder_without_side_files_is_imported_and_validates(tmp_path: Path) -> None:
    brat = folder(tmp_path)
    assert convert(brat, tmp_path / "out", "--headline", "Talks in Manila") == 0
    path = tmp_path / "out" / "talks.json"
    assert main(["validate", str(path)]) == 0
    doc = json.loads(path.read_bytes())
    assert doc["id"] == "talks"  # from the file name
    assert doc["text"].encode("utf-8") == (brat / "talks.txt").read_bytes()
    assert doc["annotated_layers"] == ["mentions", "entities", "quotes"]  # those with records
    assert doc["metadata"]["headline"] == "Talks in Manila"
    assert doc["metadata"]["date"] == {"value": None, "basis": NOT_GIVEN}
    assert doc["metadata"]["license"] == LICENSE
    assert [(m["id"], m["text"], m["entity_id"]) for m in doc["mentions"]] == [
        ("m1", "Rex Tillerson", "e1"),
        ("m2", "Sergei Lavrov", "e2"),
        ("m3", "the top U.S. diplomat", "e1"),  # Coref to the first mention
        ("m4", "Manila", "e3"),
        ("m5", "ABC News", "e4"),
    ]
    assert doc["entities"][0] == {
        "id": "e1",
        "name": "Rex Tillerson",  # no name in the note: the text of the first mention
        "type": "PERSON",
        "wikipedia": "Rex Tillerson",
        "members": [],
        "description": "United States Secretary of State in 2017",  # a plain-text note
    }
    assert doc["entities"][1]["name"] == "Sergey Lavrov"  # a JSON note
    assert doc["quotes"][0]["cue"][0]["text"] == "wrote"
    assert doc["quotes"][0]["source"] == "m5"
    # and it goes back to brat and canonical JSON byte for byte, as every document does
    assert main(["convert", "--to", "brat", "--out", str(tmp_path / "again"), str(path)]) == 0
    assert convert(tmp_path / "again", tmp_path / "back") == 0
    assert (tmp_path / "back" / "talks.json").read_bytes() == path.read_bytes()


def test_a_coref_chain_leads_to_its_first_mention(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """From scratch, a Coref may point to a mention that itself has a Coref."""
    chain = [f"T8\tPERSON {at('Secretary of State')}", "A7\tMentionType T8 NOM"]
    ann = [*ANN, *chain, "R4\tCoref Arg1:T8 Arg2:T3"]  # T8 -> T3 -> T1
    assert convert(folder(tmp_path, ann), tmp_path / "out") == 0
    doc = json.loads((tmp_path / "out" / "talks.json").read_bytes())
    assert {m["text"]: m["entity_id"] for m in doc["mentions"]}["Secretary of State"] == "e1"
    ann = [*ANN, *chain, "R4\tCoref Arg1:T8 Arg2:T3", "R5\tCoref Arg1:T1 Arg2:T8"]  # a cycle
    assert convert(folder(tmp_path, ann), tmp_path / "out2") == 1
    assert "line 1: mention T1 reaches no entity" in capsys.readouterr().err


def test_a_wrong_txt_beside_the_ann_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The .txt of another version of the story: span texts differ; file, line, both texts."""
    other = TEXT.replace("Sergei Lavrov", "Sergey Lavrov")  # the same length
    brat = folder(tmp_path, txt=other.encode("utf-8"))
    assert convert(brat, tmp_path / "out") == 1
    err = capsys.readouterr().err
    start = TEXT.index("Sergei Lavrov")
    assert (
        f'talks.ann#: L3 brat-span-text-mismatch: line 2: T2 text "Sergei Lavrov" != '
        f'.txt[{start}:{start + 13}] "Sergey Lavrov"; correct the offsets or the text column'
    ) in err
    assert "nothing written" in err and not (tmp_path / "out").exists()
    shifted = "Breaking. " + TEXT
    brat = folder(tmp_path, txt=shifted.encode("utf-8"))
    assert convert(brat, tmp_path / "out") == 1
    err = capsys.readouterr().err
    start = TEXT.index("the top U.S. diplomat")
    found = shifted[start : start + len("the top U.S. diplomat")]
    assert (
        f'talks.ann#: L3 brat-span-text-mismatch: line 3: T3 text "the top U.S. diplomat" '
        f"!= .txt[{start}:{start + 21}] {json.dumps(found)}"
    ) in err
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(
    ("data", "code", "message"),
    [
        (TEXT.replace("\n", "\r\n").encode(), "crlf-line-ends", "line 1 has a CRLF line end"),
        (b"\xef\xbb\xbf" + TEXT.encode(), "utf8-bom", "byte-order mark"),
        (TEXT.encode().replace(b"Manila", b"Manil\xe1"), "invalid-utf8", "byte 0xe1"),
    ],
)
def test_a_txt_that_would_have_to_change_is_refused(
    tmp_path: Path, data: bytes, code: str, message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert convert(folder(tmp_path, txt=data), tmp_path / "out") == 1
    err = capsys.readouterr().err
    assert f"talks.txt#: L1 {code}: " in err and message in err
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(
    ("line", "code", "message"),
    [
        ("*\tCoref T1 T3", "brat-equivalence-line", "line 22: equivalence lines are not read"),
        ("X1\tSomething T1", "brat-line-invalid", "line 22: not a T, E, R, A, N or # line"),
        ("A9\tMood T1 happy", "brat-type-unknown", 'line 22: attribute "Mood" is not declared'),
        (
            "A9\tQuoteType T1 direct",
            "brat-line-not-carried",
            "line 22: the attribute QuoteType on T1 is read by no layer",
        ),
        (
            "N2\tReference T3 Wikipedia:Rex_Tillerson\tRex Tillerson",
            "brat-line-not-carried",
            "line 22: the normalisation Wikipedia:Rex_Tillerson on T3 is read by no layer",
        ),
        (
            "N2\tReference T1 Wikipedia:Rex_W._Tillerson\tRex W. Tillerson",
            "brat-line-not-carried",
            "line 17: the normalisation Wikipedia:Rex_Tillerson on T1 is read by no layer",
        ),
        (
            "R4\tHasCue Arg1:T1 Arg2:T6",
            "brat-line-not-carried",
            "line 22: the relation HasCue from T1 to T6 is read by no layer",
        ),
        (
            "#5\tAnnotatorNotes T3\tthe diplomat",
            "brat-annotation-invalid",
            "line 22: the note on T3 is read by no layer",
        ),
        ("N2\tReference T2 Wikidata:Q81112\tSergey Lavrov", "brat-annotation-invalid", "line 22:"),
    ],
)
def test_a_line_the_document_cannot_carry_is_reported_never_dropped(
    tmp_path: Path, line: str, code: str, message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert convert(folder(tmp_path, [*ANN, line]), tmp_path / "out") == 1
    err = capsys.readouterr().err
    assert "talks.ann#: L" in err and f" {code}: {message}" in err
    assert not (tmp_path / "out").exists()


def test_an_entity_needs_a_description(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ann = [line for line in ANN if not line.startswith("#3")]
    assert convert(folder(tmp_path, ann), tmp_path / "out") == 1
    assert (
        "talks.ann#: L3 brat-annotation-invalid: line 4: the entity of T4 has no description"
    ) in capsys.readouterr().err


def test_the_start_file_gives_metadata_and_layers(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    brat = folder(tmp_path)
    start = brat / "talks.doc.json"
    value = {
        "metadata": {"headline": "Tillerson meets Lavrov", "date": {"value": "2017-08-07",
                     "basis": "The text reports the meeting of 6 August as past."}},
        "annotated_layers": ["mentions", "entities", "quotes", "stance"],
    }  # fmt: skip
    start.write_text(json.dumps(value), encoding="utf-8")
    assert convert(brat, tmp_path / "out", "--headline", "from the option") == 0
    doc = json.loads((tmp_path / "out" / "talks.json").read_bytes())
    assert doc["metadata"]["headline"] == "Tillerson meets Lavrov"  # the file wins
    assert doc["metadata"]["date"] == value["metadata"]["date"]
    assert doc["annotated_layers"] == value["annotated_layers"]  # stance: none found
    assert doc["stance"] == []
    value["metadata"]["date"]["value"] = "2017-02-30"
    start.write_text(json.dumps(value), encoding="utf-8")
    assert convert(brat, tmp_path / "out2") == 1
    assert "talks.doc.json#/metadata/date/value: L3 impossible-date" in capsys.readouterr().err
    start.write_text(json.dumps({"metdata": {}}), encoding="utf-8")
    assert convert(brat, tmp_path / "out2") == 1
    assert (
        'talks.doc.json#/metdata: L2 brat-start-file-invalid: unknown key "metdata"'
        in capsys.readouterr().err
    )
    assert not (tmp_path / "out2").exists()


def test_a_txt_without_its_ann_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    brat = folder(tmp_path)
    (brat / "talks.ann").unlink()
    assert convert(brat, tmp_path / "out") == 1
    assert "talks.txt#: L1 brat-file-missing: talks.ann missing beside it" in (
        capsys.readouterr().err
    )


def test_metadata_options_go_with_from_brat(tmp_path: Path) -> None:
    argv = ["convert", "--to", "brat", "--out", str(tmp_path / "o"), "--headline", "x"]
    assert main(argv) == 2
    assert convert(folder(tmp_path), tmp_path / "o", "--publisher", "ABC") == 2
    assert not (tmp_path / "o").exists()

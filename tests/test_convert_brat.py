"""brat standoff, both ways (src/newsgold/convert/brat.py)."""

from __future__ import annotations

import dataclasses
import hashlib
import json
from pathlib import Path
from typing import Any

import pytest

from newsgold import layers
from newsgold.cli import main
from newsgold.convert import ConversionError
from newsgold.convert.brat import (
    annotation_conf,
    brat_to_canonical,
    from_brat,
    read_brat,
    to_brat,
    tools_conf,
    visual_conf,
    write_brat,
)
from newsgold.io import canonical_json
from newsgold.labels import inventory
from newsgold.layers.parts import BratConf, BratPart, BratReading, BratType, BratWriting
from newsgold.model import Argument, Document, Entity, Span
from newsgold.reader import read_file
from newsgold.resources import documents_dir
from test_layer_registry import TOY, first_word, toy_document

FIXTURE = Path(__file__).parent / "fixtures" / "valid" / "fixture_small.json"
SOURCES = [FIXTURE, *sorted(documents_dir().glob("*.json"))]

FIXTURE_ANN = """\
T1\tGPE 1 3\tWe
T2\tGPE 26 45\tour U.S. colleagues
T3\tGPE 26 29\tour
T4\tGPE 30 34\tU.S.
T5\tPERSON 68 69\tI
T6\tPERSON 109 115\tLavrov
T7\tDATE 121 127\tSunday
T8\tQuote 1 107\tWe felt the readiness of our U.S. colleagues to continue dialogue. \
I think there's no alternative to that,
T9\tCue 116 120\tsaid
T10\tCONSULT 58 66\tdialogue
T11\tEvidence 76 106\tthere's no alternative to that
E1\tCONSULT:T10 Actor:T3 Actor2:T2
R1\tCoref Arg1:T3 Arg2:T1
R2\tCoref Arg1:T4 Arg2:T2
R3\tCoref Arg1:T6 Arg2:T5
R4\tHasCue Arg1:T8 Arg2:T9
R5\tSource Arg1:T8 Arg2:T6
R6\tSpeaker Arg1:T8 Arg2:T5
R7\tHolder Arg1:T11 Arg2:T5
R8\tTargetEvent Arg1:T11 Arg2:E1
R9\tInQuote Arg1:T11 Arg2:T8
A1\tMentionType T1 PRO
A2\tMentionType T2 NOM
A3\tMentionType T3 PRO
A4\tMentionType T4 NAM
A5\tMentionType T5 PRO
A6\tMentionType T6 NAM
A7\tMentionType T7 NAM
A8\tQuoteType T8 direct
A9\tRealis E1 future
A10\tContext_diplomatic E1
A11\tPolarity T11 FAVOR
A12\tBasis T11 explicit
N1\tReference T5 Wikipedia:Sergey_Lavrov\tSergey Lavrov
N2\tReference T1 Wikipedia:Russia\tRussia
N3\tReference T2 Wikipedia:United_States\tUnited States
#1\tAnnotatorNotes T5\t{"entity": "e_lavrov", "name": "Sergei Lavrov", \
"description": "Foreign Minister of Russia."}
#2\tAnnotatorNotes T1\t{"entity": "e_russia", "name": "Russia", \
"description": "The Russian Federation."}
#3\tAnnotatorNotes T2\t{"entity": "e_united_states", "name": "United States", \
"description": "The United States of America."}
#4\tAnnotatorNotes T7\t{"entity": "e_date_sunday", "name": "Sunday", \
"description": "Sunday 6 August 2017."}
#5\tAnnotatorNotes T11\t{"target": {"id": "tg1", "description": "continuing Russian-US dialogue"}}
"""


def fixture() -> Document:
    return Document.from_dict(json.loads(FIXTURE.read_text(encoding="utf-8")))


def load(path: Path) -> Document:
    return Document.from_dict(json.loads(path.read_text(encoding="utf-8")))


def round_trip(doc: Document, tmp_path: Path) -> Document:
    write_brat([doc], tmp_path / "brat")
    (back,) = read_brat(tmp_path / "brat")
    return back


def test_fixture_ann_is_exact() -> None:
    b = to_brat(fixture())
    assert b.ann == FIXTURE_ANN
    assert b.txt == fixture().text


def test_fixture_side_file_and_not_carried() -> None:
    b = to_brat(fixture())
    assert b.meta["ids"] == {
        "T1": "m1", "T2": "m4", "T3": "m2", "T4": "m3", "T5": "m5", "T6": "m6", "T7": "m7",
        "T8": "q1", "T10": "t1", "T11": "st1", "E1": "ev1",
    }  # fmt: skip
    assert b.meta["entities"] == ["e_lavrov", "e_russia", "e_united_states", "e_date_sunday"]
    assert b.meta["sentences"] == [
        {"id": "s1", "start": 0, "end": 67},
        {"id": "s2", "start": 68, "end": 128},
    ]
    assert b.meta["unanchored_entities"] == [] and b.meta["overrides"] == []
    assert [(n.pointer, n.kept_in) for n in b.not_carried] == [
        ("", "fixture_small.meta.json"),
        ("/schema_version", "fixture_small.meta.json"),
        ("/metadata", "fixture_small.meta.json"),
        ("/annotated_layers", "fixture_small.meta.json"),
        ("/sentences/0", "fixture_small.meta.json"),
        ("/sentences/1", "fixture_small.meta.json"),
    ]


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.stem)
def test_round_trip_is_byte_identical(source: Path, tmp_path: Path) -> None:
    doc = load(source)
    result = write_brat([doc], tmp_path / "brat")
    assert set(result.files) == {
        "annotation.conf", "visual.conf", "tools.conf",
        f"{doc.id}.txt", f"{doc.id}.ann", f"{doc.id}.meta.json",
    }  # fmt: skip
    assert (tmp_path / "brat" / f"{doc.id}.txt").read_bytes() == doc.text.encode("utf-8")
    out = brat_to_canonical(tmp_path / "brat", tmp_path / "back")
    assert out.files == (f"{doc.id}.json",)
    assert (tmp_path / "back" / f"{doc.id}.json").read_bytes() == source.read_bytes()


def test_every_span_and_link_is_in_the_ann(tmp_path: Path) -> None:
    """One T per mention, quote content, cue, trigger and evidence; an E per trigger."""
    for source in SOURCES:
        doc = load(source)
        b = to_brat(doc)
        lines = b.ann.splitlines()
        kinds = [line.split("\t", 1)[0][0] for line in lines]
        n_triggers = sum(len(e.triggers) for e in doc.events)
        assert kinds.count("T") == len(doc.mentions) + 2 * len(doc.quotes) + n_triggers + len(
            doc.stance
        )
        assert kinds.count("E") == n_triggers
        assert kinds.count("N") == sum(e.wikipedia is not None for e in doc.entities)
        listed = {n.pointer for n in b.not_carried}
        assert all(o["pointer"] in listed for o in b.meta["overrides"])
    assert to_brat(fixture()).meta["overrides"] == []


def test_discontinuous_spans_are_fragments(tmp_path: Path) -> None:
    doc = fixture()
    q = doc.quotes[0]
    content = (Span(1, 66, doc.text[1:66]), Span(68, 106, doc.text[68:106]))
    doc = dataclasses.replace(doc, quotes=(dataclasses.replace(q, content=content),))
    b = to_brat(doc)
    assert "T8\tQuote 1 66;68 106\tWe felt the readiness of our U.S. colleagues to continue " \
        "dialogue " \
        "I think there's no alternative to that\n" in b.ann  # fmt: skip
    assert canonical_json(round_trip(doc, tmp_path)) == canonical_json(doc)


def test_unexpressed_argument(tmp_path: Path) -> None:
    doc = fixture()
    ev = doc.events[0]
    args = (
        Argument("actor", "e_russia", None),  # no mention expresses it: ActorEntity
        Argument("recipient", "e_united_states", "m4"),
    )
    doc = dataclasses.replace(doc, events=(dataclasses.replace(ev, arguments=args),))
    b = to_brat(doc)
    assert "E1\tCONSULT:T10 ActorEntity:T1 Recipient:T2\n" in b.ann
    assert b.meta["overrides"] == []
    assert canonical_json(round_trip(doc, tmp_path)) == canonical_json(doc)


def test_entity_without_mentions_goes_to_the_side_file(tmp_path: Path) -> None:
    doc = fixture()
    extra = Entity("e_jordan", "Jordan", "GPE", "Jordan", (), "The Hashemite Kingdom of Jordan.")
    doc = dataclasses.replace(
        doc,
        annotated_layers=("sentences", "entities"),
        mentions=(),
        entities=(*doc.entities, extra),
        quotes=(),
        events=(),
        stance=(),
    )
    b = to_brat(doc)
    assert b.ann == ""
    assert [e["id"] for e in b.meta["unanchored_entities"]] == [e.id for e in doc.entities]
    assert canonical_json(round_trip(doc, tmp_path)) == canonical_json(doc)


def test_an_edit_in_brat_is_read(tmp_path: Path) -> None:
    write_brat([fixture()], tmp_path / "brat")
    ann = tmp_path / "brat" / "fixture_small.ann"
    ann.write_text(
        ann.read_text(encoding="utf-8").replace("A9\tRealis E1 future", "A9\tRealis E1 actual"),
        encoding="utf-8",
    )
    (back,) = read_brat(tmp_path / "brat")
    assert back.events[0].realis == "actual"
    assert canonical_json(dataclasses.replace(back, events=fixture().events)) == canonical_json(
        fixture()
    )


def test_a_new_mention_gets_a_fresh_id(tmp_path: Path) -> None:
    write_brat([fixture()], tmp_path / "brat")
    ann = tmp_path / "brat" / "fixture_small.ann"
    text = ann.read_text(encoding="utf-8")
    text = text.replace("E1\t", "T12\tGPE 35 45\tcolleagues\nE1\t", 1)
    text += "R10\tCoref Arg1:T12 Arg2:T2\nA13\tMentionType T12 NOM\n"
    ann.write_text(text, encoding="utf-8")
    (back,) = read_brat(tmp_path / "brat")
    new = back.mentions[-1]
    assert (new.id, new.start, new.end, new.text, new.entity_id) == (
        "m8",
        35,
        45,
        "colleagues",
        "e_united_states",
    )


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (
            lambda a: a + "X1\tfoo\n",
            "fixture_small.ann#: L2 brat-line-invalid: line 42: not a T, E, R, A, N or # line",
        ),
        (
            lambda a: a.replace("A1\tMentionType T1 PRO\n", ""),
            "fixture_small.ann#: L3 brat-annotation-invalid: "
            "line 1: T1 has no MentionType attribute",
        ),
        (
            lambda a: a.replace("R1\tCoref Arg1:T3 Arg2:T1\n", ""),
            "fixture_small.ann#: L3 brat-annotation-invalid: line 3: mention T3 reaches no entity",
        ),
        (
            lambda a: a.replace("T7\tDATE 121 127", "T7\tDATE 121 999"),
            "fixture_small.ann#: L3 brat-span-out-of-range: "
            "line 7: span 121-999 is not inside the text",
        ),
        (
            lambda a: a + "*\tCoref T1 T3\n",
            "L2 brat-equivalence-line: line 42: equivalence lines are not read",
        ),
        (lambda a: a.replace("T6\tPERSON 109 115", "T6\tPERSON 110 115"), "L3 span-inside-word"),
    ],
)
def test_a_broken_folder_is_reported_and_nothing_written(
    tmp_path: Path, edit: object, expected: str
) -> None:
    write_brat([fixture()], tmp_path / "brat")
    ann = tmp_path / "brat" / "fixture_small.ann"
    ann.write_text(edit(ann.read_text(encoding="utf-8")), encoding="utf-8")  # type: ignore[operator]
    with pytest.raises(ConversionError) as info:
        brat_to_canonical(tmp_path / "brat", tmp_path / "back")
    messages = [p.format() for p in info.value.problems]
    assert any(expected in m for m in messages), messages
    assert not (tmp_path / "back").exists()
    assert [p.name for p in tmp_path.iterdir()] == ["brat"]  # no temporary folder left behind


def test_symlinks_and_renamed_files_are_refused(tmp_path: Path) -> None:
    write_brat([fixture()], tmp_path / "brat")
    folder = tmp_path / "brat"
    for suffix in (".txt", ".ann", ".meta.json"):
        (folder / f"fixture_small{suffix}").rename(folder / f"other{suffix}")
    with pytest.raises(ConversionError, match='id "fixture_small" != file name "other"'):
        read_brat(folder)
    outside = tmp_path / "outside.txt"
    outside.write_text(fixture().text, encoding="utf-8")
    (folder / "other.txt").unlink()
    (folder / "other.txt").symlink_to(outside)
    with pytest.raises(ConversionError, match=r"other\.txt is a symbolic link"):
        read_brat(folder)


def test_an_override_that_no_longer_applies_is_reported() -> None:
    # Overrides carry values the .ann lines cannot express; one whose record was
    # edited away in brat must be reported, not applied to the wrong record.
    b = to_brat(fixture())
    meta = json.loads(b.meta_json())
    meta["overrides"] = [
        {"pointer": "/events/0/arguments/0/entity_id", "record": "ev9", "value": "e_lavrov"}
    ]
    with pytest.raises(
        ConversionError, match="override /events/0/arguments/0/entity_id no longer applies"
    ):
        from_brat(b.doc_id, b.txt, b.ann, meta)


def test_configuration_files_cover_the_inventory() -> None:
    conf = annotation_conf()
    inv = inventory()
    sections = {}
    current = ""
    for line in conf.splitlines():
        if line.startswith("["):
            current = line.strip("[]")
            sections[current] = []
        elif line and not line.startswith("#") and current:
            sections[current].append(line.split("\t")[0])
    assert sections["entities"] == [*inv.entity_types, "Quote", "Cue", "Evidence"]
    assert sections["events"] == list(inv.event_types)
    assert {
        "Coref",
        "Member",
        "HasCue",
        "Source",
        "Speaker",
        "Holder",
        "TargetEvent",
        "InQuote",
    } <= set(sections["relations"])
    assert (
        "Mode_third-party" in sections["attributes"]
        and "Context_diplomatic" in sections["attributes"]
    )
    mention = "|".join(inv.entity_types)
    assert f"MentionType\tArg:{mention}, Value:NAM|NOM|PRO" in conf
    assert f"Coref\tArg1:{mention}, Arg2:{mention}" in conf
    assert "<MENTION>\t" not in conf and "<MENTION>," not in conf
    assert "Mode_expel\tArg:THREATEN|SANCTION" in conf
    visual = visual_conf()
    assert "GPE\tbgColor:#9ad89a" in visual and "Quote | Quote content | Quote" in visual


def _conf_sections(conf: str) -> dict[str, list[str]]:
    """The non-comment, non-blank lines of each ``[section]`` of a brat configuration."""
    sections: dict[str, list[str]] = {}
    current = ""
    for line in conf.splitlines():
        if line.startswith("["):
            current = line.strip("[]")
            sections[current] = []
        elif line.strip() and not line.startswith("#") and current:
            sections[current].append(line)
    return sections


def test_span_and_relation_types_have_distinct_names() -> None:
    """brat keeps one namespace of types: the cue span type and the quote's cue relation
    have different names (a relation ``Cue`` to a span ``Cue`` was ambiguous)."""
    sections = _conf_sections(annotation_conf())
    spans = [line.split("\t")[0] for line in sections["entities"]]
    relations = [line.split("\t")[0] for line in sections["relations"]]
    events = [line.split("\t")[0] for line in sections["events"]]
    assert "Cue" in spans and "HasCue" in relations and "Cue" not in relations
    assert set(relations).isdisjoint(spans) and set(relations).isdisjoint(events)
    assert "HasCue\tArg1:Quote, Arg2:Cue" in sections["relations"]


def test_wikipedia_normalisation_is_configured_as_brat_reads_it() -> None:
    """tools.conf declares the resource of the N lines (``Wikipedia``) in brat's format
    (``NAME<TAB>DB:..., <URL>:..., <URLBASE>:...%s``, as in brat's example configurations),
    with no look-up database; annotation.conf lets every mention type take it (``<NORM>``)."""
    tools = _conf_sections(tools_conf())
    assert tools["normalization"] == [
        "Wikipedia\tDB:<NONE>, <URL>:https://en.wikipedia.org, "
        "<URLBASE>:https://en.wikipedia.org/wiki/%s"
    ]
    assert set(tools) == {"options", "search", "annotators", "disambiguators", "normalization"}
    name, args = tools["normalization"][0].split("\t")
    parsed = dict(a.strip().split(":", 1) for a in args.split(","))
    assert parsed["<URLBASE>"].replace("%s", "Rex_Tillerson") == (
        "https://en.wikipedia.org/wiki/Rex_Tillerson"
    )
    entities = _conf_sections(annotation_conf())["entities"]
    for label in inventory().entity_types:
        assert f"{label}\t<NORM>:Wikipedia" in entities
    assert "Quote" in entities and "Cue" in entities  # not normalised
    ann = to_brat(fixture()).ann
    refs = [line.split("\t")[1].split(" ")[2] for line in ann.splitlines() if line[0] == "N"]
    assert refs and all(r.split(":", 1)[0] == name for r in refs)


def test_cli_both_ways(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "brat"
    assert main(["convert", "--to", "brat", "--out", str(out), str(FIXTURE)]) == 0
    printed = capsys.readouterr().out
    assert "wrote 6 file(s) for 1 document(s)" in printed
    assert "not carried: 6" in printed
    assert (
        "2 x sentence span: brat has no sentence layer (kept in fixture_small.meta.json)" in printed
    )
    back = tmp_path / "back"
    assert main(["convert", "--from", "brat", str(out), "--out", str(back)]) == 0
    assert (back / "fixture_small.json").read_bytes() == FIXTURE.read_bytes()


def test_cli_failure_leaves_no_output(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "brat"
    assert main(["convert", "--to", "brat", "--out", str(out), str(FIXTURE)]) == 0
    (out / "fixture_small.meta.json").write_text("{", encoding="utf-8")
    back = tmp_path / "back"
    assert main(["convert", "--from", "brat", str(out), "--out", str(back)]) == 1
    err = capsys.readouterr().err
    assert "fixture_small.meta.json#: L1 invalid-json: not JSON" in err and "nothing written" in err
    assert not back.exists()
    assert main(["convert", "--from", "brat", str(tmp_path / "missing"), "--out", str(back)]) == 2
    assert main(["convert", "--to", "brat", "--from", "brat", str(out), "--out", str(back)]) == 2
    not_a_folder = tmp_path / "file"
    not_a_folder.write_text("x", encoding="utf-8")
    assert main(["convert", "--to", "brat", "--out", str(not_a_folder), str(FIXTURE)]) == 2
    assert not_a_folder.read_text(encoding="utf-8") == "x"


def test_invalid_input_document_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "fixture_small.json"
    value = json.loads(FIXTURE.read_text(encoding="utf-8"))
    value["mentions"][0]["end"] = 4
    bad.write_text(json.dumps(value, indent=2) + "\n", encoding="utf-8")
    out = tmp_path / "brat"
    assert main(["convert", "--to", "brat", "--out", str(out), str(bad)]) == 1
    assert "span-text-mismatch" in capsys.readouterr().out
    assert not out.exists()


# ---------------------------------------------------------------- a layer from outside


def _toy_brat_write(w: BratWriting) -> None:
    for toy in w.doc.layer("toys"):
        bid = w.span("Toy", (toy,), toy.id)
        w.add("A", f"ToyLabel {bid} {toy.label}")


def _toy_brat_read(r: BratReading) -> list[dict[str, Any]]:
    return [
        {
            "id": r.canonical(bid, "toy"),
            "start": t.fragments[0][0],
            "end": t.fragments[0][1],
            "text": r.text[t.fragments[0][0] : t.fragments[0][1]],
            "label": r.attr("ToyLabel", bid, t.line),
        }
        for bid, t in r.ann.t.items()
        if t.type == "Toy"
    ]


TOY_BRAT = BratPart(
    read=_toy_brat_read,
    write=_toy_brat_write,
    conf=lambda: BratConf(
        about=("Toys are spans of their own.",),
        span_types=(BratType("Toy", ("Toy span", "Toy"), "bgColor:#dddddd"),),
        attributes=("ToyLabel\tArg:Toy, Value:WORD",),
    ),
)


def test_a_layer_from_outside_brings_its_part(tmp_path: Path) -> None:
    with layers.registered(dataclasses.replace(TOY, formats={"brat": TOY_BRAT})):
        path = toy_document(tmp_path, [first_word()])
        doc = read_file(path).document
        assert doc is not None
        b = to_brat(doc)
        start, end = first_word()["start"], first_word()["end"]
        toy_t = [line for line in b.ann.splitlines() if f"\tToy {start} {end}\t" in line]
        assert len(toy_t) == 1
        assert f"\tToyLabel {toy_t[0].split()[0]} WORD" in b.ann
        assert "# Toys are spans of their own.\n" in annotation_conf()
        assert "ToyLabel\tArg:Toy, Value:WORD\n" in annotation_conf()
        assert "Toy | Toy span | Toy\n" in visual_conf()
        write_brat([doc], tmp_path / "brat")
        (back,) = read_brat(tmp_path / "brat")
        assert canonical_json(back) == path.read_text(encoding="utf-8")


def test_a_layer_without_a_part_is_kept_in_the_side_file(tmp_path: Path) -> None:
    with layers.registered(TOY):
        path = toy_document(tmp_path, [first_word()])
        doc = read_file(path).document
        assert doc is not None
        b = to_brat(doc)
        assert b.meta["toys"] == [first_word()]
        assert "toy1" not in b.ann
        assert [n.pointer for n in b.not_carried if n.pointer.startswith("/toys")] == ["/toys/0"]
        write_brat([doc], tmp_path / "brat")
        (back,) = read_brat(tmp_path / "brat")
        assert canonical_json(back) == path.read_text(encoding="utf-8")


def test_a_document_without_a_later_layer_round_trips(tmp_path: Path) -> None:
    """A document written before the layer: brat gives it back without the layer's key, and
    one that lists the layer as annotated with none keeps its empty array."""
    with layers.registered(dataclasses.replace(TOY, formats={"brat": TOY_BRAT})):
        for path in (FIXTURE, toy_document(tmp_path, [])):
            doc = read_file(path).document
            assert doc is not None
            b = to_brat(doc)
            assert b.meta["overrides"] == []
            back = from_brat(b.doc_id, b.txt, b.ann, json.loads(b.meta_json()))
            assert canonical_json(back) == path.read_text(encoding="utf-8")
        assert '"toys": []' in path.read_text(encoding="utf-8")


# ---------------------------------------------------------------- the text is not edited in brat


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*")
            if p.is_file()}  # fmt: skip


def test_an_edited_txt_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    brat, back = tmp_path / "brat", tmp_path / "back"
    assert main(["convert", "--to", "brat", "--out", str(brat), str(FIXTURE)]) == 0
    txt = brat / "fixture_small.txt"
    assert txt.read_text(encoding="utf-8")[30:34] == "U.S."
    txt.write_bytes(txt.read_bytes().replace(b"U.S.", b"U.K."))
    back.mkdir()
    (back / "fixture_small.json").write_bytes(FIXTURE.read_bytes())
    before, brat_before = _snapshot(back), _snapshot(brat)
    capsys.readouterr()
    assert main(["convert", "--from", "brat", str(brat), "--out", str(back)]) == 1
    err = capsys.readouterr().err.splitlines()
    old = json.loads(FIXTURE.read_text(encoding="utf-8"))["text_sha256"]
    new = hashlib.sha256(txt.read_bytes()).hexdigest()
    quote = fixture().text[1:107]
    assert err == [
        f"fixture_small.txt#: L3 brat-text-changed: text SHA-256 {new} != {old} recorded in "
        "fixture_small.meta.json: the text is not the one exported; restore the .txt that "
        "`newsgold convert --to brat` wrote and change the text in the canonical document",
        'fixture_small.ann#: L3 brat-span-text-mismatch: line 2: T2 text "our U.S. colleagues" '
        '!= .txt[26:45] "our U.K. colleagues"; correct the offsets or the text column '
        "(the .txt is the exported text)",
        'fixture_small.ann#: L3 brat-span-text-mismatch: line 4: T4 text "U.S." '
        '!= .txt[30:34] "U.K."; correct the offsets or the text column '
        "(the .txt is the exported text)",
        'fixture_small.ann#: L3 brat-span-text-mismatch: line 8: T8 text "{}" '
        '!= .txt[1:107] "{}"; correct the offsets or the text column '
        "(the .txt is the exported text)".format(quote, quote.replace("U.S.", "U.K.")),
        "*** FAILED *** newsgold convert: 4 problem(s); nothing written",
    ]
    assert _snapshot(back) == before and _snapshot(brat) == brat_before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["back", "brat"]


def test_a_t_line_whose_text_column_disagrees_is_refused(tmp_path: Path) -> None:
    write_brat([fixture()], tmp_path / "brat")
    ann = tmp_path / "brat" / "fixture_small.ann"
    ann.write_text(
        ann.read_text(encoding="utf-8").replace(
            "T6\tPERSON 109 115\tLavrov", "T6\tPERSON 109 115\tLavrv"
        ),
        encoding="utf-8",
    )
    with pytest.raises(ConversionError) as info:
        brat_to_canonical(tmp_path / "brat", tmp_path / "back")
    assert [(p.code, p.file, p.pointer, p.message) for p in info.value.problems] == [
        (
            "brat-span-text-mismatch",
            "fixture_small.ann",
            "",
            'line 6: T6 text "Lavrv" != .txt[109:115] "Lavrov"',
        )
    ]
    assert not (tmp_path / "back").exists()


def test_a_side_file_without_the_text_checksum_is_refused() -> None:
    b = to_brat(fixture())
    meta = json.loads(b.meta_json())
    assert meta["text_sha256"] == fixture().text_sha256
    del meta["text_sha256"]
    with pytest.raises(ConversionError) as info:
        from_brat(b.doc_id, b.txt, b.ann, meta)
    assert [(p.code, p.file, p.pointer) for p in info.value.problems] == [
        ("brat-side-file-invalid", "fixture_small.meta.json", "/text_sha256")
    ]


# ---------------------------------------------------------------- nothing read is dropped


UNKNOWN = "use a name that annotation.conf declares, or remove the line"
DANGLING = "refer to an annotation of this .ann, or remove the line"


@pytest.mark.parametrize(
    ("line", "code", "message", "hint"),
    [
        (
            "T12\tQoute 109 115\tLavrov",
            "brat-type-unknown",
            'line 42: span type "Qoute" is not declared in annotation.conf',
            f'did you mean "Quote"? {UNKNOWN}',
        ),
        (
            "E2\tCONSLT:T10",
            "brat-type-unknown",
            'line 42: event type "CONSLT" is not declared in annotation.conf',
            f'did you mean "CONSULT"? {UNKNOWN}',
        ),
        (
            "R10\tCorf Arg1:T3 Arg2:T1",
            "brat-type-unknown",
            'line 42: relation type "Corf" is not declared in annotation.conf',
            f'did you mean "Coref"? {UNKNOWN}',
        ),
        (
            "A13\tMentionTyp T1 PRO",
            "brat-type-unknown",
            'line 42: attribute "MentionTyp" is not declared in annotation.conf',
            f'did you mean "MentionType"? {UNKNOWN}',
        ),
        (
            "A13\tZzz T1",
            "brat-type-unknown",
            'line 42: attribute "Zzz" is not declared in annotation.conf',
            UNKNOWN,
        ),
        (
            "A13\tMentionType T99 PRO",
            "brat-reference-unknown",
            "line 42: T99 is not an annotation of this file",
            DANGLING,
        ),
        (
            "N4\tReference T99 Wikipedia:Russia\tRussia",
            "brat-reference-unknown",
            "line 42: T99 is not an annotation of this file",
            DANGLING,
        ),
        (
            "#6\tAnnotatorNotes E7\t{}",
            "brat-reference-unknown",
            "line 42: E7 is not an annotation of this file",
            DANGLING,
        ),
        (
            "R10\tCoref Arg1:T3 Arg2:T99",
            "brat-reference-unknown",
            "line 42: T99 is not an annotation of this file",
            DANGLING,
        ),
        (
            "R10\tCoref Arg1:T98 Arg2:T1",
            "brat-reference-unknown",
            "line 42: T98 is not an annotation of this file",
            DANGLING,
        ),
        (
            "E2\tCONSULT:T10 Actor:T99",
            "brat-reference-unknown",
            "line 42: T99 is not an annotation of this file",
            DANGLING,
        ),
    ],
)
def test_an_unknown_name_or_id_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], line: str, code: str, message: str,
    hint: str,
) -> None:  # fmt: skip
    brat, back = tmp_path / "brat", tmp_path / "back"
    write_brat([fixture()], brat)
    ann = brat / "fixture_small.ann"
    ann.write_bytes(ann.read_bytes() + line.encode("utf-8") + b"\n")
    before = _snapshot(brat)
    assert main(["convert", "--from", "brat", str(brat), "--out", str(back)]) == 1
    assert capsys.readouterr().err.splitlines() == [
        f"fixture_small.ann#: L{3 if 'reference' in code else 2} {code}: {message}; {hint}",
        "*** FAILED *** newsgold convert: 1 problem(s); nothing written",
    ]
    assert _snapshot(brat) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["brat"]


def test_a_crlf_ann_says_crlf(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    brat, back = tmp_path / "brat", tmp_path / "back"
    write_brat([fixture()], brat)
    ann = brat / "fixture_small.ann"
    ann.write_bytes(ann.read_bytes().replace(b"\n", b"\r\n"))
    assert main(["convert", "--from", "brat", str(brat), "--out", str(back)]) == 1
    assert capsys.readouterr().err.splitlines() == [
        "fixture_small.ann#: L1 crlf-line-ends: line 1: a CRLF line end (brat standoff has LF "
        "line ends only); save the .ann with LF line ends (for example with dos2unix)",
        "*** FAILED *** newsgold convert: 1 problem(s); nothing written",
    ]
    assert not back.exists()


WIKI_EDITS = [
    (
        "Lavrov\tSergey Lavrov",
        "Lavrov_(diplomat)\tSergey Lavrov",
        '"Sergey Lavrov (diplomat)" and its text "Sergey Lavrov"',
    ),
    (
        "Sergey_Lavrov\tSergey Lavrov",
        "Sergey_Lavrov\tSergei Lavrov",
        '"Sergey Lavrov" and its text "Sergei Lavrov"',
    ),
]


@pytest.mark.parametrize(("old", "new", "said"), WIKI_EDITS)
def test_a_wikipedia_id_and_text_that_differ_are_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], old: str, new: str, said: str
) -> None:
    """In brat the ID is the normalisation and the text only shows it: an edit to one of
    the two is refused, never resolved in silence."""
    brat, back = tmp_path / "brat", tmp_path / "back"
    write_brat([fixture()], brat)
    ann = brat / "fixture_small.ann"
    text = ann.read_text(encoding="utf-8")
    assert old in text
    ann.write_text(text.replace(old, new), encoding="utf-8")
    (line,) = [n for n, t in enumerate(ann.read_text("utf-8").split("\n"), 1) if new in t]
    assert main(["convert", "--from", "brat", str(brat), "--out", str(back)]) == 1
    assert capsys.readouterr().err.splitlines() == [
        f"fixture_small.ann#: L3 brat-annotation-invalid: line {line}: Wikipedia ID {said} "
        f"differ; correct line {line} of fixture_small.ann",
        "*** FAILED *** newsgold convert: 1 problem(s); nothing written",
    ]
    assert not back.exists()

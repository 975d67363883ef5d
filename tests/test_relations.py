"""The relations layer: a synthetic document made here, validated, stored, built into its
config, carried through brat, DocBin and HTML, scored and compared, with figures worked
out by hand."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from typing import Any

import pytest

from newsgold import layers
from newsgold.cli import main
from newsgold.convert import ConversionError
from newsgold.convert.brat import annotation_conf, from_brat, to_brat
from newsgold.convert.docbin import from_spacy_doc, to_spacy_doc
from newsgold.convert.html import render_html
from newsgold.features import config_rows
from newsgold.io import canonical_json
from newsgold.issues import CODES
from newsgold.layers.relations import subtypes
from newsgold.model import Document
from newsgold.reader import read_file
from newsgold.resources import documents_dir

FIXTURE = Path(__file__).parent / "fixtures" / "valid" / "fixture_small.json"

SENTENCES = (
    "Russian Foreign Minister Sergei Lavrov met Tillerson in Manila, Philippines.",
    "Tillerson's aide works for the State Department.",
)
TEXT = " ".join(SENTENCES)
# id, text, label, mention type, entity; the n-th occurrence of the text in TEXT
MENTIONS = (
    ("m1", "Russian", "NORP", "NAM", "e_russians", 0),
    ("m2", "Sergei Lavrov", "PERSON", "NAM", "e_lavrov", 0),
    ("m3", "Tillerson", "PERSON", "NAM", "e_tillerson", 0),
    ("m4", "Manila", "GPE", "NAM", "e_manila", 0),
    ("m5", "Philippines", "GPE", "NAM", "e_philippines", 0),
    ("m6", "Tillerson", "PERSON", "NAM", "e_tillerson", 1),
    ("m7", "Tillerson's aide", "PERSON", "NOM", "e_aide", 0),
    ("m8", "State Department", "ORG", "NAM", "e_state_department", 0),
)
GOLD = (
    ("r1", "ORG-AFF", "Employment", "m2", "m1", "Present", "PreMod"),
    ("r2", "PART-WHOLE", "Geographical", "m4", "m5", "Present", "Formulaic"),
    ("r3", "PER-SOC", "Business", "m7", "m6", "Present", "Possessive"),
    ("r4", "ORG-AFF", "Employment", "m7", "m8", "Present", "Verbal"),
)


def relation(*fields: str) -> dict[str, Any]:
    keys = ("id", "type", "subtype", "arg1", "arg2", "tense", "syntactic_class")
    return dict(zip(keys, fields, strict=True))


def document(
    relations: Any = (), annotated: bool = True, doc_id: str = "rel_doc"
) -> dict[str, Any]:
    """The synthetic document as a JSON value, in canonical key order."""
    base = json.loads(FIXTURE.read_text(encoding="utf-8"))
    sentences, at = [], 0
    for i, s in enumerate(SENTENCES, 1):
        start = TEXT.index(s, at)
        sentences.append({"id": f"s{i}", "start": start, "end": start + len(s), "text": s})
        at = start + len(s)
    mentions = []
    for ident, text, label, mtype, entity, nth in MENTIONS:
        start = [m.start() for m in re.finditer(re.escape(text), TEXT)][nth]
        mentions.append(
            {
                "id": ident,
                "start": start,
                "end": start + len(text),
                "text": text,
                "label": label,
                "mention_type": mtype,
                "entity_id": entity,
            }
        )
    entities = []
    for _, text, label, _, entity, _ in MENTIONS:
        if entity not in [e["id"] for e in entities]:
            entities.append(
                {
                    "id": entity,
                    "name": text,
                    "type": label,
                    "wikipedia": None,
                    "members": [],
                    "description": f"The referent of {text}.",
                }
            )
    value: dict[str, Any] = {
        "id": doc_id,
        "schema_version": base["schema_version"],
        "metadata": base["metadata"],
        "text": TEXT,
        "text_sha256": hashlib.sha256(TEXT.encode("utf-8")).hexdigest(),
        "annotated_layers": ["sentences", "mentions", "entities"]
        + (["relations"] if annotated else []),
        "sentences": sentences,
        "mentions": mentions,
        "entities": entities,
        "quotes": [],
        "events": [],
        "stance": [],
    }
    if annotated:
        value["relations"] = [relation(*r) if isinstance(r, tuple) else r for r in relations]
    return value


def write(folder: Path, value: dict[str, Any]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{value['id']}.json"
    path.write_text(json.dumps(value, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return path


def gold_document() -> Document:
    return Document.from_dict(document(GOLD))


# ---------------------------------------------------------------- the record and its checks


def test_the_layer_is_registered_after_stance_with_its_codes() -> None:
    assert layers.names()[-2:] == ("stance", "relations")
    for code in (
        "relation-subtype-type",
        "relation-argument-type",
        "relation-cross-sentence",
        "relation-self",
        "relation-same-entity",
        "relation-duplicate",
    ):
        assert CODES[code].level == 3 and CODES[code].domain == "document"


def test_the_subtype_table_is_aces() -> None:
    table = subtypes()
    assert len(table) == 18
    assert [n for n, s in table.items() if s.symmetric] == [
        "Near",
        "Business",
        "Family",
        "Lasting-Personal",
    ]
    assert table["Employment"].arg2 == ("ORG", "GPE", "NORP")  # NORP stands for its state
    assert "NORP" in table["Citizen-Resident-Religion-Ethnicity"].arg2


def test_the_synthetic_document_validates_and_round_trips(tmp_path: Path) -> None:
    path = write(tmp_path, document(GOLD))
    result = read_file(path)
    assert result.problems == []
    assert result.document is not None
    assert canonical_json(result.document) == path.read_text(encoding="utf-8")
    first = result.document.layer("relations")[0]
    assert (first.id, first.type, first.subtype, first.arg1, first.arg2) == (
        "r1",
        "ORG-AFF",
        "Employment",
        "m2",
        "m1",
    )
    assert result.document.record("relations", "r4").arg2 == "m8"


def test_an_unannotated_layer_stays_out_of_the_document(tmp_path: Path) -> None:
    path = write(tmp_path, document(annotated=False))
    result = read_file(path)
    assert result.problems == []
    assert result.document is not None
    assert "relations" not in result.document.to_dict()
    assert canonical_json(result.document) == path.read_text(encoding="utf-8")


def test_an_annotated_layer_without_its_array_is_refused(tmp_path: Path) -> None:
    value = document(annotated=False)
    value["annotated_layers"].append("relations")
    problems = read_file(write(tmp_path, value)).problems
    assert [(p.code, p.pointer) for p in problems] == [
        ("annotated-layer-missing", "/annotated_layers/3")
    ]


def test_annotated_with_none_is_an_empty_array(tmp_path: Path) -> None:
    path = write(tmp_path, document([]))
    result = read_file(path)
    assert result.problems == []
    assert result.document is not None
    assert result.document.to_dict()["relations"] == []
    assert canonical_json(result.document) == path.read_text(encoding="utf-8")


def test_records_without_annotated_layer_are_reported(tmp_path: Path) -> None:
    value = document(GOLD)
    value["annotated_layers"].remove("relations")
    problems = read_file(write(tmp_path, value)).problems
    assert [(p.code, p.pointer) for p in problems] == [("layer-not-annotated", "/relations")]


BAD = [  # (type, subtype, arg1, arg2), code, where
    (("PHYS", "Located", "m4", "m5"), "relation-argument-type", "arg1"),
    (("GEN-AFF", "Org-Location", "m8", "m7"), "relation-argument-type", "arg2"),
    (("ORG-AFF", "Employment", "m6", "m7"), "relation-argument-type", "arg2"),
    (("PHYS", "Employment", "m2", "m1"), "relation-subtype-type", "subtype"),
    (("PHYS", "Located", "m6", "m4"), "relation-cross-sentence", "arg2"),
    (("PER-SOC", "Business", "m7", "m3"), "relation-cross-sentence", "arg2"),
    (("PER-SOC", "Business", "m3", "m3"), "relation-self", "arg2"),
    (("PER-SOC", "Business", "m6", "m7"), "relation-duplicate", ""),
    (("ORG-AFF", "Employment", "m7", "m9"), "dangling-reference", "arg2"),
]


@pytest.mark.parametrize(("bad", "code", "where"), BAD)
def test_each_check_reports_its_code_at_its_place(
    tmp_path: Path, bad: tuple[str, ...], code: str, where: str
) -> None:
    problems = read_file(write(tmp_path, document([*GOLD, ("r9", *bad, "Past", "Other")]))).problems
    at = "/relations/4" + (f"/{where}" if where else "")
    assert [(p.code, p.pointer) for p in problems] == [(code, at)]


def test_a_mention_across_two_sentences_cannot_be_an_argument(tmp_path: Path) -> None:
    value = document([("r1", "PER-SOC", "Business", "m9", "m6", "Present", "Other")])
    start = TEXT.index("Philippines")
    end = TEXT.index("aide") + len("aide")
    text = TEXT[start:end]  # "Philippines. Tillerson's aide": a NOM span over the boundary
    value["mentions"].append(
        {"id": "m9", "start": start, "end": end, "text": text, "label": "PERSON",
         "mention_type": "NOM", "entity_id": "e_aide"}
    )  # fmt: skip
    problems = read_file(write(tmp_path, value)).problems
    assert [(p.code, p.pointer) for p in problems] == [
        ("relation-cross-sentence", "/relations/0/arg2")
    ]
    assert 'arg1 "m9" is in sentence s1, s2, arg2 "m6" in s2' in problems[0].message


def test_the_same_entity_in_one_sentence_is_refused(tmp_path: Path) -> None:
    value = document([("r1", "PER-SOC", "Business", "m6", "m7", "Present", "Possessive")])
    value["mentions"][6]["entity_id"] = "e_tillerson"  # the aide now is Tillerson
    value["entities"] = [e for e in value["entities"] if e["id"] != "e_aide"]
    value["mentions"][6]["label"] = "PERSON"
    problems = read_file(write(tmp_path, value)).problems
    assert [(p.code, p.pointer) for p in problems] == [
        ("relation-same-entity", "/relations/0/arg2")
    ]


def test_a_non_symmetric_pair_in_both_orders_is_no_duplicate(tmp_path: Path) -> None:
    swapped = ("r9", "PART-WHOLE", "Geographical", "m5", "m4", "Present", "Formulaic")
    assert read_file(write(tmp_path, document([*GOLD, swapped]))).problems == []


def test_an_unknown_label_is_a_schema_problem(tmp_path: Path) -> None:
    bad = ("r9", "PHYS", "Nearby", "m3", "m4", "Future", "Other")
    problems = read_file(write(tmp_path, document([*GOLD, bad]))).problems
    assert [(p.code, p.pointer) for p in problems] == [("schema-enum", "/relations/4/subtype")]


# ---------------------------------------------------------------- the config


def test_config_rows_name_both_arguments() -> None:
    rows = config_rows("relations", gold_document())
    assert len(rows) == 4
    s2 = len(SENTENCES[0]) + 1
    assert rows[2] == {
        "doc_id": "rel_doc",
        "id": "r3",
        "type": "PER-SOC",
        "subtype": "Business",
        "arg1_mention_id": "m7",
        "arg1": {"start": s2, "end": s2 + 16, "text": "Tillerson's aide"},
        "arg1_label": "PERSON",
        "arg1_entity_id": "e_aide",
        "arg1_entity_name": "Tillerson's aide",
        "arg2_mention_id": "m6",
        "arg2": {"start": s2, "end": s2 + 9, "text": "Tillerson"},
        "arg2_label": "PERSON",
        "arg2_entity_id": "e_tillerson",
        "arg2_entity_name": "Tillerson",
        "tense": "Present",
        "syntactic_class": "Possessive",
        "sentence_id": "s2",
    }
    assert rows[0]["arg2"] == {"start": 0, "end": 7, "text": "Russian"}
    assert rows[0]["sentence_id"] == "s1"


def test_no_rows_without_the_layer() -> None:
    assert config_rows("relations", Document.from_dict(document(annotated=False))) == []


# ---------------------------------------------------------------- formats


def ours(ann: str) -> list[str]:
    """The R lines of the relations layer (the mentions layer writes Coref lines)."""
    return [x for x in ann.splitlines() if x.startswith("R") and "\tCoref " not in x]


def test_brat_relation_lines_round_trip() -> None:
    doc = gold_document()
    out = to_brat(doc)
    t_of = {out.meta["ids"][bid]: bid for bid in out.meta["ids"] if bid.startswith("T")}
    rid = {out.meta["ids"][bid]: bid for bid in out.meta["ids"] if bid.startswith("R")}
    assert [x.split("\t", 1)[1] for x in ours(out.ann)] == [
        f"ORG-AFF_Employment Arg1:{t_of['m2']} Arg2:{t_of['m1']}",
        f"PART-WHOLE_Geographical Arg1:{t_of['m4']} Arg2:{t_of['m5']}",
        f"PER-SOC_Business Arg1:{t_of['m7']} Arg2:{t_of['m6']}",
        f"ORG-AFF_Employment Arg1:{t_of['m7']} Arg2:{t_of['m8']}",
    ]
    assert [x.split("\t", 1)[0] for x in ours(out.ann)] == [rid[f"r{i}"] for i in range(1, 5)]
    assert f"\tRelationTense {rid['r3']} Present\n" in out.ann
    assert f"\tSyntacticClass {rid['r3']} Possessive\n" in out.ann
    assert out.meta["overrides"] == []  # the .ann lines carry every value
    back = from_brat(out.doc_id, out.txt, out.ann, json.loads(out.meta_json()))
    assert canonical_json(back) == canonical_json(doc)


def test_brat_edits_of_relations_are_read() -> None:
    out = to_brat(gold_document())
    rid = {out.meta["ids"][bid]: bid for bid in out.meta["ids"] if bid.startswith("R")}
    r2 = rid["r2"]
    ann = out.ann.replace(f"SyntacticClass {r2} Formulaic", f"SyntacticClass {r2} Other")
    assert ann != out.ann
    back = from_brat(out.doc_id, out.txt, ann, json.loads(out.meta_json()))
    assert back.record("relations", "r2").syntactic_class == "Other"
    conf = annotation_conf()
    assert "PER-SOC_Business\tArg1:PERSON, Arg2:PERSON" in conf
    assert "RelationTense\tArg:<RELATION>, Value:Past|Present|Future|Unspecified" in conf


def test_brat_relation_without_its_tense_is_refused() -> None:
    out = to_brat(gold_document())
    rid = {out.meta["ids"][bid]: bid for bid in out.meta["ids"] if bid.startswith("R")}
    lines = [x for x in out.ann.splitlines() if f"RelationTense {rid['r4']} " not in x]
    with pytest.raises(ConversionError) as err:
        from_brat(out.doc_id, out.txt, "\n".join(lines) + "\n", json.loads(out.meta_json()))
    assert f"{rid['r4']} has no RelationTense attribute" in str(err.value)


def test_docbin_carries_the_relations() -> None:
    doc = gold_document()
    spacy_doc, lost = to_spacy_doc(doc)
    assert [x.pointer for x in lost if x.pointer.startswith("/relations")] == []
    assert spacy_doc.user_data["newsgold"]["relations"][0] == relation(*GOLD[0])
    assert canonical_json(from_spacy_doc(spacy_doc)) == canonical_json(doc)
    plain = Document.from_dict(document(annotated=False))
    assert canonical_json(from_spacy_doc(to_spacy_doc(plain)[0])) == canonical_json(plain)


def test_html_lists_the_relations() -> None:
    page = render_html([gold_document()])
    assert "<h3>Relations (4)</h3>" in page
    assert "PER-SOC.Business" in page
    assert "4 relations" in page
    assert ' ↔ <span class="chip" data-id="m6"' in page  # symmetric
    assert ' → <span class="chip" data-id="m1"' in page


# ---------------------------------------------------------------- evaluate


def pred(*fields: str) -> dict[str, Any]:
    """A predicted relation: id, type, subtype, arg1, arg2 (no tense or class)."""
    return dict(zip(("id", "type", "subtype", "arg1", "arg2"), fields, strict=True))


def prediction(relations: list[dict[str, Any]], doc_id: str = "rel_doc") -> dict[str, Any]:
    value = document(doc_id=doc_id)
    return {
        "id": doc_id,
        "mentions": value["mentions"],
        "entities": value["entities"],
        "relations": relations,
    }


def score(
    tmp_path: Path, pred: Any, capsys: pytest.CaptureFixture[str], jsonl: bool = False
) -> Any:
    gold = write(tmp_path / "gold", document(GOLD))
    path = tmp_path / ("pred.jsonl" if jsonl else "pred.json")
    text = "".join(json.dumps(x) + "\n" for x in pred) if jsonl else json.dumps(pred)
    path.write_text(text, encoding="utf-8")
    args = ["evaluate", "--layer", "relations", "--pred", str(path), "--gold", str(gold.parent)]
    code = main([*args, "--format", "json"])
    return code, json.loads(capsys.readouterr().out)


def figures(value: dict[str, Any]) -> tuple[Any, ...]:
    return (
        value["correct"],
        value["predicted"],
        value["gold"],
        value["precision"],
        value["recall"],
        value["f1"],
    )


def test_gold_as_prediction_scores_one(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, report = score(tmp_path, document(GOLD), capsys)
    assert code == 0
    assert figures(report["mention_strict"]) == (4, 4, 4, 1.0, 1.0, 1.0)
    assert figures(report["entity_level"]) == (4, 4, 4, 1.0, 1.0, 1.0)


def test_mention_and_entity_level_by_hand(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    value = prediction(
        [
            pred("p1", "ORG-AFF", "Employment", "m2", "m1"),  # r1: right
            pred("p2", "PART-WHOLE", "Geographical", "m5", "m4"),  # r2 reversed: wrong
            pred("p3", "PER-SOC", "Business", "m6", "m7"),  # r3 reversed, symmetric: right
            pred("p4", "PER-SOC", "Business", "m7", "m3"),  # r3's entities, other mention
            pred("p5", "PHYS", "Located", "m3", "m4"),  # not in the gold
        ]
    )
    code, report = score(tmp_path, value, capsys)
    assert code == 0
    # mentions: 2 correct of 5 predicted and 4 gold: P 0.4, R 0.5, F1 0.8/1.8
    assert figures(report["mention_strict"]) == (2, 5, 4, 0.4, 0.5, 0.4444)
    # entity pairs: p3 and p4 are one pair; {r1, r2 reversed, r3, Located}: 2 of 4, 4 gold
    assert figures(report["entity_level"]) == (2, 4, 4, 0.5, 0.5, 0.5)
    by_type = report["by_type"]
    assert sorted(by_type) == ["ORG-AFF", "PART-WHOLE", "PER-SOC", "PHYS"]
    assert figures(by_type["PER-SOC"]) == (1, 2, 1, 0.5, 1.0, 0.6667)
    assert figures(by_type["ORG-AFF"]) == (1, 1, 2, 1.0, 0.5, 0.6667)
    assert figures(by_type["PHYS"])[:3] == (0, 1, 0)
    assert figures(by_type["PART-WHOLE"]) == (0, 1, 1, 0.0, 0.0, 0.0)


def test_jsonl_records_score_on_spans(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    m = {x["id"]: x for x in document()["mentions"]}

    def span(ident: str) -> dict[str, Any]:
        return {"start": m[ident]["start"], "end": m[ident]["end"]}

    records = [
        {
            "doc_id": "rel_doc",
            "layer": "relations",
            "type": "ORG-AFF",
            "subtype": "Employment",
            "arg1": span("m2"),
            "arg2": span("m1"),
        },
        {
            "doc_id": "rel_doc",
            "layer": "relations",
            "type": "PER-SOC",
            "subtype": "Business",
            "arg1": span("m6"),
            "arg2": span("m7"),
        },
    ]
    code, report = score(tmp_path, records, capsys, jsonl=True)
    assert code == 0
    assert figures(report["mention_strict"]) == (2, 2, 4, 1.0, 0.5, 0.6667)
    # a record's argument stands alone: its span aligns to the entity holding it
    assert figures(report["entity_level"]) == (2, 2, 4, 1.0, 0.5, 0.6667)


def test_a_symmetric_prediction_twice_is_a_duplicate(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    value = prediction(
        [
            pred("p1", "PER-SOC", "Business", "m7", "m6"),
            pred("p2", "PER-SOC", "Business", "m6", "m7"),
        ]
    )
    code, report = score(tmp_path, value, capsys)
    assert code == 1
    assert [(p["code"], p["pointer"]) for p in report["problems"]] == [
        ("duplicate-prediction", "/relations/1")
    ]


def test_a_prediction_with_a_dangling_argument_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    value = prediction([pred("p1", "PER-SOC", "Business", "m7", "m99")])
    code, report = score(tmp_path, value, capsys)
    assert code == 1
    assert [(p["code"], p["pointer"]) for p in report["problems"]] == [
        ("dangling-reference", "/relations/0/arg2")
    ]


# ---------------------------------------------------------------- agreement


def test_agreement_by_hand(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    a = write(tmp_path / "a", document(GOLD))
    b_value = document(
        [
            ("r1", "ORG-AFF", "Employment", "m2", "m1", "Present", "PreMod"),  # same
            ("r2", "PART-WHOLE", "Geographical", "m5", "m4", "Present", "Formulaic"),  # order
            ("r3", "PER-SOC", "Lasting-Personal", "m6", "m7", "Past", "Possessive"),  # type
            ("r5", "PHYS", "Located", "m3", "m4", "Past", "Preposition"),  # not in A
        ]
    )
    b = write(tmp_path / "b", b_value)
    code = main(["agreement", str(a), str(b), "--layer", "relations", "--format", "json"])
    assert code == 0
    metrics = json.loads(capsys.readouterr().out)["metrics"]

    def prf(x: dict[str, Any]) -> tuple[Any, ...]:
        return (x["a_matched"], x["a_total"], x["b_total"], x["precision"], x["recall"], x["f1"])

    # argument pairs r1, r2, r3 match (r4 and r5 do not): 3/4 each way
    assert prf(metrics["arguments"]) == (3, 4, 4, 0.75, 0.75, 0.75)
    # with type and order: r1 only
    assert prf(metrics["arguments_and_type"]) == (1, 4, 4, 0.25, 0.25, 0.25)
    # entity level: r1 and... r2 reversed differs, r3 another subtype: 1 of 4
    assert prf(metrics["entity_level"]) == (1, 4, 4, 0.25, 0.25, 0.25)
    tense = metrics["tense"]
    # on the 3 argument-matched pairs: Present/Present twice, Present/Past once;
    # p_o 2/3, p_e (3/3)(2/3) = 2/3: kappa 0
    assert (tense["n"], tense["agreed"], tense["observed"], tense["kappa"]) == (3, 2, 0.6667, 0.0)
    sc = metrics["syntactic_class"]
    assert (sc["n"], sc["agreed"], sc["observed"]) == (3, 3, 1.0)
    assert metrics["type"]["agreed"] == 2


def test_agreement_of_gold_with_itself_is_perfect(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    a = write(tmp_path / "a", document(GOLD))
    code = main(["agreement", str(a), str(a), "--layer", "relations", "--format", "json"])
    assert code == 0
    metrics = json.loads(capsys.readouterr().out)["metrics"]
    for key in ("arguments", "arguments_and_type", "entity_level"):
        assert metrics[key]["f1"] == 1.0
    assert metrics["tense"]["observed"] == 1.0


def test_the_corpus_scores_its_own_relations(capsys: pytest.CaptureFixture[str]) -> None:
    """Gold as prediction scores 1.0 where the corpus annotates relations; where no document
    does yet, scoring is refused (gold-layer-not-annotated), not reported as perfect."""
    annotated = []
    for path in sorted(documents_dir().glob("*.json")):
        result = read_file(path)
        assert result.problems == [] and result.document is not None
        listed = "relations" in result.document.annotated_layers
        assert ('"relations": [' in path.read_text(encoding="utf-8")) == listed
        annotated.append(listed)
    corpus = str(documents_dir())
    code = main(["evaluate", "--layer", "relations", "--pred", corpus, "--format", "json"])
    report = json.loads(capsys.readouterr().out)
    if any(annotated):
        assert code == 0
        assert report["mention_strict"]["f1"] == report["entity_level"]["f1"] == 1.0
    else:
        assert code == 1
        assert [p["code"] for p in report["problems"]] == ["gold-layer-not-annotated"]

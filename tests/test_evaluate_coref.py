"""evaluate --layer coref and --layer linking, and convert --to conll2012.

The reference scorer's own cases (test_agreement.REFERENCE_CASES, cases A1-A4 of
test/CorefMetricTestConfig.pm of the CoNLL-2012 reference scorer v8.01) and the
twinless example are scored here through the evaluate path: a gold document and a
prediction written to files, read, validated, aligned and scored. The CoNLL-2012
export of the corpus and of a perturbed copy is read back and scored by scorch, an
independent implementation, and compared with evaluate on the same prediction.
"""

from __future__ import annotations

import copy
import hashlib
import json
from collections.abc import Hashable, Sequence
from pathlib import Path
from typing import Any

import pytest

from newsgold.cli import main
from newsgold.convert import tagging_view
from newsgold.convert.conll2012 import (
    FILE_NAME,
    Conll2012Document,
    conll2012_text,
    read_conll2012,
    write_conll2012,
)
from newsgold.evaluate import PredictionError, evaluate, report_dict
from newsgold.io import canonical_json
from newsgold.model import Document
from newsgold.reader import documents
from newsgold.resources import documents_dir
from newsgold.scoring import ceaf_e_pairs
from newsgold.tokens import tokenize, tokenize_sentence
from test_agreement import KEY_A, REFERENCE_CASES, TWINLESS_KEY, TWINLESS_RESPONSE

SMALL = Path(__file__).parent / "fixtures" / "valid" / "fixture_small.json"
CORPUS = sorted(documents_dir().glob("*.json"))

# One person a letter: the mentions of the reference scorer's cases.
NAMES = {
    "a": "Alice",
    "b": "Bob",
    "c": "Carol",
    "d": "Dave",
    "e": "Erin",
    "f": "Frank",
    "g": "Greta",
    "h": "Hank",
    "i": "Iris",
    "x": "Xavier",
    "y": "Yvonne",
    "z": "Zoe",
}
TEXT = ", ".join(NAMES.values()) + " met."
SPANS = {k: (TEXT.index(v), TEXT.index(v) + len(v)) for k, v in NAMES.items()}
DOC_ID = "coref_cases"


def gold_document(key: Sequence[frozenset[Hashable]], doc_id: str = DOC_ID) -> dict[str, Any]:
    """A valid gold document whose entities are the clusters of ``key`` (letters)."""
    value: dict[str, Any] = json.loads(SMALL.read_text(encoding="utf-8"))
    letters = sorted((x for c in key for x in c), key=lambda x: SPANS[str(x)])
    entity_of = {x: n for n, c in enumerate(key) for x in c}
    value.update(
        id=doc_id,
        text=TEXT,
        text_sha256=hashlib.sha256(TEXT.encode("utf-8")).hexdigest(),
        annotated_layers=["sentences", "mentions", "entities"],
        sentences=[{"id": "s1", "start": 0, "end": len(TEXT), "text": TEXT}],
        quotes=[],
        events=[],
        stance=[],
    )
    value["mentions"] = [
        {
            "id": f"m{k + 1}",
            "start": SPANS[str(x)][0],
            "end": SPANS[str(x)][1],
            "text": NAMES[str(x)],
            "label": "PERSON",
            "mention_type": "NAM",
            "entity_id": f"e{entity_of[x]}",
        }
        for k, x in enumerate(letters)
    ]
    value["entities"] = [
        {
            "id": f"e{n}",
            "name": " and ".join(NAMES[str(x)] for x in sorted(c, key=str)),
            "type": "PERSON",
            "wikipedia": None,
            "members": [],
            "description": "A person of the test.",
        }
        for n, c in enumerate(key)
    ]
    return value


def write_gold(tmp_path: Path, key: Sequence[frozenset[Hashable]], doc_id: str = DOC_ID) -> Path:
    path = tmp_path / "gold" / f"{doc_id}.json"
    path.parent.mkdir(exist_ok=True)
    value = gold_document(key, doc_id)
    path.write_text(canonical_json(Document.from_dict(value)), encoding="utf-8")
    return path


def prediction_document(
    response: Sequence[frozenset[Hashable]], doc_id: str = DOC_ID
) -> dict[str, Any]:
    """A prediction document: one mention a letter, linked to its response cluster."""
    mentions = [
        {
            "start": SPANS[str(x)][0],
            "end": SPANS[str(x)][1],
            "label": "PERSON",
            "entity_id": f"r{j}",
        }
        for j, c in enumerate(response)
        for x in sorted(c, key=str)
    ]
    return {
        "id": doc_id,
        "mentions": mentions,
        "entities": [{"id": f"r{j}"} for j in range(len(response))],
    }


def coref_records(response: Sequence[frozenset[Hashable]]) -> str:
    """The same response as ``coref`` layer records, one entity a line."""
    lines = [
        {
            "doc_id": DOC_ID,
            "layer": "coref",
            "mentions": [
                {"start": SPANS[str(x)][0], "end": SPANS[str(x)][1]} for x in sorted(c, key=str)
            ],
        }
        for c in response
    ]
    return "".join(json.dumps(line) + "\n" for line in lines)


def scores_of(report: dict[str, Any]) -> dict[str, tuple[float, float, float]]:
    c = report["coreference"]
    return {
        m: (c[m]["recall"], c[m]["precision"], c[m]["f1"]) for m in ("muc", "b_cubed", "ceaf_e")
    }


# ---------------------------------------------------------------- the reference scorer's cases


@pytest.mark.parametrize(
    ("case", "response", "expected"), REFERENCE_CASES, ids=[c[0] for c in REFERENCE_CASES]
)
def test_reference_scorer_cases_through_evaluate(
    case: str,
    response: list[frozenset[Hashable]],
    expected: dict[str, tuple[float, float]],
    tmp_path: Path,
) -> None:
    gold = write_gold(tmp_path, KEY_A)
    as_document = tmp_path / "pred.json"
    as_document.write_text(json.dumps(prediction_document(response)), encoding="utf-8")
    as_records = tmp_path / "pred.jsonl"
    as_records.write_text(coref_records(response), encoding="utf-8")
    for pred in (as_document, as_records):
        report = report_dict(evaluate("coref", pred, gold))
        found = scores_of(report)
        for metric, (recall, precision) in expected.items():
            f1 = 2 * recall * precision / (recall + precision)
            assert found[metric] == pytest.approx((recall, precision, f1), abs=1e-4), (case, metric)
        mean = sum(found[m][2] for m in found) / 3
        assert report["coreference"]["conll_f1"] == pytest.approx(mean, abs=1e-4)
    # The published F1 of A2: MUC 0.5, B-cubed 14/25, CEAF-e 0.72.
    if case == "A2":
        assert [found[m][2] for m in ("muc", "b_cubed", "ceaf_e")] == [0.5, 0.56, 0.72]
        # Mention detection: 3 of the 6 gold mentions, all 3 predicted ones right.
        assert (report["mentions"]["correct"], report["mentions"]["predicted"]) == (3, 3)


def test_twinless_mentions_through_evaluate(tmp_path: Path) -> None:
    # Worked by hand in test_agreement: MUC 0.4, B-cubed 5/11, CEAF-e 0.52.
    gold = write_gold(tmp_path, TWINLESS_KEY)
    pred = tmp_path / "pred.json"
    pred.write_text(json.dumps(prediction_document(TWINLESS_RESPONSE)), encoding="utf-8")
    report = report_dict(evaluate("coref", pred, gold))
    found = scores_of(report)
    assert found["muc"] == pytest.approx((0.4, 0.4, 0.4), abs=1e-4)
    assert found["b_cubed"] == pytest.approx((35 / 84, 0.5, 5 / 11), abs=1e-4)
    assert found["ceaf_e"] == pytest.approx((0.65, 1.3 / 3, 0.52), abs=1e-4)
    assert report["coreference"]["conll_f1"] == pytest.approx((0.4 + 5 / 11 + 0.52) / 3, abs=1e-4)
    # e is only in the gold, h and i only in the prediction: 7 of 7 gold, 7 of 8 predicted.
    assert report["mentions"] == {
        "correct": 6,
        "predicted": 8,
        "gold": 7,
        "precision": 0.75,
        "recall": round(6 / 7, 4),
        "f1": round(2 * 0.75 * (6 / 7) / (0.75 + 6 / 7), 4),
    }
    # The CEAF-e alignment behind the linking figures: K1-R1 and K2-R3.
    assert ceaf_e_pairs(TWINLESS_KEY, TWINLESS_RESPONSE) == [(0, 0), (1, 2)]


def test_reference_case_through_the_cli(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _, response, expected = REFERENCE_CASES[3]  # A4
    gold = write_gold(tmp_path, KEY_A)
    pred = tmp_path / "pred.json"
    pred.write_text(json.dumps(prediction_document(response)), encoding="utf-8")
    args = ["evaluate", "--layer", "coref", "--pred", str(pred), "--gold", str(gold)]
    assert main([*args, "--format", "json"]) == 0
    found = scores_of(json.loads(capsys.readouterr().out))
    assert found["muc"][:2] == pytest.approx(expected["muc"], abs=1e-4)
    assert found["ceaf_e"][:2] == pytest.approx(expected["ceaf_e"], abs=1e-4)
    assert main(args) == 0
    table = capsys.readouterr().out
    assert "  MUC                               0.3333  0.3333  0.3333  A 1/3  B 1/3" in table
    assert "CoNLL F1 (mean of the three F1)" in table


# ---------------------------------------------------------------- the corpus as its own prediction


@pytest.mark.parametrize("layer", ["coref", "linking"])
def test_the_gold_as_its_own_prediction_scores_one(layer: str) -> None:
    report = report_dict(evaluate(layer, CORPUS[0]))
    if layer == "coref":
        for block in ("coreference", "coreference_without_singletons"):
            assert report[block]["conll_f1"] == 1.0
        assert report["mentions"]["f1"] == 1.0
        gold = json.loads(CORPUS[0].read_text(encoding="utf-8"))
        assert report["coreference"]["a_mentions"] == len(gold["mentions"])
    else:
        assert report["entity_accuracy"]["observed"] == 1.0
        assert report["mention_accuracy"]["observed"] == 1.0
        assert report["mention_title_pairs"]["f1"] == 1.0


# ---------------------------------------------------------------- linking, worked by hand


def test_linking_worked_by_hand(tmp_path: Path) -> None:
    # fixture_small: Lavrov {I, Lavrov} "Sergey Lavrov"; Russia {We, our} "Russia";
    # United States {our U.S. colleagues, U.S.} "United States"; Sunday {Sunday} NIL.
    # Predicted: p1 {I, Lavrov} "sergey_lavrov" (the same title in another form);
    # p2 {We} "Russia"; p3 {our, our U.S. colleagues} NIL; p4 {U.S.} "United Kingdom";
    # p5 {Sunday} with no title (NIL).
    def m(start: int, end: int, entity: str) -> dict[str, Any]:
        return {"start": start, "end": end, "label": "PERSON", "entity_id": entity}

    pred = {
        "id": "fixture_small",
        "mentions": [
            m(68, 69, "p1"),
            m(109, 115, "p1"),
            m(1, 3, "p2"),
            m(26, 29, "p3"),
            m(26, 45, "p3"),
            m(30, 34, "p4"),
            m(121, 127, "p5"),
        ],
        "entities": [
            {"id": "p1", "wikipedia": "sergey_lavrov"},
            {"id": "p2", "wikipedia": "Russia"},
            {"id": "p3", "wikipedia": None},
            {"id": "p4", "wikipedia": "United Kingdom"},
            {"id": "p5"},
        ],
    }
    path = tmp_path / "pred.json"
    path.write_text(json.dumps(pred), encoding="utf-8")
    report = report_dict(evaluate("linking", path, SMALL))
    # CEAF-e: Lavrov-p1 (phi4 1), Russia-p2 (2/3), United States-p4 (2/3), Sunday-p5 (1);
    # p3 (1/2 with Russia or the US) is left out. Titles agree for Lavrov, Russia and
    # Sunday (NIL = NIL), not for the United States.
    assert report["entity_accuracy"] == {"n": 4, "agreed": 3, "observed": 0.75}
    # Every predicted span is a gold mention's: I, Lavrov, We and Sunday agree; our and
    # our U.S. colleagues (NIL against a title) and U.S. (another title) do not.
    assert report["mention_accuracy"] == {"n": 7, "agreed": 4, "observed": round(4 / 7, 4)}
    # Pairs of linked mentions: gold 6 (Sunday is NIL), predicted 4 (I, Lavrov, We, U.S.).
    pairs = report["mention_title_pairs"]
    assert (pairs["correct"], pairs["predicted"], pairs["gold"]) == (3, 4, 6)
    titles = report["document_titles"]
    assert (titles["correct"], titles["predicted"], titles["gold"]) == (2, 3, 3)


# ---------------------------------------------------------------- attacks on the prediction


def test_one_span_linked_to_two_entities_is_refused_in_records(tmp_path: Path) -> None:
    gold = write_gold(tmp_path, KEY_A)
    pred = tmp_path / "pred.jsonl"
    pred.write_text(coref_records([frozenset("ab"), frozenset("bc")]), encoding="utf-8")
    with pytest.raises(PredictionError) as caught:
        evaluate("coref", pred, gold)
    assert [(p.code, p.pointer) for p in caught.value.problems] == [("duplicate-mention", "/1")]
    b = SPANS["b"]
    assert f"mention span {b[0]}-{b[1]} is predicted twice" in caught.value.problems[0].message
    # A span given twice inside one record.
    a = {"start": SPANS["a"][0], "end": SPANS["a"][1]}
    pred.write_text(
        json.dumps({"doc_id": DOC_ID, "layer": "coref", "mentions": [a, dict(a, text="Alice")]})
        + "\n",
        encoding="utf-8",
    )
    with pytest.raises(PredictionError) as caught:
        evaluate("coref", pred, gold)
    assert [(p.code, p.pointer) for p in caught.value.problems] == [
        ("duplicate-mention", "/0/mentions/1")
    ]


def test_one_span_in_a_document_and_a_record_is_refused(tmp_path: Path) -> None:
    gold = write_gold(tmp_path, KEY_A)
    pred = tmp_path / "pred.jsonl"
    document = json.dumps(prediction_document([frozenset("ab")]))
    pred.write_text(document + "\n" + coref_records([frozenset("bc")]), encoding="utf-8")
    with pytest.raises(PredictionError) as caught:
        evaluate("coref", pred, gold)
    assert [p.code for p in caught.value.problems] == ["duplicate-mention"]


def test_one_span_given_twice_for_one_entity_is_one_mention(tmp_path: Path) -> None:
    gold = write_gold(tmp_path, KEY_A)
    value = prediction_document([frozenset("a"), frozenset("bc"), frozenset("def")])
    # NER may give a span two labels; for coreference it stays one mention.
    value["mentions"].append(dict(value["mentions"][1], label="NORP"))
    # A mention without entity_id whose span a linked mention has is that mention.
    unlinked = {k: v for k, v in value["mentions"][2].items() if k != "entity_id"}
    value["mentions"].append(dict(unlinked, label="NORP"))
    pred = tmp_path / "pred.json"
    pred.write_text(json.dumps(value), encoding="utf-8")
    report = report_dict(evaluate("coref", pred, gold))
    assert report["coreference"]["conll_f1"] == 1.0
    assert report["mentions"]["predicted"] == 6


def test_a_mention_without_entity_is_a_singleton(tmp_path: Path) -> None:
    gold = write_gold(tmp_path, KEY_A)
    value = prediction_document([frozenset("a"), frozenset("bc"), frozenset("def")])
    for mention in value["mentions"]:
        del mention["entity_id"]
    pred = tmp_path / "pred.json"
    pred.write_text(json.dumps(value), encoding="utf-8")
    report = report_dict(evaluate("coref", pred, gold))
    # Six singletons against {a} {b,c} {d,e,f}: MUC recall 0, B-cubed R = (1 + 1 + 1) / 6.
    assert report["coreference"]["muc"]["recall"] == 0.0
    assert report["coreference"]["b_cubed"]["recall"] == 0.5
    assert report["coreference"]["b_cubed"]["precision"] == 1.0


def test_conflicting_entity_ids_do_not_hide_behind_the_ner_view(tmp_path: Path) -> None:
    # Scoring NER reads the whole prediction: the conflict is reported there too, once.
    pred = Path(__file__).parent / "fixtures" / "predictions" / "invalid" / "duplicate-mention.json"
    for layer in ("ner", "coref", "linking"):
        with pytest.raises(PredictionError) as caught:
            evaluate(layer, pred, SMALL)
        assert [(p.code, p.pointer) for p in caught.value.problems] == [
            ("duplicate-mention", "/mentions/1/entity_id")
        ]


def test_a_bad_span_is_reported_once_although_three_views_read_it(tmp_path: Path) -> None:
    value = {"id": "fixture_small", "mentions": [{"start": 30, "end": 999, "label": "GPE"}]}
    pred = tmp_path / "pred.json"
    pred.write_text(json.dumps(value), encoding="utf-8")
    with pytest.raises(PredictionError) as caught:
        evaluate("coref", pred, SMALL)
    assert [(p.code, p.pointer) for p in caught.value.problems] == [
        ("span-out-of-range", "/mentions/0/end")
    ]


# ---------------------------------------------------------------- CoNLL files given as predictions


@pytest.mark.parametrize(("target", "mark"), [("conll2012", "CoNLL-2012"), ("conll", "IOB2")])
def test_the_tools_own_conll_files_are_refused_as_not_json(
    target: str, mark: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    assert main(["convert", "--to", target, "--out", str(out), str(SMALL)]) == 0
    capsys.readouterr()
    files = sorted(out.glob("*.conll"))  # not not-carried.tsv, the conversion's report
    assert files
    for file in files:
        layer = "coref" if target == "conll2012" else "ner"
        args = ["evaluate", "--layer", layer, "--pred", str(file), "--gold", str(SMALL)]
        assert main([*args, "--format", "json"]) == 1
        problems = json.loads(capsys.readouterr().out)["problems"]
        assert [p["code"] for p in problems] == ["prediction-not-json"]
        assert mark in problems[0]["message"] and "not JSON" in problems[0]["message"]
        assert "schema/prediction.schema.json" in problems[0]["hint"]
    # A folder of them: no JSON to read, and the message says why.
    with pytest.raises(PredictionError) as caught:
        evaluate("coref", out, SMALL)
    assert [p.code for p in caught.value.problems] == ["prediction-folder-empty"]
    assert "CoNLL" in caught.value.problems[0].message


@pytest.mark.parametrize(
    ("head", "code"),
    [
        (b"#begin document (d); part 000\nd\t0\t0\tWe\n", "prediction-not-json"),
        (b"\n\n  \t\n#begin document (d); part 000\n", "prediction-not-json"),
        (b"\r\r\n-DOCSTART- -X- O O\n", "prediction-not-json"),
        (b"\xef\xbb\xbf-DOCSTART- -X- O O\n", "prediction-not-json"),
        (b"\n  #begin document (d); part 000\n", None),  # indented: not the tool's layout
        (b'{"id": "d"}\n#begin document (d)\n', None),
        (b"\n" * 65536 + b"#begin document (d)\n", None),  # only the first 64 KiB are read
        (b"", None),
    ],
)
def test_a_conll_file_is_known_by_its_first_line_that_is_not_blank(
    head: bytes, code: str | None, tmp_path: Path
) -> None:
    path = tmp_path / "pred.json"
    path.write_bytes(head)
    with pytest.raises(PredictionError) as caught:
        evaluate("coref", path, SMALL)
    codes = [p.code for p in caught.value.problems]
    if code:
        assert codes == [code]
    else:
        assert "prediction-not-json" not in codes and codes


# ---------------------------------------------------------------- convert --to conll2012


def chains_as_characters(doc: Document, read: Conll2012Document) -> dict[int, set[tuple[int, int]]]:
    """The chains read back from the file, as character spans of ``doc``'s tokens."""
    view, _ = tagging_view(doc)
    tokens = [t for s in view.sentences for t in tokenize_sentence(s)]
    assert [w for s in read.sentences for w in s] == [t.text for t in tokens]
    return {
        n: {(tokens[a].start, tokens[b].end) for a, b in mentions}
        for n, mentions in read.chains.items()
    }


def test_the_corpus_export_reads_back_as_the_gold_chains(tmp_path: Path) -> None:
    docs = list(documents(CORPUS))
    result = write_conll2012(docs, tmp_path / "out")
    assert result.files == (FILE_NAME,)
    text = (tmp_path / "out" / FILE_NAME).read_text(encoding="utf-8")
    read = read_conll2012(text)
    assert [r.name for r in read] == [f"({d.id}); part 000" for d in docs]
    for doc, back in zip(docs, read, strict=True):
        entities = doc.layer("entities")
        want: dict[int, set[tuple[int, int]]] = {}
        for m in doc.layer("mentions"):
            n = next(i for i, e in enumerate(entities) if e.id == m.entity_id)
            want.setdefault(n, set()).add((m.start, m.end))
        assert chains_as_characters(doc, back) == want
    # Nothing of the mentions is lost: only whole records are listed, none by mention.
    assert not [n for n in result.not_carried if n.pointer.startswith("/mentions/")]
    assert text.startswith(f"#begin document ({docs[0].id}); part 000\n")
    first = text.split("\n")[1].split("\t")
    assert len(first) == 12 and first[1] == "0" and first[2] == "0" and first[10] == "*"


def test_what_the_export_cannot_carry_is_listed(tmp_path: Path) -> None:
    value = json.loads(SMALL.read_text(encoding="utf-8"))
    # "ur" (27-29) ends a token but starts inside one; "the readiness of" (9-25) and
    # "readiness of our" (13-29) cross, both of Russia.
    extra = [
        {"start": 27, "end": 29, "entity_id": "e_lavrov"},
        {"start": 9, "end": 25, "entity_id": "e_russia"},
        {"start": 13, "end": 29, "entity_id": "e_russia"},
    ]
    for k, x in enumerate(extra):
        value["mentions"].append(
            dict(
                x,
                id=f"mx{k}",
                text=value["text"][x["start"] : x["end"]],
                label="PERSON",
                mention_type="NOM",
            )
        )
    doc = Document.from_dict(value)
    text, n, lost = conll2012_text([doc])
    assert n == 1
    reasons = {x.pointer: x.reason for x in lost if x.pointer.startswith("/mentions/")}
    assert reasons == {
        "/mentions/7": "mention 27-29 does not fall on token boundaries (at 27)",
        "/mentions/9": "mention 13-29 crosses another mention of chain 1",
    }
    chains = chains_as_characters(doc, read_conll2012(text)[0])
    assert chains[1] == {(1, 3), (26, 29), (9, 25)}
    assert (27, 29) not in chains[0]


def test_a_malformed_coreference_cell_is_refused() -> None:
    from newsgold.convert import ConversionError

    bad = "#begin document (x); part 000\nx\t0\t0\tWord\t(1\nx\t0\t1\tword\t2)\n#end document\n"
    with pytest.raises(ConversionError) as caught:
        read_conll2012(bad)
    assert [p.code for p in caught.value.problems] == ["conll2012-invalid", "conll2012-invalid"]
    assert "closes chain 2, which is not open" in caught.value.problems[0].message


# ---------------------------------------------------------------- against an independent scorer


def perturb(gold: dict[str, Any]) -> dict[str, Any]:
    """The gold with every 7th mention dropped, two pairs of entities merged, every third
    mention of an entity split off into a new entity, and six spurious mentions added."""
    d = copy.deepcopy(gold)
    mentions = [m for i, m in enumerate(d["mentions"]) if i % 7 != 3]
    ids = [e["id"] for e in d["entities"] if any(m["entity_id"] == e["id"] for m in mentions)]
    merge = {ids[1]: ids[0], ids[3]: ids[2]}
    seen: dict[str, int] = {}
    for m in mentions:
        m["entity_id"] = merge.get(m["entity_id"], m["entity_id"])
        seen[m["entity_id"]] = seen.get(m["entity_id"], 0) + 1
        if seen[m["entity_id"]] % 3 == 0:
            m["entity_id"] += "_split"
    covered = {i for m in gold["mentions"] for i in range(m["start"], m["end"])}
    free = [
        t
        for t in tokenize(gold["text"])
        if t.text.isalpha() and len(t.text) > 6 and not covered & set(range(t.start, t.end))
    ]
    for k, t in enumerate(free[:12:2]):
        mentions.append(
            {
                "id": f"mx{k}",
                "start": t.start,
                "end": t.end,
                "text": t.text,
                "label": "ORG",
                "mention_type": "NOM",
                "entity_id": ids[0] if k % 2 else f"e_spurious{k}",
            }
        )
    mentions.sort(key=lambda m: (m["start"], -m["end"]))
    used = {m["entity_id"] for m in mentions}
    d["entities"] = [e for e in d["entities"] if e["id"] in used]
    d["entities"] += [
        {"id": x, "name": x, "type": "ORG", "wikipedia": None, "members": [], "description": ""}
        for x in sorted(used - {e["id"] for e in d["entities"]})
    ]
    d["mentions"] = mentions
    d["quotes"], d["events"], d["stance"] = [], [], []
    # layers that refer to mentions are left out: the coreference views read none of them
    d.pop("relations", None)
    d["annotated_layers"] = [x for x in d["annotated_layers"] if x != "relations"]
    return d


def test_evaluate_equals_scorch_on_the_conll2012_export_of_a_perturbed_gold(tmp_path: Path) -> None:
    # The reference scorer v8.01 (scorer.pl) on the same two files gave, for the first
    # corpus document: MUC R 67/93 P 67/73, B-cubed R 83.8806/144 P 105.2273/129, CEAF-e
    # R 42.1165/51 P 42.1165/56, mentions 123/144 and 123/129; here the files are scored
    # by scorch, which needs no network, and compared with evaluate on the JSON.
    scores = pytest.importorskip("scorch.scores")
    gold_value = json.loads(CORPUS[0].read_text(encoding="utf-8"))
    pred_value = perturb(gold_value)
    pred = tmp_path / "pred.json"
    pred.write_text(json.dumps(pred_value), encoding="utf-8")
    report = report_dict(evaluate("coref", pred, CORPUS[0]))
    key_text, _, _ = conll2012_text([Document.from_dict(gold_value)])
    response_text, _, lost = conll2012_text([Document.from_dict(pred_value)])
    assert not [x for x in lost if x.pointer.startswith("/mentions/")]
    key = [set(c) for c in read_conll2012(key_text)[0].chains.values()]
    response = [set(c) for c in read_conll2012(response_text)[0].chains.values()]
    c = report["coreference"]
    for name, ours in (("muc", c["muc"]), ("b_cubed", c["b_cubed"]), ("ceaf_e", c["ceaf_e"])):
        r, p, f = getattr(scores, name)(key, response)
        assert (ours["recall"], ours["precision"], ours["f1"]) == pytest.approx((r, p, f), abs=1e-4)
    assert c["conll_f1"] == pytest.approx(scores.conll2012(key, response), abs=1e-4)
    # The figures the reference scorer printed for these files (see above).
    assert (c["muc"]["a_matched"], c["muc"]["a_total"], c["muc"]["b_total"]) == (67, 93, 73)
    assert (c["b_cubed"]["a_matched"], c["b_cubed"]["b_matched"]) == (83.8806, 105.2273)
    assert (c["ceaf_e"]["a_matched"], c["ceaf_e"]["a_total"], c["ceaf_e"]["b_total"]) == (
        42.1165,
        51,
        56,
    )
    assert (report["mentions"]["correct"], report["mentions"]["gold"]) == (123, 144)


def test_the_readme_records_are_scored(tmp_path: Path) -> None:
    text = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    block = text.split('```json\n{"doc_id"', 1)[1].split("```", 1)[0]
    lines = ('{"doc_id"' + block).strip().splitlines()
    pred = tmp_path / "pred.jsonl"
    pred.write_text("\n".join(lines) + "\n", encoding="utf-8")
    coref = report_dict(evaluate("coref", pred, CORPUS[0]))
    # One predicted entity of two mentions, both Tillerson's: MUC precision 1/1.
    assert coref["coreference"]["muc"]["precision"] == 1.0
    assert coref["mentions"]["predicted"] == 2
    linking = report_dict(evaluate("linking", pred, CORPUS[0]))
    assert linking["entity_accuracy"] == {"n": 1, "agreed": 1, "observed": 1.0}
    assert linking["records_of_other_layers"] == 1
    assert coref["records_of_other_layers"] == 1


def test_nothing_predicted_scores_zero(tmp_path: Path) -> None:
    pred = tmp_path / "pred.json"
    pred.write_text(json.dumps({"id": "fixture_small"}), encoding="utf-8")
    linking = report_dict(evaluate("linking", pred, SMALL))
    assert linking["entity_accuracy"] == {"n": 0, "agreed": 0, "observed": 0.0}
    assert linking["mention_title_pairs"]["recall"] == 0.0
    coref = report_dict(evaluate("coref", pred, SMALL))
    assert coref["coreference"]["conll_f1"] == 0.0
    assert (coref["coreference"]["a_mentions"], coref["coreference"]["b_mentions"]) == (7, 0)


def test_the_assignment_pairs_are_one_to_one_and_best() -> None:
    import itertools
    import random

    from newsgold.scoring import assignment

    rng = random.Random(2012)
    for _ in range(200):
        rows, cols = rng.randint(1, 5), rng.randint(1, 5)
        weights = [[rng.choice([0.0, 0.5, rng.random()]) for _ in range(cols)] for _ in range(rows)]
        pairs = assignment(weights)
        assert len({i for i, _ in pairs}) == len({j for _, j in pairs}) == min(rows, cols)
        assert pairs == sorted(pairs)
        best = max(
            sum(weights[i][j] for i, j in zip(range(rows), p, strict=False))
            if rows <= cols
            else sum(weights[i][j] for i, j in zip(p, range(cols), strict=False))
            for p in itertools.permutations(range(max(rows, cols)), min(rows, cols))
        )
        assert sum(weights[i][j] for i, j in pairs) == pytest.approx(best)


def test_a_registered_layer_adds_chains_or_is_listed_as_not_carried(tmp_path: Path) -> None:
    import dataclasses

    from newsgold import layers
    from newsgold.issues import pointer
    from newsgold.layers.formats import Conll2012Part
    from newsgold.reader import read_file
    from test_layer_registry import TOY, first_word, toy_document

    word = first_word()
    with layers.registered(TOY):
        path = toy_document(tmp_path, [word])
        document = read_file(path).document
        assert document is not None
        _, _, lost = conll2012_text([document])
        assert ("/toys/0", "toys record (no CoNLL-2012 part)") in [
            (x.pointer, x.reason) for x in lost
        ]
    part = Conll2012Part(
        not_carried=lambda d: [],
        chains=lambda d: [
            (90, [(pointer("toys", i), t.start, t.end) for i, t in enumerate(d.layer("toys"))])
        ],
    )
    with layers.registered(dataclasses.replace(TOY, formats={"conll2012": part})):
        document = read_file(path).document
        assert document is not None
        text, _, lost = conll2012_text([document])
        assert not [x for x in lost if x.pointer.startswith("/toys")]
        # "We" is also a mention of Russia (chain 1): two parts joined by |.
        assert f"\t{word['text']}\t-\t-\t-\t-\t-\t-\t*\t(1)|(90)\n" in text


def test_documents_are_pooled_as_the_reference_scorer_pools_them(tmp_path: Path) -> None:
    # Two documents: the reference case A3 and the twinless example. Pooled, every
    # numerator and denominator is summed, which is scoring the clusters of both
    # documents together (a mention is keyed by its document).
    scores = pytest.importorskip("scorch.scores")
    a3 = REFERENCE_CASES[2][1]
    gold = write_gold(tmp_path, KEY_A).parent
    write_gold(tmp_path, TWINLESS_KEY, "coref_cases_2")
    preds = tmp_path / "pred"
    preds.mkdir()
    for doc_id, response in ((DOC_ID, a3), ("coref_cases_2", TWINLESS_RESPONSE)):
        (preds / f"{doc_id}.json").write_text(
            json.dumps(prediction_document(response, doc_id)), encoding="utf-8"
        )
    report = report_dict(evaluate("coref", preds, gold))
    key = [{(1, x) for x in c} for c in KEY_A] + [{(2, x) for x in c} for c in TWINLESS_KEY]
    response = [{(1, x) for x in c} for c in a3] + [{(2, x) for x in c} for c in TWINLESS_RESPONSE]
    c = report["coreference"]
    for name in ("muc", "b_cubed", "ceaf_e"):
        r, p, f = getattr(scores, name)(key, response)
        assert (c[name]["recall"], c[name]["precision"], c[name]["f1"]) == pytest.approx(
            (r, p, f), abs=1e-4
        ), name
    # MUC by hand: A3 R 3/3 P 3/5, twinless R 2/5 P 2/5; pooled R 5/8, P 5/10.
    assert (c["muc"]["a_matched"], c["muc"]["a_total"]) == (5, 8)
    assert (c["muc"]["b_matched"], c["muc"]["b_total"]) == (5, 10)
    assert (c["a_clusters"], c["b_clusters"], c["a_mentions"], c["b_mentions"]) == (5, 7, 13, 17)


@pytest.mark.parametrize("view", ["coref", "linking"])
def test_predicted_mentions_are_what_their_init_makes(view: str) -> None:
    """The mentions a prediction document is normalised to are made without their
    ``__init__`` (``newsgold.records.make``): each holds exactly its fields, in order,
    and equals, hashes as and reads as what ``PMention(...)`` makes of them."""
    import dataclasses

    from newsgold.evaluate import _from_document
    from newsgold.layers.entities import PMention

    gold = next(documents())
    value = json.loads(canonical_json(gold))
    pred, problems = _from_document(value, gold, "pred.json", (), view)
    made = pred.items[view]
    assert problems == [] and len(made) == len(gold.mentions)
    names = [f.name for f in dataclasses.fields(PMention)]
    for m in made:
        again = PMention(m.span, m.entity, m.title)
        assert list(vars(m)) == names and vars(again) == vars(m)
        assert again == m and hash(again) == hash(m)
    by_span = {m.span: m for m in made}
    for mention in gold.mentions:
        m = by_span[(mention.start, mention.end)]
        assert m.title == gold.entity(mention.entity_id).wikipedia
        same = {(o.start, o.end) for o in gold.mentions if o.entity_id == mention.entity_id}
        assert m.entity == frozenset(same)


def test_predicted_mentions_of_a_record_are_what_their_init_makes(tmp_path: Path) -> None:
    """A ``coref`` record's mentions are made as those of a document are: each holds
    exactly its fields, in order, with the record's spans as its entity and its title."""
    import dataclasses

    from newsgold.evaluate import Prediction, _from_record
    from newsgold.layers.entities import PMention

    gold = next(documents())
    spans = [{"start": m.start, "end": m.end} for m in gold.mentions[:3]][::-1]
    record = {"doc_id": gold.id, "layer": "coref", "mentions": spans, "wikipedia": "Manila"}
    made, problems = _from_record(record, gold, Prediction(gold.id), "p.jsonl", (0,), "ontonotes")
    names = [f.name for f in dataclasses.fields(PMention)]
    entity = frozenset((m.start, m.end) for m in gold.mentions[:3])
    assert problems == [] and [m.span for m in made] == sorted(entity)
    for m in made:
        assert list(vars(m)) == names
        assert vars(m) == {"span": m.span, "entity": entity, "title": "Manila"}

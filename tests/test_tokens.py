"""Tokens, IOB2 tags and the two label sets (src/newsgold/tokens.py)."""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys
from pathlib import Path

import pytest

from newsgold import tokens as T
from newsgold.layers import tag_spans
from newsgold.model import Document
from newsgold.reader import documents

FIXTURE = Path(__file__).parent / "fixtures" / "valid" / "fixture_small.json"

# The ``named_entities`` ClassLabel names of the Hub dataset ``conll2012_ontonotesv5``.
HUB_ONTONOTES = [
    "O", "B-PERSON", "I-PERSON", "B-NORP", "I-NORP", "B-FAC", "I-FAC", "B-ORG", "I-ORG",
    "B-GPE", "I-GPE", "B-LOC", "I-LOC", "B-PRODUCT", "I-PRODUCT", "B-DATE", "I-DATE",
    "B-TIME", "I-TIME", "B-PERCENT", "I-PERCENT", "B-MONEY", "I-MONEY", "B-QUANTITY",
    "I-QUANTITY", "B-ORDINAL", "I-ORDINAL", "B-CARDINAL", "I-CARDINAL", "B-EVENT", "I-EVENT",
    "B-WORK_OF_ART", "I-WORK_OF_ART", "B-LAW", "I-LAW", "B-LANGUAGE", "I-LANGUAGE",
]  # fmt: skip
# The ``ner_tags`` ClassLabel names of the Hub dataset ``conll2003``.
HUB_CONLL2003 = ["O", "B-PER", "I-PER", "B-ORG", "I-ORG", "B-LOC", "I-LOC", "B-MISC", "I-MISC"]


def fixture() -> Document:
    return Document.from_dict(json.loads(FIXTURE.read_text(encoding="utf-8")))


def corpus() -> list[Document]:
    return list(documents())


def test_label_orders_match_the_hub() -> None:
    assert list(T.ontonotes_tags()) == HUB_ONTONOTES
    assert list(T.conll_tags()) == HUB_CONLL2003


def test_conll_mapping_covers_every_type() -> None:
    from newsgold.labels import inventory

    assert set(T.CONLL_MAPPING) == set(inventory().entity_types)
    assert {v for v in T.CONLL_MAPPING.values() if v is not None} == set(T.CONLL_TYPES)
    numeric = {"DATE", "TIME", "PERCENT", "MONEY", "QUANTITY", "ORDINAL", "CARDINAL"}
    assert {k for k, v in T.CONLL_MAPPING.items() if v is None} == numeric
    assert T.CONLL_MAPPING["FAC"] == T.CONLL_MAPPING["GPE"] == "LOC"
    assert T.CONLL_MAPPING["NORP"] == "MISC"


def test_fixture_tokens_and_tags() -> None:
    doc = fixture()
    tagged = T.tag_document(doc, tag_spans(doc))
    assert [s.sentence_id for s in tagged] == ["s1", "s2"]
    first, second = tagged
    assert [t.text for t in first.tokens] == [
        '"', "We", "felt", "the", "readiness", "of", "our", "U.S.", "colleagues", "to",
        "continue", "dialogue", ".",
    ]  # fmt: skip
    assert first.tags[7] == "B-GPE" and first.tags.count("O") == 12
    assert [t.text for t in second.tokens][-5:] == ['"', "Lavrov", "said", "Sunday", "."]
    assert second.tags[-5:] == ("O", "B-PERSON", "O", "B-DATE", "O")
    assert T.to_conll(second.tags)[-5:] == ("O", "B-PER", "O", "O", "O")
    assert T.to_conll(first.tags)[7] == "B-LOC"
    for sent in tagged:
        for tok in sent.tokens:
            assert doc.text[tok.start : tok.end] == tok.text


def _nam_spans(doc: Document) -> list[tuple[int, int, str]]:
    return sorted((m.start, m.end, m.label) for m in doc.mentions if m.mention_type == "NAM")


@pytest.mark.parametrize("source", ["fixture", "corpus"])
def test_every_nam_mention_round_trips(source: str) -> None:
    docs = [fixture()] if source == "fixture" else corpus()
    for doc in docs:
        got = sorted(
            span
            for s in T.tag_document(doc, tag_spans(doc))
            for span in T.iob2_to_spans(s.tokens, s.tags)
        )
        assert got == _nam_spans(doc)  # 0 lost, 0 added


def test_misaligned_span_is_reported_with_boundaries() -> None:
    doc = fixture()
    mentions = list(doc.mentions)
    i = next(i for i, m in enumerate(mentions) if m.id == "m3")
    mentions[i] = dataclasses.replace(mentions[i], start=31, text=".S.")
    bad = dataclasses.replace(doc, mentions=tuple(mentions))
    with pytest.raises(T.AlignmentError) as info:
        T.tag_document(bad, tag_spans(bad))
    (mis,) = info.value.misalignments
    assert (mis.doc_id, mis.ident, mis.start, mis.end) == ("fixture_small", "m3", 31, 34)
    assert mis.pointer == f"/mentions/{i}"
    assert mis.start_boundaries == (30, 35) and mis.end_boundaries == (34,)
    text = str(info.value)
    assert 'fixture_small#/mentions/3: NAM mention "m3" 31-34 ".S."' in text
    assert 'inside token "U.S." 30-34' in text and "start 30 or 35" in text


def test_mention_crossing_sentences_is_misaligned() -> None:
    doc = fixture()
    mentions = list(doc.mentions)
    i = next(i for i, m in enumerate(mentions) if m.id == "m3")
    mentions[i] = dataclasses.replace(mentions[i], end=72, text=doc.text[30:72])
    (mis,) = T.misalignments(
        bad := dataclasses.replace(doc, mentions=tuple(mentions)), tag_spans(bad)
    )
    assert mis.ident == "m3" and "past the end of its sentence" in mis.detail


def test_iob2_is_strict() -> None:
    toks = T.tokenize("Sergei Lavrov met Rex Tillerson")
    assert T.iob2_to_spans(toks, ["B-PERSON", "I-PERSON", "O", "B-PERSON", "I-PERSON"]) == [
        (0, 13, "PERSON"),
        (18, 31, "PERSON"),
    ]
    assert T.iob2_to_spans(toks, ["B-PERSON", "B-PERSON", "O", "O", "B-ORG"]) == [
        (0, 6, "PERSON"),
        (7, 13, "PERSON"),
        (22, 31, "ORG"),
    ]
    for tags in (
        ["I-PERSON", "O", "O", "O", "O"],
        ["B-PERSON", "I-ORG", "O", "O", "O"],
        ["O", "O", "O", "O", "I-ORG"],
        ["B-", "O", "O", "O", "O"],
        ["X-ORG", "O", "O", "O", "O"],
        ["O", "O"],
    ):
        with pytest.raises(T.TagError):
            T.iob2_to_spans(toks, tags)


def test_spans_to_iob2_refuses_bad_spans() -> None:
    toks = T.tokenize("Sergei Lavrov met Rex Tillerson")
    assert T.spans_to_iob2(toks, [(18, 31, "PERSON")]) == ("O", "O", "O", "B-PERSON", "I-PERSON")
    with pytest.raises(T.TagError):
        T.spans_to_iob2(toks, [(1, 13, "PERSON")])
    with pytest.raises(T.TagError):
        T.spans_to_iob2(toks, [(0, 13, "PERSON"), (7, 17, "PERSON")])


def test_tokens_have_document_offsets_and_no_whitespace() -> None:
    toks = T.tokenize("a  b\tc", offset=10)
    assert [(t.text, t.start, t.end) for t in toks] == [("a", 10, 11), ("b", 13, 14), ("c", 15, 16)]


def test_corpus_tokens_slice_the_text() -> None:
    for doc in corpus():
        for sent in T.tag_document(doc, tag_spans(doc)):
            assert all(doc.text[t.start : t.end] == t.text for t in sent.tokens)
            assert all(sent.start <= t.start < t.end <= sent.end for t in sent.tokens)


def test_import_is_lazy() -> None:
    code = (
        "import sys, newsgold, newsgold.tokens, newsgold.build\n"
        "print(sorted(m for m in ('spacy', 'datasets', 'pyarrow') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"

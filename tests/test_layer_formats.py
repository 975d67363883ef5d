"""A layer's part in the DocBin, the HTML page and the CoNLL files: the toy layer of
test_layer_registry, given its parts here, goes through each converter with no change to
any package module; without parts, the converters list its records as not carried."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest

from newsgold import layers
from newsgold.convert.conll import conll_text, not_carried
from newsgold.convert.docbin import from_spacy_doc, to_spacy_doc
from newsgold.convert.html import annotation_ids, render_html, write_html
from newsgold.io import canonical_json
from newsgold.issues import pointer
from newsgold.layers import Layer
from newsgold.layers.formats import (
    ConllPart,
    DocbinPart,
    DocbinSource,
    DocbinSpan,
    HtmlKit,
    HtmlPart,
    Mark,
    PageRecord,
    TagSpan,
    each_record,
)
from newsgold.model import Document
from newsgold.reader import read_file
from test_layer_registry import TOY, first_word, toy_document

NAME = "toys"


def docbin_read(source: DocbinSource) -> list[dict[str, Any]]:
    out = []
    for ident in source.data[NAME]:
        for s in source.spans(NAME, ident)[:1]:
            out.append({"id": ident, **source.span(s), "label": s["label"]})
    return out


def html_table(document: Document, kit: HtmlKit) -> str:
    rows = [(t.id, [kit.escape(t.id), kit.escape(t.label)]) for t in document.layer(NAME)]
    return kit.table("Toys", ["id", "label"], rows)


def html_legend(documents: Sequence[Document], kit: HtmlKit) -> str:
    return '<span class="toy">toy</span>'


PARTS = {
    "docbin": DocbinPart(
        groups=(NAME,),
        store=lambda document: [t.id for t in document.layer(NAME)],
        read=docbin_read,
        spans=lambda document: [
            DocbinSpan(NAME, t.id, t.start, t.end, t.label, None, pointer(NAME, i))
            for i, t in enumerate(document.layer(NAME))
        ],
    ),
    "html": HtmlPart(
        records=lambda document: [
            PageRecord(t.id, "toy", t.to_dict()) for t in document.layer(NAME)
        ],
        marks=lambda document, kit: [
            Mark(9, t.start, t.end, t.id, "a toy", label=t.label) for t in document.layer(NAME)
        ],
        table=html_table,
        legend=html_legend,
        toggle="toy",
        counted="toy spans",
        css=".toy { outline: 1px dashed #444; }\n.hide-toy .toy { outline: 0; }\n",
    ),
    "conll": ConllPart(
        not_carried=each_record(NAME, "toy span id"),
        tags=lambda document: [
            TagSpan(t.start, t.end, t.label, t.id, pointer(NAME, i), "toy")
            for i, t in enumerate(document.layer(NAME))
        ],
    ),
}
TOY_WITH_PARTS = dataclasses.replace(TOY, formats=PARTS)


def toy_doc(tmp_path: Path) -> Document:
    doc = read_file(toy_document(tmp_path, [first_word()])).document
    assert doc is not None
    return doc


@pytest.fixture
def toy() -> Iterator[Layer]:
    with layers.registered(TOY_WITH_PARTS) as layer:
        yield layer


def test_toy_layer_round_trips_through_docbin(tmp_path: Path, toy: Layer) -> None:
    document = toy_doc(tmp_path)
    doc, lost = to_spacy_doc(document)
    assert lost == ()
    word = first_word()
    assert [(s.text, s.label_, s.id_) for s in doc.spans[NAME]] == [(word["text"], "WORD", "toy1")]
    assert doc.user_data["newsgold"][NAME] == ["toy1"]
    assert canonical_json(from_spacy_doc(doc)) == canonical_json(document)


def test_toy_layer_is_shown_on_the_page(tmp_path: Path, toy: Layer) -> None:
    document = toy_doc(tmp_path)
    page = render_html([document])
    word = first_word()
    assert f'<span class="a toy" data-id="toy1">{word["text"]}' in page
    assert '<span class="lab">WORD</span>' in page
    assert "<h3>Toys (1)</h3>" in page
    assert '<input type="checkbox" checked data-toggle="toy"> toys</label>' in page
    assert '<span class="toy">toy</span></div>' in page
    assert ", 1 toy spans" in page
    assert ".hide-toy .toy { outline: 0; }\n</style>" in page
    assert "toy1" in annotation_ids(document)


def test_toy_layer_gives_conll_tags_and_says_what_it_cannot_carry(
    tmp_path: Path, toy: Layer
) -> None:
    document = toy_doc(tmp_path)
    text, n = conll_text([document], "ontonotes")
    word = first_word()
    assert n == 1
    assert f"\n{word['text']} _ _ B-WORD\n" in text
    assert ("/toys/0", "toy span id") in [(x.pointer, x.reason) for x in not_carried(document)]


def test_toy_layer_without_parts_is_listed_as_not_carried(tmp_path: Path) -> None:
    with layers.registered(TOY):
        document = toy_doc(tmp_path)
        _, lost = to_spacy_doc(document)
        assert [(x.pointer, x.reason) for x in lost] == [
            ("/toys/0", "toys record (no DocBin part)")
        ]
        conll = [(x.pointer, x.reason) for x in not_carried(document)]
        assert conll[-1] == ("/toys/0", "toys record (no CoNLL part)")
        assert "toy1" not in annotation_ids(document)
        result = write_html([document], tmp_path / "page.html")
        assert [(x.pointer, x.reason) for x in result.not_carried] == [
            ("/toys/0", "toys record (no HTML part)")
        ]

"""The sentences layer: sentence spans that cover the text in order."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from newsgold.issues import pointer
from newsgold.layers.base import Context, IdKind, Layer, short
from newsgold.layers.formats import (
    Conll2012Part,
    ConllPart,
    DocbinPart,
    DocbinSource,
    HtmlKit,
    HtmlPart,
    PageRecord,
)
from newsgold.layers.parts import BratPart, BratReading
from newsgold.spans import IdSpan

if TYPE_CHECKING:
    from newsgold.layers.base import DocumentView as Document

NAME = "sentences"


@dataclass(frozen=True)
class Sentence(IdSpan):
    """A sentence span."""


def check(ck: Context) -> None:
    """Sentences follow each other without overlap, and no text lies outside them."""
    text = ck.text
    prev_end = covered_to = 0
    known = True  # False right after a sentence with unusable offsets: its extent is unknown
    for i, s in ck.items(NAME):
        r = ck.span(s, NAME, i)
        if r is None:
            known = False
            continue
        if r[0] < prev_end:
            ck.add(
                pointer(NAME, i, "start"),
                "sentence-overlap",
                f"sentence starts at {r[0]}, before the previous one ends ({prev_end})",
                "make sentences follow each other without overlap",
            )
        elif known:
            gap = text[covered_to : r[0]]
            if gap.strip():
                ck.add(
                    pointer(NAME, i, "start"),
                    "sentence-gap",
                    f"text[{covered_to}:{r[0]}] {short(gap)} is in no sentence",
                    "extend a sentence or add one that covers it",
                )
        prev_end = max(prev_end, r[1])
        covered_to = max(covered_to, r[1])
        known = True
    listed = NAME in ck.listed and isinstance(ck.doc.get(NAME), list)
    if listed and known and text[covered_to:].strip():
        ck.add(
            pointer(NAME),
            "sentence-gap",
            f"text[{covered_to}:{len(text)}] {short(text[covered_to:])} is in no sentence",
            "add a sentence that covers the end of the text",
        )


# ---------------------------------------------------------------- evaluation
# The views ``newsgold evaluate --layer`` scores: prediction normaliser and scorer.

EVALUATIONS: tuple[Any, ...] = ()


# ---------------------------------------------------------------- agreement
# How ``newsgold agreement`` compares two annotations of this layer.

AGREEMENT: Any = None


# ---------------------------------------------------------------- brat
# This layer's part in the brat standoff export and import: brat has no
# sentence layer, so the sentence spans are kept in the side file.


def _brat_kept(doc: Document) -> dict[str, Any]:
    return {NAME: [{"id": s.id, "start": s.start, "end": s.end} for s in doc.layer(NAME)]}


def _brat_not_carried(doc: Document, meta: Mapping[str, Any]) -> list[tuple[str, str]]:
    what = "sentence span: brat has no sentence layer"
    return [(pointer(NAME, i), what) for i in range(len(doc.layer(NAME)))]


def _brat_read(r: BratReading) -> list[dict[str, Any]]:
    return [
        {"id": s["id"], "start": s["start"], "end": s["end"], "text": r.text[s["start"] : s["end"]]}
        for s in r.meta.get(NAME, [])
    ]


BRAT = BratPart(read=_brat_read, kept=_brat_kept, not_carried=_brat_not_carried)


# ---------------------------------------------------------------- DocBin
# This layer's part in the spaCy DocBin export and import.


def _docbin_read(source: DocbinSource) -> list[dict[str, Any]]:
    """Sentences from the ``Doc``'s sentence starts and the ids kept in ``user_data``."""
    ids = source.data[NAME]
    out: list[dict[str, Any]] = []
    if not ids:
        return out
    sents = list(source.doc.sents)
    if len(sents) != len(ids):
        message = f"{len(sents)} sentences in the Doc but {len(ids)} sentence ids"
        hint = "keep the sentence starts newsgold wrote"
        source.error("docbin-sentence-count", pointer(NAME), message, hint)
    for ident, sent in zip(ids, sents, strict=False):
        words = [t for t in sent if not t.is_space]
        start, end = words[0].idx, words[-1].idx + len(words[-1].text)
        out.append({"id": ident, "start": start, "end": end, "text": source.text[start:end]})
    return out


DOCBIN = DocbinPart(
    groups=(),
    store=lambda document: [s.id for s in document.layer(NAME)],
    read=_docbin_read,
)


# ---------------------------------------------------------------- HTML
# This layer's part in the HTML viewer.


def _html_table(document: Document, kit: HtmlKit) -> str:
    sentences = document.layer(NAME)
    if not sentences:
        return '<h3>Sentences</h3><p class="none">none annotated</p>'
    items = "".join(
        f'<li data-id="{kit.attr(s.id)}"><code>{kit.escape(s.id)}</code> '
        f"{s.start}-{s.end} {kit.escape(s.text)}</li>"
        for s in sentences
    )
    return (
        f'<details class="sentences"><summary>Sentences ({len(sentences)})</summary>'
        f"<ol>{items}</ol></details>"
    )


HTML = HtmlPart(
    records=lambda document: [
        PageRecord(s.id, "sentence", s.to_dict()) for s in document.layer(NAME)
    ],
    table=_html_table,
    order=1,  # the sentence list comes after the tables of the other layers
)


# ---------------------------------------------------------------- CoNLL
# This layer's part in the CoNLL IOB2 export.


def _conll_not_carried(
    document: Document, labels: tuple[str, ...], files: Mapping[str, str]
) -> list[tuple[str, str]]:
    if not document.layer(NAME):
        return [(pointer(NAME), "no sentences: the text is split per paragraph")]
    return [(pointer(NAME), "sentence ids and offsets (sentences are kept as blocks)")]


CONLL = ConllPart(not_carried=_conll_not_carried)
CONLL2012 = Conll2012Part(not_carried=lambda document: _conll_not_carried(document, (), {}))


# ---------------------------------------------------------------- proposal
# ``newsgold new --propose``: sentences proposed by spaCy, for review.


def _propose(text: str, model: str | None) -> tuple[list[dict[str, Any]], str]:
    """Sentence spans proposed by spaCy, per paragraph (a sentence never crosses a line
    end), trimmed of whitespace, in the form of this layer's records; ``model`` is an
    installed pipeline (its parser or senter splits), None for spaCy's rule-based
    sentencizer on a blank English pipeline."""
    from importlib.metadata import version

    import spacy

    nlp = spacy.load(model) if model else spacy.blank("en")
    if not any(nlp.has_pipe(p) for p in ("parser", "senter", "sentencizer")):
        nlp.add_pipe("sentencizer")
    out: list[dict[str, Any]] = []
    pos = 0
    for line in text.split("\n"):
        if line.strip():
            for sent in nlp(line).sents:
                words = [t for t in sent if not t.is_space]
                if words:
                    start, end = pos + words[0].idx, pos + words[-1].idx + len(words[-1].text)
                    s_id = f"s{len(out) + 1}"
                    out.append({"id": s_id, "start": start, "end": end, "text": text[start:end]})
        pos += len(line) + 1
    how = f"pipeline {model}" if model else 'the rule-based sentencizer on spacy.blank("en")'
    return out, f"spaCy {version('spacy')}, {how}, per paragraph"


LAYER = Layer(
    name=NAME,
    record=Sentence,
    ids=(IdKind(NAME, "s"),),
    check=check,
    summary=lambda records: [(NAME, len(records), "")],
    evaluations=EVALUATIONS,
    agreement=AGREEMENT,
    formats={"brat": BRAT, "docbin": DOCBIN, "html": HTML, "conll": CONLL, "conll2012": CONLL2012},
    description="Sentence spans covering the text.",
    propose=_propose,
)

"""Named entities from an installed spaCy pipeline, as prediction documents.

The pipeline is loaded with ``spacy.load(NAME)``: the name of an installed
pipeline package or the path of a pipeline folder. Two protocols
(:data:`PROTOCOLS`): ``sentences`` (the default) runs each sentence of the gold
``sentences`` layer on its own (the whole text when the document has no
sentences); ``text`` runs the whole text in one call, so the pipeline finds its
own sentences. Every entity whose label is one of the 18 OntoNotes types is
written as a NAM mention. Entities with other labels are not written; they are
counted in :attr:`NerRun.dropped`.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from newsgold.model import Document

PROTOCOLS: tuple[str, ...] = ("sentences", "text")
"""``sentences``: one call per gold sentence; ``text``: the whole text in one call."""


@dataclass
class NerRun:
    """The predictions of a run and what could not be carried."""

    model: str
    protocol: str
    pipeline: dict[str, Any]
    """``name``, ``version``, ``spacy_version``, ``author``, ``license`` of the pipeline's meta."""
    predictions: list[dict[str, Any]] = field(default_factory=list)
    dropped: Counter[str] = field(default_factory=Counter)
    """Entity labels that are not OntoNotes types, and how many were not written."""


def load_pipeline(model: str) -> Any:
    """``spacy.load`` of an installed pipeline name or a pipeline folder."""
    import spacy

    return spacy.load(model)


def predict_document(
    nlp: Any, doc: Document, dropped: Counter[str] | None = None, protocol: str = "sentences"
) -> dict[str, Any]:
    """The prediction document of ``nlp`` for one gold document (text and sentences only)."""
    from newsgold.labels import inventory

    if protocol not in PROTOCOLS:
        raise ValueError(f"unknown protocol {protocol!r}; use one of: {', '.join(PROTOCOLS)}")
    types = set(inventory().entity_types)
    pieces = [(0, doc.text)]
    if protocol == "sentences" and doc.sentences:
        pieces = [(s.start, s.text) for s in doc.sentences]
    mentions: list[dict[str, Any]] = []
    for offset, text in pieces:
        for ent in nlp(text).ents:
            if ent.label_ not in types:
                if dropped is not None:
                    dropped[ent.label_] += 1
                continue
            start, end = offset + ent.start_char, offset + ent.end_char
            mentions.append(
                {
                    "id": f"m{len(mentions) + 1}",
                    "start": start,
                    "end": end,
                    "text": doc.text[start:end],
                    "label": ent.label_,
                    "mention_type": "NAM",
                }
            )
    return {"id": doc.id, "text_sha256": doc.text_sha256, "mentions": mentions}


def run(model: str, gold_path: Path | None = None, protocol: str = "sentences") -> NerRun:
    """Run the pipeline ``model`` on every gold document (default: the corpus)."""
    from newsgold.evaluate import load_gold

    nlp = load_pipeline(model)
    meta = nlp.meta
    info = {k: meta.get(k) for k in ("name", "version", "spacy_version", "author", "license")}
    info["name"] = f"{meta.get('lang', '')}_{meta.get('name', '')}"
    out = NerRun(model, protocol, info)
    for doc in load_gold(gold_path):
        out.predictions.append(predict_document(nlp, doc, out.dropped, protocol))
    return out

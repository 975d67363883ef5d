"""The mentions layer: spans that refer to an entity, typed NAM, NOM or PRO."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from newsgold.features import d
from newsgold.issues import pointer
from newsgold.labels import inventory
from newsgold.layers.base import Config, Context, IdKind, Layer, SummaryRow, as_str, counts, short
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
)

if TYPE_CHECKING:
    from newsgold.features import Column, Lookup
    from newsgold.model import Document

NAME = "mentions"
ENTITIES = "entities"


@dataclass(frozen=True)
class Mention:
    id: str
    start: int
    end: int
    text: str
    label: str
    mention_type: str
    entity_id: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "label": self.label,
            "mention_type": self.mention_type,
            "entity_id": self.entity_id,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Mention:
        return cls(
            d["id"], d["start"], d["end"], d["text"], d["label"], d["mention_type"], d["entity_id"]
        )


def same_entity(ck: Context, mention_id: Any, entity_id: Any, *path: str | int) -> None:
    """A mention given beside an entity must be a mention of that entity."""
    mention = ck.record(NAME, mention_id)
    linked = None if mention is None else as_str(mention.get("entity_id"))
    if linked is None or not isinstance(entity_id, str) or linked == entity_id:
        return
    ck.add(
        pointer(*path),
        "mention-entity-mismatch",
        f'mention "{mention_id}" refers to "{linked}", not to "{entity_id}"',
        f'give a mention of "{entity_id}", or set the entity to "{linked}"',
    )


def mention_label(ck: Context, mention_id: Any) -> str | None:
    """The label of a mention, or None."""
    mention = ck.record(NAME, mention_id)
    return None if mention is None else as_str(mention.get("label"))


def _label_matches(ck: Context, i: int, m: dict[str, Any], eid: str) -> None:
    label = m.get("label")
    entity = ck.record(ENTITIES, eid) or {}
    etype = entity.get("type")
    types = inventory().entity_types
    if label in types and etype in types and etype != label:
        ck.add(
            pointer(NAME, i, "label"),
            "label-type-mismatch",
            f'label {label} != type {etype} of entity "{eid}"',
            "link the mention to an entity of its type or correct the label",
        )


def _nam_overlaps(ck: Context, nam_spans: list[tuple[int, int, int]]) -> None:
    text = ck.text
    reach: tuple[int, int, int] | None = None  # the earlier NAM mention that ends last
    for s2, e2, i2 in sorted(nam_spans):
        if reach is not None and s2 < reach[1]:
            s1, e1, i1 = reach
            ck.add(
                pointer(NAME, i2),
                "nam-overlap",
                f"NAM mention {s2}-{e2} {short(text[s2:e2])} overlaps NAM mention "
                f"/{NAME}/{i1} {s1}-{e1} {short(text[s1:e1])}",
                "NAM mentions are flat: keep the longest name",
            )
        if reach is None or e2 > reach[1]:
            reach = (s2, e2, i2)


def check(ck: Context) -> None:
    """Spans, links to entities, one mention per span, flat NAM mentions."""
    nam_spans: list[tuple[int, int, int]] = []
    spans_seen: dict[tuple[int, int], int] = {}
    for i, m in ck.items(NAME):
        r = ck.span(m, NAME, i)
        eid = as_str(m.get("entity_id"))
        if eid is not None and ck.ref(ENTITIES, eid, NAME, i, "entity_id"):
            _label_matches(ck, i, m, eid)
        if r is None:
            continue
        if r in spans_seen:
            ck.add(
                pointer(NAME, i),
                "mention-duplicate-span",
                f"same span {r[0]}-{r[1]} as /{NAME}/{spans_seen[r]}",
                "keep one mention per span",
            )
        else:
            spans_seen[r] = i
        if m.get("mention_type") == "NAM":
            nam_spans.append((r[0], r[1], i))
    _nam_overlaps(ck, nam_spans)


# ---------------------------------------------------------------- Hugging Face configs


def _columns() -> list[Column]:
    return [
        ("doc_id", "string", d("document.id")),
        ("id", "string", d("mention.id")),
        ("start", "int32", d("mention.start")),
        ("end", "int32", d("mention.end")),
        ("text", "string", d("mention.text")),
        ("label", ("label", "entity_type"), d("mention.label")),
        ("mention_type", ("label", "mention_type"), d("mention.mention_type")),
        ("entity_id", "string", d("mention.entity_id")),
        ("entity_name", "string", "Canonical name of the entity (`entities[].name`)."),
        ("sentence_id", "string", "Id of the sentence that holds the mention's start."),
        (
            "sentence_index",
            "int32",
            "0-based index of that sentence in the document (-1 when the document "
            "has no sentences layer).",
        ),
    ]


def _rows(doc: Document, look: Lookup) -> list[dict[str, Any]]:
    rows = []
    for m in doc.layer(NAME):
        index, sid = look.sentence(m.start)
        rows.append(
            {
                "doc_id": doc.id,
                **m.to_dict(),
                "entity_name": look.entity_name(m.entity_id),
                "sentence_id": sid,
                "sentence_index": index,
            }
        )
    return rows


def _tag_columns(config: str, scheme: str) -> list[Column]:
    return [
        ("doc_id", "string", d("document.id")),
        ("sentence_id", "string", d("sentence.id")),
        ("sentence_index", "int32", "0-based index of the sentence in the document."),
        ("start", "int32", d("sentence.start")),
        ("end", "int32", d("sentence.end")),
        ("text", "string", d("sentence.text")),
        ("tokens", ("list", "string"), 'Tokens of spaCy\'s `spacy.blank("en")` tokenizer.'),
        ("token_starts", ("list", "int32"), "Document offset of each token's first character."),
        ("token_ends", ("list", "int32"), "Document offset after each token's last character."),
        ("ner_tags", ("list", ("label", config)), scheme),
    ]


def _ner_columns() -> list[Column]:
    return _tag_columns(
        "ner",
        "IOB2 tags of the NAM mentions over the 18 OntoNotes 5.0 types, names in the "
        "order of `conll2012_ontonotesv5` `named_entities`.",
    )


def _conll_columns() -> list[Column]:
    return _tag_columns(
        "ner_conll",
        "IOB2 tags of the NAM mentions mapped to the four CoNLL-2003 types "
        "(see Label sets), names in the order of `conll2003` `ner_tags`.",
    )


def _tag_rows(doc: Document, conll: bool) -> list[dict[str, Any]]:
    from newsgold import tokens

    rows = []
    for sent in tokens.tag_document(doc):
        tags = tokens.to_conll(sent.tags) if conll else sent.tags
        rows.append(
            {
                "doc_id": doc.id,
                "sentence_id": sent.sentence_id,
                "sentence_index": sent.sentence_index,
                "start": sent.start,
                "end": sent.end,
                "text": sent.text,
                "tokens": [t.text for t in sent.tokens],
                "token_starts": [t.start for t in sent.tokens],
                "token_ends": [t.end for t in sent.tokens],
                "ner_tags": list(tags),
            }
        )
    return rows


def _ner_rows(doc: Document, look: Lookup) -> list[dict[str, Any]]:
    return _tag_rows(doc, conll=False)


def _conll_rows(doc: Document, look: Lookup) -> list[dict[str, Any]]:
    return _tag_rows(doc, conll=True)


def _summary(records: tuple[Mention, ...]) -> list[SummaryRow]:
    names = [m for m in records if m.mention_type == "NAM"]
    return [
        (NAME, len(records), counts(m.mention_type for m in records)),
        ("  NAM labels", len(names), counts(m.label for m in names)),
    ]


# ---------------------------------------------------------------- evaluation
# The views ``newsgold evaluate --layer`` scores: prediction normaliser and scorer.

EVALUATIONS: tuple[Any, ...] = ()


# ---------------------------------------------------------------- agreement
# How ``newsgold agreement`` compares two annotations of this layer.

AGREEMENT: Any = None


# ---------------------------------------------------------------- brat
# This layer's part in the brat standoff export and import.

BRAT: Any = None


# ---------------------------------------------------------------- DocBin
# This layer's part in the spaCy DocBin export and import.


def _docbin_spans(document: Document, nam_only: bool = False) -> list[DocbinSpan]:
    """Every mention in the ``mentions`` group (label the type, ``kb_id_`` the entity,
    ``id_`` the mention); ``nam_only``: the NAM mentions, for ``doc.ents``."""
    return [
        DocbinSpan(NAME, m.id, m.start, m.end, m.label, m.entity_id, pointer(NAME, i))
        for i, m in enumerate(document.layer(NAME))
        if not nam_only or m.mention_type == "NAM"
    ]


def _docbin_read(source: DocbinSource) -> list[dict[str, Any]]:
    out = []
    for rec in source.data[NAME]:
        for s in source.spans(NAME, rec["id"])[:1]:
            out.append(
                {
                    "id": rec["id"],
                    **source.span(s),
                    "label": s["label"],
                    "mention_type": rec["mention_type"],
                    "entity_id": s["kb_id"],
                }
            )
    return out


DOCBIN = DocbinPart(
    groups=(NAME,),
    store=lambda document: [
        {"id": m.id, "mention_type": m.mention_type} for m in document.layer(NAME)
    ],
    read=_docbin_read,
    spans=_docbin_spans,
    ents=lambda document: _docbin_spans(document, nam_only=True),
)


# ---------------------------------------------------------------- HTML
# This layer's part in the HTML viewer.


def _depths(mentions: tuple[Mention, ...]) -> dict[str, int]:
    """Nesting depth of each mention: 0 when no other mention lies inside it."""
    spans = sorted(mentions, key=lambda m: (m.end - m.start, m.start))
    depth: dict[str, int] = {}
    for m in spans:
        inner = [
            depth[o.id]
            for o in spans
            if o.id in depth and m.start <= o.start and o.end <= m.end and o.id != m.id
        ]
        depth[m.id] = 1 + max(inner) if inner else 0
    return depth


def _html_marks(document: Document, kit: HtmlKit) -> list[Mark]:
    """Underlined in the colour of their type, stacked when nested; NAM mentions shaded and
    labelled with the type, NOM and PRO mentions labelled with the name of their entity."""
    entities = {e.id: e for e in document.layer(ENTITIES)}
    mentions: tuple[Mention, ...] = document.layer(NAME)
    depth = _depths(mentions)
    out = []
    for m in mentions:
        label = (
            m.label
            if m.mention_type == "NAM"
            else (entities[m.entity_id].name if m.entity_id in entities else m.entity_id)
        )
        style = f"--c:{kit.colour(m.label)};--d:{depth[m.id] * 4 + 1}px"
        css = f"a m m-{m.mention_type.lower()}"
        out.append(Mark(2, m.start, m.end, m.id, css, style=style, label=label))
    return out


def _html_legend(documents: Sequence[Document], kit: HtmlKit) -> str:
    types = [
        t
        for t in inventory().entity_types
        if any(m.label == t for d in documents for m in d.layer(NAME))
    ]
    chips = " ".join(kit.type_chip(t) for t in types)
    return f"{NAME}: {chips or kit.none()} &nbsp;"


HTML = HtmlPart(
    records=lambda document: [
        PageRecord(m.id, "mention", m.to_dict(), [m.entity_id]) for m in document.layer(NAME)
    ],
    marks=_html_marks,
    legend=_html_legend,
    toggle="m",
    counted=NAME,
)


# ---------------------------------------------------------------- CoNLL
# This layer's part in the CoNLL IOB2 export.


def _conll_not_carried(
    document: Document, labels: tuple[str, ...], files: Mapping[str, str]
) -> list[tuple[str, str]]:
    """NOM and PRO mentions; under CoNLL-2003 the NAM mentions of the types it tags O."""
    from newsgold.tokens import CONLL_MAPPING

    out = []
    for i, m in enumerate(document.layer(NAME)):
        if m.mention_type != "NAM":
            reason = f"{m.mention_type} mention (IOB2 tags NAM mentions only)"
            out.append((pointer(NAME, i), reason))
        elif "conll" in labels and CONLL_MAPPING[m.label] is None:
            out.append((pointer(NAME, i), f"{m.label} mention ({files['conll']} tags it O)"))
    return out


CONLL = ConllPart(
    not_carried=_conll_not_carried,
    tags=lambda document: [
        TagSpan(m.start, m.end, m.label, m.id, pointer(NAME, i), "NAM mention")
        for i, m in enumerate(document.layer(NAME))
        if m.mention_type == "NAM"
    ],
)


LAYER = Layer(
    name=NAME,
    record=Mention,
    ids=(IdKind(NAME, "m"),),
    depends_on=(ENTITIES,),
    check=check,
    configs=(
        Config(NAME, "mention", (NAME, ENTITIES), _columns, _rows),
        Config(
            "ner", "sentence, OntoNotes IOB2 tags", ("sentences", NAME), _ner_columns, _ner_rows
        ),
        Config(
            "ner_conll",
            "sentence, CoNLL-2003 IOB2 tags",
            ("sentences", NAME),
            _conll_columns,
            _conll_rows,
        ),
    ),
    summary=_summary,
    evaluations=EVALUATIONS,
    agreement=AGREEMENT,
    formats={"brat": BRAT, "docbin": DOCBIN, "html": HTML, "conll": CONLL},
    description="Spans that refer to an entity (NAM, NOM, PRO).",
)

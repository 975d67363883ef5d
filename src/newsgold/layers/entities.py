"""The entities layer: the referents of mentions, with Wikipedia links and groups."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from newsgold.columns import d
from newsgold.issues import pointer
from newsgold.layers.base import Config, Context, IdKind, Layer, as_str, counts

if TYPE_CHECKING:
    from newsgold.layers.base import Column, Lookup
    from newsgold.layers.base import DocumentView as Document

NAME = "entities"
MENTIONS = "mentions"


@dataclass(frozen=True)
class Entity:
    id: str
    name: str
    type: str
    wikipedia: str | None
    members: tuple[str, ...]
    description: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "type": self.type,
            "wikipedia": self.wikipedia,
            "members": list(self.members),
            "description": self.description,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Entity:
        return cls(
            d["id"], d["name"], d["type"], d["wikipedia"], tuple(d["members"]), d["description"]
        )


def _members(ck: Context) -> None:
    for i, e in ck.items(NAME):
        members = e.get("members")
        if not isinstance(members, list):
            continue
        for j, member in enumerate(members):
            if not ck.ref(NAME, member, NAME, i, "members", j):
                continue
            member_rec = ck.record(NAME, member) or {}
            if member == e.get("id") or (
                isinstance(member_rec.get("members"), list) and member_rec["members"]
            ):
                ck.add(
                    pointer(NAME, i, "members", j),
                    "group-member-invalid",
                    f'"{member}" is the group itself or another group',
                    "list the individual member entities",
                )


def check(ck: Context) -> None:
    """Group members are individual entities; every entity has a mention."""
    _members(ck)
    if MENTIONS not in ck.listed or NAME not in ck.listed:
        return
    referenced = {as_str(m.get("entity_id")) for _, m in ck.items(MENTIONS)}
    for i, e in ck.items(NAME):
        if isinstance(e.get("id"), str) and e["id"] not in referenced:
            ck.add(
                pointer(NAME, i),
                "entity-without-mention",
                f'no mention refers to entity "{e["id"]}"',
                "link a mention to it or remove it",
            )


# ---------------------------------------------------------------- Hugging Face configs


def _columns() -> list[Column]:
    chain = {
        "id": "string",
        "start": "int32",
        "end": "int32",
        "text": "string",
        "mention_type": "string",
        "sentence_index": "int32",
    }
    return [
        ("doc_id", "string", d("document.id")),
        ("entity_id", "string", d("entity.id")),
        ("name", "string", d("entity.name")),
        ("type", ("label", "entity_type"), d("entity.type")),
        ("wikipedia", "string", d("entity.wikipedia")),
        ("description", "string", d("entity.description")),
        ("members", ("list", "string"), d("entity.members")),
        (
            MENTIONS,
            ("list", chain),
            "The coreference chain: every mention of the entity, in text order.",
        ),
    ]


def _chain(doc: Document, entity_id: str) -> list[dict[str, Any]]:
    return [
        {
            "id": m.id,
            "start": m.start,
            "end": m.end,
            "text": m.text,
            "mention_type": m.mention_type,
            "sentence_index": doc.sentence_index(m.start),
        }
        for m in doc.layer(MENTIONS)
        if m.entity_id == entity_id
    ]


def _rows(doc: Document, look: Lookup) -> list[dict[str, Any]]:
    return [
        {
            "doc_id": doc.id,
            "entity_id": e.id,
            "name": e.name,
            "type": e.type,
            "wikipedia": e.wikipedia,
            "description": e.description,
            "members": list(e.members),
            MENTIONS: _chain(doc, e.id),
        }
        for e in doc.layer(NAME)
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

DOCBIN: Any = None


# ---------------------------------------------------------------- HTML
# This layer's part in the HTML viewer.

HTML: Any = None


# ---------------------------------------------------------------- CoNLL
# This layer's part in the CoNLL IOB2 export.

CONLL: Any = None


LAYER = Layer(
    name=NAME,
    record=Entity,
    ids=(IdKind(NAME, "e"),),
    check=check,
    configs=(Config("coref", "entity with its mentions", (MENTIONS, NAME), _columns, _rows),),
    summary=lambda records: [(NAME, len(records), counts(e.type for e in records))],
    evaluations=EVALUATIONS,
    agreement=AGREEMENT,
    formats={"brat": BRAT, "docbin": DOCBIN, "html": HTML, "conll": CONLL},
    description="Referents of mentions: name, type, Wikipedia title, group members.",
)

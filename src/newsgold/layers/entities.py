"""The entities layer: the referents of mentions, with Wikipedia links and groups."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from newsgold.columns import d
from newsgold.issues import pointer
from newsgold.labels import inventory
from newsgold.layers.base import Config, Context, IdKind, Layer, as_str, counts
from newsgold.layers.formats import (
    ConllPart,
    DocbinPart,
    HtmlKit,
    HtmlPart,
    PageRecord,
    each_record,
)
from newsgold.layers.parts import BratConf, BratPart, BratReading, BratRelation, BratWriting

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


NOT_PARTICIPANTS = frozenset(
    ("DATE", "TIME", "PERCENT", "MONEY", "QUANTITY", "ORDINAL", "CARDINAL")
)
"""Entity types that cannot speak, hold a stance or act: dates, times and numbers."""


def participant(ck: Context, entity_id: Any, role: str, *path: str | int) -> None:
    """A speaker, stance holder, actor or recipient is an entity that can be one."""
    entity = ck.record(NAME, entity_id) or {}
    etype = entity.get("type")
    if isinstance(etype, str) and etype in NOT_PARTICIPANTS:
        ck.add(
            pointer(*path),
            "participant-type",
            f'{role} "{entity_id}" is a {etype} entity',
            f"a {role} is a person, organisation, GPE or group: link the entity that acts",
        )


_URL = re.compile(r"[a-z][a-z0-9+.-]*://", re.IGNORECASE)


def _title_form(title: str) -> str | None:
    """What is wrong with the form of a Wikipedia title (None when nothing is)."""
    if _URL.match(title):
        return "is an address, not a title"
    if "_" in title:
        return "has underscores, where a title has spaces"
    if title != title.strip() or "  " in title:
        return "has spaces at its edges or two in a row"
    if title[:1].islower():
        return "starts with a lower-case letter, where a title starts with a capital"
    return None


def _titles(ck: Context) -> None:
    seen: dict[str, int] = {}
    for i, e in ck.items(NAME):
        title = as_str(e.get("wikipedia"))
        if title is None:
            continue
        where = pointer(NAME, i, "wikipedia")
        wrong = _title_form(title)
        if wrong is not None:
            hint = 'write the title as the article shows it ("Sergey Lavrov")'
            ck.add(where, "wikipedia-title-form", f'"{title}" {wrong}', hint)
        elif title in seen:
            ck.add(
                where,
                "wikipedia-title-duplicate",
                f'"{title}" is also the title of /{NAME}/{seen[title]}',
                "one referent is one entity: merge the two, or correct a title",
            )
        else:
            seen[title] = i


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
    """Group members are individual entities; titles are well formed and name one entity
    each; every entity has a mention."""
    _members(ck)
    _titles(ck)
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


def _chains(doc: Document) -> dict[str, list[dict[str, Any]]]:
    """Each entity's coreference chain: its mentions in text order, read in one pass."""
    chains: dict[str, list[dict[str, Any]]] = {}
    for m in doc.layer(MENTIONS):
        chains.setdefault(m.entity_id, []).append(
            {
                "id": m.id,
                "start": m.start,
                "end": m.end,
                "text": m.text,
                "mention_type": m.mention_type,
                "sentence_index": doc.sentence_index(m.start),
            }
        )
    return chains


def _rows(doc: Document, look: Lookup) -> list[dict[str, Any]]:
    chains = _chains(doc)
    return [
        {
            "doc_id": doc.id,
            "entity_id": e.id,
            "name": e.name,
            "type": e.type,
            "wikipedia": e.wikipedia,
            "description": e.description,
            "members": list(e.members),
            MENTIONS: chains.get(e.id, []),
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
# This layer's part in the brat standoff export and import. An entity lives on
# its first mention (see the mentions layer): ``Member`` relations from a group
# to its members, an ``N`` line ``Wikipedia:<Title_with_underscores>`` with the
# exact title as its text, and a note holding the entity id, name and
# description. Entities that no mention refers to, and the order of the
# entities, are kept in the side file.


def _brat_conf() -> BratConf:
    labels = "|".join(inventory().entity_types)
    what = "the group (first mention) has this member (first mention)"
    return BratConf(relation_types=(BratRelation("Member", labels, labels, what),))


def _brat_write(w: BratWriting) -> None:
    records: tuple[Entity, ...] = w.doc.layer(NAME)
    anchored = [e for e in records if e.id in w.brat]
    for e in anchored:
        for member in e.members:
            if member in w.brat:
                w.relation("Member", w.brat[e.id], w.brat[member])
    for e in anchored:
        if e.wikipedia is not None:
            title = e.wikipedia.replace(" ", "_")
            w.add("N", f"Reference {w.brat[e.id]} Wikipedia:{title}\t{e.wikipedia}")
    for e in anchored:
        w.note(w.brat[e.id], {"entity": e.id, "name": e.name, "description": e.description})


def _brat_side(w: BratWriting) -> dict[str, Any]:
    records: tuple[Entity, ...] = w.doc.layer(NAME)
    return {
        NAME: [e.id for e in records],
        "unanchored_entities": [e.to_dict() for e in records if e.id not in w.brat],
    }


def _brat_not_carried(doc: Document, meta: Mapping[str, Any]) -> list[tuple[str, str]]:
    unanchored = {e["id"] for e in meta["unanchored_entities"]}
    return [
        (pointer(NAME, i), "entity with no mention: brat reaches entities through mentions")
        for i, e in enumerate(doc.layer(NAME))
        if e.id in unanchored
    ]


def _brat_read(r: BratReading) -> list[dict[str, Any]]:
    wiki: dict[str, str] = {}
    for target, ref, title, line in r.ann.n:
        if not ref.startswith("Wikipedia:"):
            r.fail(line, f'normalisation "{ref}" is not Wikipedia:<title>')
            continue
        from_id = ref.removeprefix("Wikipedia:").replace("_", " ")
        if from_id != title:
            # In brat the ID is the normalisation and the text only shows it: an edit to
            # one of the two alone is refused, never resolved in silence.
            r.fail(line, f'Wikipedia ID "{from_id}" and its text "{title}" differ')
            continue
        wiki[target] = title
    unanchored = {e["id"]: e for e in r.meta.get("unanchored_entities", [])}
    anchored: dict[str, dict[str, Any]] = {}
    for bid, eid in r.anchors.items():
        note = r.note(bid)
        anchored[eid] = {
            "id": eid,
            "name": note.get("name"),
            "type": r.ann.t[bid].type,
            "wikipedia": wiki.get(bid),
            "members": [r.resolve(NAME, m) for m in r.targets("Member", bid)],
            "description": note.get("description"),
        }
    order = [e for e in r.meta.get(NAME, []) if e in anchored or e in unanchored]
    order += [e for e in anchored if e not in order]
    return [anchored[e] if e in anchored else unanchored[e] for e in order]


BRAT = BratPart(
    read=_brat_read,
    conf=_brat_conf,
    write=_brat_write,
    side=_brat_side,
    not_carried=_brat_not_carried,
    reserved=lambda meta: meta.get(NAME, []),
)


# ---------------------------------------------------------------- DocBin
# This layer's part in the spaCy DocBin export and import.

DOCBIN = DocbinPart(
    groups=(),
    store=lambda document: [e.to_dict() for e in document.layer(NAME)],
    read=lambda source: list(source.data[NAME]),
)


# ---------------------------------------------------------------- HTML
# This layer's part in the HTML viewer.


def _html_table(document: Document, kit: HtmlKit) -> str:
    mentions_of: dict[str, list[str]] = {}
    for m in document.layer(MENTIONS):
        mentions_of.setdefault(m.entity_id, []).append(kit.chip(m.id, m.text))
    rows = [
        (
            e.id,
            [
                f"<code>{kit.escape(e.id)}</code>",
                kit.escape(e.name),
                kit.type_chip(e.type),
                kit.escape(e.wikipedia) if e.wikipedia else kit.none(),
                " ".join(kit.entity_chip(document, x) for x in e.members) or "",
                kit.escape(e.description),
                " ".join(mentions_of.get(e.id, [])),
            ],
        )
        for e in document.layer(NAME)
    ]
    head = ["id", "name", "type", "Wikipedia", "members", "description", "mentions"]
    return kit.table("Entities", head, rows)


HTML = HtmlPart(
    records=lambda document: [
        PageRecord(e.id, "entity", e.to_dict(), list(e.members)) for e in document.layer(NAME)
    ],
    table=_html_table,
    counted=NAME,
)


# ---------------------------------------------------------------- CoNLL
# This layer's part in the CoNLL IOB2 export.

CONLL = ConllPart(not_carried=each_record(NAME, "entity record and coreference"))


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

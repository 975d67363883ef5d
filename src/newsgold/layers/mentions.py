"""The mentions layer: spans that refer to an entity, typed NAM, NOM or PRO."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from newsgold.issues import pointer
from newsgold.labels import inventory
from newsgold.layers.base import Context, IdKind, Layer, as_str, short

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


LAYER = Layer(
    name=NAME,
    record=Mention,
    ids=(IdKind(NAME, "m"),),
    depends_on=(ENTITIES,),
    check=check,
    description="Spans that refer to an entity (NAM, NOM, PRO).",
)

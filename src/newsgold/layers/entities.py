"""The entities layer: the referents of mentions, with Wikipedia links and groups."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from newsgold.issues import pointer
from newsgold.layers.base import Context, IdKind, Layer, as_str

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


LAYER = Layer(
    name=NAME,
    record=Entity,
    ids=(IdKind(NAME, "e"),),
    check=check,
    description="Referents of mentions: name, type, Wikipedia title, group members.",
)

"""The quotes layer: attributions (PARC style) with content, cue, source and speaker."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from newsgold.issues import pointer
from newsgold.layers.base import Context, IdKind, Layer, dicts, short
from newsgold.layers.mentions import same_entity
from newsgold.spans import Span, spans_from

NAME = "quotes"
MENTIONS = "mentions"
ENTITIES = "entities"


@dataclass(frozen=True)
class Participant:
    entity_id: str
    mention_id: str | None

    def to_dict(self) -> dict[str, Any]:
        return {"entity_id": self.entity_id, "mention_id": self.mention_id}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Participant:
        return cls(d["entity_id"], d["mention_id"])


@dataclass(frozen=True)
class Quote:
    id: str
    type: str
    content: tuple[Span, ...]
    cue: tuple[Span, ...]
    source: str | None
    speaker: str | None
    addressee: Participant | None
    parent: str | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "type": self.type,
            "content": [s.to_dict() for s in self.content],
            "cue": [s.to_dict() for s in self.cue],
            "source": self.source,
            "speaker": self.speaker,
            "addressee": None if self.addressee is None else self.addressee.to_dict(),
            "parent": self.parent,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Quote:
        addressee = d["addressee"]
        return cls(
            d["id"],
            d["type"],
            spans_from(d["content"]),
            spans_from(d["cue"]),
            d["source"],
            d["speaker"],
            None if addressee is None else Participant.from_dict(addressee),
            d["parent"],
        )


def _participants(ck: Context, i: int, q: dict[str, Any]) -> None:
    if q.get("source") is not None:
        ck.ref(MENTIONS, q.get("source"), NAME, i, "source")
    if q.get("speaker") is not None and ck.ref(ENTITIES, q.get("speaker"), NAME, i, "speaker"):
        same_entity(ck, q.get("source"), q.get("speaker"), NAME, i, "source")
    addressee = q.get("addressee")
    if not isinstance(addressee, dict):
        return
    where = (NAME, i, "addressee")
    ck.ref(ENTITIES, addressee.get("entity_id"), *where, "entity_id")
    mention_id = addressee.get("mention_id")
    if mention_id is not None and ck.ref(MENTIONS, mention_id, *where, "mention_id"):
        same_entity(ck, mention_id, addressee.get("entity_id"), *where, "mention_id")


def _nesting(
    ck: Context, contents: dict[str, list[tuple[int, int]]], parents: dict[str, str]
) -> None:
    for i, q in ck.items(NAME):
        qid, parent = q.get("id"), parents.get(str(q.get("id")))
        if parent is None:
            continue
        seen_chain = {qid}
        cur: str | None = parent
        while cur is not None and cur not in seen_chain:
            seen_chain.add(cur)
            cur = parents.get(cur)
        if cur is not None:
            ck.add(
                pointer(NAME, i, "parent"),
                "quote-parent-cycle",
                f'"{qid}" is, through its parents, its own ancestor',
                "a parent must enclose its child, not the other way round",
            )
            continue
        outer = contents.get(parent)
        if outer is None:
            continue  # the parent's content has problems of its own
        for cs, ce in contents.get(str(qid), []):
            if not any(ps <= cs and ce <= pe for ps, pe in outer):
                ck.add(
                    pointer(NAME, i, "content"),
                    "quote-outside-parent",
                    f"content {cs}-{ce} {short(ck.text[cs:ce])} "
                    f'is not inside the content of parent "{parent}"',
                    "nest only attributions that lie inside the parent's content, or clear parent",
                )
                break


def check(ck: Context) -> None:
    """Spans, references to mentions and entities, and nested attributions."""
    contents: dict[str, list[tuple[int, int]]] = {}
    parents: dict[str, str] = {}
    for i, q in ck.items(NAME):
        content = ck.span_list(q.get("content"), NAME, i, "content")
        usable = len(content) == len(list(dicts(q.get("content"))))
        ck.span_list(q.get("cue"), NAME, i, "cue")
        _participants(ck, i, q)
        if isinstance(q.get("id"), str):
            if usable:
                contents[q["id"]] = content
            if q.get("parent") is not None and ck.ref(NAME, q.get("parent"), NAME, i, "parent"):
                parents[q["id"]] = q["parent"]
    _nesting(ck, contents, parents)


LAYER = Layer(
    name=NAME,
    record=Quote,
    ids=(IdKind(NAME, "q"),),
    depends_on=(MENTIONS, ENTITIES),
    check=check,
    description="Attributions: content, cue, source mention, speaker entity, addressee, nesting.",
)

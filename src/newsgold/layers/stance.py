"""The stance layer: a holder's polarity toward a target, with evidence and quotes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from newsgold.issues import pointer
from newsgold.layers.base import Context, IdKind, Layer, short
from newsgold.spans import Span, spans_from

NAME = "stance"
ENTITIES = "entities"
EVENTS = "events"
QUOTES = "quotes"


@dataclass(frozen=True)
class Target:
    id: str
    description: str
    entity_id: str | None
    event_id: str | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "description": self.description,
            "entity_id": self.entity_id,
            "event_id": self.event_id,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Target:
        return cls(d["id"], d["description"], d["entity_id"], d["event_id"])


@dataclass(frozen=True)
class Stance:
    id: str
    holder: str
    target: Target
    polarity: str
    evidence: tuple[Span, ...]
    quote_ids: tuple[str, ...]
    basis: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "holder": self.holder,
            "target": self.target.to_dict(),
            "polarity": self.polarity,
            "evidence": [s.to_dict() for s in self.evidence],
            "quote_ids": list(self.quote_ids),
            "basis": self.basis,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Stance:
        return cls(
            d["id"],
            d["holder"],
            Target.from_dict(d["target"]),
            d["polarity"],
            spans_from(d["evidence"]),
            tuple(d["quote_ids"]),
            d["basis"],
        )


def _target(ck: Context, i: int, tg: dict[str, Any], targets: dict[str, tuple[Any, ...]]) -> None:
    if tg.get("entity_id") is not None:
        ck.ref(ENTITIES, tg.get("entity_id"), NAME, i, "target", "entity_id")
    if tg.get("event_id") is not None:
        ck.ref(EVENTS, tg.get("event_id"), NAME, i, "target", "event_id")
    tid = tg.get("id")
    key = (tg.get("description"), tg.get("entity_id"), tg.get("event_id"))
    if not isinstance(tid, str):
        return
    if tid in targets and targets[tid] != key:
        ck.add(
            pointer(NAME, i, "target"),
            "target-conflict",
            f'target "{tid}" is {short(list(key))} here but {short(list(targets[tid]))} before',
            "use one description and link per target id, or a new id",
        )
    targets.setdefault(tid, key)


def check(ck: Context) -> None:
    """Holder, evidence spans, cited quotes, and one description per target id."""
    targets: dict[str, tuple[Any, ...]] = {}
    for i, st in ck.items(NAME):
        ck.ref(ENTITIES, st.get("holder"), NAME, i, "holder")
        ck.span_list(st.get("evidence"), NAME, i, "evidence")
        qids = st.get("quote_ids")
        if isinstance(qids, list):
            for j, qid in enumerate(qids):
                ck.ref(QUOTES, qid, NAME, i, "quote_ids", j)
        tg = st.get("target")
        if isinstance(tg, dict):
            _target(ck, i, tg, targets)


LAYER = Layer(
    name=NAME,
    record=Stance,
    ids=(IdKind(NAME, "st"), IdKind("targets", "tg", ("target",), unique=False)),
    depends_on=(ENTITIES, EVENTS, QUOTES),
    check=check,
    description="Stance: holder, target, polarity, evidence spans, cited quotes, basis.",
)

"""The data model: frozen dataclasses mirroring ``schema/document.schema.json``.

``to_dict`` gives the canonical key order; ``from_dict`` expects a document that
has passed validation (see :mod:`newsgold.validate`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Self

SCHEMA_VERSION = "1.0.0"
LAYERS = ("sentences", "mentions", "entities", "quotes", "events", "stance")


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    text: str

    def to_dict(self) -> dict[str, Any]:
        return {"start": self.start, "end": self.end, "text": self.text}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Span:
        return cls(d["start"], d["end"], d["text"])


def _spans(items: list[dict[str, Any]]) -> tuple[Span, ...]:
    return tuple(Span.from_dict(s) for s in items)


@dataclass(frozen=True)
class IdSpan:
    """A span with an id of its own: the shape of sentences and event triggers."""

    id: str
    start: int
    end: int
    text: str

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "start": self.start, "end": self.end, "text": self.text}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Self:
        return cls(d["id"], d["start"], d["end"], d["text"])


class Sentence(IdSpan):
    """A sentence span."""


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
            _spans(d["content"]),
            _spans(d["cue"]),
            d["source"],
            d["speaker"],
            None if addressee is None else Participant.from_dict(addressee),
            d["parent"],
        )


class Trigger(IdSpan):
    """An event mention: the word or phrase that expresses an event."""


@dataclass(frozen=True)
class Argument:
    role: str
    entity_id: str
    mention_id: str | None

    def to_dict(self) -> dict[str, Any]:
        return {"role": self.role, "entity_id": self.entity_id, "mention_id": self.mention_id}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Argument:
        return cls(d["role"], d["entity_id"], d["mention_id"])


@dataclass(frozen=True)
class Time:
    mention_id: str | None
    value: str
    reasoning: str

    def to_dict(self) -> dict[str, Any]:
        return {"mention_id": self.mention_id, "value": self.value, "reasoning": self.reasoning}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Time:
        return cls(d["mention_id"], d["value"], d["reasoning"])


@dataclass(frozen=True)
class Event:
    id: str
    type: str
    modes: tuple[str, ...]
    contexts: tuple[str, ...]
    triggers: tuple[Trigger, ...]
    arguments: tuple[Argument, ...]
    realis: str
    time: Time | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "type": self.type,
            "modes": list(self.modes),
            "contexts": list(self.contexts),
            "triggers": [t.to_dict() for t in self.triggers],
            "arguments": [a.to_dict() for a in self.arguments],
            "realis": self.realis,
            "time": None if self.time is None else self.time.to_dict(),
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Event:
        return cls(
            d["id"],
            d["type"],
            tuple(d["modes"]),
            tuple(d["contexts"]),
            tuple(Trigger.from_dict(t) for t in d["triggers"]),
            tuple(Argument.from_dict(a) for a in d["arguments"]),
            d["realis"],
            None if d["time"] is None else Time.from_dict(d["time"]),
        )


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
            _spans(d["evidence"]),
            tuple(d["quote_ids"]),
            d["basis"],
        )


@dataclass(frozen=True)
class DocumentDate:
    """The day of publication, or null with the bounds the evidence sets on it."""

    value: str | None
    basis: str
    not_before: str | None = None
    not_after: str | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"value": self.value}
        if self.not_before is not None:
            out["not_before"] = self.not_before
        if self.not_after is not None:
            out["not_after"] = self.not_after
        out["basis"] = self.basis
        return out

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> DocumentDate:
        return cls(d["value"], d["basis"], d.get("not_before"), d.get("not_after"))

    def display(self) -> str:
        """The day, or what is known of it: ``unknown, not before 2017-08-06``."""
        if self.value is not None:
            return self.value
        bounds = [f"not before {self.not_before}"] if self.not_before else []
        bounds += [f"not after {self.not_after}"] if self.not_after else []
        return ", ".join(["unknown", *bounds])


@dataclass(frozen=True)
class Publication:
    """Where the text was published: publisher, address, day (or None), and the basis."""

    publisher: str
    address: str
    date: str | None
    basis: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "publisher": self.publisher,
            "address": self.address,
            "date": self.date,
            "basis": self.basis,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Publication:
        return cls(d["publisher"], d["address"], d["date"], d["basis"])


@dataclass(frozen=True)
class Source:
    """A document the text takes its content from, and the part of the text it supplies."""

    publisher: str
    title: str
    address: str
    date: str | None
    supplies: str
    basis: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "publisher": self.publisher,
            "title": self.title,
            "address": self.address,
            "date": self.date,
            "supplies": self.supplies,
            "basis": self.basis,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Source:
        return cls(d["publisher"], d["title"], d["address"], d["date"], d["supplies"], d["basis"])


@dataclass(frozen=True)
class Metadata:
    headline: str | None
    source_outlets: tuple[str, ...]
    language: str
    date: DocumentDate
    provenance: str
    license: str
    publication: Publication | None = None
    sources: tuple[Source, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        # publication and sources are optional in the schema: absent, not null or empty.
        out: dict[str, Any] = {"headline": self.headline}
        if self.publication is not None:
            out["publication"] = self.publication.to_dict()
        out["source_outlets"] = list(self.source_outlets)
        if self.sources:
            out["sources"] = [s.to_dict() for s in self.sources]
        out["language"] = self.language
        out["date"] = self.date.to_dict()
        out["provenance"] = self.provenance
        out["license"] = self.license
        return out

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Metadata:
        publication = d.get("publication")
        return cls(
            d["headline"],
            tuple(d["source_outlets"]),
            d["language"],
            DocumentDate.from_dict(d["date"]),
            d["provenance"],
            d["license"],
            Publication.from_dict(publication) if publication is not None else None,
            tuple(Source.from_dict(s) for s in d.get("sources") or ()),
        )


@dataclass(frozen=True)
class Document:
    id: str
    schema_version: str
    metadata: Metadata
    text: str
    text_sha256: str
    annotated_layers: tuple[str, ...]
    sentences: tuple[Sentence, ...]
    mentions: tuple[Mention, ...]
    entities: tuple[Entity, ...]
    quotes: tuple[Quote, ...]
    events: tuple[Event, ...]
    stance: tuple[Stance, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "schema_version": self.schema_version,
            "metadata": self.metadata.to_dict(),
            "text": self.text,
            "text_sha256": self.text_sha256,
            "annotated_layers": list(self.annotated_layers),
            "sentences": [s.to_dict() for s in self.sentences],
            "mentions": [m.to_dict() for m in self.mentions],
            "entities": [e.to_dict() for e in self.entities],
            "quotes": [q.to_dict() for q in self.quotes],
            "events": [e.to_dict() for e in self.events],
            "stance": [s.to_dict() for s in self.stance],
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Document:
        return cls(
            d["id"],
            d["schema_version"],
            Metadata.from_dict(d["metadata"]),
            d["text"],
            d["text_sha256"],
            tuple(d["annotated_layers"]),
            tuple(Sentence.from_dict(s) for s in d["sentences"]),
            tuple(Mention.from_dict(m) for m in d["mentions"]),
            tuple(Entity.from_dict(e) for e in d["entities"]),
            tuple(Quote.from_dict(q) for q in d["quotes"]),
            tuple(Event.from_dict(e) for e in d["events"]),
            tuple(Stance.from_dict(s) for s in d["stance"]),
        )

    # Look-ups used by every consumer of the model.
    def entity(self, entity_id: str) -> Entity:
        for e in self.entities:
            if e.id == entity_id:
                return e
        raise KeyError(entity_id)

    def mention(self, mention_id: str) -> Mention:
        for m in self.mentions:
            if m.id == mention_id:
                return m
        raise KeyError(mention_id)

    def sentence_index(self, offset: int) -> int:
        """Index of the sentence that holds ``offset`` (-1 when none does)."""
        for i, s in enumerate(self.sentences):
            if s.start <= offset < s.end:
                return i
        return -1

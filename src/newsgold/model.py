"""The data model: frozen dataclasses mirroring ``schema/document.schema.json``.

``to_dict`` gives the canonical key order; ``from_dict`` expects a document that
has passed validation (see :mod:`newsgold.validate`).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any

from newsgold import layers as registry
from newsgold.layers.entities import Entity
from newsgold.layers.events import Argument, Event, Time, Trigger
from newsgold.layers.mentions import Mention
from newsgold.layers.quotes import Participant, Quote
from newsgold.layers.sentences import Sentence
from newsgold.layers.stance import Stance, Target
from newsgold.spans import IdSpan, Span

__all__ = [
    "Argument",
    "Document",
    "DocumentDate",
    "Entity",
    "Event",
    "IdSpan",
    "Mention",
    "Metadata",
    "Participant",
    "Quote",
    "Sentence",
    "Span",
    "Stance",
    "Target",
    "Time",
    "Trigger",
]

SCHEMA_VERSION = "1.0.0"


@dataclass(frozen=True)
class DocumentDate:
    value: str | None
    basis: str

    def to_dict(self) -> dict[str, Any]:
        return {"value": self.value, "basis": self.basis}


@dataclass(frozen=True)
class Metadata:
    headline: str | None
    source_outlets: tuple[str, ...]
    language: str
    date: DocumentDate
    provenance: str
    license: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "headline": self.headline,
            "source_outlets": list(self.source_outlets),
            "language": self.language,
            "date": self.date.to_dict(),
            "provenance": self.provenance,
            "license": self.license,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Metadata:
        return cls(
            d["headline"],
            tuple(d["source_outlets"]),
            d["language"],
            DocumentDate(d["date"]["value"], d["date"]["basis"]),
            d["provenance"],
            d["license"],
        )


_HEAD = ("id", "schema_version", "metadata", "text", "text_sha256", "annotated_layers")
"""The keys of a document before its layers."""


@dataclass(frozen=True)
class Document:
    """A document: its text, metadata, and one tuple of typed records per layer.

    The built-in layers are fields; a layer registered from outside the package
    lives in ``extra`` (pairs of layer name and records). :meth:`layer` reads
    either kind by name.
    """

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
    extra: tuple[tuple[str, tuple[Any, ...]], ...] = ()

    def layer(self, name: str) -> tuple[Any, ...]:
        """The records of the layer called ``name`` (empty when the document has none)."""
        if name in _FIELDS:
            value: tuple[Any, ...] = getattr(self, name)
            return value
        return next((records for key, records in self.extra if key == name), ())

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "id": self.id,
            "schema_version": self.schema_version,
            "metadata": self.metadata.to_dict(),
            "text": self.text,
            "text_sha256": self.text_sha256,
            "annotated_layers": list(self.annotated_layers),
        }
        for layer in registry.layers():
            if layer.name in _FIELDS or any(key == layer.name for key, _ in self.extra):
                out[layer.name] = [r.to_dict() for r in self.layer(layer.name)]
        return out

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Document:
        fields: dict[str, Any] = {}
        extra: list[tuple[str, tuple[Any, ...]]] = []
        for layer in registry.layers():
            records = tuple(layer.record.from_dict(r) for r in d.get(layer.name, ()))
            if layer.name in _FIELDS:
                fields[layer.name] = records
            elif layer.name in d:
                extra.append((layer.name, records))
        return cls(
            d["id"],
            d["schema_version"],
            Metadata.from_dict(d["metadata"]),
            d["text"],
            d["text_sha256"],
            tuple(d["annotated_layers"]),
            extra=tuple(extra),
            **fields,
        )

    # Look-ups by id. The index is built once, on first use, from the ids each layer
    # declares: a cached property writes the instance ``__dict__`` directly, so the frozen
    # fields, equality, hashing and ``to_dict`` do not see it.
    @cached_property
    def _by_id(self) -> dict[str, dict[str, Any]]:
        index: dict[str, dict[str, Any]] = {}
        for layer in registry.layers():
            for kind in layer.ids:
                if kind.unique:
                    found = index.setdefault(kind.kind, {})
                    for record in self.layer(layer.name):
                        for obj in _nested(record, kind.path):
                            found.setdefault(obj.id, obj)
        return index

    def record(self, kind: str, ident: str) -> Any:
        """The record with id ``ident`` among the ids of ``kind`` (a layer name, or a kind
        of nested id such as ``triggers``); :class:`KeyError` when there is none."""
        return self._by_id[kind][ident]

    def sentence(self, sentence_id: str) -> Sentence:
        """The sentence with this id; :class:`KeyError` when there is none."""
        found: Sentence = self.record("sentences", sentence_id)
        return found

    def mention(self, mention_id: str) -> Mention:
        """The mention with this id; :class:`KeyError` when there is none."""
        found: Mention = self.record("mentions", mention_id)
        return found

    def entity(self, entity_id: str) -> Entity:
        """The entity with this id; :class:`KeyError` when there is none."""
        found: Entity = self.record("entities", entity_id)
        return found

    def quote(self, quote_id: str) -> Quote:
        """The quote with this id; :class:`KeyError` when there is none."""
        found: Quote = self.record("quotes", quote_id)
        return found

    def event(self, event_id: str) -> Event:
        """The event with this id; :class:`KeyError` when there is none."""
        found: Event = self.record("events", event_id)
        return found

    def trigger(self, trigger_id: str) -> Trigger:
        """The event trigger with this id; :class:`KeyError` when there is none."""
        found: Trigger = self.record("triggers", trigger_id)
        return found

    def stance_record(self, stance_id: str) -> Stance:
        """The stance record with this id; :class:`KeyError` when there is none."""
        found: Stance = self.record("stance", stance_id)
        return found

    def sentence_index(self, offset: int) -> int:
        """Index of the sentence that holds ``offset`` (-1 when none does)."""
        for i, s in enumerate(self.sentences):
            if s.start <= offset < s.end:
                return i
        return -1


def _nested(record: Any, path: tuple[str, ...]) -> list[Any]:
    """The records at ``path`` under ``record`` (attribute names; tuples are walked)."""
    if not path:
        return [record]
    value = getattr(record, path[0])
    items = value if isinstance(value, tuple) else (value,)
    return [found for item in items for found in _nested(item, path[1:])]


_FIELDS = frozenset(Document.__dataclass_fields__) - {*_HEAD, "extra"}
"""The layers that are fields of :class:`Document`."""

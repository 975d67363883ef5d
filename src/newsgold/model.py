"""The data model: frozen dataclasses mirroring ``schema/document.schema.json``.

``to_dict`` gives the canonical key order; ``from_dict`` expects a document that
has passed validation (see :mod:`newsgold.validate`).
"""

from __future__ import annotations

from collections.abc import Sequence
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
            tuple([Source.from_dict(s) for s in d.get("sources") or ()]),
        )


_HEAD = ("id", "schema_version", "metadata", "text", "text_sha256", "annotated_layers")
"""The keys of a document before its layers."""


@dataclass(frozen=True)
class Document:
    """A document: its text, metadata, and one tuple of typed records per layer.

    The six layers of schema 1.0 are fields, and their keys are in every canonical
    document. Every other layer (built in later, or registered from outside the
    package) lives in ``extra`` (pairs of layer name and records, in registry order,
    for the layers that have records); its key is in the canonical document when the
    document lists the layer in ``annotated_layers`` or has records of it, and is left
    out otherwise, so that a document written before the layer existed stays
    canonical. :meth:`layer` reads either kind by name.
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
        return self._value(frozenset())

    def serialisable(self) -> dict[str, Any]:
        """:meth:`to_dict` as the fast serialiser (``orjson``) is given it, to write the
        same bytes in fewer steps; for that serialiser only (``json.dumps`` refuses it).
        The records of the package's own layers are left as they are: ``orjson`` writes
        a dataclass's whole ``__dict__`` (but keys starting with ``_``) in its order,
        which for these records is their fields in field order, as ``to_dict`` writes
        them (``from_dict`` and ``__init__`` fill it so, and nothing else writes to it;
        ``tests/test_model.py`` checks both for every record). The records of a layer
        from outside the package go through their ``to_dict``."""
        added = registry.added()
        return self._value(frozenset(x.name for x in registry.layers() if x not in added))

    def _value(self, kept: frozenset[str]) -> dict[str, Any]:
        """The document as a dict: the records of the layers named in ``kept`` as they
        are, every other layer's as their ``to_dict``."""
        out: dict[str, Any] = {
            "id": self.id,
            "schema_version": self.schema_version,
            "metadata": self.metadata.to_dict(),
            "text": self.text,
            "text_sha256": self.text_sha256,
            "annotated_layers": list(self.annotated_layers),
        }
        for layer in registry.layers():
            records = self.layer(layer.name)
            if has_layer_key(layer.name, self.annotated_layers, len(records)):
                keep = layer.name in kept
                out[layer.name] = records if keep else [r.to_dict() for r in records]
        return out

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Document:
        fields: dict[str, Any] = {}
        extra: list[tuple[str, tuple[Any, ...]]] = []
        for layer in registry.layers():
            # null: a layer the Parquet row of a document without it leaves empty
            records = tuple([layer.record.from_dict(r) for r in d.get(layer.name) or ()])
            if layer.name in _FIELDS:
                fields[layer.name] = records
            elif records:
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


def has_layer_key(name: str, annotated_layers: Sequence[str], records: int) -> bool:
    """Whether a canonical document has the key of the layer ``name``: always for a layer
    of schema 1.0, else when ``annotated_layers`` lists it or it has ``records``."""
    return name in _FIELDS or records > 0 or name in annotated_layers


def _nested(record: Any, path: tuple[str, ...]) -> list[Any]:
    """The records at ``path`` under ``record`` (attribute names; tuples are walked)."""
    if not path:
        return [record]
    value = getattr(record, path[0])
    items = value if isinstance(value, tuple) else (value,)
    return [found for item in items for found in _nested(item, path[1:])]


_FIELDS = frozenset(Document.__dataclass_fields__) - {*_HEAD, "extra"}
"""The layers that are fields of :class:`Document`."""

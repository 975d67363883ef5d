"""The data model: look-ups by id through indexes that leave the values unchanged."""

from __future__ import annotations

import copy
import dataclasses
import json
import pickle
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest

from newsgold import layers
from newsgold.io import canonical_json
from newsgold.model import Document
from newsgold.resources import documents_dir
from newsgold.spans import IdSpan

FIXTURE = Path(__file__).parent / "fixtures" / "valid" / "fixture_small.json"


def fixture() -> Document:
    return Document.from_dict(json.loads(FIXTURE.read_text(encoding="utf-8")))


def test_every_annotation_is_found_by_its_id() -> None:
    doc = fixture()
    assert doc.sentences and doc.mentions and doc.entities and doc.quotes
    assert doc.events and doc.stance
    for s in doc.sentences:
        assert doc.sentence(s.id) is s
    for m in doc.mentions:
        assert doc.mention(m.id) is m
    for e in doc.entities:
        assert doc.entity(e.id) is e
    for q in doc.quotes:
        assert doc.quote(q.id) is q
    for ev in doc.events:
        assert doc.event(ev.id) is ev
        for t in ev.triggers:
            assert doc.trigger(t.id) is t
    for st in doc.stance:
        assert doc.stance_record(st.id) is st


@pytest.mark.parametrize(
    "lookup", ["sentence", "mention", "entity", "quote", "event", "trigger", "stance_record"]
)
def test_an_unknown_id_raises_key_error(lookup: str) -> None:
    with pytest.raises(KeyError, match="no_such_id"):
        getattr(fixture(), lookup)("no_such_id")


def test_the_indexes_do_not_change_equality_hash_or_serialisation() -> None:
    used, fresh = fixture(), fixture()
    used.entity(used.entities[0].id)  # builds an index on `used` only
    used.trigger(used.events[0].triggers[0].id)
    assert used == fresh and hash(used) == hash(fresh)
    assert used.to_dict() == fresh.to_dict()
    assert canonical_json(used) == FIXTURE.read_text(encoding="utf-8")
    assert dataclasses.asdict(used) == dataclasses.asdict(fresh)
    assert repr(used) == repr(fresh)
    assert pickle.loads(pickle.dumps(used)) == fresh
    assert copy.deepcopy(used) == fresh


def test_a_replaced_document_gets_its_own_index() -> None:
    doc = fixture()
    first = doc.entities[0]
    assert doc.entity(first.id) is first
    changed = dataclasses.replace(doc, entities=doc.entities[1:])
    with pytest.raises(KeyError):
        changed.entity(first.id)
    assert doc.entity(first.id) is first


def _records(value: Any) -> Iterator[Any]:
    """Every dataclass instance inside ``value`` (itself included), depth first."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        yield value
        for f in dataclasses.fields(value):
            yield from _records(getattr(value, f.name))
    elif isinstance(value, tuple | list):
        for item in value:
            yield from _records(item)


@pytest.mark.parametrize("path", sorted(documents_dir().glob("*.json")), ids=lambda p: p.name)
def test_every_record_read_is_what_its_init_makes(path: Path) -> None:
    """Records are made without their ``__init__`` (``newsgold.records.make``): each holds
    exactly its fields, in order, and equals the record its ``__init__`` makes of them."""
    doc = Document.from_dict(json.loads(path.read_text(encoding="utf-8")))
    kinds = set()
    for record in _records(doc):
        names = [f.name for f in dataclasses.fields(record)]
        assert list(vars(record)) == names
        again = type(record)(**{n: getattr(record, n) for n in names})
        assert again == record and hash(again) == hash(record) and vars(again) == vars(record)
        assert list(again.__dict__) == names
        kinds.add(type(record).__name__)
    assert kinds >= {
        "Mention",
        "Entity",
        "Quote",
        "Participant",
        "Event",
        "Trigger",
        "Argument",
        "Stance",
        "Target",
        "Span",
        "Relation",
        "Sentence",
    }


@pytest.mark.parametrize("path", sorted(documents_dir().glob("*.json")), ids=lambda p: p.name)
def test_the_fast_serialiser_writes_every_record_as_its_to_dict(path: Path) -> None:
    """``Document.serialisable`` leaves the records of the package's layers to ``orjson``,
    which writes a dataclass's ``__dict__`` in its order: every record, read or made by
    its ``__init__``, is written as its ``to_dict``, keys in the same order."""
    doc = Document.from_dict(json.loads(path.read_text(encoding="utf-8")))
    layered = [r for layer in layers.layers() for r in _records(doc.layer(layer.name))]
    assert {type(r).__name__ for r in layered} >= {"Mention", "Quote", "Trigger", "Target"}
    for record in layered:
        names = [f.name for f in dataclasses.fields(record)]
        again = type(record)(**{n: getattr(record, n) for n in names})
        assert list(record.to_dict()) == names
        written = orjson.dumps(record.to_dict())
        assert orjson.dumps(record) == written and orjson.dumps(again) == written
    written = orjson.dumps(doc.serialisable(), option=orjson.OPT_INDENT_2)
    assert written == orjson.dumps(doc.to_dict(), option=orjson.OPT_INDENT_2)
    assert written + b"\n" == path.read_bytes()


@pytest.mark.parametrize("path", sorted(documents_dir().glob("*.json")), ids=lambda p: p.name)
def test_a_record_is_the_same_whatever_the_order_of_its_keys(path: Path) -> None:
    """A record whose object has its keys in field order is filled from it at once
    (``newsgold.records.read``); in any other order it is made field by field: the same
    record, its ``__dict__`` in field order either way."""
    doc = Document.from_dict(json.loads(path.read_text(encoding="utf-8")))
    layered = [r for layer in layers.layers() for r in doc.layer(layer.name)]
    for record in layered:
        value = record.to_dict()
        for given in (value, _reversed(value)):
            again = type(record).from_dict(json.loads(json.dumps(given)))
            assert again == record
            for made in _records(again):  # nested records too, each made one way or the other
                assert list(vars(made)) == [f.name for f in dataclasses.fields(made)]


def _reversed(value: Any) -> Any:
    """``value`` with the keys of every object in it, at every depth, in reverse order."""
    if isinstance(value, dict):
        return {k: _reversed(v) for k, v in reversed(value.items())}
    if isinstance(value, list):
        return [_reversed(v) for v in value]
    return value


@dataclasses.dataclass(frozen=True)
class _Labelled(IdSpan):
    """A span record of a layer from outside the package that inherits ``from_dict``."""

    label: str = "unset"


def test_a_subclass_with_fields_of_its_own_is_made_by_its_parents_from_dict() -> None:
    """``from_dict`` fills the fields it names, whatever the order of the keys: a record
    class with fields of its own that inherits it gets none of them from the object."""
    value = {"id": "s1", "start": 0, "end": 2, "text": "We", "label": "W"}
    for given in (value, dict(reversed(value.items()))):
        made = _Labelled.from_dict(given)
        assert vars(made) == {"id": "s1", "start": 0, "end": 2, "text": "We"}
        assert made.label == "unset"

"""Column specs of the Hugging Face configs: the ``datasets`` feature and the card type.

A column type is a small spec that gives both the ``datasets`` feature and the
type shown in the card: "string", "int32", ("label", <labels.json $def or
"ner"/"ner_conll">), ("list", spec), or a dict of name -> spec (a struct).
Descriptions of columns that are schema fields come from the schema.
:class:`Lookup` gives a layer's rows the names and texts its ids refer to.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any

from newsgold.resources import schema_dir

if TYPE_CHECKING:
    from newsgold.layers.base import Config
    from newsgold.model import Document
    from newsgold.spans import Span

Spec = Any
Column = tuple[str, Spec, str]
"""(name, spec, description) of one column."""


@cache
def schemas() -> tuple[dict[str, Any], dict[str, Any]]:
    root = schema_dir()
    doc = json.loads((root / "document.schema.json").read_text(encoding="utf-8"))
    labels = json.loads((root / "labels.json").read_text(encoding="utf-8"))
    return doc, labels


def resolve(node: dict[str, Any]) -> dict[str, Any]:
    doc, labels = schemas()
    ref = node.get("$ref")
    if not isinstance(ref, str):
        return node
    if ref.startswith("#/$defs/"):
        target: dict[str, Any] = doc["$defs"][ref.removeprefix("#/$defs/")]
    else:
        target = labels["$defs"][ref.split("#/$defs/")[1]]
    merged = {**target, **{k: v for k, v in node.items() if k != "$ref"}}
    return resolve(merged) if "$ref" in target else merged


def schema_field(path: str) -> dict[str, Any]:
    """The schema node of ``def.property`` (``document.text`` for top-level properties)."""
    doc, _ = schemas()
    kind, _, prop = path.partition(".")
    node = doc if kind == "document" else doc["$defs"][kind]
    return dict(resolve(node["properties"][prop]) | {"description": described(node, prop)})


def described(node: dict[str, Any], prop: str) -> str:
    raw = node["properties"][prop]
    if "description" in raw:
        return str(raw["description"])
    return str(resolve(raw).get("description", ""))


def d(path: str) -> str:
    """The schema description of ``def.property``."""
    return str(schema_field(path)["description"])


def spec_from_schema(node: dict[str, Any]) -> Spec:
    """The column spec of a schema node (used for the lossless ``documents`` config)."""
    node = resolve(node)
    if "oneOf" in node:
        options = [resolve(o) for o in node["oneOf"] if resolve(o).get("type") != "null"]
        return spec_from_schema(options[0])
    typ = node.get("type")
    if isinstance(typ, list):
        typ = next(t for t in typ if t != "null")
    if typ == "object" or "properties" in node:
        return {k: spec_from_schema(v) for k, v in node["properties"].items()}
    if typ == "array":
        return ("list", spec_from_schema(node["items"]))
    if typ == "integer":
        return "int32"
    return "string"  # strings, enums and consts


def schema_rows(node: dict[str, Any], prefix: str = "") -> Iterator[tuple[str, Spec, str]]:
    """(path, spec, description) for every field under a schema object, depth first."""
    node = resolve(node)
    for name, raw in node["properties"].items():
        sub = resolve(raw)
        if "oneOf" in sub:
            sub = next(resolve(o) for o in sub["oneOf"] if resolve(o).get("type") != "null")
        path = f"{prefix}{name}"
        yield path, spec_from_schema(raw), described(node, name)
        if "properties" in sub:
            yield from schema_rows(sub, path + ".")
        elif sub.get("type") == "array" and "properties" in resolve(sub["items"]):
            yield from schema_rows(resolve(sub["items"]), path + "[].")


SPAN: Spec = {"start": "int32", "end": "int32", "text": "string"}
SENTENCE: Spec = {"id": "string", "start": "int32", "end": "int32", "text": "string"}
CONTEXT_DOC = (
    "The sentences that hold the record's spans, in text order (empty when the "
    "document has no sentences layer)."
)


def label_names(kind: str) -> tuple[str, ...]:
    """The ClassLabel names of a label kind (a labels.json $def, or "ner" / "ner_conll")."""
    from newsgold import tokens

    if kind == "ner":
        return tokens.ontonotes_tags()
    if kind == "ner_conll":
        return tokens.conll_tags()
    _, labels = schemas()
    return tuple(str(v) for v in labels["$defs"][kind]["enum"])


def to_feature(spec: Spec) -> Any:
    from datasets import ClassLabel, List, Value

    if isinstance(spec, dict):
        return {k: to_feature(v) for k, v in spec.items()}
    if isinstance(spec, tuple) and spec[0] == "list":
        return List(to_feature(spec[1]))
    if isinstance(spec, tuple) and spec[0] == "label":
        return ClassLabel(names=list(label_names(spec[1])))
    return Value(spec)


def type_name(spec: Spec) -> str:
    if isinstance(spec, dict):
        return "struct"
    if isinstance(spec, tuple) and spec[0] == "list":
        inner = type_name(spec[1])
        return f"list of {inner}"
    if isinstance(spec, tuple) and spec[0] == "label":
        return f"ClassLabel ({len(label_names(spec[1]))} names)"
    return str(spec)


class Lookup:
    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self.entities = {e.id: e for e in doc.entities}
        self.mentions = {m.id: m for m in doc.mentions}
        self.events = {e.id: e for e in doc.events}

    def entity_name(self, entity_id: str | None) -> str | None:
        entity = self.entities.get(entity_id) if entity_id is not None else None
        return None if entity is None else entity.name

    def mention_text(self, mention_id: str | None) -> str | None:
        mention = self.mentions.get(mention_id) if mention_id is not None else None
        return None if mention is None else mention.text

    def sentence(self, offset: int) -> tuple[int, str | None]:
        index = self.doc.sentence_index(offset)
        return index, (self.doc.sentences[index].id if index >= 0 else None)

    def context(self, spans: Iterable[tuple[int, int]]) -> list[dict[str, Any]]:
        spans = list(spans)
        return [
            s.to_dict()
            for s in self.doc.sentences
            if any(start < s.end and s.start < end for start, end in spans)
        ]


def span_rows(spans: Iterable[Span]) -> list[dict[str, Any]]:
    """Span objects as row values."""
    return [s.to_dict() for s in spans]


# ---------------------------------------------------------------- the configs

DEFAULT_CONFIG = "documents"
"""The default config: one row per document, every layer nested (lossless)."""


def data_file(config: str, split: str) -> str:
    """The path of a Parquet file inside the dataset folder."""
    return f"data/{config}/{split}-00000-of-00001.parquet"


def configs() -> tuple[str, ...]:
    """The configs, in card order: ``documents``, then each registered layer's configs."""
    from newsgold import layers as registry

    return (DEFAULT_CONFIG, *(c.name for layer in registry.layers() for c in layer.configs))


def layer_config(name: str) -> Config:
    """The config called ``name`` of a registered layer; ``ValueError`` when there is none."""
    from newsgold import layers as registry

    for layer in registry.layers():
        for found in layer.configs:
            if found.name == name:
                return found
    raise ValueError(f'unknown config "{name}"; use one of: {", ".join(configs())}')


def columns(name: str) -> list[Column]:
    """(column, spec, description) of a config; descriptions come from the schema where a
    column is a schema field."""
    if name == DEFAULT_CONFIG:
        doc = document_schema()
        return [
            (key, spec_from_schema(raw), described(doc, key))
            for key, raw in doc["properties"].items()
        ]
    return layer_config(name).columns()


def document_schema() -> dict[str, Any]:
    """The document schema as the validator applies it (with layers added from outside)."""
    from newsgold.validate import effective_schema

    return effective_schema()


def features(name: str) -> Any:
    """The ``datasets.Features`` of a config."""
    from datasets import Features

    return Features({key: to_feature(spec) for key, spec, _ in columns(name)})


# ---------------------------------------------------------------- rows


def config_rows(name: str, doc: Document) -> list[dict[str, Any]]:
    """The rows of one document in one config, labels as names (encoded later)."""
    if name == DEFAULT_CONFIG:
        return [doc.to_dict()]
    found = layer_config(name)
    if any(layer not in doc.annotated_layers for layer in found.needs):
        return []
    return found.rows(doc, Lookup(doc))


@dataclass(frozen=True)
class BuildInput:
    """Everything a build reads."""

    documents: tuple[Document, ...]
    splits: dict[str, tuple[str, ...]]
    card: str

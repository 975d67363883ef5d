"""Column specs of the Hugging Face configs: the ``datasets`` feature and the card type.

A column type is a small spec that gives both the ``datasets`` feature and the
type shown in the card: "string", "int32", ("label", <labels.json $def or
"ner"/"ner_conll">), ("list", spec), or a dict of name -> spec (a struct).
Descriptions of columns that are schema fields come from the schema.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from functools import cache
from typing import TYPE_CHECKING, Any

from newsgold.resources import schema_dir

if TYPE_CHECKING:
    from newsgold.spans import Span

Spec = Any


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


def span_rows(spans: Iterable[Span]) -> list[dict[str, Any]]:
    """Span objects as row values."""
    return [s.to_dict() for s in spans]

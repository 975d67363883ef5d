"""The Hugging Face configs: which there are, their columns and rows, and a build's input.

``documents`` is the default config (one row per document, every layer nested);
every other config comes from a registered layer (:attr:`newsgold.layers.Layer.configs`).
Column specs and their features are in :mod:`newsgold.columns`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from newsgold import layers as registry
from newsgold.columns import described, spec_from_schema, to_feature
from newsgold.layers.base import Column, Config, Lookup
from newsgold.model import Document

# ---------------------------------------------------------------- the configs

DEFAULT_CONFIG = "documents"
"""The default config: one row per document, every layer nested (lossless)."""


def data_file(config: str, split: str) -> str:
    """The path of a Parquet file inside the dataset folder."""
    return f"data/{config}/{split}-00000-of-00001.parquet"


def configs() -> tuple[str, ...]:
    """The configs, in card order: ``documents``, then each registered layer's configs."""
    return (DEFAULT_CONFIG, *(c.name for layer in registry.layers() for c in layer.configs))


def layer_config(name: str) -> Config:
    """The config called ``name`` of a registered layer; ``ValueError`` when there is none."""
    for layer in registry.layers():
        for found in layer.configs:
            if found.name == name:
                return found
    raise ValueError(f'unknown config "{name}"; use one of: {", ".join(configs())}')


def config_columns(name: str) -> list[Column]:
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

    return Features({key: to_feature(spec) for key, spec, _ in config_columns(name)})


# ---------------------------------------------------------------- rows


def config_rows(name: str, doc: Document, look: Lookup | None = None) -> list[dict[str, Any]]:
    """The rows of one document in one config, labels as names (encoded later); ``look``:
    the document's :class:`~newsgold.layers.base.Lookup`, one for all its configs."""
    if name == DEFAULT_CONFIG:
        row = doc.to_dict()
        # a layer the document leaves out (added after schema 1.0, not annotated) is null
        return [{key: row.get(key) for key, _, _ in config_columns(name)}]
    found = layer_config(name)
    if any(layer not in doc.annotated_layers for layer in found.needs):
        return []
    return found.rows(doc, look or Lookup(doc))


@dataclass(frozen=True)
class BuildInput:
    """What a build reads besides the documents (which it streams, one at a time)."""

    splits: dict[str, tuple[str, ...]]
    card: str
    leaderboard: dict[str, Any] = field(default_factory=dict)
    """``benchmarks/leaderboard.json``, written by ``benchmarks/leaderboard.py``."""


@dataclass(frozen=True)
class BuiltFile:
    """A written file as the card and Croissant describe it: its size and SHA-256; for a
    Parquet file also its rows and its in-memory Arrow size (``datasets``' ``num_bytes``)."""

    size: int
    sha256: str
    rows: int = 0
    arrow_bytes: int = 0


@dataclass(frozen=True)
class Built:
    """What the card and Croissant need of a build, kept while the documents stream past.

    ``files``: each written file (path in the dataset folder), Parquet files in build
    order (config, then split) and then ``croissant.json``; ``examples``: each config's
    example row (labels as names; None without rows); ``holders``: each document's id,
    publisher and sources as the card's licence table shows them, in id order.
    """

    files: dict[str, BuiltFile]
    examples: dict[str, dict[str, Any] | None]
    holders: tuple[tuple[str, str, str], ...]

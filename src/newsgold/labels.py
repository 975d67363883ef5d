"""The label inventory, read from ``schema/labels.json`` (the file the schema refers to).

:func:`inventory` gives the label sets of the first layers by name; a layer added
later reads its own definitions with :func:`enum` and :func:`const`, so that its
labels live in ``schema/labels.json`` and nowhere else, with no change here.
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass
from functools import cache
from typing import Any

from newsgold.resources import schema_dir


@dataclass(frozen=True)
class Inventory:
    """Every closed label set of the corpus."""

    entity_types: tuple[str, ...]
    mention_types: tuple[str, ...]
    quote_types: tuple[str, ...]
    event_types: tuple[str, ...]
    event_modes: dict[str, tuple[str, ...]]
    event_contexts: tuple[str, ...]
    event_roles: tuple[str, ...]
    realis: tuple[str, ...]
    polarities: tuple[str, ...]
    stance_bases: tuple[str, ...]
    layers: tuple[str, ...]


def _enum(defs: dict[str, Any], name: str) -> tuple[str, ...]:
    return tuple(str(v) for v in defs[name]["enum"])


@cache
def _definitions() -> dict[str, Any]:
    raw: dict[str, Any] = json.loads((schema_dir() / "labels.json").read_text(encoding="utf-8"))
    defs: dict[str, Any] = raw["$defs"]
    return defs


def enum(name: str) -> tuple[str, ...]:
    """The values of ``$defs/<name>/enum`` of ``schema/labels.json``; ``KeyError`` when
    there is no such definition."""
    return _enum(_definitions(), name)


def const(name: str) -> Any:
    """A copy of the value of ``$defs/<name>/const`` of ``schema/labels.json`` (a table
    the schema fixes, read by the code); ``KeyError`` when there is none."""
    return copy.deepcopy(_definitions()[name]["const"])


@cache
def inventory() -> Inventory:
    """The label inventory (read once)."""
    defs = _definitions()
    return Inventory(
        entity_types=_enum(defs, "entity_type"),
        mention_types=_enum(defs, "mention_type"),
        quote_types=_enum(defs, "quote_type"),
        event_types=_enum(defs, "event_type"),
        event_modes={k: tuple(v) for k, v in defs["event_modes"]["const"].items()},
        event_contexts=_enum(defs, "event_context"),
        event_roles=_enum(defs, "event_role"),
        realis=_enum(defs, "realis"),
        polarities=_enum(defs, "polarity"),
        stance_bases=_enum(defs, "stance_basis"),
        layers=_enum(defs, "layer"),
    )

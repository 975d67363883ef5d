"""The layer registry: every annotation layer, declared once in a module of its own.

The stages loop over :func:`layers` in registry order (the order of the keys of
a canonical document) instead of naming layers. A layer defined outside the
package is added with :func:`register` (or for a while with :func:`registered`)
and is then validated, stored in :class:`~newsgold.model.Document` and listed
like the built-in ones.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from newsgold.layers import entities, events, mentions, quotes, sentences, stance
from newsgold.layers.base import Context, DocumentView, IdKind, Layer
from newsgold.layers.formats import TagSpan

__all__ = [
    "Context",
    "IdKind",
    "Layer",
    "get",
    "layers",
    "names",
    "register",
    "registered",
    "tag_spans",
]


class _Registry:
    """The registered layers, in order; ``version`` changes with every registration."""

    def __init__(self, builtin: tuple[Layer, ...]) -> None:
        self.builtin = builtin
        self.added: tuple[Layer, ...] = ()
        self.version = 0

    def all(self) -> tuple[Layer, ...]:
        return self.builtin + self.added

    def register(self, layer: Layer) -> None:
        if any(x.name == layer.name for x in self.all()):
            raise ValueError(f'a layer named "{layer.name}" is already registered')
        known = {x.name for x in self.all()}
        missing = [d for d in layer.depends_on if d not in known]
        if missing:
            raise ValueError(f'layer "{layer.name}" depends on unregistered {", ".join(missing)}')
        self.added = (*self.added, layer)
        self.version += 1

    def unregister(self, name: str) -> None:
        if not any(x.name == name for x in self.added):
            raise ValueError(f'"{name}" is not a layer registered from outside the package')
        self.added = tuple(x for x in self.added if x.name != name)
        self.version += 1


_REGISTRY = _Registry(
    (
        sentences.LAYER,
        mentions.LAYER,
        entities.LAYER,
        quotes.LAYER,
        events.LAYER,
        stance.LAYER,
    )
)


def tag_spans(document: DocumentView) -> list[TagSpan]:
    """The spans every registered layer contributes to the NER tags
    (:attr:`~newsgold.layers.formats.ConllPart.tags`), in registry order."""
    out: list[TagSpan] = []
    for layer in layers():
        part = layer.formats.get("conll")
        if part is not None and part.tags is not None:
            out.extend(part.tags(document))
    return out


def layers() -> tuple[Layer, ...]:
    """Every registered layer, built-in ones first, in document key order."""
    return _REGISTRY.all()


def names() -> tuple[str, ...]:
    """The names of the registered layers."""
    return tuple(x.name for x in _REGISTRY.all())


def get(name: str) -> Layer:
    """The layer called ``name``; ``KeyError`` when there is none."""
    for layer in _REGISTRY.all():
        if layer.name == name:
            return layer
    raise KeyError(name)


def added() -> tuple[Layer, ...]:
    """The layers registered from outside the package."""
    return _REGISTRY.added


def version() -> int:
    """A number that changes whenever the registry does (for caches keyed on it)."""
    return _REGISTRY.version


def register(layer: Layer) -> None:
    """Add a layer after the registered ones; ``ValueError`` on a name taken or a missing
    dependency."""
    _REGISTRY.register(layer)


def unregister(name: str) -> None:
    """Remove a layer added with :func:`register`."""
    _REGISTRY.unregister(name)


@contextmanager
def registered(layer: Layer) -> Iterator[Layer]:
    """Register ``layer`` for the duration of a ``with`` block."""
    register(layer)
    try:
        yield layer
    finally:
        unregister(layer.name)

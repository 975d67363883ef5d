"""The layer registry: every annotation layer, declared once in a module of its own.

The built-in layers are found, not listed: every module of this package that
defines ``LAYER`` is one. They are ordered by the layer list of
``schema/labels.json`` (``$defs/layer``, the order of the keys of a canonical
document, which the schema reads too). The problem codes a built-in layer
declares (``Layer.codes``) join :data:`newsgold.issues.CODES` when the registry
is built. So a new built-in layer
is its module, its name in ``schema/labels.json`` and its array in the schemas;
no other module of the package names it.

The stages loop over :func:`layers` in registry order instead of naming layers.
A layer defined outside the package is added with :func:`register` (or for a
while with :func:`registered`) and is then validated, stored in
:class:`~newsgold.model.Document` and listed like the built-in ones.
"""

from __future__ import annotations

import importlib
import json
import pkgutil
from collections.abc import Iterator
from contextlib import contextmanager

from newsgold.issues import declare_codes
from newsgold.layers.base import Context, DocumentView, IdKind, Layer
from newsgold.layers.formats import TagSpan
from newsgold.resources import schema_dir

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


def _declared_order() -> list[str]:
    """The layer names of ``schema/labels.json``, in document key order."""
    labels = json.loads((schema_dir() / "labels.json").read_text(encoding="utf-8"))
    return [str(name) for name in labels["$defs"]["layer"]["enum"]]


def _discover() -> dict[str, Layer]:
    """The ``LAYER`` of every module of this package that defines one, by layer name."""
    found: dict[str, Layer] = {}
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{__name__}.{info.name}")
        layer = getattr(module, "LAYER", None)
        if not isinstance(layer, Layer):
            continue
        if layer.name in found:
            raise RuntimeError(f'two modules of newsgold.layers define the layer "{layer.name}"')
        found[layer.name] = layer
    return found


def builtin_layers(
    found: dict[str, Layer] | None = None, order: list[str] | None = None
) -> tuple[Layer, ...]:
    """The built-in layers (``found``, default: discovered) in the declared ``order``
    (default: ``schema/labels.json``); ``RuntimeError`` when a layer is not declared, a
    declared layer has no module, or a layer depends on a layer that is not built in.

    The order is the document's, not one of dependencies: layers may refer to each other
    (a mention names its entity, an entity's mentions name it)."""
    found = _discover() if found is None else found
    order = _declared_order() if order is None else order
    undeclared = sorted(set(found) - set(order))
    if undeclared:
        raise RuntimeError(
            f"layer module(s) for {', '.join(undeclared)} not in the layer list of "
            "schema/labels.json ($defs/layer/enum); add each name where its key goes "
            "in a document"
        )
    missing = [name for name in order if name not in found]
    if missing:
        raise RuntimeError(
            f"schema/labels.json lists the layer(s) {', '.join(missing)}, which no module "
            "of newsgold.layers defines; add the module or remove the name"
        )
    for name in order:
        unknown = [dep for dep in found[name].depends_on if dep not in found]
        if unknown:
            raise RuntimeError(
                f'layer "{name}" depends on {", ".join(unknown)}, which no module defines'
            )
    return tuple(found[name] for name in order)


def _publish_codes(builtin: tuple[Layer, ...]) -> None:
    for layer in builtin:
        declare_codes(layer.name, layer.codes)


_BUILTIN = builtin_layers()
_publish_codes(_BUILTIN)
_REGISTRY = _Registry(_BUILTIN)


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

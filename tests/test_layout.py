"""The package's shape: a layer is one module, stages name no layer, no import cycle, no
function longer than 80 lines."""

from __future__ import annotations

import ast
from pathlib import Path

from newsgold import layers

SRC = Path(__file__).resolve().parent.parent / "src" / "newsgold"
LONGEST = 80

# Where a stage may still say a built-in layer's name, and why.
ALLOWED: dict[str, str] = {
    "baselines/": "a baseline is a system that predicts one layer (NER, quotes)",
    "cli.py": 'the name of the quote baseline system ("baseline quotes")',
}
SENTENCES_API = ("tokens.py", "convert/__init__.py", "baselines/ner.py")
"""Modules that tokenise per sentence through the document's ``sentences`` attribute."""


def modules() -> list[tuple[str, ast.Module]]:
    return [
        (p.relative_to(SRC).as_posix(), ast.parse(p.read_text(encoding="utf-8")))
        for p in sorted(SRC.rglob("*.py"))
    ]


def _docstrings(tree: ast.Module) -> set[int]:
    kinds = (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
    return {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, kinds)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }


def names_a_layer(rel: str, tree: ast.Module) -> list[str]:
    """Where a module says a built-in layer's name in code: a string, an attribute, an
    import of a layer module."""
    names = set(layers.names())
    docs = _docstrings(tree)
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and node.value in names and id(node) not in docs:
            found.append(f"{rel}:{node.lineno}: the string {node.value!r}")
        elif isinstance(node, ast.Attribute) and node.attr in names:
            if not (node.attr == "sentences" and rel in SENTENCES_API):
                found.append(f"{rel}:{node.lineno}: the attribute .{node.attr}")
        elif isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[-1] in names:
            found.append(f"{rel}:{node.lineno}: an import of {node.module}")
    return found


def test_no_stage_names_a_layer() -> None:
    found = [
        hit
        for rel, tree in modules()
        if not rel.startswith("layers/") and rel != "model.py"
        if not any(rel.startswith(prefix) for prefix in ALLOWED)
        for hit in names_a_layer(rel, tree)
    ]
    assert found == []


def test_the_check_finds_a_layer_named_in_a_stage() -> None:
    tree = ast.parse('def f(doc):\n    """quotes"""\n    return doc.quotes, "stance"\n')
    assert names_a_layer("x.py", tree) == [
        "x.py:3: the attribute .quotes",
        "x.py:3: the string 'stance'",
    ]


def test_no_function_is_longer_than_80_lines() -> None:
    long = [
        f"{rel}:{node.lineno} {node.name} ({node.end_lineno - node.lineno + 1} lines)"
        for rel, tree in modules()
        for node in ast.walk(tree)
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
        and node.end_lineno is not None
        and node.end_lineno - node.lineno + 1 > LONGEST
    ]
    assert long == []


def imports(tree: ast.Module) -> set[str]:
    """The package modules a module imports anywhere (at the top, in a function, for types).
    ``from newsgold.x import y`` counts as importing ``newsgold.x`` and ``newsgold.x.y``."""
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out |= {a.name for a in node.names if a.name.startswith("newsgold")}
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("newsgold"):
            assert node.level == 0, "the package uses absolute imports only"
            out.add(str(node.module))
            out |= {f"{node.module}.{a.name}" for a in node.names}
    return out


def cycles(graph: dict[str, set[str]]) -> list[str]:
    """Every cycle a depth-first walk of ``graph`` meets, as "a -> b -> a"."""
    found: list[str] = []
    state: dict[str, int] = {}

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                found.append(" -> ".join([*path[path.index(nxt) :], nxt]))
            elif nxt not in state:
                visit(nxt, [*path, nxt])
        state[node] = 2

    for name in sorted(graph):
        if name not in state:
            visit(name, [name])
    return found


def test_the_cycle_check_finds_a_cycle() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert cycles(graph) == ["a -> b -> c -> a"]


def test_no_import_cycle() -> None:
    """Imports inside functions and for type checking count too. The package root
    (``newsgold/__init__.py``, two lazy loaders) is left out: every module is under it."""
    trees = dict(modules())
    known = {
        "newsgold." + rel.removesuffix(".py").removesuffix("/__init__").replace("/", "."): rel
        for rel in trees
        if rel != "__init__.py"
    }
    graph = {
        name: {m for m in imports(trees[rel]) if m in known and m != name}
        for name, rel in known.items()
    }
    assert cycles(graph) == []

"""Inter-annotator agreement between two annotations, A and B, of one document.

:func:`docs` states every definition; ``newsgold agreement --docs`` prints it.
The definitions shared with ``newsgold evaluate`` (matching, the empty-sides
rule, accuracy, kappa, the coreference metrics) come from :mod:`newsgold.scoring`;
each layer's comparison, its definitions and its row labels come from the
layer's :class:`~newsgold.layers.agreement_part.AgreementPart` (its ``AGREEMENT``),
for every registered layer that has one.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, fields, is_dataclass
from pathlib import Path
from typing import Any

from newsgold import layers as registry
from newsgold.io import parse_json_file
from newsgold.issues import Problem, ProblemError, problem
from newsgold.layers.agreement_part import (
    SHARED_LABELS,
    AgreementOption,
    AgreementPart,
    LayerAgreement,
)
from newsgold.model import Document
from newsgold.scoring import (
    COREFERENCE,
    DEFINITIONS,
    OVERLAP_THRESHOLD,
    PRF,
    Agreement,
    CorefScores,
    MeanScore,
    Row,
    Table,
    prf_header,
    render_json,
    render_text,
)

_INTRO = """\
Inter-annotator agreement between two annotations, A and B, of one document.

Both files must validate and hold the same text. Every figure compares B with A:
A is the reference for recall, B for precision; F1 is symmetric, so swapping the
files swaps P and R and leaves F1 unchanged. JSON output has sorted keys and
numbers rounded to 4 decimals. ``newsgold agreement --docs`` prints this text.

CONVENTIONS (shared with newsgold evaluate; A is the reference, B the response)
"""

_AGREEMENT_CONVENTIONS = """
- Every figure carries its counts (a_total, a_matched, b_total, b_matched), so
  empty sides are visible. Observed agreement is null when no pair was compared.

"""

_SINGLETONS = """
- Singletons: "coreference" scores every cluster, singletons included, as the
  reference scorer scores whatever its input holds: MUC ignores singletons by
  definition, B-cubed and CEAF-e count them. "coreference_without_singletons"
  first removes the one-mention clusters from each side (the CoNLL-2011/2012
  setting, whose data had no singletons).

"""


# ---------------------------------------------------------------- the registered parts


def parts() -> tuple[tuple[str, AgreementPart], ...]:
    """The registered layers that can be compared, with their parts, in registry order."""
    return tuple(
        (layer.name, layer.agreement) for layer in registry.layers() if layer.agreement is not None
    )


def layer_names() -> tuple[str, ...]:
    """The layers ``newsgold agreement --layer`` accepts."""
    return tuple(name for name, _ in parts())


def part(layer: str) -> AgreementPart:
    """The agreement part of ``layer``; ValueError when it has none."""
    for name, found in parts():
        if name == layer:
            return found
    raise ValueError(f"unknown layer {layer!r}; use one of {', '.join(layer_names())}")


def options() -> dict[str, AgreementOption]:
    """The command-line options of every part, by flag (the first part's, when two share one)."""
    out: dict[str, AgreementOption] = {}
    for _, found in parts():
        for option in found.options:
            out.setdefault(option.flag, option)
    return out


def option_layers(flag: str) -> tuple[str, ...]:
    """The layers whose part takes the option ``flag``."""
    return tuple(name for name, found in parts() if any(o.flag == flag for o in found.options))


def docs() -> str:
    """The metric definitions, as printed by ``newsgold agreement --docs``."""
    clustered = " and ".join(found.clusters for _, found in parts() if found.clusters)
    heading = f"COREFERENCE ({clustered}, one implementation)" if clustered else "COREFERENCE"
    layer_docs = "\n".join(f"LAYER {name}\n{found.docs}" for name, found in parts())
    return (
        _INTRO
        + DEFINITIONS
        + _AGREEMENT_CONVENTIONS
        + heading
        + "\n"
        + COREFERENCE
        + _SINGLETONS
        + layer_docs
    )


def __getattr__(name: str) -> Any:
    """``DOCS`` and ``AGREEMENT_LAYERS``: :func:`docs` and :func:`layer_names`, read when asked,
    so that they include the layers registered since the import."""
    if name == "DOCS":
        return docs()
    if name == "AGREEMENT_LAYERS":
        return layer_names()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


# ---------------------------------------------------------------- entry points


@dataclass(frozen=True)
class AgreementReport:
    """The agreement of two annotation files on one layer."""

    layer: str
    a_file: str
    b_file: str
    a_document: str
    b_document: str
    text_sha256: str
    metrics: LayerAgreement

    def to_dict(self) -> dict[str, Any]:
        return {
            "layer": self.layer,
            "a": {"file": self.a_file, "document": self.a_document},
            "b": {"file": self.b_file, "document": self.b_document},
            "text_sha256": self.text_sha256,
            "overlap_threshold": OVERLAP_THRESHOLD,
            "metrics": self.metrics.to_dict(),
        }


class AgreementError(ProblemError, ValueError):
    """Two annotations that cannot be compared; ``problems`` says why."""

    empty_message = "the annotations cannot be compared"


def _texts_differ(a: Document, b: Document, b_file: str) -> Problem:
    at, bt = a.text, b.text
    pos = next(
        (i for i, (x, y) in enumerate(zip(at, bt, strict=False)) if x != y),
        min(len(at), len(bt)),
    )
    return problem(
        "texts-differ",
        b_file,
        "/text",
        f"A and B are annotations of different texts (text_sha256 "
        f"{a.text_sha256[:12]}... vs {b.text_sha256[:12]}...; {len(at)} vs {len(bt)} "
        f"characters, first difference at character {pos}: {at[pos : pos + 20]!r} vs "
        f"{bt[pos : pos + 20]!r})",
        "compare two annotations of one document",
    )


def comparability_problems(
    a: Document, b: Document, layer: str, *, a_file: str = "", b_file: str = ""
) -> list[Problem]:
    """Why A and B cannot be compared on ``layer`` (empty when they can).

    ``a_file`` and ``b_file`` name the files in the problems.
    """
    requires = part(layer).requires
    out = []
    if a.text != b.text:
        out.append(_texts_differ(a, b, b_file))
    for side, doc, file in (("A", a, a_file), ("B", b, b_file)):
        missing = [x for x in requires if x not in doc.annotated_layers]
        if missing:
            out.append(
                problem(
                    "compared-layer-not-annotated",
                    file,
                    "/annotated_layers",
                    f"{side} ({doc.id}) does not list {', '.join(missing)} in annotated_layers",
                    f"layer {layer} cannot be compared until it is annotated",
                )
            )
    return out


def read_option(
    option: AgreementOption, file: str, a: Document, b: Document
) -> tuple[Any, list[Problem]]:
    """The value of a part's option from its JSON file, checked against A and B.

    Returns ``(value, [])`` or ``(None, problems)``.
    """
    path = Path(file)
    value, problems = parse_json_file(path)
    if problems:
        return None, problems
    parsed, problems = option.parse(value, str(path))
    if parsed is None:
        return None, problems
    problems = option.check(parsed, a, b, file)
    return (None, problems) if problems else (parsed, [])


def compare(
    a: Document,
    b: Document,
    layer: str,
    *,
    a_file: str = "",
    b_file: str = "",
    **layer_options: Any,
) -> AgreementReport:
    """Compare two annotations of one document on ``layer``.

    ``layer_options`` go to the part's ``compare`` (the values of the part's options).
    Raises ValueError when ``layer`` is unknown, and :class:`AgreementError` (a
    ValueError too) when the documents cannot be compared (see
    :func:`comparability_problems`).
    """
    found = part(layer)
    problems = comparability_problems(a, b, layer, a_file=a_file, b_file=b_file)
    if problems:
        raise AgreementError(problems)
    metrics = found.compare(a, b, **layer_options)
    return AgreementReport(layer, a_file, b_file, a.id, b.id, a.text_sha256, metrics)


# ---------------------------------------------------------------- output


def to_json(report: AgreementReport) -> str:
    """The report as JSON: sorted keys, numbers rounded to 4 decimals."""
    return render_json(report)


_WIDTH = 48


def _items(value: Any) -> Iterator[tuple[str, Any]]:
    if isinstance(value, CorefScores):
        yield from (("muc", value.muc), ("b_cubed", value.b_cubed), ("ceaf_e", value.ceaf_e))
        yield "conll_f1", value.conll_f1
        yield from ((f, getattr(value, f)) for f in ("a_clusters", "b_clusters"))
        yield from ((f, getattr(value, f)) for f in ("a_mentions", "b_mentions"))
    elif isinstance(value, Mapping):
        yield from ((str(k), v) for k, v in value.items())
    elif is_dataclass(value):
        yield from ((f.name, getattr(value, f.name)) for f in fields(value))


def _rows(value: Any, indent: int, labels: Mapping[str, str]) -> Iterator[Row]:
    pad = " " * indent
    for key, v in _items(value):
        label = pad + labels.get(key, key)
        if isinstance(v, PRF | Agreement | MeanScore | float | int):
            yield Row(label, v)
        else:
            yield Row(label, heading=True)
            yield from _rows(v, indent + 2, labels)


def to_text(report: AgreementReport) -> str:
    """The report as a readable table."""
    head = [
        f"Agreement on layer {report.layer} of document {report.a_document}",
        f"A: {report.a_file or report.a_document} (recall: the share of A that B matches)",
        f"B: {report.b_file or report.b_document} (precision: the share of B that A matches)",
        "A and B columns: matched/total; definitions: newsgold agreement --docs",
        "",
        prf_header(_WIDTH, "A and B"),
    ]
    labels = {**SHARED_LABELS, **part(report.layer).labels}
    return render_text(Table(head, list(_rows(report.metrics, 0, labels)), width=_WIDTH))

"""A layer's part in ``newsgold agreement``: how two annotations of it are compared.

A layer module sets its ``AGREEMENT`` to an :class:`AgreementPart`; the
agreement stage (:mod:`newsgold.agreement`) loops over the registered layers
that have one, checks that both documents can be compared, calls the part's
``compare`` and renders the typed report it returns with the part's labels.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass, fields
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from newsgold.issues import Problem
from newsgold.scoring import (
    OVERLAP_MEASURE,
    OVERLAP_THRESHOLD,
    PRF,
    Cluster,
    CorefScores,
    coreference_scores,
    plain,
)

if TYPE_CHECKING:
    from newsgold.layers.base import DocumentView as Document

K = TypeVar("K", bound=Hashable)


class LayerAgreement(Protocol):
    """What a part's ``compare`` returns: a typed report that turns into JSON data.

    Its fields are the rows of the text table, in order; a mapping or a nested
    report gives a heading with indented rows below it.
    """

    def to_dict(self) -> dict[str, Any]: ...


@dataclass(frozen=True)
class AgreementOption:
    """A command-line option of one layer's comparison: a JSON file read into a value.

    ``flag`` is the option (``--target-map``), ``name`` the keyword argument of
    the part's ``compare`` that receives the value. ``parse`` turns the file's
    JSON value into the option's value (``(None, problems)`` when it cannot; the
    problems name ``file``); ``check`` gives the problems of a parsed value
    against the two documents.
    """

    flag: str
    name: str
    metavar: str
    help: str
    parse: Callable[[Any, str], tuple[Any, list[Problem]]]
    check: Callable[[Any, Document, Document, str], list[Problem]]


@dataclass(frozen=True)
class AgreementPart:
    """How ``newsgold agreement`` compares two annotations of a layer.

    ``requires`` lists the layers both documents must list as annotated;
    ``compare(a, b, **options)`` returns the typed report (B against A);
    ``docs`` is the part's section of the definitions (``agreement --docs``,
    under a ``LAYER <name>`` heading); ``labels`` gives the text label of each
    key of its report that the shared labels do not; ``clusters`` names what its
    coreference figures cluster ("" when it has none), for the definitions'
    coreference heading; ``options`` are its command-line options.
    """

    requires: tuple[str, ...]
    compare: Callable[..., LayerAgreement]
    docs: str
    labels: Mapping[str, str]
    clusters: str = ""
    options: tuple[AgreementOption, ...] = ()


SHARED_LABELS: Mapping[str, str] = {
    "coreference": "Coreference, all clusters",
    "coreference_without_singletons": "Coreference, singletons removed",
    "muc": "MUC",
    "b_cubed": "B-cubed",
    "ceaf_e": "CEAF-e",
    "conll_f1": "CoNLL F1 (mean of the three F1)",
    "a_clusters": "clusters in A",
    "b_clusters": "clusters in B",
    "a_mentions": "mentions in A",
    "b_mentions": "mentions in B",
    "exact": "exact",
    "overlap": f"overlap ({OVERLAP_MEASURE} >= {OVERLAP_THRESHOLD})",
}
"""Text labels of the report keys every part may use: coreference figures, matching."""


def fields_dict(report: Any) -> dict[str, Any]:
    """A report dataclass as JSON-ready data, field by field."""
    return {f.name: plain(getattr(report, f.name)) for f in fields(report)}


def counter_prf(a: Counter[K], b: Counter[K]) -> PRF:
    """P/R/F1 of the multiset ``b`` against ``a``."""
    return PRF.counted(a.total(), b.total(), (a & b).total())


def coref_pair(
    key: Sequence[Cluster], response: Sequence[Cluster]
) -> tuple[CorefScores, CorefScores]:
    """Coreference scores of all clusters, and of the clusters of more than one item."""
    return (
        coreference_scores(key, response),
        coreference_scores([k for k in key if len(k) > 1], [r for r in response if len(r) > 1]),
    )

"""A layer's part in ``newsgold agreement`` is declared with the layer: the toy layer of
test_layer_registry, given an agreement part here, is compared by ``newsgold agreement``
and listed by its ``--layer`` choices, with no change to any package module."""

from __future__ import annotations

import dataclasses
import json
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from newsgold import layers
from newsgold.cli import main
from newsgold.issues import Problem
from newsgold.layers import Layer
from newsgold.layers.agreement_part import (
    AgreementOption,
    AgreementPart,
    counter_prf,
    fields_dict,
)
from newsgold.model import Document
from newsgold.scoring import PRF, LabelAgreement, label_agreement
from test_layer_registry import FIXTURE, TOY, toy_document

# ---------------------------------------------------------------- the toy layer's part


@dataclass(frozen=True)
class ToyAgreement:
    strict: PRF
    labels: LabelAgreement

    def to_dict(self) -> dict[str, Any]:
        return fields_dict(self)


def toy_agreement(a: Document, b: Document, ignore: tuple[str, ...] = ()) -> ToyAgreement:
    """Toys by span and label; labels of the toys whose span both sides have."""
    ta = [t for t in a.layer("toys") if t.label not in ignore]
    tb = [t for t in b.layer("toys") if t.label not in ignore]
    by_span = {(t.start, t.end): t for t in tb}
    return ToyAgreement(
        strict=counter_prf(
            Counter((t.start, t.end, t.label) for t in ta),
            Counter((t.start, t.end, t.label) for t in tb),
        ),
        labels=label_agreement(
            [(t.label, by_span[t.start, t.end].label) for t in ta if (t.start, t.end) in by_span]
        ),
    )


def parse_ignore(value: Any, file: str) -> tuple[tuple[str, ...] | None, list[Problem]]:
    if isinstance(value, list) and all(isinstance(x, str) for x in value):
        return tuple(value), []
    return None, [Problem(file, "", 2, "toy-ignore-invalid", "not a list of labels", "list them")]


IGNORE = AgreementOption(
    flag="--ignore-labels",
    name="ignore",
    metavar="FILE",
    help="toys only: a JSON list of labels to leave out",
    parse=parse_ignore,
    check=lambda value, a, b, file: [],
)
TOY_AGREEMENT = AgreementPart(
    requires=("toys",),
    compare=toy_agreement,
    docs="- Toys match when span and label are equal; labels on toys of one span.\n",
    labels={"strict": "Toys, strict (span + label)", "labels": "Labels (same-span toys)"},
    options=(IGNORE,),
)
TOY_COMPARED = dataclasses.replace(TOY, agreement=TOY_AGREEMENT)


@pytest.fixture
def compared_toy() -> Iterator[Layer]:
    with layers.registered(TOY_COMPARED) as layer:
        yield layer


TEXT = json.loads(FIXTURE.read_text(encoding="utf-8"))["text"]


def toys(*spans: tuple[int, int, str]) -> list[dict[str, Any]]:
    return [
        {"id": f"toy{n}", "start": s, "end": e, "text": TEXT[s:e], "label": label}
        for n, (s, e, label) in enumerate(spans, 1)
    ]


def pair(tmp_path: Path) -> tuple[str, str]:
    """A: We WORD, felt WORD, readiness NOUN; B: We WORD, felt VERB, our WORD."""
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    a = toy_document(tmp_path / "a", toys((1, 3, "WORD"), (4, 8, "WORD"), (13, 22, "NOUN")))
    b = toy_document(tmp_path / "b", toys((1, 3, "WORD"), (4, 8, "VERB"), (26, 29, "WORD")))
    return str(a), str(b)


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["agreement", *argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


# ---------------------------------------------------------------- tests


def test_toy_layer_is_compared(
    tmp_path: Path, compared_toy: Layer, capsys: pytest.CaptureFixture[str]
) -> None:
    a, b = pair(tmp_path)
    code, out, _ = run(capsys, a, b, "--layer", "toys", "--format", "json")
    assert code == 0
    value = json.loads(out)
    assert value["layer"] == "toys"
    # Span and label: We/WORD matches; felt (WORD vs VERB), readiness and our do not.
    assert value["metrics"]["strict"] == {
        "a_matched": 1,
        "a_total": 3,
        "b_matched": 1,
        "b_total": 3,
        "f1": 0.3333,
        "precision": 0.3333,
        "recall": 0.3333,
    }
    # Same-span toys We (WORD, WORD) and felt (WORD, VERB): p_o = 0.5, p_e = 1 * 0.5, kappa 0.
    labels = value["metrics"]["labels"]
    assert (labels["n"], labels["agreed"], labels["observed"], labels["kappa"]) == (2, 1, 0.5, 0.0)
    code, out, _ = run(capsys, a, b, "--layer", "toys")
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "Agreement on layer toys of document fixture_small"
    assert lines[-2:] == [
        f"{'Toys, strict (span + label)':<48}  0.3333  0.3333  0.3333  A 1/3  B 1/3",
        f"{'Labels (same-span toys)':<48} observed 0.5000  kappa 0.0000   1/2 agree",
    ]


def test_toy_layer_options_pass_through(
    tmp_path: Path, compared_toy: Layer, capsys: pytest.CaptureFixture[str]
) -> None:
    a, b = pair(tmp_path)
    ignore = tmp_path / "ignore.json"
    ignore.write_text('["NOUN"]\n', encoding="utf-8")
    code, out, _ = run(
        capsys, a, b, "--layer", "toys", "--format", "json", "--ignore-labels", str(ignore)
    )
    assert code == 0
    strict = json.loads(out)["metrics"]["strict"]
    # Without readiness/NOUN A has 2 toys, B still 3; We/WORD matches: P 1/3, R 1/2, F1 0.4.
    assert (strict["precision"], strict["recall"], strict["f1"]) == (0.3333, 0.5, 0.4)
    code, _, err = run(capsys, a, b, "--layer", "stance", "--ignore-labels", str(ignore))
    assert code == 2
    assert err == "newsgold agreement: --ignore-labels applies to --layer toys only\n"
    ignore.write_text('{"NOUN": 1}\n', encoding="utf-8")
    code, _, err = run(capsys, a, b, "--layer", "toys", "--ignore-labels", str(ignore))
    assert code == 2 and "toy-ignore-invalid" in err


def test_toy_layer_is_listed_and_defined(
    compared_toy: Layer, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["agreement", "--help"]) == 0
    out = capsys.readouterr().out
    assert "{mentions,quotes,events,stance,relations,toys}" in out
    assert "--ignore-labels FILE" in out
    code, out, _ = run(capsys, "--docs")
    assert code == 0
    assert out.endswith(
        "LAYER toys\n- Toys match when span and label are equal; labels on toys of one span.\n\n"
    )


def test_unregistered_toy_layer_is_not_a_choice(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with layers.registered(TOY_COMPARED):
        a, b = pair(tmp_path)
    code, _, err = run(capsys, a, b, "--layer", "toys")
    assert code == 2 and "invalid choice: 'toys'" in err

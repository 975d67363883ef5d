"""The card's leaderboard: benchmarks/leaderboard.json, its checks, and the card rendering it.

The systems themselves are not run here (they need pipelines that CI never
installs); ``benchmarks/leaderboard.py`` runs them and writes the file.
"""

from __future__ import annotations

import copy
import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from newsgold import build as B
from newsgold import hub as H
from newsgold.resources import dataset_dir

ROOT = Path(__file__).resolve().parent.parent
BOARD = ROOT / "benchmarks" / "leaderboard.json"
FIXTURE = Path(__file__).parent / "fixtures" / "valid" / "fixture_small.json"


def board() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(BOARD.read_text(encoding="utf-8"))
    return data


def test_the_file_has_no_problem_and_every_system_its_command_and_provenance() -> None:
    data = board()
    assert H.leaderboard_problems(data) == []
    for row in data["systems"]:
        assert row["commands"] and all(c.strip() for c in row["commands"])
        if row["pipeline"] is not None:
            pipeline = data["pipelines"][row["pipeline"]]
            assert len(pipeline["wheel_sha256"]) == 64 and pipeline["caveat"]
            assert pipeline["wheel"].endswith(".whl") and pipeline["meta_version"]


def test_the_file_has_the_rows_the_card_promises() -> None:
    rows = {(r["system"], r["protocol"]) for r in board()["systems"]}
    for name in ("en_core_web_sm", "en_core_web_md"):
        assert (f"spaCy {name} NER", "text") in rows
        assert (f"spaCy {name} NER", "sentences") in rows
        assert (f"textacy direct_quotations + spaCy {name}", "text") in rows
        assert (f"rules over a dependency parse (quotes-parsed) + spaCy {name}", "text") in rows
    assert ("rule-based quote attributor (quotes)", "text") in rows
    for row in board()["systems"]:
        if row["layer"] == "ner":
            assert set(row["scores"]) == {"ontonotes", "conll"}
            for scores in row["scores"].values():
                assert list(scores) == ["micro", "strict", "exact", "partial", "type"]


def test_the_built_card_shows_the_figures_of_the_file() -> None:
    card = (dataset_dir() / "README.md").read_text(encoding="utf-8")
    section = card.split("<!-- generated:leaderboard -->\n", 1)[1].split(
        "\n<!-- /generated:leaderboard -->", 1
    )[0]
    assert section == H._section_leaderboard(board())
    lines = section.splitlines()
    for row in board()["systems"]:
        (line,) = [
            x
            for x in lines
            if x.startswith(f"| {row['system']} | {row['layer']} | {row['protocol']} |")
        ]
        assert H._figures(row["scores"]) in line
        for layer_scores in [row["scores"]] if row["layer"] != "ner" else row["scores"].values():
            for v in layer_scores.values():
                assert f"{v['precision']:.4f} / {v['recall']:.4f} / {v['f1']:.4f}" in line
        if row["pipeline"]:
            assert board()["pipelines"][row["pipeline"]]["wheel_sha256"] in line


def test_figures_name_each_measure_with_p_r_f1() -> None:
    scores = {
        "ontonotes": {"micro": {"precision": 0.5, "recall": 0.25, "f1": 1 / 3}},
        "conll": {"strict": {"precision": 1, "recall": 0, "f1": 0}},
    }
    assert H._figures(scores) == (
        "**ontonotes**: micro 0.5000 / 0.2500 / 0.3333; **conll**: strict 1.0000 / 0.0000 / 0.0000"
    )


def _broken(edit: Any) -> list[tuple[str, str]]:
    data = copy.deepcopy(board())
    edit(data)
    return H.leaderboard_problems(data)


def test_a_system_without_commands_is_a_problem() -> None:
    def edit(d: dict[str, Any]) -> None:
        d["systems"][0]["commands"] = []

    assert _broken(edit) == [("/systems/0/commands", "is not a non-empty list of commands")]


def test_a_pipeline_without_its_checksum_or_caveat_is_a_problem() -> None:
    def edit(d: dict[str, Any]) -> None:
        del d["pipelines"]["en_core_web_sm"]["caveat"]
        d["pipelines"]["en_core_web_sm"]["wheel_sha256"] = "E94CBF"

    assert _broken(edit) == [
        ("/pipelines/en_core_web_sm/caveat", "is missing or empty"),
        ("/pipelines/en_core_web_sm/wheel_sha256", "is not 64 lower-case hex digits"),
    ]


def test_a_row_naming_an_unrecorded_pipeline_or_protocol_is_a_problem() -> None:
    def edit(d: dict[str, Any]) -> None:
        d["systems"][1]["pipeline"] = "en_core_web_lg"
        d["systems"][1]["protocol"] = "paragraphs"

    assert _broken(edit) == [
        ("/systems/1/protocol", "is not one of sentences, text"),
        ("/systems/1/pipeline", "names no pipeline of /pipelines"),
    ]


def test_a_score_out_of_range_or_missing_is_a_problem() -> None:
    def edit(d: dict[str, Any]) -> None:
        d["systems"][0]["scores"]["conll"]["exact"]["f1"] = 1.5
        d["systems"][0]["scores"]["ontonotes"] = {}

    assert _broken(edit) == [
        ("/systems/0/scores/ontonotes", "is not an object of measures"),
        ("/systems/0/scores/conll/exact/f1", "is not a number from 0 to 1"),
    ]


def test_a_file_that_is_not_an_object_is_a_problem() -> None:
    assert H.leaderboard_problems([]) == [("", "is not a JSON object")]
    assert H.leaderboard_problems({"command": "x", "pipelines": {}, "systems": []}) == [
        ("/systems", "is not a non-empty list of systems")
    ]


@pytest.fixture
def inputs(tmp_path: Path) -> dict[str, Path]:
    docs = tmp_path / "documents"
    docs.mkdir()
    shutil.copy(FIXTURE, docs / FIXTURE.name)
    splits = tmp_path / "splits.json"
    splits.write_text('{"test": ["fixture_small"]}\n', encoding="utf-8")
    return {"documents": docs, "splits": splits, "card": ROOT / "DATASET_CARD.md"}


def test_build_refuses_a_broken_leaderboard_and_writes_nothing(
    tmp_path: Path, inputs: dict[str, Path]
) -> None:
    data = board()
    data["systems"][2]["commands"] = []
    bad = tmp_path / "leaderboard.json"
    bad.write_text(json.dumps(data), encoding="utf-8")
    out = tmp_path / "out"
    with pytest.raises(B.BuildError) as info:
        B.build(out, **inputs, leaderboard=bad)
    assert [(p.code, p.file, p.pointer) for p in info.value.problems] == [
        ("leaderboard-invalid", str(bad), "/systems/2/commands")
    ]
    assert not out.exists()


@pytest.mark.parametrize("content", [None, "{", "\udcff"])
def test_build_refuses_a_missing_or_unreadable_leaderboard(
    tmp_path: Path, inputs: dict[str, Path], content: str | None
) -> None:
    bad = tmp_path / "leaderboard.json"
    if content is not None:
        bad.write_bytes(content.encode("utf-8", "surrogateescape"))
    with pytest.raises(B.BuildError) as info:
        B.build(tmp_path / "out", **inputs, leaderboard=bad)
    ((code, pointer, message),) = [(p.code, p.pointer, p.message) for p in info.value.problems]
    assert (code, pointer) == ("leaderboard-invalid", "")
    assert message.startswith("cannot read the leaderboard")

"""The README's walk-through (text file -> new document -> brat -> canonical -> validate ->
agreement -> build), run command by command as the README has them, on the first paragraph
of the seed text in a temporary folder; dataset/ is never touched."""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path

import pytest

from newsgold.cli import main
from newsgold.resources import documents_dir

README = Path(__file__).resolve().parent.parent / "README.md"
SEED = next(documents_dir().glob("*.json"))


def walkthrough() -> str:
    text = README.read_text(encoding="utf-8")
    match = re.search(r"<!-- growing:start -->\n(.*?)<!-- growing:end -->", text, re.DOTALL)
    assert match, "README.md has no growing section"
    return match.group(1)


def commands() -> list[list[str]]:
    """Every line of the section's ``bash`` blocks, in order (each a newsgold command)."""
    found = []
    for block in re.findall(r"```bash\n(.*?)```", walkthrough(), re.DOTALL):
        for line in block.splitlines():
            if line.strip():
                argv = shlex.split(line)
                assert argv[0] == "newsgold", line
                found.append(argv[1:])
    return found


def ann(who: str) -> str:
    """The ``.ann`` lines the README shows for annotator ``who``."""
    match = re.search(f"<!-- ann:{who} -->\n *```\n(.*?) *```", walkthrough(), re.DOTALL)
    assert match, f"no .ann of annotator {who}"
    return "".join(line.strip(" ") + "\n" for line in match.group(1).splitlines())


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    assert main(argv) == 0, (argv, capsys.readouterr())
    return capsys.readouterr().out


def test_the_readme_walkthrough_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    dataset = Path(__file__).resolve().parent.parent / "dataset"
    before = {p: p.stat().st_mtime_ns for p in dataset.rglob("*")}
    seed = json.loads(SEED.read_bytes())["text"]
    Path("story.txt").write_bytes((seed.split("\n")[0] + "\n").encode("utf-8"))
    steps = commands()
    assert [argv[0] for argv in steps] == [
        "new", "accept", "convert", "convert", "convert", "convert",
        "validate", "validate", "agreement", "build",
    ]  # fmt: skip

    run(steps[0], capsys)  # new, with proposed sentences
    doc = json.loads(Path("work/docs/story_001.json").read_bytes())
    assert doc["text"] == seed.split("\n")[0] + "\n" and doc["annotated_layers"] == []
    assert [p.name for p in Path("work/docs").iterdir()] == ["story_001.json"]
    review = Path("story_001.review.json")  # beside the text file
    value = json.loads(review.read_bytes())
    assert [s["text"][:20] for s in value["sentences"]] == [
        "Despite the double b",
        "As ABC News wrote in",
    ]
    assert main(steps[1]) == 1  # not reviewed yet: refused
    value["reviewed"] = True
    review.write_text(json.dumps(value, indent=2) + "\n", encoding="utf-8")
    run(steps[1], capsys)  # accept

    for argv, who in zip(steps[2:4], "AB", strict=True):  # to brat, then annotate
        run(argv, capsys)
        folder = Path(f"work/brat-{who}")
        assert (folder / "story_001.ann").read_bytes() == b""
        assert "Wikipedia\tDB:<NONE>" in (folder / "tools.conf").read_text(encoding="utf-8")
        (folder / "story_001.ann").write_text(ann(who), encoding="utf-8")

    for argv in steps[4:8]:  # back to canonical JSON; validate
        run(argv, capsys)
    a = json.loads(Path("work/A/story_001.json").read_bytes())
    assert a["annotated_layers"] == ["sentences", "mentions", "entities"]
    assert a["sentences"] == value["sentences"]
    assert [(m["text"], m["mention_type"], m["entity_id"]) for m in a["mentions"]] == [
        ("Rex Tillerson", "NAM", "e1"),
        ("Sergei Lavrov", "NAM", "e2"),
        ("Manila", "NAM", "e3"),
        ("the top U.S. diplomat", "NOM", "e1"),  # the order of the T lines
    ]
    assert [(e["name"], e["wikipedia"], e["description"]) for e in a["entities"]] == [
        ("Rex Tillerson", "Rex Tillerson", "United States Secretary of State in 2017"),
        ("Sergei Lavrov", None, "Foreign Minister of Russia"),
        ("Manila", None, "capital of the Philippines"),
    ]

    report = run(steps[8], capsys)  # agreement
    strict = next(line for line in report.splitlines() if line.startswith("NAM mentions, strict"))
    assert strict.split()[-7:-4] == ["1.0000", "0.6667", "0.8000"]

    Path("work/splits.json").write_text('{"test": ["story_001"]}\n', encoding="utf-8")
    assert '`work/splits.json` holding `{"test": ["story_001"]}`' in walkthrough()
    run(steps[9], capsys)  # build
    assert main(["build", "--check", *steps[9][1:]]) == 0

    import pyarrow.parquet as pq

    ner = pq.read_table("work/dataset/data/ner/test-00000-of-00001.parquet").to_pylist()
    assert [(row["doc_id"], row["sentence_id"]) for row in ner] == [
        ("story_001", "s1"),
        ("story_001", "s2"),
    ]
    tagged = [
        (token, tag)
        for row in ner
        for token, tag in zip(row["tokens"], row["ner_tags"], strict=True)
        if tag
    ]
    assert [token for token, _ in tagged] == ["Rex", "Tillerson", "Sergei", "Lavrov", "Manila"]
    assert [tag for _, tag in tagged][:4] == [1, 2, 1, 2]  # B-PERSON, I-PERSON
    assert {p: p.stat().st_mtime_ns for p in dataset.rglob("*")} == before

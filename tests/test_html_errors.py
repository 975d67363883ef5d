"""A prediction's errors drawn over the gold (``newsgold show --html --pred --layer``):
the page in headless Chromium, escaping, and bad input as for ``newsgold evaluate``."""

from __future__ import annotations

import json
import re
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from newsgold.cli import main
from newsgold.convert.html import render_html
from newsgold.convert.html_errors import Overlay
from newsgold.evaluate import view
from newsgold.model import Document
from test_errors import GOLD, INVALID, write_handmade
from test_html_browser import chromium, run


class ErrorDom(HTMLParser):
    """The data-id values in the page, the category counts of the summary, the side-by-side
    tables of the details panel."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: Counter[str] = Counter()
        self.counts: dict[str, str] = {}
        self.root: dict[str, str] = {}
        self.body: dict[str, str] = {}
        self.sbs = 0
        self.toggles: list[str] = []
        self._count: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "html":
            self.root = a
        elif tag == "body":
            self.body = a
        if "data-id" in a:
            self.ids[a["data-id"]] += 1
        if "data-count" in a:
            self._count = a["data-count"]
            self.counts[self._count] = ""
        if tag == "table" and "sbs" in a.get("class", ""):
            self.sbs += 1
        if tag == "input" and "data-toggle" in a:
            self.toggles.append(a["data-toggle"])

    def handle_endtag(self, tag: str) -> None:
        if tag == "b":
            self._count = None

    def handle_data(self, data: str) -> None:
        if self._count is not None:
            self.counts[self._count] += data


def parse(text: str) -> ErrorDom:
    found = ErrorDom()
    found.feed(text)
    found.close()
    return found


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The hand-made NER prediction (under a file name full of markup), its errors file and
    its page."""
    folder = tmp_path_factory.mktemp("errors-page")
    pred = folder / '<img src=x onerror="alert(1)">.jsonl'
    write_handmade(pred)
    errors = folder / "errors.jsonl"
    assert main(["evaluate", "--layer", "ner", "--pred", str(pred), "--errors", str(errors)]) == 0
    page = folder / "page.html"
    assert main(["show", "--html", str(page), "--pred", str(pred), "--layer", "ner"]) == 0
    records = [json.loads(x) for x in errors.read_text(encoding="utf-8").splitlines()]
    return {"pred": pred, "page": page, "records": records}


@pytest.mark.browser
def test_page_in_chromium_shows_every_category_and_record(
    made: dict[str, Any], tmp_path: Path
) -> None:
    records = made["records"]
    first_missed = next(r for r in records if r["category"] == "missed")
    target = f"{first_missed['doc_id']}:{first_missed['id']}"
    out, console = run(
        f"{made['page'].as_uri()}#select={target}", tmp_path / "profile", "--dump-dom"
    )
    assert console == []
    dom = parse(out)
    assert "data-errors" not in dom.root and dom.body.get("data-ready") == "1"
    # Every category of the view with its count, as the errors file counts them.
    found = Counter(r["category"] for r in records)
    categories = view("ner").errors.categories  # type: ignore[union-attr]
    assert {k: int(v) for k, v in dom.counts.items()} == {c: found[c] for c in categories}
    assert (found["missed"], found["incorrect"], found["partial"], found["spurious"]) == (
        3,
        2,
        1,
        1,
    )
    # Every record is in the page: its row in the list and at least one mark in the text.
    for r in records:
        assert dom.ids[r["id"]] >= 2, r["id"]
    # The selection from the address shows the gold and the prediction side by side.
    assert dom.sbs == 1
    assert "<img" not in out.split("<main>")[1].split("</h2>")[0]  # the file name is escaped


def test_page_escapes_every_text(made: dict[str, Any]) -> None:
    doc = Document.from_dict(json.loads(GOLD.read_text(encoding="utf-8")))
    hostile = '</script><img src=x onerror="alert(1)">&amp;'
    record = {
        "id": "err-1", "doc_id": doc.id, "layer": "ner", "unit": "entity",
        "category": "incorrect", "gold_id": hostile, "gold_spans": [[30, 34]],
        "gold_text": hostile, "gold_label": hostile, "pred_index": 0,
        "pred_spans": [[30, 34]], "pred_text": hostile, "pred_label": "ORG", "checks": {},
    }  # fmt: skip
    overlay = Overlay("ner", hostile, (record,), {"incorrect": hostile})
    page = render_html([doc], overlay=overlay)
    assert page.count("<script") == 3 and page.count("<img") == 0
    assert "&lt;/script&gt;&lt;img src=x onerror=&quot;alert(1)&quot;&gt;&amp;amp;" in page
    data = re.search(r'id="ng-data">(.*?)</script>', page, re.S)
    assert data is not None and "</" not in data.group(1)
    assert '"gold_text": "\\u003c/script\\u003e' in data.group(1)
    assert "<img" not in made["page"].read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("file", "layer"),
    [("schema-enum.json", "ner"), ("dangling-reference.json", "quotes")],
)
def test_bad_prediction_as_for_evaluate(
    file: str, layer: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pred = str(INVALID / file)
    assert main(["evaluate", "--layer", layer, "--pred", pred, "--gold", str(GOLD)]) == 1
    problems = capsys.readouterr().out
    page = tmp_path / "page.html"
    assert main(["show", "--html", str(page), "--pred", pred, "--layer", layer, str(GOLD)]) == 1
    assert capsys.readouterr().out == problems
    assert list(tmp_path.iterdir()) == []


def test_usage_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    page = str(tmp_path / "page.html")
    pred = str(INVALID.parent / "fixture_small_errors.json")
    assert main(["show", "--html", page, "--pred", pred]) == 2  # no --layer
    assert "--pred needs --layer" in capsys.readouterr().err
    assert (
        main(["show", "--html", page, "--pred", pred, "--layer", "ner", str(GOLD), str(GOLD)]) == 2
    )
    assert main(["show", "--pred", pred, "--layer", "ner"]) == 2  # no --html
    assert "go with --html" in capsys.readouterr().err
    missing = str(tmp_path / "missing.jsonl")
    status = main(["evaluate", "--layer", "ner", "--pred", missing, "--gold", str(GOLD)])
    said = capsys.readouterr().out
    assert status == 2 and "file-unreadable" in said  # an I/O error, as for evaluate
    assert main(["show", "--html", page, "--pred", missing, "--layer", "ner", str(GOLD)]) == 2
    assert capsys.readouterr().out == said
    assert list(tmp_path.iterdir()) == []


def test_chromium_is_there_or_skipped() -> None:
    chromium()


def test_readme_walk_through_runs_and_its_figures_hold(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The README's section "from a spaCy pipeline to the error page", run as written."""
    readme = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")
    section = readme.split("### Where a model fails")[1].split("\n## ")[0]
    script = section.split("python - <<'PY'\n")[1].split("\nPY\n")[0]
    monkeypatch.chdir(tmp_path)
    exec(compile(script, "README.md", "exec"), {})
    commands = [
        line.split("#")[0].split()[1:]
        for line in section.split("```bash\n")[1].split("```")[0].splitlines()
        if line.startswith("newsgold ")
    ]
    assert [c[0] for c in commands] == ["baseline", "evaluate", "show"]
    for command in commands:
        assert main(command) == 0
    out = capsys.readouterr().out
    assert (
        "SemEval strict                      0.8056  0.2661  0.4000       29     36    109" in out
    )
    records = [json.loads(x) for x in Path("errors.jsonl").read_text(encoding="utf-8").splitlines()]
    found = Counter(r["category"] for r in records)
    assert dict(found) == {"correct": 29, "incorrect": 4, "partial": 3, "missed": 73}
    assert "29 correct, 4 incorrect" in section and "3 partial" in section
    assert "73 missed and 0\nspurious" in section
    first = next(r for r in records if r["gold_text"] == "Manila")
    assert (first["id"], first["category"], first["pred_label"]) == ("err-12", "incorrect", "ORG")
    assert f"#show={first['doc_id']}:err-12" in section
    assert Path("errors.html").is_file()
    assert (Path(__file__).parents[1] / "docs" / "error-page.png").read_bytes()[:4] == b"\x89PNG"

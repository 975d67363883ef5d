"""The HTML page (src/newsgold/convert/html.py), read with the standard library's HTML parser."""

from __future__ import annotations

import dataclasses
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from newsgold.cli import main
from newsgold.convert.html import annotation_ids, render_html, write_html
from newsgold.model import Document
from newsgold.resources import documents_dir

FIXTURE = Path(__file__).parent / "fixtures" / "valid" / "fixture_small.json"
SOURCES = [FIXTURE, *sorted(documents_dir().glob("*.json"))]
VOID = {"meta", "br", "input", "img", "hr", "link"}


def load(path: Path) -> Document:
    return Document.from_dict(json.loads(path.read_text(encoding="utf-8")))


class Page(HTMLParser):
    """Per document section: the data-id values, the text of the text block, the labels."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, dict[str, str]]] = []
        self.ids: dict[str, set[str]] = {}
        self.texts: dict[str, str] = {}
        self.labels: dict[str, list[str]] = {}
        self.elements: list[tuple[str, dict[str, str]]] = []
        self.scripts: list[str] = []
        self.doc: str | None = None

    def _inside(self, cls: str) -> bool:
        return any(cls in a.get("class", "").split() for _, a in self.stack)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        self.elements.append((tag, a))
        if tag == "section" and "data-doc" in a:
            self.doc = a["data-doc"]
            self.ids[self.doc] = set()
            self.texts[self.doc] = ""
            self.labels[self.doc] = []
        if self.doc is not None and "data-id" in a:
            self.ids[self.doc].add(a["data-id"])
        if tag not in VOID:
            self.stack.append((tag, a))

    def handle_endtag(self, tag: str) -> None:
        while self.stack:
            t, _ = self.stack.pop()
            if t == tag:
                break
        if tag == "section":
            self.doc = None

    def handle_data(self, data: str) -> None:
        if self.stack and self.stack[-1][0] == "script":
            self.scripts.append(data)
        if self.doc is None or not self._inside("text"):
            return
        if self._inside("lab"):
            self.labels[self.doc].append(data)
        else:
            self.texts[self.doc] += data


def parse(page: str) -> Page:
    p = Page()
    p.feed(page)
    p.close()
    return p


def test_fixture_page_exact() -> None:
    doc = load(FIXTURE)
    page = parse(render_html([doc]))
    assert page.ids["fixture_small"] == annotation_ids(doc)
    assert annotation_ids(doc) == {
        "s1", "s2", "m1", "m2", "m3", "m4", "m5", "m6", "m7",
        "e_lavrov", "e_russia", "e_united_states", "e_date_sunday",
        "q1", "ev1", "t1", "st1", "tg1",
    }  # fmt: skip
    assert page.texts["fixture_small"] == doc.text  # the text block shows the text unchanged
    assert page.labels["fixture_small"] == [
        "Russia", "Russia", "GPE", "United States", "CONSULT", "Sergei Lavrov",
        "st1 FAVOR", "q1 direct · Sergei Lavrov", "PERSON", "cue q1", "DATE",
    ]  # fmt: skip
    spans = {
        a["data-id"]: a
        for t, a in page.elements
        if t == "span" and "class" in a and "a" in a["class"].split()
    }
    assert spans["m3"]["class"] == "a m m-nam" and "--c:#9ad89a" in spans["m3"]["style"]
    assert spans["m4"]["class"] == "a m m-nom" and "--d:5px" in spans["m4"]["style"]
    assert spans["t1"]["class"] == "a t" and spans["q1"]["class"] in ("a q q-direct", "a c")
    assert spans["st1"]["class"] == "a st st-FAVOR"


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.stem)
def test_every_annotation_id_is_in_the_page(source: Path) -> None:
    doc = load(source)
    page = parse(render_html([doc]))
    assert page.ids[doc.id] == annotation_ids(doc)
    assert page.texts[doc.id] == doc.text
    want = {m.id for m in doc.mentions} | {t.id for e in doc.events for t in e.triggers}
    want |= {q.id for q in doc.quotes} | {s.id for s in doc.stance}
    text_ids = {
        a["data-id"] for t, a in page.elements if t == "span" and "a" in a.get("class", "").split()
    }
    assert want <= text_ids  # every span-bearing annotation is marked in the text itself


def test_embedded_records() -> None:
    docs = [load(p) for p in SOURCES]
    page = render_html(docs)
    data_json = re.search(
        r'<script type="application/json" id="ng-data">(.*?)</script>', page, re.S
    )
    assert data_json is not None
    data = json.loads(data_json.group(1))
    assert set(data) == {d.id for d in docs}
    for d in docs:
        assert set(data[d.id]) == annotation_ids(d)
    fx = data["fixture_small"]
    assert fx["m4"] == {
        "kind": "mention",
        "record": load(FIXTURE).mentions[1].to_dict(),
        "links": ["e_united_states"],
    }
    assert fx["t1"]["links"] == ["ev1"]
    assert fx["st1"]["links"] == ["e_lavrov", "ev1", "q1"]


def test_page_is_self_contained() -> None:
    page = render_html([load(p) for p in SOURCES])
    assert not re.search(r"\b(src|href)\s*=", page)
    # The addresses recorded in the metadata are shown as text in its <pre> block, nowhere else.
    shown = re.sub(r"<pre>.*?</pre>", "", page, flags=re.S)
    assert "https://" in page and "https://" not in shown
    assert "http://" not in shown and "@import" not in page
    assert "url(" not in page
    assert "default-src 'none'" in page  # and the browser is told to load nothing


def test_text_is_escaped() -> None:
    doc = load(FIXTURE)
    meta = dataclasses.replace(doc.metadata, headline='</script><script>alert("x")</script>')
    page = render_html([dataclasses.replace(doc, metadata=meta)])
    assert page.count("<script") == 3  # the error hook, the data, the page script
    assert "&lt;/script&gt;&lt;script&gt;alert(&quot;x&quot;)" in page
    data = re.search(r'id="ng-data">(.*?)</script>', page, re.S)
    assert data is not None and "</" not in data.group(1)


def test_cli_show_html(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "page.html"
    assert main(["show", "--html", str(out), str(FIXTURE)]) == 0
    assert "page.html: 1 document(s)" in capsys.readouterr().out
    assert out.read_text(encoding="utf-8") == render_html([load(FIXTURE)])
    corpus = tmp_path / "corpus.html"
    assert main(["show", "--html", str(corpus)]) == 0  # default: the corpus
    assert corpus.read_text(encoding="utf-8") == render_html([load(p) for p in SOURCES[1:]])
    assert main(["show", "--html", str(tmp_path), str(FIXTURE)]) == 2
    assert main(["show", "--html", str(tmp_path / "x.html"), str(tmp_path / "missing.json")]) == 2
    assert not (tmp_path / "x.html").exists()


def test_write_html_is_atomic(tmp_path: Path) -> None:
    out = tmp_path / "page.html"
    out.write_text("old", encoding="utf-8")
    bad = dataclasses.replace(
        load(FIXTURE), mentions=(dataclasses.replace(load(FIXTURE).mentions[0], entity_id="e_x"),)
    )
    with pytest.raises(KeyError):
        write_html([bad], out)  # a dangling reference (not a valid document) fails before writing
    assert out.read_text(encoding="utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["page.html"]

"""The HTML page in a real browser: Debian's headless Chromium.

scripts/install-browser.sh installs it (`apt-get install chromium`).

Console messages are read from Chromium's log on stderr (``--enable-logging=stderr``):
every ``console.*`` call and every uncaught error is logged as a ``CONSOLE`` line,
and the page itself logs nothing, so any such line fails the test. The page
also records uncaught errors in ``data-errors`` on ``<html>``, which the dumped
DOM shows. A control page with a deliberate error proves that both catch it.
"""

from __future__ import annotations

import json
import os
import re
import struct
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest

from newsgold.convert.html import annotation_ids, write_html
from newsgold.model import Document
from newsgold.resources import documents_dir

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--enable-logging=stderr",
    "--v=0",
]
FIXTURE = Path(__file__).parent / "fixtures" / "valid" / "fixture_small.json"
SOURCES = [FIXTURE, *sorted(documents_dir().glob("*.json"))]
CONSOLE = re.compile(r":CONSOLE[:(\]]")


def chromium() -> str:
    if CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK):
        return str(CHROMIUM)
    message = f"{CHROMIUM} is missing: install Debian's Chromium with scripts/install-browser.sh"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(message)
    pytest.skip(message)


def run(url: str, profile: Path, *extra: str) -> tuple[str, list[str]]:
    """Run headless Chromium on ``url``; return stdout and the console lines of its log."""
    done = subprocess.run(
        [chromium(), *FLAGS, f"--user-data-dir={profile}", *extra, url],
        capture_output=True,
        text=True,
        timeout=120,
        stdin=subprocess.DEVNULL,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout, [line for line in done.stderr.splitlines() if CONSOLE.search(line)]


class Dom(HTMLParser):
    """data-id values per document section; attributes of <html> and <body>; text of one element."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: dict[str, set[str]] = {}
        self.root: dict[str, str] = {}
        self.body: dict[str, str] = {}
        self.doc: str | None = None
        self.details_title = ""
        self.cards: list[str] = []
        self._in: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "html":
            self.root = a
        elif tag == "body":
            self.body = a
        elif tag == "section" and "data-doc" in a:
            self.doc = a["data-doc"]
            self.ids[self.doc] = set()
        if self.doc is not None and "data-id" in a:
            self.ids[self.doc].add(a["data-id"])
        if a.get("id") == "details-title":
            self._in = "title"
        elif tag == "h4":
            self._in = "card"
            self.cards.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "section":
            self.doc = None
        if tag in ("h2", "h4"):
            self._in = None

    def handle_data(self, data: str) -> None:
        if self._in == "title":
            self.details_title += data
        elif self._in == "card":
            self.cards[-1] += data


def dom(text: str) -> Dom:
    parsed = Dom()
    parsed.feed(text)
    parsed.close()
    return parsed


def load(path: Path) -> Document:
    return Document.from_dict(json.loads(path.read_text(encoding="utf-8")))


@pytest.fixture(scope="module")
def page(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Document]]:
    docs = [load(p) for p in [*SOURCES[1:], SOURCES[0]]]  # the corpus first, then the fixture
    path = tmp_path_factory.mktemp("html") / "newsgold.html"
    write_html(docs, path)
    return path, docs


def test_the_console_check_catches_errors(tmp_path: Path) -> None:
    """Control: a page that logs and throws is caught by both checks."""
    chromium()
    bad = tmp_path / "bad.html"
    bad.write_text(
        "<!DOCTYPE html><html><head><script>"
        'window.addEventListener("error", function (e) {'
        ' document.documentElement.setAttribute("data-errors", String(e.message)); });'
        '</script></head><body><script>console.error("control"); missingFunction();</script>'
        "</body></html>",
        encoding="utf-8",
    )
    out, console = run(bad.as_uri(), tmp_path / "profile", "--dump-dom")
    assert any('"control"' in line for line in console), console
    assert any("missingFunction is not defined" in line for line in console), console
    assert "missingFunction is not defined" in dom(out).root.get("data-errors", "")


def test_page_loads_without_console_errors_and_shows_every_annotation(
    page: tuple[Path, list[Document]], tmp_path: Path
) -> None:
    path, docs = page
    out, console = run(
        f"{path.as_uri()}#select=fixture_small:m3", tmp_path / "profile", "--dump-dom"
    )
    assert console == []
    parsed = dom(out)
    assert "data-errors" not in parsed.root
    assert parsed.body.get("data-ready") == "1"  # the page script ran to its end
    assert set(parsed.ids) == {d.id for d in docs}
    for d in docs:
        missing = annotation_ids(d) - parsed.ids[d.id]
        assert not missing, f"{d.id}: not in the DOM: {sorted(missing)}"
    # The selection from the address shows the record of m3, the entity it links to, and the
    # annotations around it: "U.S." is inside the mention "our U.S. colleagues" and the quote.
    assert parsed.details_title == "fixture_small: m3, m4, q1"
    assert parsed.cards == [
        "mention m3", "entity e_united_states",
        "mention m4", "entity e_united_states",
        "quote q1", "mention m6", "entity e_lavrov",
    ]  # fmt: skip


def test_screenshot(page: tuple[Path, list[Document]], tmp_path: Path) -> None:
    path, docs = page
    shot = tmp_path / "newsgold.png"
    target = next((f"{d.id}:{d.quotes[0].id}" for d in docs if d.quotes), "fixture_small:q1")
    _, console = run(
        f"{path.as_uri()}#select={target}",
        tmp_path / "profile",
        f"--screenshot={shot}",
        "--window-size=1400,1800",
        "--hide-scrollbars",
    )
    assert console == []
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    assert (width, height) == (1400, 1800)
    assert len(data) > 50_000  # a page full of coloured text, not a blank one

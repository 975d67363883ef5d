"""A self-contained HTML page that shows documents with their annotations.

One file, no external assets and no network: the CSS and the script are
inline, the records are embedded as JSON. The document text is shown as it
is (``white-space: pre-wrap``, so the text content of the text block equals
the document text) with the marks of each registered layer that has a part
in the page (:class:`~newsgold.layers.formats.HtmlPart`: underlines, shading,
boxes and labels, each layer's module says which), and below the text each
such layer's table or list. Every element that stands for an annotation
carries its id in ``data-id``; clicking (or hovering in the text) shows its
record and the records it links to in the details panel, and clicking
highlights every place the annotation occurs. A link to
``page.html#select=<doc id>:<annotation id>`` opens the page with that
annotation selected (``#show=`` selects it without scrolling to it).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from html import escape
from itertools import pairwise
from pathlib import Path
from typing import Any

from newsgold import layers as registry
from newsgold.convert import ENTITY_COLOURS, ConversionResult, NotCarried
from newsgold.convert import html_errors as errors_page
from newsgold.convert.html_errors import Overlay
from newsgold.io import atomic_writer
from newsgold.issues import pointer
from newsgold.layers.base import DocumentView, Layer, Lookup
from newsgold.layers.formats import HtmlPart, Mark
from newsgold.model import Document

CSP = "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'"
"""The page's Content-Security-Policy: nothing but its own inline style and script."""


def _attr(value: str) -> str:
    return escape(value, quote=True)


def _json_for_script(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False, sort_keys=False)
    return text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")


class _Kit:
    """The pieces of HTML a layer's part builds its table and legend from (:class:`HtmlKit`)."""

    def escape(self, text: str) -> str:
        return escape(text)

    def attr(self, value: str) -> str:
        return _attr(value)

    def colour(self, label: str) -> str:
        return ENTITY_COLOURS.get(label, "#cccccc")

    def chip(self, ident: str, text: str = "") -> str:
        shown = escape(text or ident, quote=False)
        return f'<span class="chip" data-id="{_attr(ident)}" title="{_attr(ident)}">{shown}</span>'

    def entity_chip(self, document: DocumentView, entity_id: str | None) -> str:
        if entity_id is None:
            return self.none()
        name = Lookup(document).entity_name(entity_id) or entity_id
        return self.chip(entity_id, name)

    def type_chip(self, label: str) -> str:
        colour = ENTITY_COLOURS.get(label, "#ccc")
        return f'<span class="type" style="--c:{colour}">{escape(label)}</span>'

    def spans_text(self, spans: Sequence[Any]) -> str:
        return escape(" … ".join(s.text for s in spans), quote=False)

    def none(self) -> str:
        return '<span class="none">none</span>'

    def table(
        self, caption: str, head: Sequence[str], rows: Sequence[tuple[str, Sequence[str]]]
    ) -> str:
        if not rows:
            return f'<h3>{escape(caption)}</h3><p class="none">none annotated</p>'
        out = [f"<h3>{escape(caption)} ({len(rows)})</h3>", '<table class="records"><thead><tr>']
        out += [f"<th>{escape(h)}</th>" for h in head]
        out.append("</tr></thead><tbody>")
        for ident, cells in rows:
            out.append(f'<tr data-id="{_attr(ident)}">')
            out += [f"<td>{c}</td>" for c in cells]
            out.append("</tr>")
        out.append("</tbody></table>")
        return "".join(out)


_KIT = _Kit()


def _parts() -> list[tuple[Layer, HtmlPart]]:
    """The registered layers that have a part in the page, with their part."""
    return [(x, x.formats["html"]) for x in registry.layers() if x.formats.get("html")]


def _marks(document: Document) -> list[Mark]:
    return [m for _, part in _parts() if part.marks for m in part.marks(document, _KIT)]


def _render_text(document: Document, extra: Sequence[Mark] = ()) -> str:
    text = document.text
    marks = [*_marks(document), *extra]
    bounds = sorted({0, len(text), *(a.start for a in marks), *(a.end for a in marks)})
    parts: list[str] = []
    for a, b in pairwise(bounds):
        covering = [x for x in marks if x.start <= a and b <= x.end]
        covering.sort(key=lambda x: (x.rank, -(x.end - x.start), x.start))
        inner = escape(text[a:b], quote=False)
        for x in reversed(covering):
            label = ""
            if x.label and x.end == b:
                label = f'<span class="lab">{escape(x.label, quote=False)}</span>'
            style = f' style="{_attr(x.style)}"' if x.style else ""
            inner = f'<span class="{x.css}" data-id="{_attr(x.ident)}"{style}>{inner}{label}</span>'
        parts.append(inner)
    return "".join(parts)


def _render_tables(document: Document) -> str:
    tables = sorted((part.order, i, part) for i, (_, part) in enumerate(_parts()) if part.table)
    return "".join(part.table(document, _KIT) for _, _, part in tables if part.table)


def _records(document: Document) -> dict[str, Any]:
    """Every record of the document by id, with the ids it links to."""
    out: dict[str, Any] = {}
    for _, part in _parts():
        for r in part.records(document):
            entry = {"kind": r.kind, "record": r.record, "links": [x for x in r.links if x]}
            if r.keep_first:
                out.setdefault(r.ident, entry)
            else:
                out[r.ident] = entry
    return out


_CSS = """
:root { --panel: 26rem; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.5 "DejaVu Sans", Arial, sans-serif;
  color: #1d1d1d; background: #fafaf7; }
header { padding: .6rem 1rem; background: #24323f; color: #fff; position: sticky; top: 0;
  z-index: 3; margin-right: var(--panel); }
header h1 { font-size: 1.15rem; margin: 0 0 .3rem 0; }
header label { margin-right: .8rem; font-size: .85rem; }
.legend { margin-top: .3rem; font-size: .78rem; }
.legend .type, .legend .q, .legend .t, .legend .st { color: #111; padding: 0 .2rem; }
.legend .t, .legend .st { background: #fff; }
.legend .c { background: #fff; padding: 0 .2rem; }
main { margin-right: var(--panel); padding: 1rem 1.4rem; }
aside#details { position: fixed; right: 0; top: 0; bottom: 0; width: var(--panel); overflow: auto;
  background: #fff; border-left: 1px solid #ccc; padding: .8rem; font-size: .8rem; z-index: 2; }
aside#details h2 { font-size: .95rem; margin: 0 0 .4rem 0; }
aside#details .rec { border: 1px solid #ddd; border-radius: 4px; margin: 0 0 .6rem 0;
  padding: .4rem; }
aside#details .rec h4 { margin: 0 0 .2rem 0; font-size: .85rem; }
aside#details pre { white-space: pre-wrap; word-break: break-word; margin: 0; font-size: .75rem; }
section.doc { background: #fff; border: 1px solid #ddd; border-radius: 6px; padding: 1rem 1.2rem;
  margin-bottom: 1.5rem; }
section.doc h2 { font-size: 1.05rem; margin: 0 0 .3rem 0; }
.meta { font-size: .8rem; color: #555; margin-bottom: .8rem; }
.text { white-space: pre-wrap; line-height: 2.3; font-size: 1rem; }
.a { cursor: pointer; }
.m { border-bottom: 2px solid var(--c); padding-bottom: var(--d); }
.m-nam { background: color-mix(in srgb, var(--c) 45%, transparent); border-radius: 2px; }
.q { background: #fff6c8; }
.c { font-weight: bold; color: #a02c10; }
.t { outline: 1.5px solid #7a3fc0; outline-offset: 1px; border-radius: 2px; }
.st { text-decoration: overline 2px #2f8f2f; }
.st-AGAINST { text-decoration-color: #c03030; }
.st-NONE { text-decoration-color: #888; }
.lab { font-size: .62rem; font-weight: normal; font-style: normal; color: #333;
  vertical-align: super; line-height: 1; margin-left: 1px; padding: 0 2px; border-radius: 2px;
  background: rgba(255,255,255,.75); }
.m-nom > .lab, .m-pro > .lab { color: #777; vertical-align: sub; }
.t > .lab { color: #5b2a99; }
.c > .lab { color: #a02c10; }
.q > .lab { color: #7a6200; }
.hide-labels .lab { display: none; }
.hide-m .m { border-bottom: 0; background: none; padding-bottom: 0; }
.hide-m .m > .lab { display: none; }
.hide-q .q { background: none; } .hide-q .c { font-weight: normal; color: inherit; }
.hide-q .q > .lab, .hide-q .c > .lab { display: none; }
.hide-t .t { outline: 0; } .hide-t .t > .lab { display: none; }
.hide-st .st { text-decoration: none; } .hide-st .st > .lab { display: none; }
.hl { box-shadow: 0 0 0 2px #ff3d00 !important; }
.sel { box-shadow: 0 0 0 3px #ff3d00 !important; }
table.records { border-collapse: collapse; width: 100%; font-size: .8rem; margin-bottom: .8rem; }
table.records th, table.records td { border: 1px solid #ddd; padding: .25rem .35rem;
  vertical-align: top; text-align: left; }
table.records tr:hover { background: #f3f7ff; cursor: pointer; }
.chip { display: inline-block; border: 1px solid #bbb; border-radius: 3px; padding: 0 .25rem;
  margin: 1px; background: #f4f4f4; cursor: pointer; }
.type { background: var(--c); border-radius: 3px; padding: 0 .3rem; }
.pol-FAVOR { color: #2f8f2f; font-weight: bold; }
.pol-AGAINST { color: #c03030; font-weight: bold; }
.none { color: #999; }
h3 { font-size: .95rem; margin: 1rem 0 .3rem 0; }
"""

_SCRIPT = """
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("ng-data").textContent);
  var body = document.getElementById("details-body");
  var title = document.getElementById("details-title");
  function sectionOf(el) {
    var ref = el.closest("[data-doc-ref]");
    if (ref) { return document.getElementById("doc-" + ref.getAttribute("data-doc-ref")); }
    return el.closest("section.doc");
  }
  function cell(row, text, head) {
    var c = document.createElement(head ? "th" : "td");
    c.textContent = text;
    row.appendChild(c);
  }
  function sideBySide(r) {
    var table = document.createElement("table");
    table.className = "sbs";
    var head = document.createElement("tr");
    ["", "gold", "prediction"].forEach(function (t) { cell(head, t, true); });
    table.appendChild(head);
    [["spans", "_spans"], ["text", "_text"], ["label", "_label"]].forEach(function (f) {
      var row = document.createElement("tr");
      cell(row, f[0], true);
      ["gold", "pred"].forEach(function (side) {
        var v = r[side + f[1]];
        cell(row, v === null ? "none" : (typeof v === "string" ? v : JSON.stringify(v)), false);
      });
      table.appendChild(row);
    });
    var ids = document.createElement("tr");
    cell(ids, "id", true);
    cell(ids, r.gold_id === null ? "none" : r.gold_id, false);
    cell(ids, r.pred_index === null ? "none" : "prediction " + r.pred_index, false);
    table.appendChild(ids);
    return table;
  }
  function card(docId, id, depth) {
    var entry = (data[docId] || {})[id];
    var box = document.createElement("div");
    box.className = "rec";
    var h = document.createElement("h4");
    h.textContent = entry ? entry.kind + " " + id : id;
    box.appendChild(h);
    if (entry && entry.kind === "error") {
      var what = document.createElement("p");
      what.textContent = entry.record.category + " (" + entry.record.unit + ")";
      box.appendChild(what);
      box.appendChild(sideBySide(entry.record));
    }
    if (entry) {
      var pre = document.createElement("pre");
      pre.textContent = JSON.stringify(entry.record, null, 1);
      box.appendChild(pre);
      if (depth === 0) {
        entry.links.forEach(function (link) { box.appendChild(card(docId, link, 1)); });
      }
    }
    return box;
  }
  function show(el) {
    var section = sectionOf(el);
    if (!section) { return; }
    var docId = section.getAttribute("data-doc");
    var ids = [];
    var fromRow = el.hasAttribute("data-doc-ref");
    if (fromRow) { ids.push(el.getAttribute("data-id")); }
    for (var n = fromRow ? null : el; n && n !== section; n = n.parentElement) {
      var id = n.getAttribute("data-id");
      if (id && ids.indexOf(id) < 0) { ids.push(id); }
    }
    while (body.firstChild) { body.removeChild(body.firstChild); }
    title.textContent = docId + ": " + ids.join(", ");
    ids.forEach(function (id) { body.appendChild(card(docId, id, 0)); });
  }
  function highlight(el) {
    var section = sectionOf(el);
    document.querySelectorAll(".hl, .sel").forEach(function (x) {
      x.classList.remove("hl", "sel");
    });
    if (!section) { return; }
    var id = el.getAttribute("data-id");
    section.querySelectorAll("[data-id]").forEach(function (x) {
      if (x.getAttribute("data-id") === id) { x.classList.add("hl"); }
    });
    el.classList.add("sel");
  }
  document.addEventListener("click", function (ev) {
    var el = ev.target.closest("[data-id]");
    if (!el) { return; }
    show(el);
    highlight(el);
    if (el.tagName === "TR" || el.classList.contains("chip")) {
      var section = sectionOf(el);
      var selector = ".text [data-id=\\"" + el.getAttribute("data-id") + "\\"]";
      var first = section && section.querySelector(selector);
      if (first) { first.scrollIntoView({block: "center"}); }
    }
  });
  document.addEventListener("mouseover", function (ev) {
    var el = ev.target.closest(".text [data-id]");
    if (el) { show(el); }
  });
  document.querySelectorAll("input[data-toggle]").forEach(function (box) {
    box.addEventListener("change", function () {
      document.body.classList.toggle("hide-" + box.getAttribute("data-toggle"), !box.checked);
    });
  });
  function selectFromHash() {
    var m = /^#(select|show)=([^:]+):(.+)$/.exec(decodeURIComponent(window.location.hash));
    if (!m) { return; }
    var section = document.getElementById("doc-" + m[2]);
    if (!section) { return; }
    var found = null;
    section.querySelectorAll("[data-id]").forEach(function (x) {
      if (!found && x.getAttribute("data-id") === m[3]) { found = x; }
    });
    if (found) {
      show(found);
      highlight(found);
      if (m[1] === "select") { found.scrollIntoView({block: "center"}); }
    }
  }
  window.addEventListener("hashchange", selectFromHash);
  selectFromHash();
  document.body.setAttribute("data-ready", "1");
})();
"""

_ERRORS = """
window.addEventListener("error", function (ev) {
  var el = document.documentElement;
  var prev = el.getAttribute("data-errors");
  el.setAttribute("data-errors", (prev ? prev + " | " : "") + String(ev.message));
});
"""


def _legend(documents: Sequence[Document]) -> str:
    entries = [part.legend(documents, _KIT) for _, part in _parts() if part.legend]
    return '<div class="legend">' + " ".join(entries) + "</div>"


def render_html(
    documents: Sequence[Document], title: str = "newsgold", overlay: Overlay | None = None
) -> str:
    """One self-contained HTML page for ``documents``; with ``overlay``, a prediction's
    error records drawn over the gold (:mod:`newsgold.convert.html_errors`)."""
    sections = [] if overlay is None else [errors_page.summary(overlay)]
    data: dict[str, Any] = {}
    for d in documents:
        data[d.id] = _records(d)
        extra: list[Mark] = []
        if overlay is not None:
            data[d.id].update(errors_page.page_records(overlay, d.id))
            extra = errors_page.marks(overlay, d.id)
        meta = d.metadata
        facts = [
            f"date {escape(meta.date.display())}",
            f"sources: {escape(', '.join(meta.source_outlets) or 'none named')}",
            f"annotated layers: {escape(', '.join(d.annotated_layers) or 'none yet')}",
            ", ".join(
                f"{len(d.layer(layer.name))} {part.counted}"
                for layer, part in _parts()
                if part.counted
            ),
        ]
        heading = escape(meta.headline) if meta.headline else "(no headline)"
        meta_json = json.dumps(meta.to_dict(), ensure_ascii=False, indent=1)
        sections.append(
            f'<section class="doc" id="doc-{_attr(d.id)}" data-doc="{_attr(d.id)}">'
            f"<h2>{heading} <code>{escape(d.id)}</code></h2>"
            f'<div class="meta">{" · ".join(facts)}'
            f"<details><summary>metadata</summary><pre>{escape(meta_json)}</pre></details></div>"
            f'<div class="text">{_render_text(d, extra)}</div>'
            f"{_render_tables(d)}</section>"
        )
    toggles = "".join(
        f'<label><input type="checkbox" checked data-toggle="{key}"> {name}</label>'
        for key, name in (
            *((part.toggle, layer.name) for layer, part in _parts() if part.toggle),
            ("labels", "labels"),
            *(errors_page.toggles(overlay) if overlay is not None else ()),
        )
    )
    extra_css = "" if overlay is None else errors_page.css(overlay)
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'
        f"<title>{escape(title)}</title>"
        f"<script>{_ERRORS}</script>"
        f"<style>{_CSS}{''.join(part.css for _, part in _parts())}{extra_css}</style>"
        "</head><body>"
        f"<header><h1>{escape(title)}: {len(documents)} document(s)</h1>"
        f"{toggles}{_legend(documents)}</header>"
        '<aside id="details"><h2 id="details-title">Click or hover an annotation</h2>'
        '<div id="details-body"></div></aside>'
        f"<main>{''.join(sections)}</main>"
        f'<script type="application/json" id="ng-data">{_json_for_script(data)}</script>'
        f"<script>{_SCRIPT}</script>"
        "</body></html>\n"
    )


def annotation_ids(document: Document) -> set[str]:
    """Every annotation id of ``document`` (every record the page shows)."""
    return set(_records(document))


def _not_shown(documents: Sequence[Document]) -> tuple[NotCarried, ...]:
    """The records of layers without a part in the page."""
    return tuple(
        NotCarried(d.id, pointer(layer.name, i), f"{layer.name} record (no HTML part)")
        for d in documents
        for layer in registry.layers()
        if not layer.formats.get("html")
        for i in range(len(d.layer(layer.name)))
    )


def write_html(
    documents: Sequence[Document],
    path: Path,
    title: str = "newsgold",
    overlay: Overlay | None = None,
) -> ConversionResult:
    """Write the page atomically; it shows every layer that has a part in it and lists the
    records of any other layer as not carried; with ``overlay``, a prediction's errors."""
    page = render_html(documents, title, overlay)
    with atomic_writer(path) as handle:
        handle.write(page)
    return ConversionResult("html", path, (path.name,), len(documents), _not_shown(documents))

"""A self-contained HTML page that shows documents with their annotations.

One file, no external assets and no network: the CSS and the script are
inline, the records are embedded as JSON. The document text is shown as it
is (``white-space: pre-wrap``, so the text content of the text block equals
the document text) with

* mentions underlined in the colour of their type (nested mentions stacked),
  NAM mentions shaded and labelled with the type, NOM and PRO mentions
  labelled with the name of their entity;
* quote content shaded, cues in bold with the quote id, the speaker named at
  the end of the content;
* event triggers boxed and labelled with the event type;
* stance evidence overlined, labelled with the stance id and polarity;

and below the text one table per layer (entities, quotes, events, stance) and
the sentence list. Every element that stands for an annotation carries its
id in ``data-id``; clicking (or hovering in the text) shows its record and the
records it links to in the details panel, and clicking highlights every
place the annotation occurs. A link to ``page.html#select=<doc id>:<annotation id>``
opens the page with that annotation selected.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape
from itertools import pairwise
from pathlib import Path
from typing import Any

from newsgold.convert import ENTITY_COLOURS, ConversionResult
from newsgold.io import atomic_writer
from newsgold.model import Document

_KIND_ORDER = {"q": 0, "st": 1, "m": 2, "c": 3, "t": 4}
CSP = "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'"
"""The page's Content-Security-Policy: nothing but its own inline style and script."""


@dataclass(frozen=True)
class _Ann:
    kind: str  # q quote content, st evidence, m mention, c cue, t trigger
    start: int
    end: int
    ident: str
    css: str
    style: str = ""
    label: str = ""
    label_at_end: bool = True


def _attr(value: str) -> str:
    return escape(value, quote=True)


def _json_for_script(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False, sort_keys=False)
    return text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")


def _mention_depths(document: Document) -> dict[str, int]:
    """Nesting depth of each mention: 0 when no other mention lies inside it."""
    spans = sorted(document.mentions, key=lambda m: (m.end - m.start, m.start))
    depth: dict[str, int] = {}
    for m in spans:
        inner = [
            depth[o.id]
            for o in spans
            if o.id in depth and m.start <= o.start and o.end <= m.end and o.id != m.id
        ]
        depth[m.id] = 1 + max(inner) if inner else 0
    return depth


def _annotations(document: Document) -> list[_Ann]:
    entities = {e.id: e for e in document.entities}
    depth = _mention_depths(document)
    out: list[_Ann] = []
    for q in document.quotes:
        speaker = entities[q.speaker].name if q.speaker in entities else "unknown speaker"
        for i, s in enumerate(q.content):
            last = i == len(q.content) - 1
            out.append(
                _Ann(
                    "q",
                    s.start,
                    s.end,
                    q.id,
                    f"a q q-{q.type}",
                    label=f"{q.id} {q.type} · {speaker}" if last else "",
                )
            )
        for s in q.cue:
            out.append(_Ann("c", s.start, s.end, q.id, "a c", label=f"cue {q.id}"))
    for st in document.stance:
        for i, s in enumerate(st.evidence):
            last = i == len(st.evidence) - 1
            out.append(
                _Ann(
                    "st",
                    s.start,
                    s.end,
                    st.id,
                    f"a st st-{st.polarity}",
                    label=f"{st.id} {st.polarity}" if last else "",
                )
            )
    for m in document.mentions:
        colour = ENTITY_COLOURS.get(m.label, "#cccccc")
        label = (
            m.label
            if m.mention_type == "NAM"
            else (entities[m.entity_id].name if m.entity_id in entities else m.entity_id)
        )
        out.append(
            _Ann(
                "m",
                m.start,
                m.end,
                m.id,
                f"a m m-{m.mention_type.lower()}",
                style=f"--c:{colour};--d:{depth[m.id] * 4 + 1}px",
                label=label,
            )
        )
    for ev in document.events:
        for t in ev.triggers:
            out.append(_Ann("t", t.start, t.end, t.id, "a t", label=ev.type))
    return out


def _render_text(document: Document) -> str:
    text = document.text
    anns = _annotations(document)
    bounds = sorted({0, len(text), *(a.start for a in anns), *(a.end for a in anns)})
    parts: list[str] = []
    for a, b in pairwise(bounds):
        covering = [x for x in anns if x.start <= a and b <= x.end]
        covering.sort(key=lambda x: (_KIND_ORDER[x.kind], -(x.end - x.start), x.start))
        inner = escape(text[a:b], quote=False)
        for x in reversed(covering):
            label = ""
            if x.label and x.end == b:
                label = f'<span class="lab">{escape(x.label, quote=False)}</span>'
            style = f' style="{_attr(x.style)}"' if x.style else ""
            inner = f'<span class="{x.css}" data-id="{_attr(x.ident)}"{style}>{inner}{label}</span>'
        parts.append(inner)
    return "".join(parts)


def _type_chip(label: str) -> str:
    return (
        f'<span class="type" style="--c:{ENTITY_COLOURS.get(label, "#ccc")}">{escape(label)}</span>'
    )


def _chip(ident: str, text: str = "") -> str:
    shown = escape(text or ident, quote=False)
    return f'<span class="chip" data-id="{_attr(ident)}" title="{_attr(ident)}">{shown}</span>'


def _entity_chip(document: Document, entity_id: str | None) -> str:
    if entity_id is None:
        return '<span class="none">none</span>'
    try:
        name = document.entity(entity_id).name
    except KeyError:
        name = entity_id
    return _chip(entity_id, name)


def _table(caption: str, head: Sequence[str], rows: Sequence[tuple[str, Sequence[str]]]) -> str:
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


def _spans_text(spans: Sequence[Any]) -> str:
    return escape(" … ".join(s.text for s in spans), quote=False)


def _render_tables(document: Document) -> str:
    d = document
    mentions_of: dict[str, list[str]] = {}
    for m in d.mentions:
        mentions_of.setdefault(m.entity_id, []).append(_chip(m.id, m.text))
    entity_rows = [
        (
            e.id,
            [
                f"<code>{escape(e.id)}</code>",
                escape(e.name),
                _type_chip(e.type),
                escape(e.wikipedia) if e.wikipedia else '<span class="none">none</span>',
                " ".join(_entity_chip(d, x) for x in e.members) or "",
                escape(e.description),
                " ".join(mentions_of.get(e.id, [])),
            ],
        )
        for e in d.entities
    ]
    quote_rows = [
        (
            q.id,
            [
                f"<code>{escape(q.id)}</code>",
                escape(q.type),
                _entity_chip(d, q.speaker),
                _chip(q.source, d.mention(q.source).text)
                if q.source
                else '<span class="none">none</span>',
                f'<span class="cue">{_spans_text(q.cue)}</span>',
                f"“{_spans_text(q.content)}”",
                (
                    _entity_chip(d, q.addressee.entity_id)
                    + (f" via {_chip(q.addressee.mention_id)}" if q.addressee.mention_id else "")
                )
                if q.addressee
                else '<span class="none">none</span>',
                _chip(q.parent) if q.parent else '<span class="none">none</span>',
            ],
        )
        for q in d.quotes
    ]
    event_rows = [
        (
            ev.id,
            [
                f"<code>{escape(ev.id)}</code>",
                f"<b>{escape(ev.type)}</b>",
                " ".join(_chip(t.id, t.text) for t in ev.triggers),
                "<br>".join(
                    f"{escape(a.role)}: {_entity_chip(d, a.entity_id)}"
                    + (
                        f" via {_chip(a.mention_id, d.mention(a.mention_id).text)}"
                        if a.mention_id
                        else ""
                    )
                    for a in ev.arguments
                ),
                escape(", ".join(ev.modes)) or '<span class="none">none</span>',
                escape(", ".join(ev.contexts)) or '<span class="none">none</span>',
                escape(ev.realis),
                (
                    escape(ev.time.value)
                    + (
                        f" ({_chip(ev.time.mention_id, d.mention(ev.time.mention_id).text)})"
                        if ev.time.mention_id
                        else ""
                    )
                )
                if ev.time
                else '<span class="none">none</span>',
            ],
        )
        for ev in d.events
    ]
    stance_rows = [
        (
            st.id,
            [
                f"<code>{escape(st.id)}</code>",
                _entity_chip(d, st.holder),
                f'<span class="pol pol-{escape(st.polarity)}">{escape(st.polarity)}</span>',
                _chip(st.target.id, st.target.description)
                + (f" = {_entity_chip(d, st.target.entity_id)}" if st.target.entity_id else "")
                + (f" = {_chip(st.target.event_id)}" if st.target.event_id else ""),
                f"“{_spans_text(st.evidence)}”",
                " ".join(_chip(x) for x in st.quote_ids) or '<span class="none">none</span>',
                escape(st.basis),
            ],
        )
        for st in d.stance
    ]
    sentences = "".join(
        f'<li data-id="{_attr(s.id)}"><code>{escape(s.id)}</code> '
        f"{s.start}-{s.end} {escape(s.text)}</li>"
        for s in d.sentences
    )
    return "".join(
        [
            _table(
                "Entities",
                ["id", "name", "type", "Wikipedia", "members", "description", "mentions"],
                entity_rows,
            ),
            _table(
                "Quotes",
                ["id", "type", "speaker", "source", "cue", "content", "addressee", "parent"],
                quote_rows,
            ),
            _table(
                "Events",
                ["id", "type", "triggers", "arguments", "modes", "contexts", "realis", "time"],
                event_rows,
            ),
            _table(
                "Stance",
                ["id", "holder", "polarity", "target", "evidence", "quotes", "basis"],
                stance_rows,
            ),
            f'<details class="sentences"><summary>Sentences ({len(d.sentences)})</summary>'
            f"<ol>{sentences}</ol></details>"
            if d.sentences
            else '<h3>Sentences</h3><p class="none">none annotated</p>',
        ]
    )


def _records(document: Document) -> dict[str, Any]:
    """Every record of the document by id, with the ids it links to."""
    out: dict[str, Any] = {}

    def put(ident: str, kind: str, record: dict[str, Any], links: Sequence[str | None]) -> None:
        out[ident] = {"kind": kind, "record": record, "links": [x for x in links if x]}

    for s in document.sentences:
        put(s.id, "sentence", s.to_dict(), [])
    for m in document.mentions:
        put(m.id, "mention", m.to_dict(), [m.entity_id])
    for e in document.entities:
        put(e.id, "entity", e.to_dict(), list(e.members))
    for q in document.quotes:
        addressee = q.addressee.entity_id if q.addressee else None
        put(q.id, "quote", q.to_dict(), [q.source, q.speaker, addressee, q.parent])
    for ev in document.events:
        put(ev.id, "event", ev.to_dict(), [a.entity_id for a in ev.arguments])
        for t in ev.triggers:
            put(t.id, "trigger", t.to_dict(), [ev.id])
    for st in document.stance:
        put(
            st.id,
            "stance",
            st.to_dict(),
            [st.holder, st.target.entity_id, st.target.event_id, *st.quote_ids],
        )
        out.setdefault(st.target.id, {"kind": "target", "record": st.target.to_dict(), "links": []})
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
  function sectionOf(el) { return el.closest("section.doc"); }
  function card(docId, id, depth) {
    var entry = (data[docId] || {})[id];
    var box = document.createElement("div");
    box.className = "rec";
    var h = document.createElement("h4");
    h.textContent = entry ? entry.kind + " " + id : id;
    box.appendChild(h);
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
    for (var n = el; n && n !== section; n = n.parentElement) {
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
    var m = /^#select=([^:]+):(.+)$/.exec(decodeURIComponent(window.location.hash));
    if (!m) { return; }
    var section = document.getElementById("doc-" + m[1]);
    if (!section) { return; }
    var found = null;
    section.querySelectorAll("[data-id]").forEach(function (x) {
      if (!found && x.getAttribute("data-id") === m[2]) { found = x; }
    });
    if (found) {
      show(found);
      highlight(found);
      found.scrollIntoView({block: "center"});
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
    types = [t for t in ENTITY_COLOURS if any(m.label == t for d in documents for m in d.mentions)]
    chips = " ".join(
        f'<span class="type" style="--c:{ENTITY_COLOURS[t]}">{escape(t)}</span>' for t in types
    )
    return (
        '<div class="legend">mentions: '
        + (chips or '<span class="none">none</span>')
        + ' &nbsp; <span class="q">quote content</span> <span class="c">cue</span>'
        + ' <span class="t">trigger</span> <span class="st">stance evidence</span></div>'
    )


def render_html(documents: Sequence[Document], title: str = "newsgold") -> str:
    """One self-contained HTML page for ``documents``."""
    sections = []
    data: dict[str, Any] = {}
    for d in documents:
        data[d.id] = _records(d)
        meta = d.metadata
        facts = [
            f"date {escape(meta.date.display())}",
            f"sources: {escape(', '.join(meta.source_outlets) or 'none named')}",
            f"annotated layers: {escape(', '.join(d.annotated_layers) or 'none yet')}",
            f"{len(d.mentions)} mentions, {len(d.entities)} entities, {len(d.quotes)} quotes, "
            f"{len(d.events)} events, {len(d.stance)} stance records",
        ]
        heading = escape(meta.headline) if meta.headline else "(no headline)"
        meta_json = json.dumps(meta.to_dict(), ensure_ascii=False, indent=1)
        sections.append(
            f'<section class="doc" id="doc-{_attr(d.id)}" data-doc="{_attr(d.id)}">'
            f"<h2>{heading} <code>{escape(d.id)}</code></h2>"
            f'<div class="meta">{" · ".join(facts)}'
            f"<details><summary>metadata</summary><pre>{escape(meta_json)}</pre></details></div>"
            f'<div class="text">{_render_text(d)}</div>'
            f"{_render_tables(d)}</section>"
        )
    toggles = "".join(
        f'<label><input type="checkbox" checked data-toggle="{key}"> {name}</label>'
        for key, name in (
            ("m", "mentions"),
            ("q", "quotes"),
            ("t", "events"),
            ("st", "stance"),
            ("labels", "labels"),
        )
    )
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'
        f"<title>{escape(title)}</title>"
        f"<script>{_ERRORS}</script>"
        f"<style>{_CSS}</style></head><body>"
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
    """Every annotation id of ``document`` (sentences to stance targets)."""
    return set(_records(document))


def write_html(
    documents: Sequence[Document], path: Path, title: str = "newsgold"
) -> ConversionResult:
    """Write the page atomically; it shows every layer, so nothing is listed as not carried."""
    page = render_html(documents, title)
    with atomic_writer(path) as handle:
        handle.write(page)
    return ConversionResult("html", path, (path.name,), len(documents))

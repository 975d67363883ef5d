"""A prediction drawn over the gold on the HTML page: the error records of one view.

``newsgold show --html OUT --pred FILE --layer L`` scores the prediction with
``newsgold evaluate`` and gives its error records (one per gold or predicted unit,
or matched pair) to the page as an :class:`Overlay`. The page then shows, above the
documents, a summary (counts per category with their meaning, counts per label and
category, the label confusion pairs, and the list of every record), a toggle per
category in its header, and in the text each record's gold and predicted spans
marked by the colour of its category and a text mark (so it reads without colour).
A click on a mark or a row shows the gold and the prediction side by side.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from html import escape
from typing import Any

from newsgold.layers.formats import Mark

RANK = -1
"""Error marks are drawn outside every layer's marks."""


@dataclass(frozen=True)
class Overlay:
    """The error records of one view of a prediction, for the page."""

    layer: str
    source: str
    """What the prediction is (its file), as the page names it."""
    records: tuple[dict[str, Any], ...]
    categories: Mapping[str, str]
    """Category -> meaning, in the order the page lists them."""


def css_name(category: str) -> str:
    """The CSS class of a category: ``err-`` and its letters, digits and hyphens."""
    return "err-" + re.sub(r"[^a-z0-9-]", "-", category.lower())


def is_right(category: str) -> bool:
    """Whether a category says the unit is right (``correct``, ``trigger-correct``, ...)."""
    return category == "correct" or category.endswith("-correct")


def colour(category: str) -> str:
    """The colour of a category, by what it says: right, missed, spurious or otherwise."""
    if is_right(category):
        return "#2e9e44"
    if category.endswith("missed"):
        return "#d62f2f"
    if category.endswith("spurious"):
        return "#e08a00"
    return "#7a3fc0"


def text_mark(category: str) -> str:
    """The text mark drawn at the end of a marked span."""
    return "✓" if is_right(category) else f"✗ {category}"


def marks(overlay: Overlay, doc_id: str) -> list[Mark]:
    """A mark per gold and per predicted span of each record of the document."""
    out = []
    for r in overlay.records:
        if r["doc_id"] != doc_id:
            continue
        cat = r["category"]
        seen = set()
        for name in ("gold", "pred"):
            for start, end in r[f"{name}_spans"] or ():
                if (start, end) in seen or start >= end:
                    continue
                seen.add((start, end))
                out.append(
                    Mark(
                        RANK,
                        start,
                        end,
                        r["id"],
                        f"a err {css_name(cat)} err-{name}",
                        style=f"--e:{colour(cat)}",
                        label=text_mark(cat),
                    )
                )
    return out


def page_records(overlay: Overlay, doc_id: str) -> dict[str, Any]:
    """The records the page's script shows on a click, by id."""
    return {
        r["id"]: {"kind": "error", "record": r, "links": [r["gold_id"]] if r["gold_id"] else []}
        for r in overlay.records
        if r["doc_id"] == doc_id
    }


def counts(overlay: Overlay) -> Counter[str]:
    """Records per category."""
    return Counter(r["category"] for r in overlay.records)


def _label(r: Mapping[str, Any]) -> str:
    label = r["gold_label"] if r["gold_label"] is not None else r["pred_label"]
    return "(none)" if label is None else str(label)


def _table(caption: str, head: Sequence[str], rows: Sequence[Sequence[str]], css: str) -> str:
    out = [f"<h3>{escape(caption)}</h3>", f'<table class="records {css}"><thead><tr>']
    out += [f"<th>{escape(h)}</th>" for h in head]
    out.append("</tr></thead><tbody>")
    for cells in rows:
        out.append("<tr>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>")
    out.append("</tbody></table>")
    return "".join(out)


def _chip(category: str) -> str:
    return (
        f'<span class="errchip {css_name(category)}" style="--e:{colour(category)}">'
        f"{'✓' if is_right(category) else '✗'} {escape(category)}</span>"
    )


def _category_table(overlay: Overlay) -> str:
    n = counts(overlay)
    rows = [
        [_chip(c), f'<b data-count="{escape(c, quote=True)}">{n.get(c, 0)}</b>', escape(meaning)]
        for c, meaning in overlay.categories.items()
    ]
    return _table("Counts per category", ["category", "count", "meaning"], rows, "err-counts")


def _label_table(overlay: Overlay) -> str:
    cats = [c for c in overlay.categories if counts(overlay).get(c)]
    by_label: dict[str, Counter[str]] = {}
    for r in overlay.records:
        by_label.setdefault(_label(r), Counter())[r["category"]] += 1
    rows = [
        [escape(label), *(str(by_label[label].get(c, 0)) for c in cats)]
        for label in sorted(by_label)
    ]
    return _table(
        "Counts per label (gold label; the predicted one when there is no gold)",
        ["label", *cats],
        rows,
        "err-labels",
    )


def _confusion_table(overlay: Overlay) -> str:
    pairs = Counter(
        (str(r["gold_label"]), str(r["pred_label"]))
        for r in overlay.records
        if r["gold_label"] is not None
        and r["pred_label"] is not None
        and r["gold_label"] != r["pred_label"]
    )
    rows = [[escape(g), escape(p), str(k)] for (g, p), k in sorted(pairs.items())]
    if not rows:
        return '<h3>Label confusions</h3><p class="none">none: every matched pair has its label</p>'
    return _table("Label confusions", ["gold label", "predicted label", "count"], rows, "err-conf")


def _record_rows(overlay: Overlay) -> str:
    out = [
        f"<details><summary>Every record ({len(overlay.records)})</summary>",
        '<table class="records err-list"><thead><tr><th>id</th><th>document</th>'
        "<th>category</th><th>gold</th><th>prediction</th></tr></thead><tbody>",
    ]
    for r in overlay.records:
        cells = [f"<code>{escape(r['id'])}</code>", escape(r["doc_id"]), _chip(r["category"])]
        for name in ("gold", "pred"):
            if r[f"{name}_spans"] is None:
                cells.append('<span class="none">none</span>')
            else:
                label = (
                    "" if r[f"{name}_label"] is None else f" <i>{escape(r[f'{name}_label'])}</i>"
                )
                cells.append(f"{escape(r[f'{name}_text'])}{label}")
        out.append(
            f'<tr class="{css_name(r["category"])}" data-id="{escape(r["id"], quote=True)}" '
            f'data-doc-ref="{escape(r["doc_id"], quote=True)}">'
            + "".join(f"<td>{c}</td>" for c in cells)
            + "</tr>"
        )
    out.append("</tbody></table></details>")
    return "".join(out)


def summary(overlay: Overlay) -> str:
    """The summary section shown above the documents."""
    return (
        f'<section class="doc err-summary" data-doc="" id="errors">'
        f"<h2>Prediction <code>{escape(overlay.source)}</code> over the gold, "
        f"layer {escape(overlay.layer)}: {len(overlay.records)} record(s)</h2>"
        '<p class="meta">In the text, each record is boxed in the colour of its category '
        "and marked at its end (✓ right, ✗ and the category otherwise): a solid box is the "
        "gold span, a dashed one the predicted span. The header's boxes show or hide each "
        "category; a click on a box or a row shows the gold and the prediction side by side."
        "</p>"
        f"{_category_table(overlay)}{_label_table(overlay)}{_confusion_table(overlay)}"
        f"{_record_rows(overlay)}</section>"
    )


def toggles(overlay: Overlay) -> list[tuple[str, str]]:
    """(toggle key, name with its count) per category, for the header's checkboxes."""
    n = counts(overlay)
    return [(css_name(c), f"{c} ({n.get(c, 0)})") for c in overlay.categories]


def css(overlay: Overlay) -> str:
    """The page's style for the error marks and the per-category toggles."""
    hide = "".join(
        f".hide-{k} .{k}.err {{ outline: 0; background: none; }}"
        f".hide-{k} .{k}.err > .lab {{ display: none; }}"
        f".hide-{k} tr.{k} {{ display: none; }}"
        for k, _ in toggles(overlay)
    )
    return (
        ".err { outline: 2px solid var(--e); outline-offset: 2px; border-radius: 2px; }"
        ".err.err-pred { outline-style: dashed; }"
        ".err > .lab { color: var(--e); font-weight: bold; }"
        ".errchip { border: 2px solid var(--e); border-radius: 3px; padding: 0 .25rem;"
        " color: #111; white-space: nowrap; }"
        ".sbs { border-collapse: collapse; width: 100%; margin: .3rem 0; }"
        ".sbs th, .sbs td { border: 1px solid #ddd; padding: .2rem; vertical-align: top;"
        " text-align: left; word-break: break-word; }" + hide
    )

"""What the Hugging Face Hub and other catalogues read: the dataset card and Croissant.

``render_card`` merges ``DATASET_CARD.md`` with generated metadata and sections;
``croissant_json`` describes the built Parquet files in Croissant 1.0. Both are
pure functions of the build input and of what the build kept of the files it wrote
(:class:`~newsgold.features.Built`: sizes, SHA-256, row counts, example rows), so
their bytes are stable. Loading lives in :func:`newsgold.build.load_config`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from newsgold import RELEASE_DATE, __version__
from newsgold import layers as registry
from newsgold.baselines.ner import PROTOCOLS
from newsgold.columns import Spec, label_names, schema_rows, schemas, type_name
from newsgold.features import (
    DEFAULT_CONFIG,
    BuildInput,
    Built,
    BuiltFile,
    config_columns,
    configs,
    data_file,
    document_schema,
    features,
    layer_config,
)

MARKERS: tuple[str, ...] = (
    "configs",
    "fields",
    "labels",
    "splits",
    "examples",
    "evaluation",
    "leaderboard",
    "licences",
    "checksums",
)
"""Generated card sections; ``<!-- generated:NAME -->`` on a line of its own marks the place."""


DOCUMENTS_UNIT = "document, every layer nested"


def row_unit(name: str) -> str:
    """What one row of a config is."""
    return DOCUMENTS_UNIT if name == DEFAULT_CONFIG else layer_config(name).unit


_MAX_STRING = 240
_MAX_ITEMS = 4
_MAX_SCALARS = 60


# ---------------------------------------------------------------- YAML


def _yaml_dump(value: Any) -> str:
    import yaml

    return str(
        yaml.safe_dump(
            value, sort_keys=False, allow_unicode=True, default_flow_style=False, width=1000
        )
    )


def card_metadata(
    meta: Mapping[str, Any],
    splits: Mapping[str, tuple[str, ...]],
    files: Mapping[str, BuiltFile],
) -> dict[str, Any]:
    """The card's YAML: the hand-written keys, with the licence keys of
    :func:`card_licence_metadata` in place of ``license`` (hand-written ``license_*`` keys are
    dropped: the licences are stated in :data:`LICENCES` only), then the generated
    ``configs`` and ``dataset_info`` (which replace any hand-written ones)."""
    out: dict[str, Any] = {}
    for key, value in meta.items():
        if key in ("configs", "dataset_info") or key.startswith("license_"):
            continue
        out.update(card_licence_metadata() if key == "license" else {key: value})
    entries = []
    infos = []
    for config in configs():
        entry: dict[str, Any] = {
            "config_name": config,
            "data_files": [{"split": s, "path": data_file(config, s)} for s in splits],
        }
        if config == DEFAULT_CONFIG:
            entry["default"] = True
        entries.append(entry)
        paths = [data_file(config, s) for s in splits]
        infos.append(
            {
                "config_name": config,
                "features": features(config)._to_yaml_list(),
                "splits": [
                    {"name": s, "num_bytes": files[p].arrow_bytes, "num_examples": files[p].rows}
                    for s, p in zip(splits, paths, strict=True)
                ],
                "download_size": sum(files[p].size for p in paths),
                "dataset_size": sum(files[p].arrow_bytes for p in paths),
            }
        )
    out["configs"] = entries
    out["dataset_info"] = infos
    return out


# ---------------------------------------------------------------- sections


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _table(header: list[str], body: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(" --- " for _ in header) + "|"]
    lines += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in body]
    return "\n".join(lines)


def _section_configs(splits: Mapping[str, tuple[str, ...]], counts: Mapping[str, int]) -> str:
    body = []
    for config in configs():
        n = ", ".join(f"{s} {counts[data_file(config, s)]}" for s in splits)
        name = f"`{config}`" + (" (default)" if config == DEFAULT_CONFIG else "")
        body.append([name, row_unit(config), n])
    intro = (
        "Every config is built from the canonical documents in `documents/` by "
        "`newsgold build`; a document gives rows to a config only when it lists the "
        "layers the config needs in `annotated_layers`. Load one with "
        '`datasets.load_dataset("<path or repo>", "<config>", split="test")` or '
        '`newsgold.load("<config>")`. No loading script is involved.'
    )
    text = intro + "\n\n" + _table(["config", "one row per", "rows"], body)
    if any(counts[data_file(c, s)] == 0 for c in configs() for s in splits):
        text += (
            "\n\nA config with 0 rows in a split has a Parquet file with its schema and no "
            "rows; `newsgold.load` returns it as an empty dataset with the config's features, "
            "while `datasets.load_dataset` cannot load a split of 0 rows (streaming gives 0 rows)."
        )
    return text


def _section_fields() -> str:
    parts = []
    for config in configs():
        if config == DEFAULT_CONFIG:
            doc = document_schema()
            body = [[f"`{p}`", type_name(spec), d] for p, spec, d in schema_rows(doc)]
            note = (
                "One row per document, every layer nested exactly as in the canonical JSON "
                "(labels as strings): reading the rows back gives byte-identical "
                "canonical files (`newsgold.build.documents_from_parquet`)."
            )
        else:
            body = [[f"`{n}`", type_name(spec), d] for n, spec, d in config_columns(config)]
            note = f"One row per {row_unit(config)}."
        parts.append(
            f"#### `{config}`\n\n{note}\n\n" + _table(["field", "type", "description"], body)
        )
    return "\n\n".join(parts)


def _section_labels() -> str:
    from newsgold import tokens

    _, labels = schemas()
    defs = labels["$defs"]
    parts = [
        "#### NER tags\n\n"
        f"Tokens come from spaCy's rule-based English tokenizer (`{tokens.TOKENIZER}`, no "
        "model), run on each sentence of the `sentences` layer; whitespace-only tokens are "
        "dropped. Only NAM mentions are tagged, in IOB2. Every NAM mention starts and ends "
        "on a token boundary (the build fails otherwise), so tokens and tags give back "
        "every NAM mention exactly.\n\n"
        f"`ner` `ner_tags` ({len(tokens.ontonotes_tags())} names, the order of "
        "`conll2012_ontonotesv5` `named_entities`): "
        + ", ".join(f"`{t}`" for t in tokens.ontonotes_tags())
        + "\n\n"
        f"`ner_conll` `ner_tags` ({len(tokens.conll_tags())} names, the order of `conll2003` "
        "`ner_tags`): " + ", ".join(f"`{t}`" for t in tokens.conll_tags()),
        "#### OntoNotes to CoNLL-2003\n\n"
        "Following the CoNLL-2003 guidelines: places of every kind are LOC, nationalities, "
        "religious and political groups, events, works, laws, languages and product types "
        "are MISC; CoNLL-2003 does not tag dates, times or numbers, so those become `O`.\n\n"
        + _table(
            ["OntoNotes", "CoNLL-2003"],
            [[f"`{k}`", f"`{v}`" if v else "`O`"] for k, v in tokens.CONLL_MAPPING.items()],
        ),
    ]
    shown = [name for layer in registry.layers() for name in layer.labels]
    for name in shown:
        if "enum" in defs[name]:
            values = ", ".join(f"`{v}`" for v in defs[name]["enum"])
            parts.append(f"#### `{name}`\n\n{defs[name]['description']}\n\n{values}")
    parts += [_const_table(name, defs[name]) for name in shown if "const" in defs[name]]
    return "\n\n".join(parts)


def _label_cell(value: Any) -> str:
    if isinstance(value, list):
        return ", ".join(f"`{v}`" for v in value) or "(none)"
    if isinstance(value, bool):
        return "yes" if value else "no"
    return f"`{value}`"


def _const_table(name: str, definition: Mapping[str, Any]) -> str:
    """A table of ``schema/labels.json`` as a card section: one row per key of the object,
    its value in one cell (a list) or one cell per item (an object)."""
    rows = []
    for key, value in definition["const"].items():
        cells = list(value.values()) if isinstance(value, dict) else [value]
        rows.append([f"`{key}`", *(_label_cell(c) for c in cells)])
    header = list(definition.get("x-columns") or ["key", "value"])
    return f"#### `{name}`\n\n{definition['description']}\n\n" + _table(header, rows)


def _section_splits(splits: Mapping[str, tuple[str, ...]], counts: Mapping[str, int]) -> str:
    body = [
        [f"`{s}`", str(len(ids))] + [str(counts[data_file(c, s)]) for c in configs()]
        for s, ids in splits.items()
    ]
    intro = (
        'Splits are assigned in `dataset/splits.json` (`{"<split>": [<document ids>]}`); '
        "every document is in exactly one split."
    )
    header = ["split", "documents", *(f"`{c}` rows" for c in configs())]
    return intro + "\n\n" + _table(header, body)


def _abbreviate(value: Any) -> Any:
    if isinstance(value, str) and len(value) > _MAX_STRING:
        return value[:_MAX_STRING] + f"… [{len(value) - _MAX_STRING} more characters]"
    if isinstance(value, list):
        limit = _MAX_SCALARS if all(_scalar(v) for v in value) else _MAX_ITEMS
        head = [_abbreviate(v) for v in value[:limit]]
        if len(value) > limit:
            head.append(f"… [{len(value) - limit} more items]")
        return head
    if isinstance(value, dict):
        return {k: _abbreviate(v) for k, v in value.items()}
    return value


def _scalar(value: Any) -> bool:
    return not isinstance(value, (list, dict))


def _render(value: Any, indent: int = 0) -> str:
    """JSON with 2-space indent, lists of scalars on one line."""
    pad, inner = " " * indent, " " * (indent + 2)
    if isinstance(value, dict) and value:
        items = [f"{inner}{json.dumps(k)}: {_render(v, indent + 2)}" for k, v in value.items()]
        return "{\n" + ",\n".join(items) + "\n" + pad + "}"
    if isinstance(value, list) and value and not all(_scalar(v) for v in value):
        items = [inner + _render(v, indent + 2) for v in value]
        return "[\n" + ",\n".join(items) + "\n" + pad + "]"
    return json.dumps(value, ensure_ascii=False, separators=(", ", ": "))


class Examples:
    """Each config's example row, found as the rows go by: the first row the config
    :attr:`~newsgold.layers.base.Config.shows`, else its first row, in split order
    (:func:`newsgold.build.read_splits`) and, within a split, in document order. Rows
    come in document order within each split, but the splits may interleave."""

    def __init__(self, splits: tuple[str, ...]) -> None:
        self.order = {split: i for i, split in enumerate(splits)}
        self.first: dict[tuple[str, int], dict[str, Any]] = {}
        self.shown: dict[tuple[str, int], dict[str, Any]] = {}

    def add(self, config: str, split: str, rows: list[dict[str, Any]]) -> None:
        """A document's rows of ``config`` (labels as names), from a document of ``split``."""
        key = (config, self.order[split])
        if not rows or key in self.shown:
            return
        self.first.setdefault(key, rows[0])
        shows = None if config == DEFAULT_CONFIG else layer_config(config).shows
        if shows is not None:
            found = next((row for row in rows if shows(row)), None)
            if found is not None:
                self.shown[key] = found

    def rows(self) -> dict[str, dict[str, Any] | None]:
        """config -> its example row (None: no rows)."""
        out: dict[str, dict[str, Any] | None] = {}
        for config in configs():
            for found in (self.shown, self.first):
                keys = [key for key in found if key[0] == config]
                if keys:
                    out[config] = found[min(keys)]
                    break
            else:
                out[config] = None
        return out


def _section_examples(examples: Mapping[str, dict[str, Any] | None]) -> str:
    parts = [
        "The first row of each config (for `ner` and `ner_conll`, the first sentence with "
        "an entity). ClassLabel values are shown as their names; `datasets` returns their "
        "indices (`features[name].int2str` or `.feature.int2str` turns them back). Strings "
        f"longer than {_MAX_STRING} characters, lists of records longer than {_MAX_ITEMS} and "
        f"other lists longer than {_MAX_SCALARS} items are cut here, marked with `…`."
    ]
    for config in configs():
        row = examples.get(config)
        shown = (
            "(no rows yet: no document has the layers this config needs)"
            if row is None
            else "```json\n" + _render(_abbreviate(row)) + "\n```"
        )
        parts.append(f"#### `{config}`\n\n{shown}")
    return "\n\n".join(parts)


# ---------------------------------------------------------------- leaderboard

_PROVENANCE = (
    "wheel",
    "wheel_sha256",
    "package",
    "package_version",
    "pipeline_folder",
    "meta_name",
    "meta_version",
    "meta_spacy_version",
    "caveat",
)
"""What ``benchmarks/leaderboard.json`` must record of each pipeline (non-empty strings)."""

_SYSTEM = ("system", "layer", "protocol")
_SHA256 = re.compile(r"[0-9a-f]{64}")


def _score_problems(scores: Any, where: str) -> list[tuple[str, str]]:
    if not isinstance(scores, dict) or not scores:
        return [(where, "is not an object of measures")]
    if not all(k in scores for k in ("precision", "recall", "f1")):
        return [p for k, v in scores.items() for p in _score_problems(v, f"{where}/{k}")]
    bad = [k for k in ("precision", "recall", "f1") if not _unit(scores[k])]
    return [(f"{where}/{k}", "is not a number from 0 to 1") for k in bad]


def _unit(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and 0 <= value <= 1


def _text(value: Any) -> bool:
    return isinstance(value, str) and bool(value.strip())


def leaderboard_problems(board: Any) -> list[tuple[str, str]]:
    """(JSON pointer, what is wrong) for each problem of a leaderboard file: every
    pipeline records its provenance (:data:`_PROVENANCE`), every system its name,
    layer, protocol, commands, pipeline (a recorded one, or null) and scores (P/R/F1
    from 0 to 1)."""
    if not isinstance(board, dict):
        return [("", "is not a JSON object")]
    out = [(f"/{k}", "is missing or empty") for k in ("command",) if not _text(board.get(k))]
    pipelines = board.get("pipelines")
    if not isinstance(pipelines, dict):
        return [*out, ("/pipelines", "is not an object of pipeline names")]
    for name, info in pipelines.items():
        info = info if isinstance(info, dict) else {}
        out += [
            (f"/pipelines/{name}/{k}", "is missing or empty")
            for k in _PROVENANCE
            if not _text(info.get(k))
        ]
        if _text(info.get("wheel_sha256")) and not _SHA256.fullmatch(info["wheel_sha256"]):
            out.append((f"/pipelines/{name}/wheel_sha256", "is not 64 lower-case hex digits"))
    systems = board.get("systems")
    if not isinstance(systems, list) or not systems:
        return [*out, ("/systems", "is not a non-empty list of systems")]
    for i, row in enumerate(systems):
        row = row if isinstance(row, dict) else {}
        out += [
            (f"/systems/{i}/{k}", "is missing or empty") for k in _SYSTEM if not _text(row.get(k))
        ]
        if row.get("protocol") not in PROTOCOLS:
            out.append((f"/systems/{i}/protocol", f"is not one of {', '.join(PROTOCOLS)}"))
        commands = row.get("commands")
        if not isinstance(commands, list) or not commands or not all(map(_text, commands)):
            out.append((f"/systems/{i}/commands", "is not a non-empty list of commands"))
        if row.get("pipeline") is not None and row.get("pipeline") not in pipelines:
            out.append((f"/systems/{i}/pipeline", "names no pipeline of /pipelines"))
        out += _score_problems(row.get("scores"), f"/systems/{i}/scores")
    return out


def _figures(scores: Mapping[str, Any]) -> str:
    """``measure P / R / F1`` for each measure, nested groups named first."""
    parts = []
    for name, value in scores.items():
        if all(k in value for k in ("precision", "recall", "f1")):
            figures = " / ".join(f"{value[k]:.4f}" for k in ("precision", "recall", "f1"))
            parts.append(f"{name} {figures}")
        else:
            parts.append(f"**{name}**: {_figures(value)}")
    return "; ".join(parts)


def _provenance(pipeline: Mapping[str, Any] | None) -> str:
    if pipeline is None:
        return "the project's own code (no pipeline)"
    return (
        f"package `{pipeline['package']}` {pipeline['package_version']} (third-party "
        f"re-upload), wheel `{pipeline['wheel']}`, SHA-256 `{pipeline['wheel_sha256']}`; "
        f"meta.json `{pipeline['meta_name']}` {pipeline['meta_version']}"
    )


def _pipelines(pipelines: Mapping[str, Any]) -> str:
    body = [
        [
            f"`{name}`",
            f"`{p['package']}` {p['package_version']}",
            f"`{p['wheel']}`",
            f"`{p['wheel_sha256']}`",
            f"`{p['pipeline_folder']}`",
            f"`{p['meta_name']}` {p['meta_version']}, spaCy `{p['meta_spacy_version']}`; "
            f"sources: {', '.join(p.get('meta_sources') or ['none given'])}",
            p["caveat"],
        ]
        for name, p in pipelines.items()
    ]
    header = ["pipeline", "package", "wheel", "SHA-256", "folder", "meta.json", "caveat"]
    return _table(header, body)


def _section_leaderboard(board: Mapping[str, Any]) -> str:
    if not board:
        return "No leaderboard file was given to the build."
    pipelines = board["pipelines"]
    body = [
        [
            row["system"],
            row["layer"],
            row["protocol"],
            ", then ".join(f"`{c}`" for c in row["commands"]),
            _figures(row["scores"]),
            _provenance(pipelines[row["pipeline"]] if row["pipeline"] else None),
        ]
        for row in board["systems"]
    ]
    env = ", ".join(f"{k} {v}" for k, v in board.get("environment", {}).items())
    intro = (
        "Written by `benchmarks/leaderboard.py` into `benchmarks/leaderboard.json`, which "
        f"the build renders here unchanged: `{board['command']}` ({env}). Scores are "
        "precision / recall / F1."
    )
    header = ["system", "layer", "protocol", "commands", "scores (P / R / F1)", "provenance"]
    parts = [intro, _table(header, body)]
    if pipelines:
        parts += ["Pipelines (each wheel unpacked, not installed):", _pipelines(pipelines)]
    return "\n\n".join(parts)


def licence_holder(doc: Any) -> tuple[str, str, str]:
    """A document's row of the card's licence table: its id, publisher and sources."""
    return (
        f"`{doc.id}`",
        doc.metadata.publication.publisher if doc.metadata.publication else "(not known)",
        "; ".join([s.publisher for s in doc.metadata.sources] or doc.metadata.source_outlets),
    )


def _section_licences(holders: tuple[tuple[str, str, str], ...]) -> str:
    body = [
        [licence.part, f"`{licence.spdx}`", licence.url, f"`{licence.file}`"]
        for licence in LICENCES
    ]
    return (
        _table(["part", "licence (SPDX)", "text", "file in the repository and the wheel"], body)
        + "\n\n"
        + NEWS_TEXT_STATUS
        + "\n\n"
        + _table(["document", "publisher", "sources"], [list(row) for row in holders])
        + "\n\nThe dataset folder holds no code; the package `newsgold` does, under "
        + f'{LICENCES[0].spdx}, and declares `license = "{LICENSE_EXPRESSION}"`.'
    )


def _section_evaluation() -> str:
    """The definition of every measure of ``newsgold evaluate``, quoted from its docs."""
    from newsgold.evaluate import measures

    return (
        "The definitions of every measure, as `newsgold evaluate --docs` prints them:\n\n"
        f"```text\n{measures().rstrip()}\n```"
    )


def _section_checksums(files: Mapping[str, BuiltFile]) -> str:
    body = [
        [f"`{rel}`", str(file.size), f"`{file.sha256}`"]
        for rel, file in sorted(files.items())
        if rel != "README.md"
    ]
    intro = (
        "SHA-256 of every built file. `newsgold build` gives the same bytes each time; "
        "`newsgold build --check` rebuilds and names any file that differs."
    )
    return intro + "\n\n" + _table(["file", "bytes", "SHA-256"], body)


_CHECKSUM_ROW = re.compile(r"\| `([^`]+)` \| (\d+) \| `([0-9a-f]{64})` \|")


def recorded_checksums(card: str) -> dict[str, str]:
    """The SHA-256 the built card records for each built file (path -> hex digest)."""
    start, end = "<!-- generated:checksums -->", "<!-- /generated:checksums -->"
    if start not in card:
        return {}
    section = card.split(start, 1)[1].split(end, 1)[0]
    return {m[1]: m[3] for m in map(_CHECKSUM_ROW.fullmatch, section.splitlines()) if m}


def _fill(body: str, sections: Mapping[str, str]) -> str:
    lines = body.split("\n")
    used = set()
    out = []
    for line in lines:
        name = _marker(line)
        if name is not None and name in sections:
            used.add(name)
            out += [f"<!-- generated:{name} -->", sections[name], f"<!-- /generated:{name} -->"]
        else:
            out.append(line)
    text = "\n".join(out)
    missing = [n for n in MARKERS if n not in used]
    if missing:
        text = text.rstrip("\n") + "\n"
        for name in missing:
            text += f"\n<!-- generated:{name} -->\n{sections[name]}\n<!-- /generated:{name} -->\n"
    return text.rstrip("\n") + "\n"


def _marker(line: str) -> str | None:
    stripped = line.strip()
    if stripped.startswith("<!-- generated:") and stripped.endswith("-->"):
        return stripped.removeprefix("<!-- generated:").removesuffix("-->").strip()
    return None


def render_card(inputs: BuildInput, built: Built) -> str:
    """``dataset/README.md``: generated YAML front matter, then the hand-written body with
    the generated sections filled in (``built.files``: every other built file)."""
    import yaml

    front, body = split_front_matter(inputs.card)
    meta = yaml.safe_load(front) if front else {}
    files = built.files
    counts = {rel: file.rows for rel, file in files.items()}
    sections = {
        "configs": _section_configs(inputs.splits, counts),
        "fields": _section_fields(),
        "labels": _section_labels(),
        "splits": _section_splits(inputs.splits, counts),
        "examples": _section_examples(built.examples),
        "evaluation": _section_evaluation(),
        "leaderboard": _section_leaderboard(inputs.leaderboard),
        "licences": _section_licences(built.holders),
        "checksums": _section_checksums(files),
    }
    yaml_text = _yaml_dump(card_metadata(meta or {}, inputs.splits, files))
    return f"---\n{yaml_text}---\n" + _fill(body.lstrip("\n"), sections)


# ---------------------------------------------------------------- Croissant

CROISSANT_CONTEXT: dict[str, Any] = {
    "@language": "en",
    "@vocab": "https://schema.org/",
    "citeAs": "cr:citeAs",
    "column": "cr:column",
    "conformsTo": "dct:conformsTo",
    "cr": "http://mlcommons.org/croissant/",
    "rai": "http://mlcommons.org/croissant/RAI/",
    "data": {"@id": "cr:data", "@type": "@json"},
    "dataType": {"@id": "cr:dataType", "@type": "@vocab"},
    "dct": "http://purl.org/dc/terms/",
    "equivalentProperty": "cr:equivalentProperty",
    "examples": {"@id": "cr:examples", "@type": "@json"},
    "extract": "cr:extract",
    "field": "cr:field",
    "fileProperty": "cr:fileProperty",
    "fileObject": "cr:fileObject",
    "fileSet": "cr:fileSet",
    "format": "cr:format",
    "includes": "cr:includes",
    "isLiveDataset": "cr:isLiveDataset",
    "jsonPath": "cr:jsonPath",
    "key": "cr:key",
    "md5": "cr:md5",
    "parentField": "cr:parentField",
    "path": "cr:path",
    "recordSet": "cr:recordSet",
    "references": "cr:references",
    "regex": "cr:regex",
    "repeated": "cr:repeated",
    "replace": "cr:replace",
    "samplingRate": "cr:samplingRate",
    "sc": "https://schema.org/",
    "separator": "cr:separator",
    "source": "cr:source",
    "subField": "cr:subField",
    "transform": "cr:transform",
}
"""The JSON-LD context of Croissant 1.0."""

# ---------------------------------------------------------------- licences


@dataclass(frozen=True)
class Licence:
    """One part of what newsgold ships and the terms it comes under."""

    part: str
    spdx: str
    """SPDX identifier, or a ``LicenseRef-`` for terms that are no licence."""
    url: str
    """The official text of the licence, or the statement of the terms."""
    file: str
    """The file at the root of the repository (and in the wheel) that states them."""


LICENCES: tuple[Licence, ...] = (
    Licence("code", "MIT", "https://opensource.org/license/mit", "LICENSE"),
    Licence(
        "annotations and guidelines",
        "CC-BY-4.0",
        "https://creativecommons.org/licenses/by/4.0/",
        "LICENSE-annotations",
    ),
    Licence("news text", "LicenseRef-newsgold-news-text", "README.md#licensing", "LICENSE-text"),
)
"""The licences, in one place: ``pyproject.toml`` (``license``, ``license-files``), the card's
YAML and the Croissant ``license`` must say the same (``tests/test_licences.py``)."""

DATASET_PARTS = ("annotations and guidelines", "news text")
"""The parts of :data:`LICENCES` that the dataset folder holds (it holds no code)."""

LICENSE_EXPRESSION = " AND ".join(licence.spdx for licence in LICENCES)
"""The PEP 639 licence expression of the package."""

NEWS_TEXT_STATUS = (
    "The news text is third-party text, reproduced unchanged for research use: newsgold "
    "does not license it and claims no right in it. Rights in it stay with its publisher "
    "and with the sources whose wording it takes over, named in each document's metadata "
    "(publication, sources). Users who redistribute the text are responsible for doing so "
    "within the terms that apply to it."
)
"""The status of the news text, word for word the same in the card, Croissant and
``LICENSE-text``."""


def dataset_licences() -> tuple[Licence, ...]:
    return tuple(licence for licence in LICENCES if licence.part in DATASET_PARTS)


def card_licence_metadata() -> dict[str, str]:
    """The card's licence keys: ``other`` with a name, a link and the details."""
    parts = dataset_licences()
    return {
        "license": "other",
        "license_name": "-".join(licence.spdx.lower() for licence in parts),
        "license_link": next(lc.url for lc in parts if lc.part == "news text"),
        "license_details": "The annotations and guidelines are released under CC BY 4.0 "
        f"(<{parts[0].url}>). {NEWS_TEXT_STATUS}",
    }


# ---------------------------------------------------------------- Croissant

_RAI_SECTIONS: tuple[tuple[str, str], ...] = (
    ("rai:dataCollection", "Source and provenance of the text"),
    ("rai:dataAnnotationProtocol", "Annotation process"),
    ("rai:dataAnnotationAnalysis", "Agreement"),
    ("rai:dataLimitations", "Known limitations"),
    ("rai:dataBiases", "Biases"),
)
"""Responsible-AI properties and the hand-written card section each is taken from."""


def card_section(body: str, heading: str) -> str | None:
    """The text of the card section ``## heading`` (without the heading), stripped; None
    when the card has no such section."""
    match = re.search(rf"^## {re.escape(heading)}\n(.*?)(?=^## |\Z)", body, re.M | re.S)
    return match.group(1).strip() if match else None


def _intro(body: str) -> str:
    """The card's text between its title and its first section."""
    lines = body.split("\n## ", 1)[0].strip().split("\n")
    return "\n".join(lines[1:] if lines and lines[0].startswith("# ") else lines).strip()


def _croissant_fields(
    config: str, prefix: str, spec: Spec, column: str, path: list[str], in_list: bool
) -> dict[str, Any] | None:
    """A Croissant field (with sub-fields for structs) for one column or struct member.

    Each level of nesting is one ``jsonPath`` transform, which mlcroissant applies to each
    item of a list. A list of records inside a list item cannot be extracted that way
    (mlcroissant keeps the first match of a path); such a member gives ``None`` and is
    read from the record set of its layer instead (see :func:`_nested_note`)."""
    inner = spec
    repeated = False
    while isinstance(inner, tuple) and inner[0] == "list":
        repeated = True
        inner = inner[1]
    if in_list and repeated and isinstance(inner, dict):
        return None
    field: dict[str, Any] = {"@type": "cr:Field", "@id": prefix, "name": prefix.split("/")[-1]}
    source: dict[str, Any] = {"fileSet": {"@id": f"{config}-files"}, "extract": {"column": column}}
    if path:
        steps = [{"jsonPath": step} for step in path]
        source["transform"] = steps[0] if len(steps) == 1 else steps
    if isinstance(inner, dict):
        subs = [
            _croissant_fields(config, f"{prefix}/{n}", sub, column, [*path, n], in_list or repeated)
            for n, sub in inner.items()
        ]
        field["subField"] = [s for s in subs if s is not None]
    else:
        is_int = inner == "int32" or (isinstance(inner, tuple) and inner[0] == "label")
        field["dataType"] = "sc:Integer" if is_int else "sc:Text"
        if isinstance(inner, tuple) and inner[0] == "label":
            field["references"] = {"field": {"@id": f"{inner[1]}-labels/index"}}
    field["source"] = source
    if repeated:
        field["repeated"] = True
    return field


def _nested_lists(spec: Spec, path: str = "", in_list: bool = False) -> Iterator[str]:
    """Paths of the lists of records inside list items (``quotes[].content``)."""
    repeated = False
    while isinstance(spec, tuple) and spec[0] == "list":
        repeated, spec = True, spec[1]
    if not isinstance(spec, dict):
        return
    if in_list and repeated:
        yield path
        return
    for name, sub in spec.items():
        child = f"{path}[].{name}" if repeated else (f"{path}.{name}" if path else name)
        yield from _nested_lists(sub, child, in_list or repeated)


def nested_note(config: str) -> str:
    """What the record set of ``config`` leaves to the layer record sets, or ""."""
    paths = [path for name, spec, _ in config_columns(config) for path in _nested_lists(spec, name)]
    if not paths:
        return ""
    return (
        " Lists of records inside list items ("
        + ", ".join(f"`{p}[]`" for p in paths)
        + ") are read from the record set of their layer, joined on (doc_id, id): "
        "mlcroissant reads one level of records inside a list."
    )


def _described_fields(config: str) -> Iterator[dict[str, Any]]:
    for name, spec, description in config_columns(config):
        field = _croissant_fields(config, f"{config}/{name}", spec, name, [], False)
        assert field is not None
        field["description"] = description
        yield field


def _label_record_sets() -> list[dict[str, Any]]:
    """One record set per label kind: the ClassLabel names as data, index -> name."""
    kinds: list[str] = []
    for config in configs():
        for _, spec, _ in config_columns(config):
            inner = spec
            while isinstance(inner, tuple) and inner[0] == "list":
                inner = inner[1]
            if isinstance(inner, tuple) and inner[0] == "label" and inner[1] not in kinds:
                kinds.append(inner[1])
    out = []
    for kind in kinds:
        rs = f"{kind}-labels"
        out.append(
            {
                "@type": "cr:RecordSet",
                "@id": rs,
                "name": rs,
                "description": f"The names of the {kind} ClassLabel, by index.",
                "key": {"@id": f"{rs}/index"},
                "field": [
                    _data_field(rs, "index", "sc:Integer", "ClassLabel index."),
                    _data_field(rs, "name", "sc:Text", "Label name."),
                ],
                "data": [
                    {f"{rs}/index": i, f"{rs}/name": n} for i, n in enumerate(label_names(kind))
                ],
            }
        )
    return out


def _data_field(rs: str, name: str, data_type: str, description: str) -> dict[str, Any]:
    return {
        "@type": "cr:Field",
        "@id": f"{rs}/{name}",
        "name": name,
        "description": description,
        "dataType": data_type,
    }


def _split_record_set(splits: Mapping[str, tuple[str, ...]]) -> dict[str, Any]:
    return {
        "@type": "cr:RecordSet",
        "dataType": "cr:Split",
        "@id": "splits",
        "name": "splits",
        "description": "The splits (dataset/splits.json assigns each document to one).",
        "key": {"@id": "splits/name"},
        "field": [_data_field("splits", "name", "sc:Text", "The name of the split.")],
        "data": [{"splits/name": s} for s in splits],
    }


def _split_field(config: str) -> dict[str, Any]:
    return {
        "@type": "cr:Field",
        "@id": f"{config}/split",
        "name": "split",
        "description": "The split, from the file name.",
        "dataType": "sc:Text",
        "source": {
            "fileSet": {"@id": f"{config}-files"},
            "extract": {"fileProperty": "fullpath"},
            # mlcroissant applies the transform again to the value it joins on ("test"),
            # so the path around the split name is optional.
            "transform": {
                "regex": f"^(?:.*/)?(?:data/{config}/)?([a-z]+)(?:-[0-9]+-of-[0-9]+\\.parquet)?$"
            },
        },
        "references": {"field": {"@id": "splits/name"}},
    }


def _distribution(files: Mapping[str, BuiltFile]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for rel, file in files.items():
        if rel.endswith(".parquet"):
            out.append(
                {
                    "@type": "cr:FileObject",
                    "@id": rel,
                    "name": rel,
                    "contentUrl": rel,
                    "encodingFormat": "application/x-parquet",
                    "sha256": file.sha256,
                }
            )
    for config in configs():
        out.append(
            {
                "@type": "cr:FileSet",
                "@id": f"{config}-files",
                "name": f"{config}-files",
                "description": f"The Parquet files of the {config} config, one per split.",
                "encodingFormat": "application/x-parquet",
                "includes": f"data/{config}/*.parquet",
            }
        )
    return out


def _record_sets(splits: Mapping[str, tuple[str, ...]]) -> list[dict[str, Any]]:
    out = [_split_record_set(splits), *_label_record_sets()]
    for config in configs():
        out.append(
            {
                "@type": "cr:RecordSet",
                "@id": config,
                "name": config,
                "description": f"One record per {row_unit(config)}." + nested_note(config),
                "field": [_split_field(config), *_described_fields(config)],
            }
        )
    return out


def _bibtex(card: str) -> str | None:
    """The first ```bibtex block of the card, if any."""
    start = card.find("```bibtex\n")
    if start < 0:
        return None
    start += len("```bibtex\n")
    end = card.find("```", start)
    return card[start:end].strip() if end > start else None


def _creator(citation: str | None) -> str:
    found = re.search(r"author\s*=\s*\{+([^{}]+)\}+", citation or "")
    return found.group(1).strip() if found else "newsgold contributors"


def _croissant_licences() -> list[Any]:
    out: list[Any] = []
    for licence in dataset_licences():
        if licence.spdx.startswith("LicenseRef-"):
            out.append(
                {
                    "@type": "sc:CreativeWork",
                    "name": licence.spdx,
                    "description": NEWS_TEXT_STATUS,
                }
            )
        else:
            out.append(licence.url)
    return out


def croissant_json(inputs: BuildInput, files: Mapping[str, BuiltFile]) -> bytes:
    """``dataset/croissant.json``: Croissant 1.0 metadata of the built Parquet files."""
    import yaml

    front, body = split_front_matter(inputs.card)
    meta = (yaml.safe_load(front) if front else None) or {}
    citation = _bibtex(inputs.card)
    doc: dict[str, Any] = {
        "@context": CROISSANT_CONTEXT,
        "@type": "sc:Dataset",
        "name": "newsgold",
        "description": _intro(body),
        "conformsTo": "http://mlcommons.org/croissant/1.0",
        "version": __version__,
        "datePublished": RELEASE_DATE,
        "creator": {"@type": "sc:Organization", "name": _creator(citation)},
        "license": _croissant_licences(),
        "inLanguage": [str(lang) for lang in meta.get("language", ["en"])],
        "keywords": [str(k) for k in meta.get("tags", [])],
    }
    if citation:
        doc["citeAs"] = citation
    for prop, heading in _RAI_SECTIONS:
        text = card_section(body, heading)
        if text:  # a card without the section says nothing of it
            doc[prop] = text
    doc["distribution"] = _distribution(files)
    doc["recordSet"] = _record_sets(inputs.splits)
    return (json.dumps(doc, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def split_front_matter(text: str) -> tuple[str, str]:
    """(YAML, body) of a Markdown file with ``---`` front matter; ("", text) without."""
    if not text.startswith("---\n"):
        return "", text
    end = text.find("\n---\n", 4)
    if end < 0:
        return "", text
    return text[4 : end + 1], text[end + 5 :]

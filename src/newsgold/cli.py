"""The command line: the only place that prints and chooses an exit status.

Exit status: 0 success / valid, 1 invalid input, 2 usage or I/O error.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import sys
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeAlias, TypeVar

from newsgold import __version__
from newsgold import layers as registry
from newsgold.issues import Problem
from newsgold.model import has_layer_key
from newsgold.progress import Progress, silent

if TYPE_CHECKING:
    from newsgold.convert import ConversionResult
    from newsgold.convert.html_errors import Overlay
    from newsgold.evaluate import Report
    from newsgold.model import Document
    from newsgold.new import Facts

EXIT_OK, EXIT_INVALID, EXIT_USAGE = 0, 1, 2

T = TypeVar("T")


def _progress(args: argparse.Namespace) -> Progress:
    """A progress bar on stderr for long runs; none with --quiet or when stderr is no terminal."""
    if getattr(args, "quiet", False) or not sys.stderr.isatty():
        return silent
    from tqdm import tqdm  # type: ignore[import-untyped]

    def bar(items: Iterable[T], *, desc: str, total: int | None = None) -> Iterable[T]:
        shown: Iterable[T] = tqdm(
            items,
            desc=f"newsgold {args.command}: {desc}",
            total=total,
            file=sys.stderr,
            leave=False,
        )
        return shown

    return bar


def _display(path: Path) -> str:
    # abspath, not resolve: a symbolic link is shown by its own name, not its target's.
    try:
        return str(Path(os.path.abspath(path)).relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def _relabel(problems: list[Problem]) -> list[Problem]:
    return [dataclasses.replace(p, file=_display(Path(p.file))) if p.file else p for p in problems]


MAX_PRINTED = 1000
"""The text report prints this many problems at most, then how many it left out (the
summary line counts them all; the JSON report lists them all)."""

_IO_CODES = ("file-unreadable", "built-file-unwritten", "prediction-folder-empty")
"""Codes that make the exit status 2 (a path that cannot be read, or holds nothing to read)."""


def _report(problems: list[Problem], files: int, fmt: str) -> int:
    """Print problems and a summary line; return the exit status."""
    problems = _relabel(problems)
    io_error = any(p.code in _IO_CODES for p in problems)
    if fmt == "json":
        print(
            json.dumps(
                {
                    "valid": not problems,
                    "files": files,
                    "problem_count": len(problems),
                    "problems": [p.as_dict() for p in problems],
                },
                ensure_ascii=False,
                indent=2,
            )
        )
    else:
        for p in problems[:MAX_PRINTED]:
            print(p.format())
        if len(problems) > MAX_PRINTED:
            print(f"... {len(problems) - MAX_PRINTED} more problem(s) not shown")
        if problems:
            bad = len({p.file for p in problems})
            print(f"*** FAILED *** with {len(problems)} problem(s) in {bad} of {files} file(s)")
        else:
            print(f"*** PASSED *** {files} file(s), 0 problems")
    if io_error:
        return EXIT_USAGE
    return EXIT_INVALID if problems else EXIT_OK


def cmd_validate(args: argparse.Namespace) -> int:
    from newsgold.io import collector_spaced
    from newsgold.reader import read

    paths = [Path(p) for p in args.paths] if args.paths else None
    problems: list[Problem] = []
    files = 0
    with collector_spaced():  # the loop holds one result at a time: see collector_spaced
        for result in read(paths, _progress(args)):
            files += 1
            problems.extend(result.problems)
    if paths is not None and not files:  # read gives one result a file found
        print(f"newsgold validate: no .json files in {' '.join(args.paths)}", file=sys.stderr)
        return EXIT_USAGE
    return _report(problems, files, args.format)


def cmd_format(args: argparse.Namespace) -> int:
    from newsgold.io import canonical_json, write_text_atomic
    from newsgold.reader import expand_paths, read_file

    problems: list[Problem] = []
    pending: list[tuple[Path, str]] = []
    files = expand_paths([Path(p) for p in args.paths])
    for path in _progress(args)(files, desc="read", total=len(files)):
        _path, document, found = read_file(path, check_name=False)
        if document is None:
            problems.extend(found)
        elif found:  # valid, so the one problem is the layout: non-canonical-format
            pending.append((path, canonical_json(document)))
    if problems:  # nothing is rewritten while any file is invalid
        return _report(problems, len(files), "text")
    for path, text in pending:
        try:
            write_text_atomic(path, text)
        except OSError as err:
            print(
                f"newsgold format: {_display(path)}: cannot write: {err.strerror or err}; "
                "the file is unchanged",
                file=sys.stderr,
            )
            return EXIT_USAGE
    print(f"{len(pending)} of {len(files)} file(s) rewritten in canonical form")
    return EXIT_OK


def cmd_summary(args: argparse.Namespace) -> int:
    from newsgold.reader import documents
    from newsgold.validate import CorpusError

    try:
        given = [Path(args.path)] if args.path is not None else None
        docs = list(documents(given, _progress(args)))
    except CorpusError as err:
        return _report(err.problems, 1, "text")
    for doc in docs:
        paragraphs = len(doc.text.splitlines())
        date = doc.metadata.date.display()
        print(f"{doc.id}: {len(doc.text)} characters, {paragraphs} paragraphs, date {date}")
        print(f"  annotated layers: {', '.join(doc.annotated_layers) or '(none)'}")
        rows = [
            row
            for layer in registry.layers()
            if layer.summary is not None
            # a layer the document leaves out (added after schema 1.0, not annotated): no line
            if has_layer_key(layer.name, doc.annotated_layers, len(doc.layer(layer.name)))
            for row in layer.summary(doc.layer(layer.name))
        ]
        for name, n, detail in rows:
            print(f"  {name:<12} {n:>4}  {detail}")
    return EXIT_OK


def _agreement_options(args: argparse.Namespace) -> dict[str, str] | None:
    """The layer options given, by flag; None (after a message) when one is not the layer's."""
    from newsgold.agreement import option_layers, options, part

    given = {
        flag: value
        for flag, option in options().items()
        if (value := getattr(args, option.name, None)) is not None
    }
    own = {option.flag for option in part(args.layer).options}
    for flag in given:
        if flag not in own:
            only = ", ".join(option_layers(flag))
            print(f"newsgold agreement: {flag} applies to --layer {only} only", file=sys.stderr)
            return None
    return given


def cmd_agreement(args: argparse.Namespace) -> int:
    from newsgold.agreement import (
        comparability_problems,
        compare,
        docs,
        options,
        read_option,
        to_json,
        to_text,
    )
    from newsgold.reader import read_file

    if args.docs:
        print(docs())
        return EXIT_OK
    if args.file_a is None or args.file_b is None or args.layer is None:
        print("newsgold agreement: give FILE_A, FILE_B and --layer (or --docs)", file=sys.stderr)
        return EXIT_USAGE
    given = _agreement_options(args)
    if given is None:
        return EXIT_USAGE
    paths = [Path(args.file_a), Path(args.file_b)]
    docs_read: list[Document] = []
    problems: list[Problem] = []
    for path in paths:
        _path, document, found = read_file(path, check_name=False)
        # Canonical form (L4) is a matter of layout, not of content: it does not block a comparison.
        found = [p for p in found if p.code != "non-canonical-format"]
        problems.extend(found)
        if document is not None and not found:
            docs_read.append(document)
    if problems:
        return _report(problems, len(paths), args.format)
    a, b = docs_read
    errors = comparability_problems(a, b, args.layer, a_file=args.file_a, b_file=args.file_b)
    if errors:
        for problem in _relabel(errors):
            print(f"newsgold agreement: {problem.format()}", file=sys.stderr)
        return EXIT_INVALID
    layer_options = {}
    for flag, file in given.items():
        option = options()[flag]
        layer_options[option.name], option_errors = read_option(option, file, a, b)
        if option_errors:
            for problem in _relabel(option_errors):
                print(f"newsgold agreement: {problem.format()}", file=sys.stderr)
            return EXIT_USAGE
    report = compare(
        a, b, args.layer, a_file=_display(paths[0]), b_file=_display(paths[1]), **layer_options
    )
    print(to_json(report) if args.format == "json" else to_text(report))
    return EXIT_OK


def cmd_build(args: argparse.Namespace) -> int:
    from newsgold.build import BuildError, build, check

    out = Path(args.out) if args.out else None
    inputs = {
        "documents": Path(args.documents) if args.documents else None,
        "splits": Path(args.splits) if args.splits else None,
        "card": Path(args.card) if args.card else None,
    }
    try:
        if args.check:
            problems = check(out, **inputs, progress=_progress(args))
            if problems:
                return _report(problems, len({p.file for p in problems}), "text")
            where = _display(out or _dataset_dir())
            print(f"*** PASSED *** the built files in {where} are up to date")
            return EXIT_OK
        files, changed = build(out, **inputs, progress=_progress(args))
    except BuildError as err:
        return _report(err.problems, len({p.file for p in err.problems}), "text")
    except OSError as err:
        print(f"newsgold build: {err.filename or ''}: {err.strerror or err}", file=sys.stderr)
        return EXIT_USAGE
    where = _display(out or _dataset_dir())
    print(f"{len(changed)} of {len(files)} built file(s) changed in {where}")
    return EXIT_OK


def _dataset_dir() -> Path:
    from newsgold.resources import dataset_dir

    return dataset_dir()


def cmd_show(args: argparse.Namespace) -> int:
    from newsgold.build import decode_row, load_config
    from newsgold.features import configs
    from newsgold.loader import DatasetError

    if args.html is not None:
        return _show_html(args)
    if args.pred is not None or args.layer is not None:
        print("newsgold show: --pred and --layer go with --html FILE", file=sys.stderr)
        return EXIT_USAGE
    if args.paths:
        print("newsgold show: document paths go with --html FILE", file=sys.stderr)
        return EXIT_USAGE
    if args.config not in configs():
        known = ", ".join(configs())
        print(f"newsgold show: unknown config {args.config!r}; use: {known}", file=sys.stderr)
        return EXIT_USAGE
    if _progress(args) is silent:
        import datasets

        datasets.disable_progress_bars()
    try:
        # Not streaming: an abandoned streaming iterator leaves pyarrow threads running at
        # exit, and the interpreter then aborts ("terminate called without an active exception").
        rows = load_config(args.config, split=args.split)
    except DatasetError as err:
        return _report(err.problems, len({p.file for p in err.problems}), "text")
    except (ValueError, FileNotFoundError) as err:
        print(f"newsgold show: {err}", file=sys.stderr)
        return EXIT_USAGE
    for i in range(min(args.n, len(rows))):
        print(json.dumps(decode_row(args.config, rows[i]), ensure_ascii=False))
    return EXIT_OK


def cmd_evaluate(args: argparse.Namespace) -> int:
    from newsgold.evaluate import PredictionError, docs, evaluate, report_json, report_table

    if args.docs:
        print(docs(), end="")
        return EXIT_OK
    if args.layer is None or args.pred is None:
        print("newsgold evaluate: give --layer and --pred (or --docs)", file=sys.stderr)
        return EXIT_USAGE
    gold = Path(args.gold) if args.gold else None
    if args.errors is not None and Path(args.errors).is_dir():
        print(
            f"newsgold evaluate: --errors {args.errors} is a folder; give a file name",
            file=sys.stderr,
        )
        return EXIT_USAGE
    if args.errors is not None:
        from newsgold.resources import documents_dir

        inputs = (Path(args.pred), gold or documents_dir())
        if _refuse_overwrite("evaluate", "--errors", Path(args.errors), inputs):
            return EXIT_USAGE
    try:
        report = evaluate(
            args.layer,
            Path(args.pred),
            gold,
            args.labels,
            errors=args.errors is not None,
            progress=_progress(args),
        )
    except PredictionError as err:
        return _report(err.problems, len({p.file for p in err.problems}), args.format)
    except ValueError as err:
        print(f"newsgold evaluate: {err}", file=sys.stderr)
        return EXIT_USAGE
    if args.errors is not None:
        status = _write_errors(report, Path(args.errors))
        if status is not None:
            return status
    print(report_json(report) if args.format == "json" else report_table(report), end="")
    return EXIT_OK


def _overwrites(target: Path, inputs: Sequence[Path | None]) -> Path | None:
    """The input that writing ``target`` would overwrite or add a file to, if any."""
    where = Path(os.path.abspath(target))
    for given in inputs:
        if given is None or not given.exists():
            continue
        source = Path(os.path.abspath(given))
        if where == source or (target.exists() and os.path.samefile(target, given)):
            return given
        if given.is_dir() and source in where.parents:
            return given
    return None


def _refuse_overwrite(command: str, flag: str, target: Path, inputs: Sequence[Path | None]) -> bool:
    """Print a usage error and return True when ``target`` is (or is inside) an input."""
    found = _overwrites(target, inputs)
    if found is None:
        return False
    print(
        f"newsgold {command}: {flag} {target} would overwrite or add to the input {found}; "
        "write it elsewhere",
        file=sys.stderr,
    )
    return True


def _write_errors(report: Report, target: Path) -> int | None:
    """Write the error records atomically; the exit status on failure, else None."""
    from newsgold.evaluate import errors_jsonl
    from newsgold.io import write_text_atomic

    try:
        write_text_atomic(target, errors_jsonl(report))
    except OSError as err:
        print(f"newsgold evaluate: cannot write {target}: {err.strerror or err}", file=sys.stderr)
        return EXIT_USAGE
    print(f"wrote {len(report.errors)} error record(s) to {target}", file=sys.stderr)
    return None


def cmd_baseline(args: argparse.Namespace) -> int:
    from newsgold.baselines import predictions_jsonl
    from newsgold.evaluate import PredictionError
    from newsgold.io import write_text_atomic

    gold = Path(args.gold) if args.gold else None
    notes: list[str] = []
    try:
        if args.system == "quotes":
            from newsgold.baselines import quotes

            predictions = list(quotes.run(gold))
        elif args.system == "quotes-parsed":
            from newsgold.baselines import parsed_quotes

            try:
                predictions = list(parsed_quotes.run(args.model, gold))
            except parsed_quotes.NoParse as err:
                print(f"newsgold baseline quotes-parsed: {args.model}: {err}", file=sys.stderr)
                return EXIT_USAGE
            except OSError as err:
                print(
                    f"newsgold baseline quotes-parsed: cannot load {args.model!r}: {err}",
                    file=sys.stderr,
                )
                return EXIT_USAGE
        else:
            from newsgold.baselines import ner

            try:
                result = ner.run(args.model, gold, args.protocol)
            except OSError as err:
                print(f"newsgold baseline ner: cannot load {args.model!r}: {err}", file=sys.stderr)
                return EXIT_USAGE
            predictions = result.predictions
            meta = result.pipeline
            notes.append(
                f"pipeline {meta['name']} {meta['version']} (spaCy {meta['spacy_version']}, "
                f"author {meta['author']}, licence {meta['license']}); protocol {args.protocol}"
            )
            if result.dropped:
                dropped = ", ".join(f"{k} {v}" for k, v in sorted(result.dropped.items()))
                notes.append(f"not written (labels outside OntoNotes): {dropped}")
    except PredictionError as err:
        return _report(err.problems, len({p.file for p in err.problems}), "text")
    write_text_atomic(Path(args.out), predictions_jsonl(predictions))
    print(f"wrote predictions for {len(predictions)} document(s) to {args.out}")
    for note in notes:
        print(note)
    return EXIT_OK


def _load_documents(
    command: str, paths: Sequence[str], progress: Progress = silent
) -> tuple[list[Document], int | None]:
    """Validate and load documents (default: the corpus).

    On a problem, report it and give the exit status as the second value.
    """
    from newsgold.reader import expand_paths, read
    from newsgold.resources import documents_dir

    given = [Path(p) for p in paths] if paths else [documents_dir()]
    files = expand_paths(given)
    if not files:
        where = " ".join(paths) or documents_dir()
        print(f"newsgold {command}: no .json files in {where}", file=sys.stderr)
        return [], EXIT_USAGE
    docs: list[Document] = []
    problems: list[Problem] = []
    for _path, document, found in read(given, progress):
        problems.extend(found)
        if document is not None and not found:
            docs.append(document)
    if problems:
        return [], _report(problems, len(files), "text")
    return docs, None


FILES_LISTED = 10
"""A conversion names this many of the files it wrote, then how many more."""


def _print_conversion(result: ConversionResult, report: Path | None) -> None:
    """What was written, and a count per kind of what was not carried; the full list is in
    ``report``."""
    names = ", ".join(result.files[:FILES_LISTED])
    if len(result.files) > FILES_LISTED:
        names += f", ... ({len(result.files) - FILES_LISTED} more)"
    print(
        f"wrote {len(result.files)} file(s) for {result.documents} document(s) to "
        f"{_display(result.out)}: {names}"
    )
    listed = f" (listed in {_display(report)})" if report is not None else ""
    print(f"not carried: {result.not_carried_count}{listed}")
    for reason, kept_in, count in result.summary():
        where = f"kept in {kept_in}" if kept_in else "dropped"
        print(f"  {count} x {reason} ({where})")


def cmd_convert(args: argparse.Namespace) -> int:
    from newsgold.convert import REPORT_NAME, ConversionError
    from newsgold.io import write_text_atomic

    out = Path(args.out)
    if out.exists() and not out.is_dir():
        print(f"newsgold convert: --out {args.out} exists and is not a folder", file=sys.stderr)
        return EXIT_USAGE
    report: Path | None = None
    try:
        if args.source is not None:
            if args.to is not None or args.labels is not None or len(args.paths) != 1:
                print(
                    "newsgold convert: use --from brat DIR --out DIR "
                    "(one brat folder, no --to or --labels)",
                    file=sys.stderr,
                )
                return EXIT_USAGE
            from newsgold.convert.brat import brat_to_canonical

            source = Path(args.paths[0])
            if not source.is_dir():
                print(f"newsgold convert: {args.paths[0]} is not a folder", file=sys.stderr)
                return EXIT_USAGE
            facts = _facts(args)
            if facts is None:
                print("newsgold convert: give --publisher and --address together", file=sys.stderr)
                return EXIT_USAGE
            result = brat_to_canonical(source, out, facts, _progress(args))
        else:
            if args.to is None or _facts(args) != _facts(argparse.Namespace(**_NO_FACTS)):
                print(
                    "newsgold convert: give --to conll|conll2012|docbin|brat, or --from brat "
                    "(the metadata options go with --from brat)",
                    file=sys.stderr,
                )
                return EXIT_USAGE
            if args.labels is not None and args.to != "conll":
                print("newsgold convert: --labels goes with --to conll", file=sys.stderr)
                return EXIT_USAGE
            progress = _progress(args)
            loaded, status = _load_documents("convert", args.paths, progress)
            if status is not None:
                return status
            # The converters read their documents one at a time: the bar advances as they do.
            docs = progress(loaded, desc=f"to {args.to}", total=len(loaded))
            if args.to == "conll":
                from newsgold.convert.conll import LABEL_SETS, write_conll

                result = write_conll(docs, out, (args.labels,) if args.labels else LABEL_SETS)
            elif args.to == "conll2012":
                from newsgold.convert.conll2012 import write_conll2012

                result = write_conll2012(docs, out)
            elif args.to == "docbin":
                from newsgold.convert.docbin import write_docbin

                result = write_docbin(docs, out)
            else:
                from newsgold.convert.brat import write_brat

                result = write_brat(docs, out)
            report = out / REPORT_NAME
            write_text_atomic(report, result.report_tsv())
    except ConversionError as err:
        for problem in _relabel(err.problems):
            print(problem.format(), file=sys.stderr)
        failed = f"*** FAILED *** newsgold convert: {len(err.problems)} problem(s); nothing written"
        print(failed, file=sys.stderr)
        return EXIT_INVALID
    except OSError as err:
        print(f"newsgold convert: cannot write {args.out}: {err.strerror or err}", file=sys.stderr)
        return EXIT_USAGE
    _print_conversion(result, report)
    return EXIT_OK


def _show_overlay(args: argparse.Namespace) -> tuple[list[Document], Overlay | None, int | None]:
    """The scored gold documents and the prediction's error records (``--pred``); on a
    problem, report it and give the exit status as the third value."""
    from newsgold.convert.html_errors import Overlay
    from newsgold.evaluate import PredictionError, evaluate, load_gold, view

    if args.layer is None or len(args.paths) > 1:
        message = "--pred needs --layer, and at most one gold path (file or folder)"
        print(f"newsgold show: {message}", file=sys.stderr)
        return [], None, EXIT_USAGE
    gold = Path(args.paths[0]) if args.paths else None
    try:
        report = evaluate(args.layer, Path(args.pred), gold, args.labels, errors=True)
        docs = load_gold(gold)
    except PredictionError as err:
        return [], None, _report(err.problems, len({p.file for p in err.problems}), "text")
    except ValueError as err:
        print(f"newsgold show: {err}", file=sys.stderr)
        return [], None, EXIT_USAGE
    scored_view = view(args.layer)
    categories = scored_view.errors.categories if scored_view.errors is not None else {}
    scored = [d for d in docs if all(x in d.annotated_layers for x in scored_view.needs)]
    return scored, Overlay(args.layer, args.pred, report.errors, categories), None


def _show_html(args: argparse.Namespace) -> int:
    from newsgold.convert.html import write_html

    target = Path(args.html)
    if target.is_dir():
        print(f"newsgold show: --html {args.html} is a folder; give a file name", file=sys.stderr)
        return EXIT_USAGE
    overlay = None
    if args.pred is not None:
        inputs = [Path(args.pred), *(Path(p) for p in args.paths)]
        if _refuse_overwrite("show", "--html", target, inputs):
            return EXIT_USAGE
        docs, overlay, status = _show_overlay(args)
    else:
        docs, status = _load_documents("show", args.paths, _progress(args))
    if status is not None:
        return status
    try:
        result = write_html(docs, target, overlay=overlay)
    except OSError as err:
        print(f"newsgold show: cannot write {args.html}: {err.strerror or err}", file=sys.stderr)
        return EXIT_USAGE
    shown = f", {len(overlay.records)} error record(s)" if overlay is not None else ""
    print(f"wrote {_display(result.out)}: {result.documents} document(s){shown}")
    return EXIT_OK


def cmd_layers(args: argparse.Namespace) -> int:
    """List the registered layers: ids, dependencies and Hugging Face configs."""
    for layer in registry.layers():
        ids = ", ".join(f"{k.kind} ({k.prefix}…)" for k in layer.ids)
        print(f"{layer.name}: {layer.description}")
        print(f"  ids: {ids}")
        print(f"  depends on: {', '.join(layer.depends_on) or '(none)'}")
        print(f"  configs: {', '.join(c.name for c in layer.configs) or '(none)'}")
        views = ", ".join(v.name for v in layer.evaluations) or "(none)"
        print(f"  evaluate --layer: {views}")
        print(f"  agreement --layer: {layer.name if layer.agreement is not None else '(none)'}")
        formats = ", ".join(name for name, part in layer.formats.items() if part is not None)
        print(f"  formats: {formats or '(none)'}")
    return EXIT_OK


Sub: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"

EXIT_USAGE_TEXT = "usage error (unknown option, missing argument), or a path that cannot be read"


def _command(
    sub: Sub,
    name: str,
    summary: str,
    description: str,
    examples: Sequence[str],
    exits: Sequence[tuple[int, str]],
) -> argparse.ArgumentParser:
    """A subcommand with its one-line help, a description, examples and its exit statuses."""
    import textwrap

    epilog = "examples:\n" + "".join(f"  {example}\n" for example in examples)
    epilog += "\nexit status:\n" + "".join(
        textwrap.fill(what, 79, initial_indent=f"  {code}  ", subsequent_indent="     ") + "\n"
        for code, what in exits
    )
    return sub.add_parser(
        name,
        help=summary,
        description=textwrap.fill(description, 79),
        epilog=epilog,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )


def _add_quiet(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--quiet", action="store_true", help="no progress bar (none is drawn off a terminal)"
    )


def _positive(value: str) -> int:
    """An argparse type: an integer of 1 or more."""
    try:
        n = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a whole number") from None
    if n < 1:
        raise argparse.ArgumentTypeError(f"{value} is not a positive number (give 1 or more)")
    return n


def _add_validate_format_summary(sub: Sub) -> None:
    p = _command(
        sub,
        "validate",
        "validate documents (default: the whole corpus)",
        "Check every document at all levels (L1 parse and encoding, L2 JSON Schema, L3 "
        "integrity, L4 file name, duplicate ids and canonical form) and print each problem "
        "with its file, JSON pointer, code, message and hint, then a summary line.",
        [
            "newsgold validate",
            "newsgold validate dataset/documents/000_6f6c25f93ca58200.json",
            "newsgold validate --format json my-folder/",
        ],
        [
            (EXIT_OK, "every file is valid"),
            (EXIT_INVALID, "a problem was found (all are listed)"),
            (EXIT_USAGE, EXIT_USAGE_TEXT + ", or a folder without .json files"),
        ],
    )
    p.add_argument("paths", nargs="*", help="document files or folders (default dataset/documents)")
    p.add_argument("--format", choices=["text", "json"], default="text", help="report format")
    _add_quiet(p)
    p.set_defaults(func=cmd_validate)

    p = _command(
        sub,
        "format",
        "rewrite valid documents in canonical form",
        "Rewrite each valid document in canonical form (fixed key order, 2-space indent, "
        "trailing newline); its content is unchanged. Nothing is rewritten while any file "
        "is invalid.",
        ["newsgold format dataset/documents", "newsgold format my-document.json"],
        [
            (EXIT_OK, "every file is valid, and rewritten where it was not canonical"),
            (EXIT_INVALID, "a file is invalid (problems listed); nothing was rewritten"),
            (EXIT_USAGE, EXIT_USAGE_TEXT + ", or a file that cannot be written"),
        ],
    )
    p.add_argument("paths", nargs="+", help="document files or folders")
    _add_quiet(p)
    p.set_defaults(func=cmd_format)

    p = _command(
        sub,
        "summary",
        "print a summary of each document and layer",
        "Print, for each document, its length, paragraphs and date, the layers it "
        "annotates, and a count per layer with its main labels.",
        ["newsgold summary", "newsgold summary my-folder/"],
        [
            (EXIT_OK, "summary printed"),
            (EXIT_INVALID, "a document is invalid (problems listed)"),
            (EXIT_USAGE, EXIT_USAGE_TEXT),
        ],
    )
    p.add_argument("path", nargs="?", default=None, help="documents folder (default: the corpus)")
    _add_quiet(p)
    p.set_defaults(func=cmd_summary)

    p = _command(
        sub,
        "layers",
        "list the annotation layers and what each provides",
        "List the registered annotation layers: their ids, dependencies, Hugging Face "
        "configs, evaluate and agreement views, and formats.",
        ["newsgold layers"],
        [(EXIT_OK, "list printed"), (EXIT_USAGE, "usage error")],
    )
    p.set_defaults(func=cmd_layers)


def _add_agreement(sub: Sub) -> None:
    """The ``agreement`` command: its ``--layer`` choices and layer options from the registry."""
    from newsgold import agreement

    names = agreement.layer_names()
    p = _command(
        sub,
        "agreement",
        "inter-annotator agreement of two annotations of one document",
        "Compare two annotations of one document on one layer; A is the reference for "
        "recall, B for precision. --docs prints the metric definitions.",
        [
            f"newsgold agreement A.json B.json --layer {names[0] if names else 'LAYER'}",
            "newsgold agreement A.json B.json --layer LAYER --format json",
            "newsgold agreement --docs",
        ],
        [
            (EXIT_OK, "report (or --docs) printed"),
            (EXIT_INVALID, "a file is invalid, or the two are not annotations of one text"),
            (EXIT_USAGE, EXIT_USAGE_TEXT + ", or a layer option that cannot be used"),
        ],
    )
    p.add_argument("file_a", nargs="?", metavar="FILE_A", help="first annotation (A)")
    p.add_argument("file_b", nargs="?", metavar="FILE_B", help="second annotation (B)")
    p.add_argument("--layer", choices=names, help=f"the layer to compare: {', '.join(names)}")
    p.add_argument("--format", choices=["text", "json"], default="text", help="report format")
    for option in agreement.options().values():
        p.add_argument(option.flag, dest=option.name, metavar=option.metavar, help=option.help)
    p.add_argument("--docs", action="store_true", help="print the metric definitions and exit")
    p.set_defaults(func=cmd_agreement)


def _add_build_and_show(sub: Sub) -> None:
    p = _command(
        sub,
        "build",
        "build the Hugging Face dataset folder (Parquet, card)",
        "Write the Parquet file of every config and split, croissant.json and the card "
        "(README.md) into the dataset folder, all or nothing. With --check, rebuild in a "
        "temporary folder instead and fail naming every built file that is stale or "
        "missing and every file of the dataset folder that the build neither writes nor "
        "reads (it would be published with the dataset).",
        ["newsgold build", "newsgold build --check", "newsgold build --out /tmp/dataset"],
        [
            (EXIT_OK, "built (or, with --check, up to date)"),
            (EXIT_INVALID, "an input is invalid, or --check found a stale, missing or stray file"),
            (EXIT_USAGE, EXIT_USAGE_TEXT + ", or a file that cannot be written"),
        ],
    )
    p.add_argument(
        "--check",
        action="store_true",
        help="rebuild in a temporary folder; fail naming each stale, missing, extra or stray file",
    )
    p.add_argument("--out", metavar="DIR", help="dataset folder to write or check (dataset/)")
    p.add_argument("--documents", metavar="DIR", help="documents (default: dataset/documents)")
    p.add_argument("--splits", metavar="FILE", help="split file (default: dataset/splits.json)")
    p.add_argument("--card", metavar="FILE", help="hand-written card (default: DATASET_CARD.md)")
    _add_quiet(p)
    p.set_defaults(func=cmd_build)

    from newsgold.features import configs

    names = configs()
    p = _command(
        sub,
        "show",
        "load a config of the built dataset; print rows as JSON",
        "Load one config of the built dataset folder with the Hugging Face datasets "
        "library (offline, after checking the files against the checksums the card "
        "records) and print its first rows as JSON, labels as names. With --html FILE, "
        "write one self-contained HTML page showing documents and their annotations.",
        [
            "newsgold show --config ner --n 3",
            "newsgold show --html out/newsgold.html",
            "newsgold show --html out/one.html dataset/documents/000_6f6c25f93ca58200.json",
        ],
        [
            (EXIT_OK, "rows printed, or the page written"),
            (EXIT_INVALID, "the built files disagree with the card, or a document is invalid"),
            (EXIT_USAGE, EXIT_USAGE_TEXT + " (unknown config, --n below 1, --html a folder)"),
        ],
    )
    p.add_argument(
        "--config",
        default="documents",
        metavar="CONFIG",
        help=f"config name: {', '.join(names)} (default: documents)",
    )
    p.add_argument("--split", default="test", help="split (default: test)")
    p.add_argument("--n", type=_positive, default=1, help="number of rows, 1 or more (default: 1)")
    p.add_argument(
        "--html",
        metavar="FILE",
        help="write one self-contained HTML page showing the documents and their annotations",
    )
    p.add_argument(
        "--pred",
        metavar="FILE",
        help="with --html and --layer: draw this prediction's errors over the gold "
        "(PATHS: at most one gold file or folder)",
    )
    views = [v.name for layer in registry.layers() for v in layer.evaluations]
    p.add_argument("--layer", choices=views, help="with --pred: the layer (view) to draw")
    p.add_argument(
        "--labels", choices=["ontonotes", "conll"], default="ontonotes", help="NER label set"
    )
    p.add_argument(
        "paths", nargs="*", help="with --html: document files or folders (default: the corpus)"
    )
    _add_quiet(p)
    p.set_defaults(func=cmd_show)


def _add_convert(sub: Sub) -> None:
    p = _command(
        sub,
        "convert",
        "convert documents to CoNLL IOB2, CoNLL-2012, spaCy DocBin or brat; brat back to "
        "canonical JSON",
        "Write the documents (default: the corpus) in another format into --out, or read a "
        "brat folder back with --from brat. Prints a count per kind of what the format "
        "could not carry and writes the full list to not-carried.tsv in --out (one line "
        "each: document, JSON pointer, reason, where it was kept). Writes nothing when a "
        "conversion fails.",
        [
            "newsgold convert --to conll --out out/conll",
            "newsgold convert --to conll --labels conll --out out/conll my-folder/",
            "newsgold convert --to conll2012 --out out/coref",
            "newsgold convert --to brat --out out/brat",
            "newsgold convert --from brat out/brat --out out/canonical",
        ],
        [
            (EXIT_OK, "converted"),
            (EXIT_INVALID, "a document is invalid or cannot be converted; nothing written"),
            (EXIT_USAGE, EXIT_USAGE_TEXT + ", or --out that cannot be written"),
        ],
    )
    p.add_argument("--to", choices=["conll", "conll2012", "docbin", "brat"], help="target format")
    p.add_argument(
        "--from", dest="source", choices=["brat"], help="read this format (PATHS: its folder)"
    )
    p.add_argument(
        "--labels",
        choices=["ontonotes", "conll"],
        help="with --to conll: one label set (default: both files)",
    )
    p.add_argument("--out", required=True, metavar="DIR", help="output folder")
    p.add_argument("paths", nargs="*", help="document files or folders (default: the corpus)")
    _add_facts(p, "of a brat document annotated from scratch, with no side file")
    _add_quiet(p)
    p.set_defaults(func=cmd_convert)


def _add_facts(p: argparse.ArgumentParser, of: str = "of the new document") -> None:
    """The metadata options of a new document (``newsgold new``, ``convert --from brat``)."""
    g = p.add_argument_group(f"metadata {of} (what is not given is recorded as not given)")
    g.add_argument("--headline", help="the document's headline (default: null)")
    g.add_argument("--publisher", help="publisher of the text (needs --address)")
    g.add_argument("--address", metavar="URL", help="https address of the published text")
    g.add_argument("--published", metavar="YYYY-MM-DD", help="day the text was published")
    g.add_argument("--date", metavar="YYYY-MM-DD", help="the document date (default: null)")
    g.add_argument(
        "--source-outlet",
        action="append",
        default=[],
        metavar="NAME",
        help="an outlet the text names as its source (repeat for more)",
    )
    g.add_argument("--provenance", help="where the text comes from (default: the file, kept as is)")
    g.add_argument("--license", help="licence of the annotations and status of the text")


_NO_FACTS: dict[str, Any] = {
    "headline": None,
    "publisher": None,
    "address": None,
    "published": None,
    "date": None,
    "source_outlet": [],
    "provenance": None,
    "license": None,
}


def _facts(args: argparse.Namespace) -> Facts | None:
    from newsgold.new import Facts

    if (args.publisher is None) != (args.address is None) or (
        args.published is not None and args.publisher is None
    ):
        return None
    return Facts(
        headline=args.headline,
        publisher=args.publisher,
        address=args.address,
        published=args.published,
        date=args.date,
        source_outlets=tuple(args.source_outlet),
        provenance=args.provenance,
        license=args.license,
    )


def _start_failed(command: str, problems: list[Problem]) -> int:
    for found in _relabel(problems):
        print(found.format(), file=sys.stderr)
    failed = f"*** FAILED *** newsgold {command}: {len(problems)} problem(s); nothing written"
    print(failed, file=sys.stderr)
    usage = ("document-exists", "file-unreadable", "file-too-large")
    return EXIT_USAGE if any(p.code in usage for p in problems) else EXIT_INVALID


def cmd_new(args: argparse.Namespace) -> int:
    """Start a canonical document from a plain UTF-8 text file."""
    from newsgold.new import StartError, new_document

    facts = _facts(args)
    if facts is None:
        print("newsgold new: give --publisher and --address together", file=sys.stderr)
        return EXIT_USAGE
    out = Path(args.out)
    if out.exists() and not out.is_dir():
        print(f"newsgold new: --out {args.out} exists and is not a folder", file=sys.stderr)
        return EXIT_USAGE
    try:
        review = Path(args.review) if args.review else None
        started = new_document(
            Path(args.text_file),
            out,
            facts,
            args.id,
            propose=args.propose,
            model=args.spacy_model,
            review_file=review,
        )
    except StartError as err:
        return _start_failed("new", err.problems)
    except OSError as err:
        print(f"newsgold new: cannot write {args.out}: {err.strerror or err}", file=sys.stderr)
        return EXIT_USAGE
    doc = started.document
    print(f"wrote {_display(started.path)}: {len(doc.text)} characters, no layer annotated")
    if started.review is not None:
        counts = ", ".join(f"{n} {name}" for name, n in started.proposed.items())
        print(f"wrote {_display(started.review)}: proposed {counts}, not reviewed")
        print(
            f'  review it, set "reviewed": true, then: newsgold accept '
            f"{_display(started.review)} {_display(started.path)}"
        )
    return EXIT_OK


def cmd_accept(args: argparse.Namespace) -> int:
    """Move the records of a reviewed proposal into its document."""
    from newsgold.new import StartError, accept

    try:
        _, names = accept(Path(args.review), Path(args.document))
    except StartError as err:
        return _start_failed("accept", err.problems)
    except OSError as err:
        print(
            f"newsgold accept: cannot write {args.document}: {err.strerror or err}", file=sys.stderr
        )
        return EXIT_USAGE
    print(f"wrote {_display(Path(args.document))}: annotated {', '.join(names)}")
    return EXIT_OK


def _add_new(sub: Sub) -> None:
    p = _command(
        sub,
        "new",
        "start a canonical document from a plain UTF-8 text file",
        "Write OUT/<id>.json: the text byte for byte (a file that would have to "
        "change is refused: not UTF-8, a byte-order mark, CR or CRLF line ends, a NUL byte), "
        "its SHA-256, the metadata given, and no annotated layer. Never overwrites a "
        "document. With --propose, spaCy proposes sentences into a review file (default "
        "<id>.review.json beside TEXT_FILE), for review and `newsgold accept`.",
        [
            "newsgold new story.txt --out work/docs --id story_001",
            'newsgold new story.txt --out work/docs --headline "A headline" --propose',
        ],
        [
            (EXIT_OK, "document (and review file) written"),
            (EXIT_INVALID, "the text or a metadata value cannot be taken; nothing written"),
            (EXIT_USAGE, EXIT_USAGE_TEXT + ", or a document of that id already exists"),
        ],
    )
    p.add_argument("text_file", metavar="TEXT_FILE", help="plain UTF-8 text, LF line ends")
    p.add_argument("--out", required=True, metavar="DIR", help="folder of the new document")
    p.add_argument("--id", help="document id (default: the file name without its suffix)")
    p.add_argument(
        "--propose", action="store_true", help="write proposed sentences to a review file"
    )
    p.add_argument(
        "--spacy-model",
        metavar="NAME",
        help="installed spaCy pipeline for --propose (default: rule-based sentencizer)",
    )
    p.add_argument(
        "--review",
        metavar="FILE",
        help="review file for --propose (default: <id>.review.json beside TEXT_FILE)",
    )
    _add_facts(p)
    p.set_defaults(func=cmd_new)
    p = _command(
        sub,
        "accept",
        "move the records of a reviewed proposal into its document",
        'Check that REVIEW is marked "reviewed": true and is of DOCUMENT\'s text, '
        "then add its records to DOCUMENT and list their layers as annotated; the document "
        "is rewritten only if it then validates.",
        ["newsgold accept story_001.review.json work/docs/story_001.json"],
        [
            (EXIT_OK, "records moved into the document"),
            (EXIT_INVALID, "not reviewed, of another text, or the document would not validate"),
            (EXIT_USAGE, EXIT_USAGE_TEXT + ", or a document that cannot be written"),
        ],
    )
    p.add_argument("review", metavar="REVIEW", help="the <id>.review.json file")
    p.add_argument("document", metavar="DOCUMENT", help="the document it was proposed for")
    p.set_defaults(func=cmd_accept)


def _add_evaluate(sub: Sub) -> None:
    views = [v.name for layer in registry.layers() for v in layer.evaluations]
    p = _command(
        sub,
        "evaluate",
        "score predictions against the gold",
        "Validate a prediction file (schema/prediction.schema.json) and score one layer "
        "against the gold; exit 1 with the problems when it does not validate. --docs "
        "prints the scoring definitions (the text the dataset card points to): how "
        "predictions are read and aligned, what each view scores, and the definitions "
        "shared with `newsgold agreement` (P/R/F1, span matching).",
        [
            f"newsgold evaluate --layer {views[0] if views else 'LAYER'} --pred pred.jsonl",
            "newsgold evaluate --layer LAYER --pred dataset/documents   # gold as prediction",
            "newsgold evaluate --layer ner --pred ner.jsonl --labels conll --format json",
            "newsgold evaluate --layer quotes --pred quotes.jsonl --errors errors.jsonl",
            "newsgold evaluate --docs",
        ],
        [
            (EXIT_OK, "scores (or --docs) printed"),
            (EXIT_INVALID, "the predictions or the gold do not validate (problems listed)"),
            (EXIT_USAGE, EXIT_USAGE_TEXT + ", or a prediction folder with no prediction"),
        ],
    )
    p.add_argument(
        "--layer",
        choices=views,
        help=f"the evaluation view to score: {', '.join(views)}",
    )
    p.add_argument("--pred", metavar="FILE", help=".json, .jsonl or a folder")
    p.add_argument("--gold", metavar="PATH", help="gold document or folder (default: the corpus)")
    p.add_argument(
        "--labels", choices=["ontonotes", "conll"], default="ontonotes", help="NER label set"
    )
    p.add_argument("--format", choices=["text", "json"], default="text", help="report format")
    p.add_argument(
        "--errors",
        metavar="OUT.jsonl",
        help="also write one JSON line per gold or predicted unit with its error category",
    )
    p.add_argument("--docs", action="store_true", help="print the scoring definitions and exit")
    _add_quiet(p)
    p.set_defaults(func=cmd_evaluate)


def _add_baseline(sub: Sub) -> None:
    exits = [
        (EXIT_OK, "predictions written"),
        (EXIT_INVALID, "a gold document is invalid"),
        (EXIT_USAGE, EXIT_USAGE_TEXT + ", or a pipeline that cannot be loaded"),
    ]
    p = _command(
        sub,
        "baseline",
        "write the predictions of a baseline system",
        "Run a baseline system on the documents and write its predictions as a .jsonl "
        "file that `newsgold evaluate` scores.",
        [
            "newsgold baseline quotes --out quotes.jsonl",
            "newsgold baseline ner --model en_core_web_sm --out ner.jsonl",
        ],
        exits,
    )
    bsub = p.add_subparsers(dest="system", required=True, metavar="SYSTEM")
    b = _command(
        bsub,
        "quotes",
        "rule-based quote attribution (text only)",
        "Find quotations by quotation marks and a cue-verb lexicon and attribute each to "
        "the nearest named speaker (with simple pronoun resolution); reads the text only.",
        ["newsgold baseline quotes --out quotes.jsonl", "newsgold evaluate --layer quotes "
         "--pred quotes.jsonl"],
        exits,
    )  # fmt: skip
    b.add_argument("--out", required=True, metavar="FILE", help="prediction file to write (.jsonl)")
    b.add_argument("--gold", metavar="PATH", help="documents to run on (default: the corpus)")
    b.set_defaults(func=cmd_baseline)
    b = _command(
        bsub,
        "quotes-parsed",
        "quote attribution by general rules over a spaCy dependency parse",
        "Find attributions with general rules over the parse of a spaCy pipeline that has a "
        "parser: a reporting verb of a general lexicon with its subject as source and its "
        "complement clause as content, 'according to X', and quoted stretches with a "
        "reporting verb in their sentence.",
        ["newsgold baseline quotes-parsed --model PIPELINE_DIR --out quotes.jsonl"],
        exits,
    )
    b.add_argument("--model", required=True, help="installed pipeline name or pipeline folder")
    b.add_argument("--out", required=True, metavar="FILE", help="prediction file to write (.jsonl)")
    b.add_argument("--gold", metavar="PATH", help="documents to run on (default: the corpus)")
    b.set_defaults(func=cmd_baseline)
    b = _command(
        bsub,
        "ner",
        "NER with an installed spaCy pipeline",
        "Run an installed spaCy pipeline over the text of each sentence (or the whole text, "
        "--protocol text) and write its entities with OntoNotes labels; labels outside "
        "OntoNotes are counted, not written.",
        ["newsgold baseline ner --model en_core_web_sm --out ner.jsonl",
         "newsgold baseline ner --model en_core_web_sm --protocol text --out ner.jsonl"],
        exits,
    )  # fmt: skip
    b.add_argument("--model", required=True, help="installed pipeline name or pipeline folder")
    b.add_argument("--out", required=True, metavar="FILE", help="prediction file to write (.jsonl)")
    b.add_argument("--gold", metavar="PATH", help="documents to run on (default: the corpus)")
    b.add_argument(
        "--protocol",
        choices=["sentences", "text"],
        default="sentences",
        help="sentences: one call per gold sentence (default); text: the whole text in one call",
    )
    b.set_defaults(func=cmd_baseline)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="newsgold",
        description="newsgold corpus tools: validate, build, load, convert, score and compare "
        "the annotated documents. `newsgold COMMAND --help` describes each command.",
        epilog="exit status: 0 success or valid, 1 invalid input, 2 usage or I/O error",
    )
    parser.add_argument("--version", action="version", version=f"newsgold {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    _add_validate_format_summary(sub)
    _add_build_and_show(sub)
    _add_convert(sub)
    _add_new(sub)
    _add_agreement(sub)
    _add_evaluate(sub)
    _add_baseline(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse exits 2 on usage errors, 0 on --help
        return int(exc.code or 0)
    func: Callable[[argparse.Namespace], int] = args.func
    try:
        return func(args)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return EXIT_OK


if __name__ == "__main__":
    raise SystemExit(main())

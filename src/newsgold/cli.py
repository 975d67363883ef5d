"""The command line: the only place that prints and chooses an exit status.

Exit status: 0 success / valid, 1 invalid input, 2 usage or I/O error.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from newsgold import __version__
from newsgold.issues import Problem

EXIT_OK, EXIT_INVALID, EXIT_USAGE = 0, 1, 2


def _display(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def _relabel(problems: list[Problem]) -> list[Problem]:
    return [
        Problem(_display(Path(p.file)), p.pointer, p.level, p.code, p.message, p.hint)
        for p in problems
    ]


def _report(problems: list[Problem], files: int, fmt: str) -> int:
    """Print problems and a summary line; return the exit status."""
    problems = _relabel(problems)
    io_error = any(p.code == "file-unreadable" for p in problems)
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
        for p in problems:
            print(p.format())
        if problems:
            bad = len({p.file for p in problems})
            print(f"*** FAILED *** with {len(problems)} problem(s) in {bad} of {files} file(s)")
        else:
            print(f"*** PASSED *** {files} file(s), 0 problems")
    if io_error:
        return EXIT_USAGE
    return EXIT_INVALID if problems else EXIT_OK


def cmd_validate(args: argparse.Namespace) -> int:
    from newsgold.validate import expand_paths, validate_paths

    paths = [Path(p) for p in args.paths] if args.paths else None
    problems: list[Problem] = []
    files = 0
    for _path, found in validate_paths(paths):
        files += 1
        problems.extend(found)
    if paths is not None and not expand_paths(paths):
        print(f"newsgold validate: no .json files in {' '.join(args.paths)}", file=sys.stderr)
        return EXIT_USAGE
    return _report(problems, files, args.format)


def cmd_format(args: argparse.Namespace) -> int:
    from newsgold.io import canonical_json, write_text_atomic
    from newsgold.model import Document
    from newsgold.validate import expand_paths, validate_document_value
    from newsgold.io import parse_json_file

    problems: list[Problem] = []
    rewritten = 0
    files = expand_paths([Path(p) for p in args.paths])
    for path in files:
        value, found = parse_json_file(path)
        if not found:
            found = validate_document_value(value, str(path))
        if found:
            problems.extend(found)
            continue
        text = canonical_json(Document.from_dict(value))
        if path.read_text(encoding="utf-8") != text:
            write_text_atomic(path, text)
            rewritten += 1
    if problems:
        return _report(problems, len(files), "text")
    print(f"{rewritten} of {len(files)} file(s) rewritten in canonical form")
    return EXIT_OK


def cmd_summary(args: argparse.Namespace) -> int:
    from newsgold.validate import CorpusError, iter_documents

    try:
        docs = list(iter_documents(args.path))
    except CorpusError as err:
        return _report(err.problems, 1, "text")
    for doc in docs:
        print(f"{doc.id}: {len(doc.text)} characters, {len(doc.text.splitlines())} paragraphs, date {doc.metadata.date.value}")
        print(f"  annotated layers: {', '.join(doc.annotated_layers) or '(none)'}")
        rows: list[tuple[str, int, str]] = [
            ("sentences", len(doc.sentences), ""),
            ("mentions", len(doc.mentions), _counts(m.mention_type for m in doc.mentions)),
            ("  NAM labels", sum(m.mention_type == "NAM" for m in doc.mentions), _counts(m.label for m in doc.mentions if m.mention_type == "NAM")),
            ("entities", len(doc.entities), _counts(e.type for e in doc.entities)),
            ("quotes", len(doc.quotes), _counts(q.type for q in doc.quotes)),
            ("events", len(doc.events), _counts(e.type for e in doc.events)),
            ("stance", len(doc.stance), _counts(s.polarity for s in doc.stance)),
        ]
        for name, n, detail in rows:
            print(f"  {name:<12} {n:>4}  {detail}")
    return EXIT_OK


def _counts(values: Iterable[str]) -> str:
    return ", ".join(f"{k} {v}" for k, v in sorted(Counter(values).items()))


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="newsgold", description="newsgold corpus tools")
    parser.add_argument("--version", action="version", version=f"newsgold {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("validate", help="validate documents (default: the whole corpus)")
    p.add_argument("paths", nargs="*", help="document files or folders (default dataset/documents)")
    p.add_argument("--format", choices=["text", "json"], default="text", help="report format")
    p.set_defaults(func=cmd_validate)

    p = sub.add_parser("format", help="rewrite valid documents in canonical form")
    p.add_argument("paths", nargs="+", help="document files or folders")
    p.set_defaults(func=cmd_format)

    p = sub.add_parser("summary", help="print a summary of each document and layer")
    p.add_argument("path", nargs="?", default=None, help="documents folder (default: the corpus)")
    p.set_defaults(func=cmd_summary)

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

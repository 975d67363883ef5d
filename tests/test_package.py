"""The package as a user meets it: cheap import, version, typed, the README and the two commands."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

import pytest

import newsgold
from newsgold.issues import CODES, DOMAINS, LEVEL_NAMES, codes_of

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"


def python(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *args], capture_output=True, text=True, cwd=ROOT, timeout=60, check=False
    )


def test_import_loads_neither_datasets_nor_spacy() -> None:
    probe = (
        "import sys, newsgold; "
        "print(sorted(m for m in ('datasets', 'spacy', 'pyarrow') if m in sys.modules))"
    )
    result = python("-c", probe)
    assert (result.returncode, result.stdout, result.stderr) == (0, "[]\n", "")


def test_validator_and_cli_load_neither_datasets_nor_spacy() -> None:
    probe = (
        "import sys; from newsgold.cli import main; "
        "status = main(['validate', 'tests/fixtures/valid/fixture_small.json']); "
        "print(status, sorted(m for m in ('datasets', 'spacy') if m in sys.modules))"
    )
    result = python("-c", probe)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == "0 []"


HEAVY = (
    "aiohttp",
    "datasets",
    "dill",
    "fsspec",
    "huggingface_hub",
    "multiprocess",
    "numpy",
    "pandas",
    "polars",
    "pyarrow",
    "requests",
    "scipy",
    "spacy",
    "thinc",
    "torch",
    "xxhash",
    "yaml",
)
"""Libraries that validation never needs (the schema libraries load when it checks)."""


def test_validation_imports_no_heavy_library() -> None:
    probe = (
        "import sys, newsgold; from newsgold.cli import main; from newsgold.reader import read; "
        "valid = main(['validate', 'tests/fixtures/valid/fixture_small.json']); "
        "invalid = main(['validate', 'tests/fixtures/invalid/span-text-mismatch.json']); "
        "corpus = main(['validate']); "
        "found = sum(len(r.problems) for r in read()); "
        f"heavy = {HEAVY!r}; "
        "print(valid, invalid, corpus, found, sorted(m for m in sys.modules "
        "if m.split('.')[0] in heavy))"
    )
    result = python("-c", probe)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == "0 1 0 0 []"


def test_validating_valid_files_imports_no_schema_library() -> None:
    """A valid file, and a valid prediction, is passed by the quick check alone: the schema
    library (and what it imports) comes in with the first file that does not pass."""
    probe = (
        "import sys; from newsgold.reader import read; from newsgold.evaluate import evaluate; "
        "from newsgold.resources import documents_dir; "
        "found = sum(len(r.problems) for r in read()); "
        "scored = evaluate('quotes', documents_dir()).scores['documents']; "
        "print(found, scored, sorted(m for m in ('jsonschema', 'referencing') if m in sys.modules))"
    )
    result = python("-c", probe)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == "0 1 []"


def test_python_m_newsgold_version() -> None:
    result = python("-m", "newsgold", "--version")
    assert (result.returncode, result.stdout, result.stderr) == (
        0,
        f"newsgold {newsgold.__version__}\n",
        "",
    )


def test_console_script_is_installed() -> None:
    script = Path(sys.executable).parent / ("newsgold.exe" if os.name == "nt" else "newsgold")
    result = subprocess.run(
        [str(script), "--version"], capture_output=True, text=True, timeout=60, check=False
    )
    assert (result.returncode, result.stdout) == (0, f"newsgold {newsgold.__version__}\n")


def test_version_matches_the_distribution() -> None:
    assert version("newsgold") == newsgold.__version__


def test_package_is_typed() -> None:
    assert (Path(newsgold.__file__).parent / "py.typed").is_file()


# ---------------------------------------------------------------- README


def section(name: str) -> str:
    text = README.read_text(encoding="utf-8")
    match = re.search(f"<!-- {name}:start -->\n(.*?)<!-- {name}:end -->", text, re.DOTALL)
    assert match, f"README.md has no {name} section"
    return match.group(1)


def codes_table(domain: str) -> list[str]:
    """The README's table of one domain's codes, as it must read (one row per code in CODES)."""
    rows = ["| Level | Code | Meaning |", "|---|---|---|"]
    for level in sorted(LEVEL_NAMES):
        for code, entry in codes_of(domain).items():
            if entry.level == level:
                rows.append(f"| L{level} {LEVEL_NAMES[level]} | `{code}` | {entry.meaning} |")
    return rows


def readme_codes_tables() -> dict[str, list[str]]:
    """Each ``<!-- codes:DOMAIN -->`` table of the README, by domain."""
    tables: dict[str, list[str]] = {}
    for match in re.finditer(r"<!-- codes:(\S+) -->\n((?:\|.*\n)+)", section("validation")):
        tables[match[1]] = match[2].splitlines()
    return tables


CODE_ROW = re.compile(r"\| L(\d) (\w+) \| `([a-z0-9-]+)` \| (.+) \|")


def test_readme_has_one_codes_table_per_domain() -> None:
    assert list(readme_codes_tables()) == list(DOMAINS)


@pytest.fixture(autouse=True)
def _layers_registered() -> None:
    """The built-in layers' codes join CODES when the registry is built: build it, so that
    a test run alone sees what a run of the whole suite sees."""
    from newsgold.layers import layers

    layers()


def test_readme_codes_equal_the_registry_both_ways() -> None:
    rows = [r for t in readme_codes_tables().values() for r in t if CODE_ROW.fullmatch(r)]
    listed = {m[3]: (int(m[1]), m[4]) for m in map(CODE_ROW.fullmatch, rows) if m}
    assert len(listed) == len(rows), "a code is listed twice in the README"
    registered = {code: (entry.level, entry.meaning) for code, entry in CODES.items()}
    assert sorted(set(registered) - set(listed)) == [], "codes missing from the README"
    assert sorted(set(listed) - set(registered)) == [], "README codes not in the registry"
    assert listed == registered


@pytest.mark.parametrize("domain", DOMAINS)
def test_readme_codes_table_is_generated_from_the_registry(domain: str) -> None:
    expected = codes_table(domain)
    assert readme_codes_tables().get(domain) == expected, "\n".join(
        [f"README table <!-- codes:{domain} --> should be:", *expected]
    )


def test_readme_quick_start_gives_the_two_commands() -> None:
    quick = section("quick-start")
    assert "bash scripts/run.sh" in quick
    assert "bash scripts/test.sh" in quick


def test_readme_states_the_offset_convention() -> None:
    offsets = section("offsets")
    assert "0-based" in offsets
    assert "end-exclusive" in offsets
    assert "code points" in offsets


def test_readme_offset_example_holds() -> None:
    """The worked example in the Offsets section is true of the fixture."""
    import json

    doc = json.loads((ROOT / "tests/fixtures/valid/fixture_small.json").read_text("utf-8"))
    example = re.search(r'text\[(\d+):(\d+)\] == "([^"]+)"', section("offsets"))
    assert example, "the Offsets section has no text[start:end] example"
    start, end, covered = int(example[1]), int(example[2]), example[3]
    assert doc["text"][start:end] == covered


def test_readme_validation_example_is_the_real_output() -> None:
    match = re.search(
        r"\(`newsgold (validate [^`]+)`\):\n\n```\n(.*?)```", section("validation"), re.DOTALL
    )
    assert match, "the Validation section has no example report"
    result = python("-m", "newsgold", *match[1].split())
    assert (result.returncode, result.stdout) == (1, match[2])


# ---------------------------------------------------------------- the two commands and CI


def test_scripts_are_strict_bash() -> None:
    for name in ("run.sh", "test.sh"):
        lines = (ROOT / "scripts" / name).read_text(encoding="utf-8").splitlines()
        assert lines[0] == "#!/usr/bin/env bash"
        assert "set -euo pipefail" in lines


def test_ci_runs_the_test_command() -> None:
    ci = ROOT / ".ci" / "run"
    assert os.access(ci, os.X_OK)
    lines = ci.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "#!/usr/bin/env bash"
    assert "bash scripts/test.sh" in lines

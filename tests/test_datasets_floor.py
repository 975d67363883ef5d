"""The oldest ``datasets`` that ``pyproject.toml`` declares really runs the loader tests.

Slow and online (it installs packages from the registry into a scratch environment
outside the repository): run with ``pytest --run-slow tests/test_datasets_floor.py``.
The README (Using the data) gives the same steps by hand and the figures measured.
"""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
MOVES_WITH_DATASETS = ("datasets", "fsspec", "huggingface_hub", "hf-xet", "dill", "multiprocess",
                       "xxhash")  # fmt: skip


def declared_floor() -> str:
    pyproject = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    (spec,) = [d for d in pyproject["project"]["dependencies"] if d.startswith("datasets")]
    match = re.fullmatch(r"datasets>=([0-9.]+)", spec)
    assert match, f"datasets is declared as {spec!r}, not with a lower bound alone"
    return match.group(1)


def test_the_declared_floor_is_a_release() -> None:
    assert declared_floor() == "4.0"


@pytest.mark.slow
def test_loader_tests_pass_on_the_declared_floor(tmp_path: Path) -> None:
    version = declared_floor() + ".0"
    pins = [
        line
        for line in (REPO / "constraints.txt").read_text(encoding="utf-8").splitlines()
        if line.split("==")[0] not in MOVES_WITH_DATASETS
    ]
    constraints = tmp_path / "constraints.txt"
    constraints.write_text("\n".join(pins) + "\n", encoding="utf-8")
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = str(venv / "bin" / "python")
    subprocess.run(
        [python, "-m", "pip", "install", "-q", "-c", str(constraints), "-e", f"{REPO}[test]",
         f"datasets=={version}"],
        check=True,
    )  # fmt: skip
    got = subprocess.run(
        [python, "-c", "import datasets; print(datasets.__version__)"],
        check=True, capture_output=True, text=True,
    ).stdout.strip()  # fmt: skip
    assert got == version
    run = subprocess.run(
        [python, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/test_load.py",
         "tests/test_publish.py"],
        cwd=REPO, capture_output=True, text=True,
    )  # fmt: skip
    assert run.returncode == 0, run.stdout[-3000:]

"""Every notebook in nbs/ is a test: its cells run top to bottom and their assertions must hold.

Each notebook runs in its own process (`tests/nbrun.py`: nbdev_test's cell selection, with full tracebacks), so one
notebook's state cannot leak into another's. `pytest` runs the cells flagged `slow` and `multiproc`
too; `cuda` cells run only where a GPU is present. OPENRS_TEST_FLAGS overrides the set of flags to run.
"""
import os, subprocess, sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted(p for p in (ROOT / "nbs").rglob("*.ipynb")
                   if not p.name.startswith("_") and ".ipynb_checkpoints" not in p.parts)


def tst_flags() -> set[str]:
    from configparser import ConfigParser
    cfg = ConfigParser(); cfg.read(ROOT / "settings.ini")
    return set(cfg["DEFAULT"].get("tst_flags", "").split())


def run_flags() -> set[str]:
    if "OPENRS_TEST_FLAGS" in os.environ: return set(os.environ["OPENRS_TEST_FLAGS"].split())
    import torch
    return {"slow", "multiproc"} | ({"cuda"} if torch.cuda.is_available() else set())


@pytest.mark.parametrize("nb", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook(nb):
    skip = sorted(tst_flags() - run_flags())
    r = subprocess.run([sys.executable, str(ROOT / "tests" / "nbrun.py"), str(nb), *skip], cwd=nb.parent,
                       capture_output=True, text=True, timeout=1800)
    print(r.stdout)
    assert r.returncode == 0, f"{nb.name} failed:\n{r.stderr[-20000:]}"

"""The project's own promises: README in sync with the docs home page, CI runs the README's test command, the package
installs its data and command."""
import re, subprocess, sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
from build_readme import build_readme  # noqa: E402


def readme_commands() -> list[str]:
    return re.findall(r"^(pip install .*)$", (ROOT / "README.md").read_text(), flags=re.M)


def test_readme_is_built_from_index():
    assert (ROOT / "README.md").read_text() == build_readme(), "README.md is stale: run python tools/build_readme.py"


def test_readme_has_the_two_commands():
    cmds = readme_commands()
    assert len(cmds) == 2, cmds
    assert cmds[0].startswith("pip install torch==2.13.0") and cmds[1].endswith("&& pytest")
    assert all("-c requirements.lock" in c for c in cmds), cmds  # both install exactly what CI tested


def test_lock_pins_every_requirement():
    "requirements.lock pins each package settings.ini asks for (and the dev tools), exactly once."
    from configparser import ConfigParser
    from packaging.requirements import Requirement
    cfg = ConfigParser(delimiters=["="]); cfg.read(ROOT / "settings.ini")
    wanted = {Requirement(r).name.lower().replace("_", "-") for key in ("requirements", "dev_requirements")
              for r in cfg["DEFAULT"][key].split()}
    lines = [l for l in (ROOT / "requirements.lock").read_text().splitlines() if l.strip() and not l.startswith("#")]
    pins = [l.split("==")[0].lower().replace("_", "-") for l in lines]
    assert all("==" in l for l in lines), [l for l in lines if "==" not in l]
    assert len(pins) == len(set(pins)), "a package pinned twice"
    assert wanted <= set(pins), sorted(wanted - set(pins))


def test_ci_runs_the_readme_test_command():
    ci = (ROOT / ".ci" / "run").read_text()
    assert "grep -m1 -E '^pip install .*&& pytest$' README.md" in ci  # CI reads the command from the README itself
    assert "-c requirements.lock" in ci


def test_openrs_command_and_import():
    r = subprocess.run(["openrs", "--help"], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0 and "generate" in r.stdout, r.stderr
    r = subprocess.run([sys.executable, "-c", "import openrs; print(openrs.__version__)"], capture_output=True,
                       text=True, timeout=120)
    assert r.returncode == 0, r.stderr


def test_package_data_is_declared():
    manifest = (ROOT / "MANIFEST.in").read_text()
    assert all(f"recursive-include openrs/{d}" in manifest for d in ("data", "recipes", "configs"))


def test_notebook_runner_reports_a_failing_cell(tmp_path):
    "The notebook runner must fail on a failing assertion, or no notebook test could fail."
    import json
    nb = {"cells": [{"cell_type": "code", "metadata": {}, "execution_count": None, "outputs": [], "source": src}
                    for src in ("x = 1", "#| slow\nassert False, 'skipped'", "assert x == 2, 'the runner saw this'")],
          "metadata": {"kernelspec": {"name": "python3", "language": "python", "display_name": "python3"}},
          "nbformat": 4, "nbformat_minor": 5}
    path = tmp_path / "failing.ipynb"
    path.write_text(json.dumps(nb))
    r = subprocess.run([sys.executable, str(ROOT / "tests" / "nbrun.py"), str(path), "slow"], capture_output=True,
                       text=True, timeout=300)
    assert r.returncode == 1 and "the runner saw this" in r.stderr, (r.returncode, r.stderr[-2000:])
    nb["cells"] = nb["cells"][:2]
    path.write_text(json.dumps(nb))
    r = subprocess.run([sys.executable, str(ROOT / "tests" / "nbrun.py"), str(path), "slow"], capture_output=True,
                       text=True, timeout=300)
    assert r.returncode == 0, r.stderr[-2000:]  # the flagged cell is skipped


def test_wheel_ships_data_recipes_and_configs(tmp_path):
    "A user who pip-installs openrs (not editable) gets the data sets, recipes and launch configs."
    import zipfile
    r = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w",
                        str(tmp_path), str(ROOT)],
                       capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr[-3000:]
    names = zipfile.ZipFile(next(tmp_path.glob("openrs-*.whl"))).namelist()
    for needed in ("openrs/data/SOURCES.md", "openrs/data/eval/aime24.jsonl", "openrs/data/train/open_rs.jsonl.gz",
                   "openrs/recipes/train/open_rs3.yaml", "openrs/configs/zero2.yaml"):
        assert needed in names, needed

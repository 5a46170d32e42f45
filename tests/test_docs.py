"The docs site's sources, checked where Quarto cannot run: every page has a title and a description, includes resolve."
import json, re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
NBS = ROOT / "nbs"
PAGES = sorted(p for p in NBS.glob("*.ipynb") if not p.name.startswith("_"))


@pytest.mark.parametrize("nb", PAGES, ids=[p.stem for p in PAGES])
def test_page_opens_with_title_and_description(nb):
    first = json.loads(nb.read_text())["cells"][0]
    assert first["cell_type"] == "markdown"
    src = "".join(first["source"])
    assert re.match(r"# \S",
                    src) and "\n> " in src, f"{nb.name}: the first cell should be '# Title' then '> description'"


def test_quarto_project_files_parse():
    for f in ("_quarto.yml", "nbdev.yml"):
        assert isinstance(yaml.safe_load((NBS / f).read_text()), dict), f


def test_qmd_includes_resolve():
    for qmd in NBS.glob("*.qmd"):
        for inc in re.findall(r"\{\{< include (\S+) >\}\}", qmd.read_text()):
            assert (qmd.parent / inc).resolve().exists(), f"{qmd.name}: include {inc} not found"


def test_nbdev_docs_processing_runs_without_errors_or_warnings(tmp_path):
    """nbdev's half of `nbdev_docs`, the part before Quarto: every notebook processed for the site (directives applied,
    exported and import cells executed for `show_doc`). A failing cell or a mixed import cell here would break or
    warn in a user's `nbdev_docs`; Quarto itself cannot run on this machine (TOOLCHAIN.md)."""
    import shutil, subprocess, sys
    shutil.copy(ROOT / "settings.ini", tmp_path)
    shutil.copytree(NBS, tmp_path / "nbs", ignore=shutil.ignore_patterns(".ipynb_checkpoints", "_proc"))
    (tmp_path / "openrs").symlink_to(ROOT / "openrs")
    r = subprocess.run([sys.executable, "-c", "from nbdev.serve import proc_nbs; proc_nbs()"], cwd=tmp_path,
                       capture_output=True, text=True, timeout=900)
    assert r.returncode == 0, r.stderr[-5000:]
    assert "Warning" not in r.stderr, r.stderr[-5000:]
    assert sorted(p.name for p in (tmp_path / "_proc").glob("*.ipynb")) == [p.name for p in PAGES]

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
    assert re.match(r"# \S", src) and "\n> " in src, f"{nb.name}: the first cell should be '# Title' then '> description'"


def test_quarto_project_files_parse():
    for f in ("_quarto.yml", "nbdev.yml"):
        assert isinstance(yaml.safe_load((NBS / f).read_text()), dict), f


def test_qmd_includes_resolve():
    for qmd in NBS.glob("*.qmd"):
        for inc in re.findall(r"\{\{< include (\S+) >\}\}", qmd.read_text()):
            assert (qmd.parent / inc).resolve().exists(), f"{qmd.name}: include {inc} not found"

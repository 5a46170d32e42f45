"""The conventions of CONTRIBUTING.md that a machine can check: layers (imports only point down), line length, cell
size, and one home for each shared default."""
import ast, json, re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PKG = ROOT / "openrs"
# every module of openrs, lowest first: a module may import only modules listed before it (CONTRIBUTING.md, "Layers")
LAYERS = ["core", "stats", "generation", "workers", "conventions", "verify", "answers", "data", "rewards", "rollouts",
          "memory",
          "grpo", "demo",
          "launch", "eval", "report", "cli"]
MODULES = sorted(p.stem for p in PKG.glob("*.py") if p.stem not in ("__init__", "_modidx"))
MAX_LINE = 120
MAX_EXPORTED_CELL = 40  # lines


def openrs_imports(path: Path) -> set[str]:
    "The openrs modules a module imports, at the top or inside functions."
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            mod = node.module or ""
            if node.level == 1: found.add(mod.split(".")[0])
            elif mod.startswith("openrs."): found.add(mod.split(".")[1])
            elif mod == "openrs": found.update(a.name for a in node.names)
        elif isinstance(node, ast.Import):
            found.update(a.name.split(".")[1] for a in node.names if a.name.startswith("openrs."))
    return found & set(MODULES)


def test_every_module_has_a_layer():
    missing = sorted(set(MODULES) ^ set(LAYERS))
    assert sorted(LAYERS) == MODULES, f"add new modules to LAYERS (and to CONTRIBUTING.md): {missing}"


@pytest.mark.parametrize("module", MODULES)
def test_imports_point_down(module):
    "A module imports only lower layers; a lower module names a higher one as a 'module:name' string (load_target)."
    up = {m for m in openrs_imports(PKG / f"{module}.py") if LAYERS.index(m) >= LAYERS.index(module) and m != module}
    assert not up, f"openrs.{module} imports {sorted(up)}, which sit above it in LAYERS"


def _code_lines():
    files = [p for d in (PKG, ROOT / "tests", ROOT / "benchmarks") for p in sorted(d.glob("*.py"))]
    for p in files:
        if p.name == "_modidx.py": continue
        for i, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1): yield p, i, line


def test_lines_are_at_most_120_characters():
    long = [f"{p.relative_to(ROOT)}:{i} ({len(l)})" for p, i, l in _code_lines()
            # nbdev wraps __all__ at 120 before adding its prefix
            if len(l) > MAX_LINE and not l.startswith("__all__ = [")]
    assert not long, f"{len(long)} lines over {MAX_LINE} characters: " + ", ".join(long[:20])


def test_exported_cells_are_short():
    big = []
    for nb in sorted((ROOT / "nbs").glob("*.ipynb")):
        for c in json.loads(nb.read_text(encoding="utf-8"))["cells"]:
            s = "".join(c["source"])
            if c["cell_type"] == "code" and s.startswith("#| export") and s.count("\n") + 1 > MAX_EXPORTED_CELL:
                big.append(f"{nb.name} {c.get('id')} ({s.count(chr(10)) + 1} lines)")
    assert not big, f"exported cells over {MAX_EXPORTED_CELL} lines: " + ", ".join(big)


def test_shared_defaults_have_one_home():
    "The paper's sampling settings and the dtype list are written once (in core); everything else reads them."
    patterns = {"temperature 0.6": r"temperature\b[^\n]{0,12}?\b0\.6\b(?!\d)",
                "top_p 0.95": r"top[_-]p\b[^\n]{0,12}?\b0\.95\b",
                "dtype list": r"[\"']bfloat16[\"'], *[\"']float16[\"']"}
    for what, pat in patterns.items():
        homes = [f"{p.stem}:{i}" for p, i, l in _code_lines() if p.parent == PKG and re.search(pat, l)]
        assert len(homes) <= 1 and all(h.startswith("core:") for h in homes), f"{what} written in {homes}"

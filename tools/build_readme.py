"""Write README.md from nbs/index.ipynb (the docs' home page), without Quarto.

nbdev_readme renders README.md with Quarto, which cannot be installed everywhere (not on our CI).
This does the same job for the parts index.ipynb uses: markdown cells as they are, code cells as
fenced Python without their `#|` directives, hidden cells left out, outputs left out. A cell marked
`#| echo: false` is run (from nbs/) and the Markdown it ends with goes in as text: that is how the README
states numbers read from the committed results instead of typing them.
tests/test_repo.py checks README.md is up to date. Run: python tools/build_readme.py
"""
import ast, json, os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def echo_false_markdown(code: str, cwd: Path, ns: dict) -> str | None:
    "Run a cell's code in `cwd` (in `ns`, shared by the page's cells) and return the text of the `Markdown` its last line gives."
    tree = ast.parse(code)
    last = tree.body.pop() if tree.body and isinstance(tree.body[-1], ast.Expr) else None
    old = os.getcwd()
    try:
        os.chdir(cwd)
        exec(compile(tree, "<cell>", "exec"), ns)
        value = eval(compile(ast.Expression(last.value), "<cell>", "eval"), ns) if last else None
    finally: os.chdir(old)
    return getattr(value, "data", None)


def build_readme(nb_path: Path = ROOT / "nbs" / "index.ipynb") -> str:
    cells = json.loads(nb_path.read_text(encoding="utf-8"))["cells"]
    ns: dict = {}
    parts = ["<!-- generated from nbs/index.ipynb by tools/build_readme.py: edit the notebook, not this file -->"]
    for c in cells:
        src = "".join(c["source"]).strip()
        if c["cell_type"] == "markdown":
            parts.append(src.replace("](images/", "](nbs/images/"))  # figures live beside the notebooks
            continue
        lines = src.splitlines()
        directives = [l for l in lines if l.startswith("#|")]
        if any("hide" in d or "export" in d or "default_exp" in d for d in directives): continue
        code = "\n".join(l for l in lines if not l.startswith("#|")).strip()
        if any("echo: false" in d for d in directives):
            if (text := echo_false_markdown(code, nb_path.parent, ns)) is not None: parts.append(text)
            continue
        if any("eval: false" in d for d in directives):  # shell commands shown, not run
            code = "\n".join(l[3:] if l.startswith("# !") else l[1:] if l.startswith("!") else l for l in code.splitlines())
            parts.append(f"```bash\n{code}\n```")
        elif code:
            parts.append(f"```python\n{code}\n```")
    return "\n\n".join(parts) + "\n"


if __name__ == "__main__":
    (ROOT / "README.md").write_text(build_readme(), encoding="utf-8")
    print("wrote README.md")

"""Small notebook editor for contributors and scripts: read and change cells by id without hand-editing JSON.

    python tools/nb.py cat NB [--from ID] [--grep TEXT]   # every cell: [index] id type, then its source
    python tools/nb.py get NB ID                         # one cell's source
    python tools/nb.py put NB ID < file                  # replace a cell's source (outputs cleared)
    python tools/nb.py add NB AFTER_ID code|markdown < file   # insert a new cell after AFTER_ID ("^" = at the top); prints its id
    python tools/nb.py rm NB ID [ID ...]                 # delete cells
    python tools/nb.py new NB                            # an empty notebook (nbdev's format)

Run `nbdev_clean` afterwards; `nbdev_export` to regenerate the package.
"""
import json, sys, uuid
from pathlib import Path

def load(p): return json.loads(Path(p).read_text(encoding="utf-8"))
def save(p, nb): Path(p).write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
def src(c): return "".join(c["source"])
def lines(s): return s.splitlines(keepends=True) if s else []
def find(nb, i):
    for k, c in enumerate(nb["cells"]):
        if c.get("id") == i: return k
    sys.exit(f"no cell with id {i!r}")

def main(a):
    if not a or a[0] in ("-h", "--help"): print(__doc__); return
    cmd, p, *rest = a
    if cmd == "new":
        save(p,
             {"cells": [],
              "metadata": {"kernelspec": {"display_name": "python3", "language": "python", "name": "python3"}},
                 "nbformat": 4, "nbformat_minor": 5}); return
    nb = load(p)
    if cmd == "cat":
        start = find(nb, rest[rest.index("--from") + 1]) if "--from" in rest else 0
        grep = rest[rest.index("--grep") + 1] if "--grep" in rest else None
        for k, c in enumerate(nb["cells"][start:], start):
            if grep and grep not in src(c): continue
            print(f"## [{k}] {c.get('id')} {c['cell_type']}\n{src(c)}\n")
    elif cmd == "get": print(src(nb["cells"][find(nb, rest[0])]), end="")
    elif cmd == "put":
        c = nb["cells"][find(nb, rest[0])]; c["source"] = lines(sys.stdin.read().rstrip("\n"))
        if c["cell_type"] == "code": c["outputs"], c["execution_count"] = [], None
        save(p, nb)
    elif cmd == "add":
        after, kind = rest[0], rest[1]
        cell = {"cell_type": kind, "id": uuid.uuid4().hex[:8], "metadata": {},
                "source": lines(sys.stdin.read().rstrip("\n"))}
        if kind == "code": cell.update(execution_count=None, outputs=[])
        k = 0 if after == "^" else find(nb, after) + 1
        nb["cells"].insert(k, cell); save(p, nb); print(cell["id"])
    elif cmd == "rm":
        for i in rest: del nb["cells"][find(nb, i)]
        save(p, nb)
    else: sys.exit(f"unknown command {cmd!r}\n{__doc__}")

if __name__ == "__main__": main(sys.argv[1:])

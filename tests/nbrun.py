"""Run one notebook's cells as nbdev_test does, printing a full traceback on failure.

Usage: python tests/nbrun.py NOTEBOOK [SKIP_FLAG...]. Same cell selection as `nbdev.test.test_nb`
(cells flagged with a skipped flag, `#| eval: false` cells and export calls are skipped); the
difference is the error report, which here is the whole traceback of the failing cell.
"""
import os, sys, time, traceback
from pathlib import Path


def run_notebook(fn: Path, skip_flags: set[str]) -> bool:
    from execnb.shell import CaptureShell
    from fastcore.xtras import working_directory
    from nbdev.frontmatter import FrontmatterProc
    from nbdev.process import NBProcessor, nb_lang
    os.environ["IN_TEST"] = "1"
    nb = NBProcessor(fn, procs=FrontmatterProc, process=True).nb
    fm = getattr(nb, "frontmatter_", {})
    if str(fm.get("skip_exec", False)).lower() == "true" or nb_lang(nb) != "python": return True

    def skip(cell):
        if cell.cell_type != "code": return True
        if "nbdev_export" + "(" in cell.source: return True
        direc = getattr(cell, "directives_", {}) or {}
        if direc.get("eval:", [""])[0].lower() == "false": return True
        return bool(skip_flags & direc.keys())

    shell = CaptureShell(fn)
    cells = [c for c in nb.cells if not skip(c)]
    with working_directory(fn.parent):
        for i, cell in enumerate(cells):
            t0 = time.time()
            shell.run(cell.source)  # `run` records the cell's exception in `shell.exc`; `run_cell` does not
            if shell.exc is not None:
                idx = nb.cells.index(cell)
                sys.stderr.write(f"{fn.name}: cell {idx} failed:\n{cell.source}\n\n")
                sys.stderr.write("".join(traceback.format_exception(shell.exc)))
                return False
            if time.time() - t0 > 30: print(f"{fn.name}: cell {nb.cells.index(cell)} took {time.time() - t0:.0f} s")
    return True


if __name__ == "__main__":
    sys.exit(0 if run_notebook(Path(sys.argv[1]).resolve(), set(sys.argv[2:])) else 1)

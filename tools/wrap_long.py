"""Wrap code lines longer than 120 characters in openrs's own style, and touch nothing else.

    python tools/wrap_long.py FILES...           # notebooks (their code cells) and .py files, rewritten in place
    python tools/wrap_long.py --check FILES...   # list the long lines, change nothing

A formatter run over whole files would undo fastcore's compact style (one-line `if x: return y`, short statements
joined by `;`). This breaks only the long lines, the way the code base already does by hand: after a comma inside
brackets, the next line aligned just after the opening bracket (`from openrs.core import (a, b,` / `c)`), or, for a
long string inside brackets, into two adjacent literals. A line it cannot break (a docstring, a comment, a long
string outside brackets) is listed for a person to rewrite. Notebooks: run `nbdev_clean` and `nbdev_export` after.
"""
import io, json, sys, tokenize
from pathlib import Path

MAX = 120


def _tokens(code: str):
    try: return list(tokenize.generate_tokens(io.StringIO(code).readline))
    except (tokenize.TokenError, IndentationError, SyntaxError): return None


def _break_points(code: str, n: int) -> list[tuple[int, int, str]]:
    "Places to break line `n` (1-based): (column to cut at, column to align the rest with, kind, bracket depth)."
    toks = _tokens(code)
    if toks is None: return []
    stack, points = [], []
    for t in toks:
        if t.type == tokenize.OP and t.string in "([{": stack.append(t.start)
        elif t.type == tokenize.OP and t.string in ")]}":
            if stack: stack.pop()
        if t.start[0] != n or not stack: continue
        align = stack[-1][1] + 1 if stack[-1][0] == n else None
        if align is None: continue  # the bracket opened on an earlier line: its continuation indent is already set
        if t.type == tokenize.OP and t.string == "," and t.end[1] < MAX: points.append((t.end[1], align, "comma",
                                                                                        len(stack)))
        if t.type == tokenize.STRING and t.start[1] < MAX - 10 and t.end[1] > MAX and t.start[0] == t.end[0]:
            points.append((t.start[1], align, "string", len(stack)))
    return points


def _split_string(line: str, start: int, align: int) -> list[str] | None:
    "Split the string literal starting at `start` into two adjacent literals, at a space before column MAX."
    prefix_end = start
    while line[prefix_end] not in "'\"": prefix_end += 1
    prefix, quote = line[start:prefix_end], line[prefix_end]
    if line[prefix_end:prefix_end + 3] in ('"""', "'''") or "b" in prefix.lower(): return None
    depth, cut = 0, None
    for i in range(prefix_end + 1, min(len(line), MAX - 1)):
        c = line[i]
        if "f" in prefix.lower() and c in "{}": depth += 1 if c == "{" else -1
        if c == quote and line[i - 1] != "\\": return None  # the literal ends before the limit: nothing to split here
        if c == " " and depth == 0 and line[i - 1] != "\\": cut = i + 1
    if cut is None or cut - start < 10: return None
    return [line[:cut] + quote, " " * align + prefix + quote + line[cut:]]


def wrap(code: str) -> tuple[str, list[str]]:
    "`code` with its long lines broken, and the long lines that remain."
    for _ in range(2000):
        lines = code.split("\n")
        long = [i + 1 for i, l in enumerate(lines) if len(l) > MAX]
        changed = False
        for n in long:
            line = lines[n - 1]
            # outermost brackets first, then the last comma that fits: `f(a, g(b, c))` breaks between a and g(...)
            for col, align, kind, _ in sorted(_break_points(code, n), key=lambda p: (p[2] != "comma", p[3], -p[0])):
                if kind == "comma":
                    rest = line[col:].lstrip()
                    if not rest or rest[0] in "#)]}" or align + len(rest) >= len(line): continue
                    new = [line[:col].rstrip(), " " * align + rest]
                else:
                    new = _split_string(line, col, align)
                    if new is None: continue
                candidate = "\n".join(lines[:n - 1] + new + lines[n:])
                if _tokens(candidate) is None: continue
                code, changed = candidate, True
                break
            if changed: break
        if not changed: break
    return code, [l for l in code.split("\n") if len(l) > MAX]


def main(argv: list[str]) -> int:
    check = "--check" in argv
    left = 0
    for f in (Path(a) for a in argv if a != "--check"):
        if f.suffix == ".ipynb":
            nb = json.loads(f.read_text(encoding="utf-8"))
            for c in nb["cells"]:
                if c["cell_type"] != "code": continue
                src = "".join(c["source"])
                new, rest = (src, [l for l in src.split("\n") if len(l) > MAX]) if check else wrap(src)
                if new != src: c["source"] = new.splitlines(keepends=True)
                left += len(rest)
                for l in rest: print(f"{f}:{c.get('id')}: {len(l)}: {l.strip()[:100]}")
            if not check: f.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        else:
            src = f.read_text(encoding="utf-8")
            new, rest = (src, [l for l in src.split("\n") if len(l) > MAX]) if check else wrap(src)
            if new != src: f.write_text(new, encoding="utf-8")
            left += len(rest)
            for l in rest: print(f"{f}: {len(l)}: {l.strip()[:100]}")
    print(f"{left} lines over {MAX} characters left")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

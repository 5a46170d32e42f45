"""Ruling alternatives out before ANTLR predicts (`openrs.verify._ruling_out`) never changes a parse tree.

Every string that grading gives latex2sympy is parsed three ways: in full LL mode (ANTLR's reference), the way
openrs parses it (SLL after ruling alternatives out, and LL with only certain rulings if SLL fails), and in plain
SLL mode (for the figure of how often SLL alone is enough). The trees must be identical.

    python tests/test_answers_parsing.py --all   # every gold of the shipped sets, two variants each (minutes)
"""
import json, random, sys

from openrs import answers, verify
from openrs.core import load_shipped_rows, read_jsonl

SETS = ("open_rs", "math_train", "deepscaler_aime", "math500", "minerva", "olympiadbench", "aime24", "aime25", "amc23",
        "amc22_23")


def variants(gold: str, rng: random.Random) -> list[str]:
    "The gold, a digit of it changed (a wrong answer of the same shape), and `+1` appended."
    digits = [i for i, c in enumerate(gold) if c.isdigit()]
    if not digits: return [gold, gold + "+1"]
    i = rng.choice(digits)
    return [gold, gold[:i] + str((int(gold[i]) + rng.randint(1, 8)) % 10) + gold[i + 1:], gold + "+1"]


def corpus(per_set: int | None, seed: int = 0) -> list[str]:
    "Golds of the shipped sets (`per_set` of each; None: all) with variants, the labelled table, Math-Verify's cases."
    rng, texts = random.Random(seed), []
    for name in SETS:
        golds = sorted({r["answer"] for r in load_shipped_rows(name)
                        if isinstance(r.get("answer"), str) and r["answer"].strip()})
        for g in golds if per_set is None else rng.sample(golds, min(per_set, len(golds))): texts += variants(g, rng)
    for path in (answers.answer_cases_path(), answers.math_verify_cases_path()):
        for row in read_jsonl(path):
            answer = answers.extract_answer(row.get("completion", row.get("prediction")))
            texts += [row["gold"]] + ([answer] if answer else [])
    return texts


def parser_inputs(texts: list[str]) -> list[str]:
    "The distinct strings latex2sympy is given when grading parses `texts` (after math-verify's normalisation)."
    verify._mv()
    seen, orig = {}, verify._TwoStageParser.math
    def record(self):
        seen[self.latex] = None
        raise ValueError("recorded, not parsed")
    verify._TwoStageParser.math = record
    try:
        for t in texts:
            try: answers.parse_answer.__wrapped__(answers.to_latex(t))
            except Exception: pass
    finally: verify._TwoStageParser.math = orig
    return list(seen)


def trees(latex: str) -> tuple:
    "(full LL's tree, openrs's tree, whether openrs needed LL, plain SLL's tree); a tree is None on a syntax error."
    from antlr4.atn.PredictionMode import PredictionMode
    from latex2sympy2_extended.latex2sympy2 import _Latex2Sympy
    verify._mv()  # installs openrs's parser factory on latex2sympy
    owner = _Latex2Sympy()
    create = owner.create_parser("").create  # latex2sympy's own parser factory
    def parse(mode):
        p = create(owner, latex)
        if mode in ("sll", "ruled"): p._interp.predictionMode = PredictionMode.SLL
        if mode in ("ruled", "ruled_ll"): p._interp.adaptivePredict = verify._ruling_out(p._interp, mode == "ruled_ll")
        try: return p.math().toStringTree(recog=p)
        except Exception: return None
    ruled = parse("ruled")
    return parse("ll"), ruled if ruled is not None else parse("ruled_ll"), ruled is None, parse("sll")


def check(per_set: int | None) -> dict:
    inputs = parser_inputs(corpus(per_set))
    out = dict(strings=len(inputs), identical=0, sll_enough=0, sll_after_ruling_out=0, differ=[])
    for latex in inputs:
        ll, ours, fell_back, sll = trees(latex)
        out["identical"] += ll == ours
        out["sll_enough"] += sll is not None
        out["sll_after_ruling_out"] += not fell_back
        if ll != ours: out["differ"].append(latex)
    return out


def test_ruling_out_keeps_full_ll_trees():
    r = check(per_set=40)
    assert r["strings"] > 1000 and r["differ"] == [], r["differ"][:5]
    assert r["sll_after_ruling_out"] > r["sll_enough"]  # fewer second parses


def test_ruling_out_on_a_few_shapes():
    sll_fails = [r"a^b > \frac{3^n}{n}", r"\int_0^1 x \, dx", r"\frac{v_0}{r_0} \frac{1}{(1+r/r_0)^{3/2}}"]
    shapes = sll_fails + [r"(x, y) = (1, 2)", r"x \in [0, 1)", r"(-\infty, 2) \cup (3, \infty)",
                          r"\{1 \pm \sqrt{5}, -2\}", r"|x| + |y|", r"\sum_{i=1}^{n} i x", r"f(x) = \sin x \cos x",
                          "}{", r"\frac{1}{",
                          r"\int x dx dy", r"\int_0^1\int_0^1 x dx dy", r"\int x \frac{dy}{dx} dx",
                          r"\int_0^1\int_0^1 |f(x) + f(y)| dx \, dy \ge \int_0^1 |f(x)| dx"]
    for s in shapes:
        ll, ours, fell_back, _ = trees(s)
        assert ll == ours, s
    assert not any(trees(s)[2] for s in sll_fails)  # SLL alone fails on these; ruling out, one SLL parse


if __name__ == "__main__":
    result = check(None if "--all" in sys.argv else 40)
    print(json.dumps({k: v if k != "differ" else v[:20] for k, v in result.items()}, indent=1))
    sys.exit(1 if result["differ"] else 0)

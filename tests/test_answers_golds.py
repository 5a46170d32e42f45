"""Gold checking and grading agree: a gold is usable (`check_golds`) exactly when grading can compare answers with
it."""
import random

from openrs import answers, conventions
from openrs.core import load_shipped_rows

TRICKY = [r"-\frac{5}{3}.", r"\dfrac{2469}{20,\!000}", r"\frac{1 \pm \sqrt{5}}{2}", "E_{1},E_{2}", r"16 \mid a_{81}",
          r"AF \perp PG",
          r"(1, 1, \ldots, 1)", "}{", r"\text{(C)}", "52_8", r"n \equiv 1 \pmod{3}", r"\frac{1}{m} t", "x^y = y^x",
          "3.83e35", "E"]


def sample_golds(n: int = 160, seed: int = 0) -> list[str]:
    rng = random.Random(seed)
    golds = sorted({r["answer"] for name in ("open_rs", "minerva", "olympiadbench",
                                             "math500") for r in load_shipped_rows(name)
                    if isinstance(r.get("answer"), str) and r["answer"].strip()})
    return rng.sample(golds, n) + TRICKY


def test_check_golds_agrees_with_grading():
    golds = sample_golds()
    usable = [v is None for v in answers.check_golds(golds)]
    # the gold itself, and two answers that are (almost surely) wrong
    for answer_of in (lambda g: g, lambda g: "0", lambda g: r"\frac{7}{13}"):
        grades = answers.grade([f"\\boxed{{{answer_of(g)}}}" for g in golds], golds, timeout=10.0)
        bad = [(g, u, x.status) for g, u, x in zip(golds, usable, grades) if u != (x.status != "unparsable_gold")]
        assert not bad, bad[:10]
    assert sum(usable) >= 0.9 * len(golds)
    assert dict(zip(TRICKY, usable[-len(TRICKY):])) == {
        r"-\frac{5}{3}.": True, r"\dfrac{2469}{20,\!000}": True, r"\frac{1 \pm \sqrt{5}}{2}": True, "E_{1},E_{2}": True,
        r"16 \mid a_{81}": False, r"AF \perp PG": False, r"(1, 1, \ldots, 1)": False, "}{": False, r"\text{(C)}": True,
        "52_8": True,
        r"n \equiv 1 \pmod{3}": True, r"\frac{1}{m} t": True, "x^y = y^x": True, "3.83e35": True, "E": True}


def test_check_golds_reads_numbers_without_workers():
    "Numbers, fractions, choices and constants are checked in the calling process: no worker is asked."
    answers.reset_answer_stats()
    before = answers.answer_pool().start().restarts
    calls = []
    orig = answers.AnswerPool.run
    answers.AnswerPool.run = lambda self, items, *a, **k: (calls.append(len(items)), orig(self, items, *a, **k))[1]
    try:
        assert answers.check_golds(["25", "-3", r"\frac{14}{3}", "0.5", r"3\sqrt{13}", r"\text{(E)}", "(1, 2)", "1,-2",
                                    r"\pi"]) == [None] * 9
    finally: answers.AnswerPool.run = orig
    assert calls == [] and answers.answer_pool().restarts == before


def test_expression_reader_agrees_with_math_verify():
    """The exact reader of expressions in variables (`openrs.answers.expression_differs`) never calls equal forms
    different, and reads only golds math-verify parses."""
    import sympy as sp
    from fractions import Fraction
    rng = random.Random(1)
    opt = answers.GradeOptions()
    golds = sorted({r["answer"] for name in ("open_rs", "math500", "minerva", "olympiadbench",
                                             "math_train") for r in load_shipped_rows(name)
                    if isinstance(r.get("answer"), str) and r["answer"].strip()})
    read = [g for g in golds if conventions._exact_expression(conventions._bare(answers.squash(g, opt), opt))]
    assert len(read) >= 300
    sample = rng.sample(read, 150)
    assert [g for g in sample if answers.gold_problem(g, opt) is not None] == []  # usable: math-verify parses each
    checked = 0
    for g in sample:
        p = next(x for x in answers.parse_gold(g, opt) if not isinstance(x, str))
        if not isinstance(p, sp.Expr): continue
        for form in {sp.latex(f(p)) for f in (lambda e: e, sp.expand, sp.factor, sp.together)}:
            checked += 1
            assert not answers.expression_differs(conventions._bare(answers.squash(g, opt), opt),
                                                  conventions._bare(answers.squash(form, opt), opt),
                                                  Fraction(1, 10 ** 6)), (g, form)
    assert checked >= 150

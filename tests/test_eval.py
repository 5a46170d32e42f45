"Plain tests of openrs.eval beside the notebook: metrics against brute force, every shipped gold answer checked."
import itertools, math

import pytest
from hypothesis import given, settings, strategies as st

from openrs.eval import (BENCHMARKS, benchmark_rows, bootstrap_ci, get_benchmark, grade_completions, maj_at_k,
                         majority_correct, pass_at_k, paired_bootstrap, per_problem_pass_at_k)


@settings(max_examples=300, deadline=None)
@given(st.integers(1, 9).flatmap(lambda n: st.tuples(st.just(n), st.integers(0, n), st.integers(1, n))))
def test_pass_at_k_is_the_fraction_of_k_subsets_with_a_correct_sample(nck):
    n, c, k = nck
    samples = [True] * c + [False] * (n - c)
    subsets = list(itertools.combinations(samples, k))
    assert math.isclose(pass_at_k(n, c, k), sum(any(s) for s in subsets) / len(subsets), abs_tol=1e-12)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["1", "2", "3", None]), st.booleans()), min_size=1, max_size=6), st.data())
def test_maj_at_k_estimates_the_mean_over_k_subsets(samples, data):
    # answers must be consistent with correctness: "1" is the only correct answer
    answers = [a for a, _ in samples]
    correct = [a == "1" for a in answers]
    k = data.draw(st.integers(1, len(samples)))
    exact = [majority_correct([answers[i] for i in s],
                              [correct[i] for i in s]) for s in itertools.combinations(range(len(samples)), k)]
    assert abs(maj_at_k(answers, correct, k, draws=1500) - sum(exact) / len(exact)) < 0.06


def test_pass_at_1_is_avg_at_k_and_bootstrap_brackets_the_mean():
    correct = [[True, False, True, True], [False] * 4, [True] * 4, [None, True, False, False]]
    scores = per_problem_pass_at_k(correct, 1)
    assert scores.tolist() == [0.75, 0.0, 1.0, 0.25]
    lo, hi = bootstrap_ci(scores, n_boot=4000)
    assert 0 <= lo < scores.mean() < hi <= 1
    assert paired_bootstrap(scores, scores)["ci"] == [0.0, 0.0]


# Gold answers that no reader of openrs can compare answers with (math-verify reads no expression in them): those
# problems are graded `unparsable_gold` (undecided, counted wrong) for every model, and the eval summary counts them.
UNUSABLE_GOLDS = {"minerva": {"minerva-27"},
                  "olympiadbench": {"olympiadbench-1782", "olympiadbench-1965", "olympiadbench-2045"}}


@pytest.mark.parametrize("name", list(BENCHMARKS))
def test_every_gold_answer_boxed_is_graded_correct(name):
    "The wiring of each benchmark (which gold, which options, multiple answers) accepts its own gold answers."
    from openrs.answers import check_golds
    b = get_benchmark(name)
    wrong, unusable = [], set()
    for row in benchmark_rows(name):
        golds = b.gold(row) if isinstance(b.gold(row), list) else [b.gold(row)]
        usable = [g for g, problem in zip(golds, check_golds(golds)) if problem is None]
        got = grade_completions(name, row, [f"Done.\n</think>\nThe answer is $\\boxed{{{(usable or golds)[0]}}}$."],
                                timeout=10)[0]
        if not usable:
            unusable.add(row["id"])
            if got["status"] != "unparsable_gold": wrong.append((row["id"], golds[0], got["status"]))
        elif got["correct"] is not True: wrong.append((row["id"], usable[0], got["status"]))
    assert not wrong, wrong[:10]
    assert unusable == UNUSABLE_GOLDS.get(name, set())


def test_unboxed_is_a_run_option_that_changes_verdicts_and_the_fingerprint():
    "`--unboxed`: a prose answer is no answer by default, read as lighteval reads it when asked; the fingerprint says."
    import dataclasses
    from openrs.eval import EvalConfig, config_fingerprint, get_benchmark, grade_completions
    prose = ["So the final answer is 204."]
    b = get_benchmark("aime24"); row = next(r for r in b.rows() if str(r["answer"]) == "204")
    assert grade_completions(b, row, prose)[0]["correct"] is not True
    lit = dataclasses.replace(b, grading=EvalConfig("tiny", unboxed="latex+expr").grading())
    assert grade_completions(lit, row, prose)[0]["correct"] is True
    ident = {"digest": "x"}
    assert config_fingerprint(EvalConfig("tiny"),
                              ident) != config_fingerprint(EvalConfig("tiny", unboxed="latex+expr"), ident)
    with pytest.raises(ValueError, match="unboxed must be one of"): EvalConfig("tiny", unboxed="prose")

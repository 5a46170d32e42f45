"""Fuzz every registered reward with hostile model output and gold answers.

10,000 seeded inputs (empty, 1 MB, deeply nested braces, unclosed boxes, lone surrogates, LaTeX that
keeps sympy busy, conversational and malformed completions, null and garbage golds), each scored by
every reward in `openrs.rewards.REWARDS` (and one batch in twenty by the accuracy reward that lets
math-verify read a completion without a box), in batches as TRL calls them. Every call must return one
finite float or None per completion, raise nothing, and finish within its time limit plus one second;
no reward may have failed internally (REWARD_ERRORS stays empty); and the answer-checking processes
must be gone after shutdown.
"""
import math, os, random, time

import pytest

from openrs import answers
from openrs.rewards import REWARD_ERRORS, REWARDS, make_reward

N_INPUTS = 10_000
BATCH = 48
ITEM_TIMEOUT = 0.25  # seconds per completion for the rewards that check answers
CALL_TIMEOUT = 3.0  # seconds per call for them (total_timeout)
GRADING = {"accuracy", "cosine", "length"}
# batches per one scored by the accuracy reward with `unboxed` (math-verify reads whole texts: slow on hostile ones)
UNBOXED_EVERY = 20

PATHOLOGICAL = [r"10^{10^{10^{10^{10}}}}", r"(x+1)^{100000000}", r"99999999!", r"2^{2^{2^{2^{2^{2}}}}}", "\\frac{" * 60,
                "{" * 3000 + "1" + "}" * 3000, "\\sqrt{" * 300 + "2" + "}" * 300, "(" * 2000,
                r"x^{x^{x^{x^{x}}}} = y^{y^{y}}", r"\begin{pmatrix}" + "1&" * 400 + r"1\end{pmatrix}",
                r"\sum_{n=1}^{\infty} n^{-s} = \prod_p (1-p^{-s})^{-1}",
                r"\int_0^\infty e^{-x^2}\,dx", r"|n|^c+1 = f(n)", r"\lim_{x\to 0}\frac{\sin x}{x}"]
ANSWERS = ["25", "-1", r"\frac{1}{2}", "0.5", "(1,2)", "x=5", "3.83e35", r"\text{(E)}", "E", r"\sqrt{2}", r"\pi",
           "69, 84",
           r"[1, 2)", r"\begin{pmatrix}1\\2\end{pmatrix}", "", " ", "}{", r"\boxed{1}", "\ud800", "\udfff\ud800",
           "\x00", "é数学", "🙂",
           r"50\%", r"5 \text{ cm}", "1,000", "52_8", r"4.\overline{6}"] + PATHOLOGICAL
GOLDS = ["25", r"\frac{1}{2}", "(1,2)", "x=5", "3.83e35", r"\text{(E)}", "69,84", "52_8", None, "", "}{", "\ud800", 42,
         3.5,
         ["0.2", "20"], [None, "1"], [], {"a": 1}, "a" * 5000, r"\boxed{", PATHOLOGICAL[0], PATHOLOGICAL[2]]
PROSE = ["Let me think.", "Step 1: expand.", "\n- a bullet", "First, we note", "所以答案是", "Итак, ответ", "الجواب هو",
         "\n1. item",
         "$x^2 + y^2$", r"\(a+b\)", "$$\\int f$$", "$unclosed", "the cat the cat the cat", "Finally, done."]
TAGS = ["<think>", "</think>", "<think>\n", "\n</think>\n\n", "<answer>", "</answer>", "\\boxed{", "}", "\\fbox{",
        "\\boxed "]


def completion(rng: random.Random):
    "One hostile completion (a string, a conversation, or something that is neither)."
    kind = rng.random()
    if kind < 0.002: return "x" * 1_000_000 + rng.choice(["", r"\boxed{25}", "</think>\\boxed{"])  # 1 MB
    if kind < 0.01:
        return rng.choice([None, 123, 4.5, b"bytes", [], [{}], [{"role": "assistant"}], [{"content": None}],
                           {"content": "x"}])
    if kind < 0.03: return ""
    parts = []
    for _ in range(rng.randint(0, 12)):
        r = rng.random()
        if r < 0.35: parts.append(rng.choice(PROSE))
        elif r < 0.6: parts.append(rng.choice(TAGS))
        elif r < 0.9: parts.append("\\boxed{" + rng.choice(ANSWERS) + "}")
        else:
            # any code point, surrogates included
            parts.append("".join(chr(rng.randint(0, 0x10FFFF)) for _ in range(rng.randint(1, 20))))
    text = "".join(parts)
    if rng.random() < 0.15: return [{"role": "assistant", "content": text}]
    if rng.random() < 0.03: return [{"role": "assistant", "content": [{"type": "text", "text": text}]}]
    return text


def prompt(rng: random.Random):
    text = rng.choice(["What is $1+1$?", "求 $x$ 的值。", "Найдите $x$.", "", "\ud800?", "日本語の問題"])
    return [{"role": "user", "content": text}] if rng.random() < 0.7 else text


def batches(rng: random.Random):
    "Batches of TRL-style keyword arguments covering N_INPUTS completions; 1 MB completions get a batch of their own."
    done = 0
    while done < N_INPUTS:
        comps = [completion(rng) for _ in range(min(BATCH, N_INPUTS - done))]
        big = [c for c in comps if isinstance(c, str) and len(c) > 100_000]
        small = [c for c in comps if not (isinstance(c, str) and len(c) > 100_000)]
        for group in ([small] if small else []) + [[b] for b in big]:
            n = len(group)
            yield dict(completions=group, answer=[rng.choice(GOLDS) for _ in range(n)],
                       prompts=[prompt(rng) for _ in range(n)],
                       completion_ids=[list(range(rng.choice([0, 1, 100, 3000, 3584, 5000]))) for _ in range(n)])
        done += len(comps)


@pytest.fixture(scope="module")
def rewards():
    answers.answer_pool().start()  # its start-up (a fresh interpreter importing sympy) is not any call's time
    fns = {name: make_reward(name,
                             **({"timeout": ITEM_TIMEOUT,
                                 "total_timeout": CALL_TIMEOUT} if name in GRADING else {})) for name in REWARDS}
    # math-verify reads the text
    fns["accuracy_unboxed"] = make_reward("accuracy", timeout=ITEM_TIMEOUT, total_timeout=CALL_TIMEOUT,
                                          unboxed="latex+expr")
    yield fns


def test_every_reward_survives_hostile_input(rewards):
    rng = random.Random(20251125)
    REWARD_ERRORS.clear()
    n_inputs, n_calls, slowest = 0, 0, {}
    for b, kw in enumerate(batches(rng)):
        n = len(kw["completions"])
        n_inputs += n
        for name, fn in rewards.items():
            if name == "accuracy_unboxed" and b % UNBOXED_EVERY: continue
            t0 = time.monotonic()
            out = fn(**kw)
            elapsed = time.monotonic() - t0
            limit = CALL_TIMEOUT if name in GRADING or name == "accuracy_unboxed" else 0.0
            assert elapsed <= limit + 1.0, f"{name} took {elapsed:.2f} s on a batch of {n} (limit {limit} s + 1 s)"
            what = f"{type(out).__name__} of length {len(out)}"
            assert isinstance(out, list) and len(out) == n, f"{name} returned {what} for {n}"
            assert all(x is None or (type(x) is float and math.isfinite(x)) for x in out), f"{name} returned {out}"
            slowest[name] = max(slowest.get(name, 0.0), elapsed)
            n_calls += 1
    assert n_inputs >= N_INPUTS
    assert not REWARD_ERRORS, f"rewards raised internally: {dict(REWARD_ERRORS)}"
    print(f"{n_inputs} inputs x {len(rewards)} rewards in {n_calls} calls; slowest call per reward (s):",
          {k: round(v, 2) for k, v in slowest.items()}, "answer stats:", answers.answer_stats())


def test_time_limit_holds_in_threads():
    "math-verify's own timeouts raise off the main thread; ours do not, and they still stop runaway work."
    from concurrent.futures import ThreadPoolExecutor
    acc = make_reward("accuracy", timeout=ITEM_TIMEOUT)
    jobs = [[f"\\boxed{{{k}^{{{k}^{{{k}^{{{k}^{{{k}}}}}}}}}}}"] for k in range(11, 17)] + [["\\boxed{25}"]]
    t0 = time.monotonic()
    with ThreadPoolExecutor(4) as ex:
        out = list(ex.map(lambda c: acc(c, answer=["25"]), jobs))
    assert out[-1] == [1.0] and all(o == [0.0] for o in out[:-1]), out
    assert time.monotonic() - t0 <= ITEM_TIMEOUT * len(jobs) + 1.0


def _descendants(pid: int) -> set[int]:
    "Process ids of all descendants of `pid` (Linux /proc)."
    out, todo = set(), [pid]
    while todo:
        p = todo.pop()
        try: kids = open(f"/proc/{p}/task/{p}/children").read().split()
        except OSError: continue
        for k in map(int, kids):
            if k not in out: out.add(k); todo.append(k)
    return out


@pytest.mark.skipif(not os.path.exists(f"/proc/{os.getpid()}/task/{os.getpid()}/children"),
                    reason="needs Linux /proc children")
def test_shutdown_leaves_no_processes():
    pool = answers.answer_pool().start()
    procs = _descendants(pool.proc.pid) | {pool.proc.pid}
    assert len(procs) == pool.workers + 1, procs  # the supervisor and its workers
    answers.shutdown()
    time.sleep(0.5)
    alive = [p for p in procs if os.path.exists(f"/proc/{p}") and open(f"/proc/{p}/stat").read().split()[2] != "Z"]
    assert not alive, f"left running after shutdown: {alive}"
    assert answers.grade(["\\boxed{2}"], ["2"])[0].correct  # and a later call starts a fresh pool
    answers.shutdown()

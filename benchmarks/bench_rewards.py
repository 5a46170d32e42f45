"""Throughput of openrs's accuracy reward against the paper's in-process math-verify reward.

Scores the same realistic completions (built from shipped reference solutions: right answers,
right answers in another form, wrong answers, completions cut off by the length cap, malformed
boxes) with

- `openrs.rewards.accuracy_reward`: cheap exact paths, memoised verdicts, golds parsed once per
  worker, math-verify in a pool of killable worker processes with a hard time limit; and
- the paper's reward (knoveleng/open-rs `src/open_r1/rewards.py::accuracy_reward`): in the calling
  process, gold and completion parsed on every call, math-verify's signal timeouts, and its
  `verify(answer, gold)` argument order (the bug is kept, to measure what the paper ran).

Calls are batches of `--batch` completions (24: 4 prompts x 6 generations, one device's generation
batch in the paper's recipe), like TRL's calls. Both run in one process, batch by batch in turn (so
both see the same machine load); prints completions/s for each and, last, the ratio.

    python benchmarks/bench_rewards.py                 # 5,000 completions on training problems (open-rs)
    python benchmarks/bench_rewards.py --mix eval      # ... on the evaluation sets' answer styles
    python benchmarks/bench_rewards.py --n 500         # quick look

Writes benchmarks/results/rewards_<mix>.json. The machine may be shared: the load average at start and
end is recorded beside the numbers.
"""
from __future__ import annotations

import argparse, inspect, json, logging, os, platform, random, re, sys, time
from pathlib import Path

MIXES = {  # prompts per shipped set (6 completions each)
    "train": {"open_rs": 834},  # what the reward scores in training: the paper's 7,000-problem mix
    "eval": {"math500": 300, "olympiadbench": 200, "minerva": 100, "aime24": 30, "open_rs": 204},  # harder answer styles
}
KINDS = {"correct": 0.35, "other_form": 0.15, "wrong": 0.30, "truncated": 0.12, "malformed": 0.08}


def other_form(ans: str, rng: random.Random) -> str:
    "The same answer written differently: some forms a string rule can see, some only a parser can."
    if re.fullmatch(r"-?\d+", ans):
        n = int(ans)
        return rng.choice([f"x = {n}", rf"{n} \text{{ units}}", f"{n}.0", rf"\sqrt{{{n * n}}}" if n >= 0 else f"-\\sqrt{{{n * n}}}"])
    m = re.fullmatch(r"\\d?frac\{(\d+)\}\{(\d+)\}", ans)
    if m: return rng.choice([f"{m.group(1)}/{m.group(2)}", rf"\frac{{{2 * int(m.group(1))}}}{{{2 * int(m.group(2))}}}", rf"{m.group(1)} \div {m.group(2)}"])
    if "\\left" in ans: return ans.replace("\\left", "").replace("\\right", "").replace("\\frac", "\\dfrac")
    return " " + ans.replace("\\frac", "\\dfrac").replace("(", "\\left(").replace(")", "\\right)").replace(",", " , ") + " "


def wrong_form(ans: str, rng: random.Random) -> str:
    "A nearby wrong answer."
    if re.fullmatch(r"-?\d+", ans): return str(int(ans) + rng.choice([-2, -1, 1, 3, 10]))
    digits = [i for i, c in enumerate(ans) if c.isdigit()]
    if digits:
        i = rng.choice(digits)
        return ans[:i] + str((int(ans[i]) + rng.randint(1, 8)) % 10) + ans[i + 1:]
    return ans + "+1"


def make_completions(n: int, seed: int = 0, mix: str = "train") -> tuple[list[str], list[str], list[str]]:
    "`n` completions, their gold answers and their kinds, in groups of 6 per prompt."
    from openrs.core import load_shipped_rows
    from openrs.rewards import r1_completion
    rng = random.Random(seed)
    rows = []
    for name, k in MIXES[mix].items():
        pool = [r for r in load_shipped_rows(name) if r.get("solution") and isinstance(r.get("answer"), str)]
        rows += rng.sample(pool, min(k, len(pool)))
    rng.shuffle(rows)
    comps, golds, kinds = [], [], []
    kinds_list, weights = list(KINDS), list(KINDS.values())
    while len(comps) < n:
        for r in rows:
            reasoning, ans = r["solution"], r["answer"]
            for _ in range(6):
                kind = rng.choices(kinds_list, weights)[0]
                if kind == "correct": c = r1_completion(reasoning, ans)
                elif kind == "other_form": c = r1_completion(reasoning, other_form(ans, rng))
                elif kind == "wrong": c = r1_completion(reasoning, wrong_form(ans, rng))
                elif kind == "truncated": c = reasoning[: int(len(reasoning) * rng.uniform(0.2, 0.9))]
                else: c = rng.choice([reasoning + "\n</think>\n\n\\boxed{" + ans, reasoning + "\n</think>\n\n\\boxed{}",
                                      reasoning + "\n</think>\n\n\\boxed{\\frac{\\frac{1}{}", "\\boxed{" + "{" * 2000 + "1"])
                comps.append(c); golds.append(ans); kinds.append(kind)
                if len(comps) == n: return comps, golds, kinds
    return comps, golds, kinds


def paper_accuracy_reward(completions: list[str], solution: list[str]) -> list[float]:
    "The paper's accuracy reward (open-rs rewards.py), with gold answers wrapped in $…$: parse both every call, verify(answer, gold)."
    from latex2sympy2_extended import NormalizationConfig
    from math_verify import LatexExtractionConfig, parse, verify
    rewards = []
    for content, sol in zip(completions, solution):
        gold_parsed = parse(f"${sol}$", extraction_mode="first_match", extraction_config=[LatexExtractionConfig()])
        if len(gold_parsed) != 0:
            answer_parsed = parse(content, extraction_config=[LatexExtractionConfig(
                normalization_config=NormalizationConfig(nits=False, malformed_operators=False, basic_latex=True, equations=True, boxed="all", units=True),
                boxed_match_priority=0, try_extract_without_anchor=False)], extraction_mode="first_match")
            try: reward = float(verify(answer_parsed, gold_parsed))
            except Exception: reward = 0.0
        else: reward = 1.0
        rewards.append(reward)
    return rewards


def interleaved(fns: dict, comps, golds, batch):
    "Run every function in `fns` on each batch in turn (so both see the same machine load); per function: rewards, seconds, slowest call."
    res = {k: ([], 0.0, 0.0) for k in fns}
    for j, i in enumerate(range(0, len(comps), batch)):
        order = list(fns) if j % 2 == 0 else list(fns)[::-1]  # alternate who goes first
        for k in order:
            t = time.perf_counter()
            r = fns[k](comps[i:i + batch], golds[i:i + batch])
            dt = time.perf_counter() - t
            out, total, slow = res[k]
            res[k] = (out + list(r), total + dt, max(slow, dt))
    return res


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=5000, help="completions")
    ap.add_argument("--batch", type=int, default=24, help="completions per reward call")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--mix", choices=list(MIXES), default="train", help="problems: the training mix (open-rs) or the evaluation sets")
    ap.add_argument("--timeout", type=float, default=None, help="openrs's per-completion limit in seconds (default: the reward's)")
    ap.add_argument("--out", default=None, help="results file (default benchmarks/results/rewards_<mix>.json)")
    args = ap.parse_args(argv)
    logging.getLogger("math_verify").setLevel(logging.ERROR)
    from openrs.answers import answer_pool, answer_stats, reset_answer_stats
    from openrs.rewards import REWARDS, make_reward
    accuracy_reward = make_reward("accuracy", **({} if args.timeout is None else {"timeout": args.timeout}))
    timeout = args.timeout if args.timeout is not None else inspect.signature(REWARDS["accuracy"]).parameters["timeout"].default
    statuses: list[str] = []  # each completion's grading status, through TRL's log_extra hook

    load0 = os.getloadavg()
    comps, golds, kinds = make_completions(args.n, args.seed, args.mix)
    print(f"{len(comps)} completions from {len(set(golds))} gold answers; kinds: " +
          ", ".join(f"{k} {kinds.count(k)}" for k in KINDS), flush=True)

    t = time.perf_counter(); pool = answer_pool().start(); startup = time.perf_counter() - t
    print(f"openrs: worker pool of {pool.workers} started in {startup:.1f} s (once per process; not in the timing below)", flush=True)
    reset_answer_stats()
    ours_fn = lambda c, g: accuracy_reward(c, answer=g, log_extra=lambda col, values: statuses.extend(values))
    res = interleaved({"openrs": ours_fn, "paper": paper_accuracy_reward}, comps, golds, args.batch)
    (ours, t_ours, slow_ours), (base, t_base, slow_base) = res["openrs"], res["paper"]
    stats = answer_stats()
    print(f"openrs accuracy_reward: {len(comps) / t_ours:,.0f} completions/s ({t_ours:.1f} s; slowest call {slow_ours:.2f} s; "
          f"fast path {stats.get('fast_path', 0)}, memo {stats.get('memo_hits', 0)}, math-verify {stats.get('worker_runs', 0)}, "
          f"timeouts {stats.get('timeout', 0)})", flush=True)
    print(f"paper's reward (in-process, verify(answer, gold)): {len(comps) / t_base:,.0f} completions/s ({t_base:.1f} s; slowest call {slow_base:.2f} s)", flush=True)

    differ = [(k, o, b) for k, o, b in zip(kinds, ours, base) if o != b]
    by_kind = {k: sum(1 for kk, _, _ in differ if kk == k) for k in KINDS}
    print(f"verdicts that differ: {len(differ)} of {len(comps)} (by kind: {by_kind}); openrs mean {sum(x or 0 for x in ours) / len(ours):.3f}, "
          f"paper mean {sum(base) / len(base):.3f}")
    timeouts_by_kind = {k: sum(1 for kk, st in zip(kinds, statuses) if kk == k and st == "timeout") for k in KINDS}
    print(f"openrs timeouts by kind of completion: {timeouts_by_kind} (each scored 0)")
    result = dict(timeouts_by_kind=timeouts_by_kind, mix=args.mix, n=len(comps), batch=args.batch, seed=args.seed, workers=pool.workers, timeout_s=timeout, startup_s=round(startup, 2),
                  openrs_per_s=round(len(comps) / t_ours, 1), paper_per_s=round(len(comps) / t_base, 1),
                  ratio=round(t_base / t_ours, 2), openrs_slowest_call_s=round(slow_ours, 3), paper_slowest_call_s=round(slow_base, 3),
                  openrs_stats=stats, differ=len(differ), differ_by_kind=by_kind, cpu_count=os.cpu_count(),
                  loadavg_start=load0, loadavg_end=os.getloadavg(), python=platform.python_version(),
                  note="2-core development machine shared with other jobs; compare the ratio, not absolute speeds")
    out = Path(args.out or Path(__file__).parent / "results" / f"rewards_{args.mix}.json")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=1) + "\n")
    print(f"ratio (openrs / paper): {t_base / t_ours:.1f}x")


if __name__ == "__main__":
    sys.exit(main())

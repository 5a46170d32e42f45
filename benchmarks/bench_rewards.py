"""Throughput of openrs's accuracy reward against the paper's in-process math-verify reward.

Scores the same realistic completions (built from shipped reference solutions: right answers,
right answers in another form, wrong answers, completions cut off by the length cap, malformed
boxes; proportions in `KINDS`) with

- `openrs.rewards.accuracy_reward` at its defaults (the reward training uses: 5 s per completion):
  cheap exact paths, memoised verdicts, golds parsed once per worker (and a gold's items kept on
  that worker), LaTeX parsed in ANTLR's SLL mode with grammar alternatives ruled out before it
  predicts, wrong answers refuted by evaluation, math-verify in a pool of killable worker processes
  with a hard time limit; and
- the paper's reward (knoveleng/open-rs `src/open_r1/rewards.py::accuracy_reward`): in the calling
  process, gold and completion parsed on every call, math-verify's signal timeouts (5 s each), and
  its `verify(answer, gold)` argument order (the bug is kept, to measure what the paper ran).

Calls are batches of `--batch` completions (24: 4 prompts x 6 generations, one device's generation
batch in the paper's recipe), like TRL's calls. Both run in one process, batch by batch in turn,
alternating which goes first (so both see the same machine load). Before timing, both are warmed
the same way: openrs's checker starts and finishes the warm-up its supervisor does while idle (in a
training run, during the first generations), and the paper's reward grades the same warm-up pairs
(`openrs.verify._WARM_UP`) and parses the same answer shapes (`_WARM_FORMS`; `--paper-warmup pairs`
leaves the shapes out, as the runs recorded before openrs warmed up on them did: the paper's parser
then learns the grammar during the timing). Its start-up is
reported apart: the seconds until the checker is ready, until it is warm, and, in a fresh Python
process, from the process's start to its first verdict that needs a worker.

Prints completions/s for each, CPU seconds (the calling process, and openrs's worker processes: their
ratio, throughput per CPU-second, does not depend on how busy the machine is),
where the paper's time goes by kind of completion and by kind of gold answer (the evidence on how
expensive the wrong variants are), and, last, the ratio.

    python benchmarks/bench_rewards.py                 # 5,000 completions on training problems (open-rs)
    python benchmarks/bench_rewards.py --mix eval      # ... on the evaluation sets' answer styles
    python benchmarks/bench_rewards.py --n 500         # quick look

Writes benchmarks/results/rewards_<mix>.json. The machine may be shared: the load average at start and
end is recorded beside the numbers.
"""
from __future__ import annotations

import argparse, json, logging, os, platform, random, re, sys, time
from collections import Counter
from pathlib import Path

MIXES = {  # prompts per shipped set (6 completions each)
    "train": {"open_rs": 834},  # what the reward scores in training: the paper's 7,000-problem mix
    "eval": {"math500": 300, "olympiadbench": 200, "minerva": 100, "aime24": 30,  # harder answer styles
             "open_rs": 204},
}
KINDS = {"correct": 0.35, "other_form": 0.15, "wrong": 0.30, "truncated": 0.12, "malformed": 0.08}


def other_form(ans: str, rng: random.Random) -> str:
    "The same answer written differently: some forms a string rule can see, some only a parser can."
    if re.fullmatch(r"-?\d+", ans):
        n = int(ans)
        root = rf"\sqrt{{{n * n}}}" if n >= 0 else f"-\\sqrt{{{n * n}}}"
        return rng.choice([f"x = {n}", rf"{n} \text{{ units}}", f"{n}.0", root])
    m = re.fullmatch(r"\\d?frac\{(\d+)\}\{(\d+)\}", ans)
    if m:
        a, b = m.group(1), m.group(2)
        return rng.choice([f"{a}/{b}", rf"\frac{{{2 * int(a)}}}{{{2 * int(b)}}}", rf"{a} \div {b}"])
    if "\\left" in ans: return ans.replace("\\left", "").replace("\\right", "").replace("\\frac", "\\dfrac")
    spaced = ans.replace("\\frac", "\\dfrac").replace("(", "\\left(").replace(")", "\\right)").replace(",", " , ")
    return " " + spaced + " "


def wrong_form(ans: str, rng: random.Random) -> str:
    "A nearby wrong answer: an integer moved, one digit changed, or (no digit) `+1` appended."
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
                                      reasoning + "\n</think>\n\n\\boxed{\\frac{\\frac{1}{}",
                                      "\\boxed{" + "{" * 2000 + "1"])
                comps.append(c); golds.append(ans); kinds.append(kind)
                if len(comps) == n: return comps, golds, kinds
    return comps, golds, kinds


def gold_style(gold: str) -> str:
    "A coarse kind of gold answer: 'relation' (an equation or inequality), 'symbolic' (has letters) or 'number'."
    if re.search(r"=|<|>|\\le|\\ge|\\neq|\\equiv", gold): return "relation"
    bare = re.sub(r"\\(?:d?frac|sqrt|pi|cdot|times|left|right|text|circ)", "", gold)
    return "symbolic" if re.search(r"[A-Za-z]", bare) else "number"


PAPER_ITEM_SECONDS: list[float] = []  # the paper's seconds per completion, in order (where its time goes)


def paper_accuracy_reward(completions: list[str], solution: list[str]) -> list[float]:
    "The paper's accuracy reward (open-rs rewards.py), golds in $…$: both parsed on every call, verify(answer, gold)."
    from latex2sympy2_extended import NormalizationConfig
    from math_verify import LatexExtractionConfig, parse, verify
    rewards = []
    for content, sol in zip(completions, solution):
        t = time.perf_counter()
        gold_parsed = parse(f"${sol}$", extraction_mode="first_match", extraction_config=[LatexExtractionConfig()])
        if len(gold_parsed) != 0:
            answer_parsed = parse(content, extraction_config=[LatexExtractionConfig(
                normalization_config=NormalizationConfig(nits=False, malformed_operators=False, basic_latex=True,
                                                         equations=True, boxed="all", units=True),
                boxed_match_priority=0, try_extract_without_anchor=False)], extraction_mode="first_match")
            try: reward = float(verify(answer_parsed, gold_parsed))
            except Exception: reward = 0.0
        else: reward = 1.0
        rewards.append(reward)
        PAPER_ITEM_SECONDS.append(time.perf_counter() - t)
    return rewards


def interleaved(fns: dict, comps, golds, batch):
    """Each function of `fns` on each batch in turn, alternating who goes first; per function: rewards, seconds,
    CPU seconds of this process, slowest call."""
    res = {k: dict(out=[], seconds=0.0, cpu=0.0, slowest=0.0) for k in fns}
    for j, i in enumerate(range(0, len(comps), batch)):
        for k in (list(fns) if j % 2 == 0 else list(fns)[::-1]):
            t, c = time.perf_counter(), time.process_time()
            r = fns[k](comps[i:i + batch], golds[i:i + batch])
            dt, dc = time.perf_counter() - t, time.process_time() - c
            res[k]["out"] += list(r); res[k]["seconds"] += dt; res[k]["cpu"] += dc
            res[k]["slowest"] = max(res[k]["slowest"], dt)
    return res


def tree_cpu(pid: int) -> float | None:
    "CPU seconds used so far by a process and its living descendants (None if the process is gone)."
    import psutil
    try:
        p = psutil.Process(pid)
        procs = [p, *p.children(recursive=True)]
    except psutil.Error: return None
    total = 0.0
    for q in procs:
        try: total += sum(q.cpu_times()[:2])
        except psutil.Error: pass  # ended meanwhile
    return total


FIRST_VERDICT = """
import time; t0 = time.monotonic()
from openrs.answers import grade
g = grade([r"\\boxed{x+1}"], ["1+x"])[0]  # needs a worker: no cheap path decides it
print(time.monotonic() - t0, g.status)
"""


def first_verdict_seconds() -> float:
    "Seconds from a fresh Python process's first line to its first verdict that needs a worker (not counting start-up)."
    import subprocess
    out = subprocess.run([sys.executable, "-c", FIRST_VERDICT], capture_output=True, text=True, timeout=600)
    secs, status = out.stdout.split()
    assert status == "correct", out.stdout + out.stderr
    return float(secs)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=5000, help="completions")
    ap.add_argument("--batch", type=int, default=24, help="completions per reward call")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--mix", choices=list(MIXES), default="train",
                    help="problems: the training mix (open-rs) or the evaluation sets")
    ap.add_argument("--paper-warmup", choices=["forms", "pairs"], default="forms",
                    help="warm the paper's reward on the checker's pairs and answer shapes (default, as openrs's "
                         "supervisor warms up) or on its pairs only")
    ap.add_argument("--note", default="", help="a remark to store with the figures (what else ran on the machine)")
    ap.add_argument("--out", default=None, help="results file (default benchmarks/results/rewards_<mix>.json)")
    args = ap.parse_args(argv)
    logging.getLogger("math_verify").setLevel(logging.ERROR)
    logging.getLogger("latex2sympy2_extended").setLevel(logging.ERROR)  # equations=True warns on every call: not timed
    from openrs import answers, verify
    from openrs.rewards import REWARDS, make_reward
    import inspect
    accuracy_reward = make_reward("accuracy")  # the defaults training uses
    timeout = inspect.signature(REWARDS["accuracy"]).parameters["timeout"].default
    statuses: list[str] = []  # each completion's grading status, through TRL's log_extra hook

    load0 = os.getloadavg()
    comps, golds, kinds = make_completions(args.n, args.seed, args.mix)
    styles = [gold_style(g) for g in golds]
    print(f"{len(comps)} completions from {len(set(golds))} gold answers; kinds: " +
          ", ".join(f"{k} {kinds.count(k)} ({kinds.count(k) / len(kinds):.0%})" for k in KINDS) +
          "; gold answers: " + ", ".join(f"{s} {styles.count(s) / len(styles):.0%}" for s in ("number", "symbolic",
                                                                                              "relation")), flush=True)

    first_verdict = first_verdict_seconds()
    t = time.perf_counter(); pool = answers.answer_pool().start(); ready = time.perf_counter() - t
    pool.start(warm=True); startup = time.perf_counter() - t
    print(f"openrs: first verdict {first_verdict:.2f} s after a fresh process starts; worker pool of {pool.workers} "
          f"ready in {ready:.2f} s, "
          f"warm in {startup:.1f} s (once per process; not in the timing below)", flush=True)
    t = time.perf_counter()
    paper_accuracy_reward([f"\\boxed{{{a}}}" for _, a in verify._WARM_UP],
                          [g for g, _ in verify._WARM_UP])  # what the supervisor warms up on
    if args.paper_warmup == "forms":
        paper_accuracy_reward([f"\\boxed{{{f}}}" for f in verify._WARM_FORMS], ["1"] * len(verify._WARM_FORMS))
    paper_warmup = time.perf_counter() - t
    PAPER_ITEM_SECONDS.clear()
    answers.reset_answer_stats()
    cpu0 = tree_cpu(pool.proc.pid)
    ours_fn = lambda c, g: accuracy_reward(c, answer=g, log_extra=lambda col, values: statuses.extend(values))
    res = interleaved({"openrs": ours_fn, "paper": paper_accuracy_reward}, comps, golds, args.batch)
    cpu1 = tree_cpu(pool.proc.pid)
    ours, base = res["openrs"], res["paper"]
    stats = answers.answer_stats()
    workers_cpu = None if cpu0 is None or cpu1 is None or stats.get("worker_restarts") else cpu1 - cpu0
    shown_cpu = workers_cpu if workers_cpu is not None else float('nan')
    print(f"openrs accuracy_reward: {len(comps) / ours['seconds']:,.0f} completions/s ({ours['seconds']:.1f} s; "
          f"slowest call {ours['slowest']:.2f} s; CPU: {ours['cpu']:.1f} s in this process, {shown_cpu:.1f} s in its "
          f"workers; fast path {stats.get('fast_path', 0)}, memo {stats.get('memo_hits', 0)}, "
          f"worker items {stats.get('worker_runs', 0)}, "
          f"timeouts {stats.get('timeout', 0)})", flush=True)
    print(f"paper's reward (in-process, verify(answer, gold)): {len(comps) / base['seconds']:,.0f} completions/s "
          f"({base['seconds']:.1f} s; "
          f"slowest call {base['slowest']:.2f} s; CPU {base['cpu']:.1f} s)", flush=True)

    paper_by = lambda key: {k: round(sum(s for s, kk in zip(PAPER_ITEM_SECONDS, key) if kk == k), 2)
                            for k in dict.fromkeys(key)}
    by_kind, by_style = paper_by(kinds), paper_by(styles)
    wrong_rel = sum(s for s, k, st in zip(PAPER_ITEM_SECONDS, kinds, styles) if k == "wrong" and st == "relation")
    n_wrong_rel = sum(1 for k, st in zip(kinds, styles) if k == "wrong" and st == "relation")
    print(f"paper's seconds by kind of completion: {by_kind}; by kind of gold: {by_style}")
    print(f"  wrong answers to equations and inequalities: {n_wrong_rel} completions "
          f"({n_wrong_rel / len(comps):.1%}) take "
          f"{wrong_rel:.1f} s ({wrong_rel / max(1e-9, sum(PAPER_ITEM_SECONDS)):.0%} of the paper's time)")
    differ = [(k, o, b) for k, o, b in zip(kinds, ours["out"], base["out"]) if o != b]
    by_kind_differ = {k: sum(1 for kk, _, _ in differ if kk == k) for k in KINDS}
    print(f"verdicts that differ: {len(differ)} of {len(comps)} (by kind: {by_kind_differ}); openrs mean "
          f"{sum(x or 0 for x in ours['out']) / len(comps):.3f}, paper mean {sum(base['out']) / len(comps):.3f}")
    timeouts_by_kind = {k: sum(1 for kk, st in zip(kinds, statuses) if kk == k and st == "timeout") for k in KINDS}
    print(f"openrs timeouts by kind of completion: {timeouts_by_kind} (each scored 0)")
    load1 = os.getloadavg()
    ratio = base["seconds"] / ours["seconds"]
    ratio_startup = (base["seconds"] + paper_warmup) / (ours["seconds"] + startup)
    cpu_ratio = None if workers_cpu is None else base["cpu"] / (ours["cpu"] + workers_cpu)
    result = dict(mix=args.mix, n=len(comps), batch=args.batch, seed=args.seed, workers=pool.workers, timeout_s=timeout,
                  paper_warmup=args.paper_warmup, kinds={k: kinds.count(k) for k in KINDS},
                  gold_styles=dict(Counter(styles)), first_verdict_s=round(first_verdict, 2),
                  ready_s=round(ready, 2), startup_s=round(startup, 2),
                  paper_warmup_s=round(paper_warmup, 2), openrs_s=round(ours["seconds"], 2),
                  paper_s=round(base["seconds"], 2), openrs_per_s=round(len(comps) / ours["seconds"], 1),
                  paper_per_s=round(len(comps) / base["seconds"], 1), ratio=round(ratio, 2),
                  ratio_with_startup=round(ratio_startup, 2),
                  cpu_ratio=None if cpu_ratio is None else round(cpu_ratio, 2),
                  openrs_cpu_main_s=round(ours["cpu"], 2),
                  openrs_cpu_workers_s=None if workers_cpu is None else round(workers_cpu, 2),
                  paper_cpu_s=round(base["cpu"], 2), openrs_slowest_call_s=round(ours["slowest"], 3),
                  paper_slowest_call_s=round(base["slowest"], 3),
                  paper_seconds_by_kind=by_kind, paper_seconds_by_gold_style=by_style,
                  paper_seconds_wrong_relation=round(wrong_rel, 2), wrong_relation_completions=n_wrong_rel,
                  openrs_stats=stats, timeouts_by_kind=timeouts_by_kind, differ=len(differ),
                  differ_by_kind=by_kind_differ,
                  cpu_count=os.cpu_count(), loadavg_start=load0, loadavg_end=load1, python=platform.python_version(),
                  note="compare the ratio, not absolute speeds" + (f"; {args.note}" if args.note else ""))
    out = Path(args.out or Path(__file__).parent / "results" / f"rewards_{args.mix}.json")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=1) + "\n")
    print(f"machine load (1-min average) {load0[0]:.1f} at start, {load1[0]:.1f} at end, on {os.cpu_count()} cores; "
          f"with openrs's start-up and the paper's warm-up counted: {ratio_startup:.1f}x")
    if cpu_ratio is not None: print(f"completions per CPU-second, openrs / paper: {cpu_ratio:.1f}x")
    print(f"ratio (openrs / paper): {ratio:.1f}x")


if __name__ == "__main__":
    sys.exit(main())

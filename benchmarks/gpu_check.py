"""Every pending GPU measurement in one run, for the first GPU session that has ten minutes: about 7.5 minutes on one
H100 or H200, writing the JSON files the results page reads.

Runs, in this order, each in its own process with what is left of one time budget (`--budget-s`, default 450 s), so a
part that overruns is stopped and the parts before it keep their files:

1. `bench_rollouts.py`: a GRPO optimizer step at the paper's shape (the 1.5B layout with random weights, bf16, gradient
   checkpointing, beta 0.04, 24 completions of 1,024 tokens) with TRL's default generation and with openrs's fast
   rollouts (one warm-up and one timed step each), and pure decode tokens/s at batch 96 -> `rollouts_<gpu>.json`;
2. `bench_grpo_gpu.py`: `openrs train` on the paper's Experiment 3 recipe at the same shape, one step, its peak GPU
   memory beside `openrs.memory.training_memory`'s estimate -> `grpo_gpu_<gpu>.json`;
3. `bench_eval.py`: `openrs eval` output tokens/s on MATH-500 prompts against generation alone -> `eval_<gpu>.json`;

then `gpu_check_<gpu>.json`, a summary (what ran, how long, the memory comparison, the targets). No vLLM. The GPU
machine needs only the wheels listed in benchmarks/README.md; openrs runs from this checkout (no install).

    python benchmarks/gpu_check.py --out-dir $OUT            # on the GPU machine (benchmarks/README.md)
    python benchmarks/gpu_check.py --tiny --out-dir /tmp/g   # CPU, tiny shapes: checks the whole script
"""
import argparse, json, os, re, signal, subprocess, sys, time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HERE = Path(__file__).resolve().parent

# name, script, arguments on a GPU, arguments with --tiny, result file, the most seconds the part may take
PARTS = [
    ("rollouts", "bench_rollouts.py",
     ["--parts", "grpo:openrs,grpo:trl,decode", "--steps", "1", "--warmup", "1", "--decode-batches", "96",
      "--decode-variants", "openrs,hf-dynamic"],
     ["--tiny", "--parts", "grpo:trl,decode", "--steps", "1", "--warmup", "0", "--completion", "8", "--decode-batches",
      "4",
      "--decode-variants", "openrs", "--isolate"],
     "rollouts_{gpu}.json", 290),
    ("grpo", "bench_grpo_gpu.py", ["--settings", "paper", "--steps", "1"],
     ["--tiny", "--settings", "paper", "--steps", "1", "--completion", "8"],
     "grpo_gpu_{gpu}.json", 120),
    ("eval", "bench_eval.py", ["--problems", "32", "--k", "4", "--max-new-tokens", "512"],
     ["--shape", "tiny", "--problems", "2", "--k", "2", "--max-new-tokens", "8", "--backends",
      "transformers"], "eval_{gpu}.json", 90),
]


def gpu_slug() -> str:
    "`h100`, `h200`, … from the CUDA device's name; `cpu` without one."
    import torch
    if not torch.cuda.is_available(): return "cpu"
    name = torch.cuda.get_device_name(0).lower()
    m = re.search(r"\b([a-z]\d{2,4})\b", name)
    return m.group(1) if m else re.sub(r"[^a-z0-9]+", "-", name).strip("-")


def run_part(script: str, args: list[str], timeout: float, log) -> dict:
    "Run one benchmark script in its own process group; stop the whole group if it outlives `timeout`."
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
           "PYTHONUNBUFFERED": "1",
           "HF_HUB_OFFLINE": "1", "HF_DATASETS_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}
    t0 = time.monotonic()
    p = subprocess.Popen([sys.executable, str(HERE / script), *args], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT,
                         text=True, start_new_session=True)
    tail: list[str] = []
    def pump():
        for line in p.stdout:
            log(line.rstrip()); tail.append(line); del tail[:-40]
    import threading
    reader = threading.Thread(target=pump, daemon=True); reader.start()
    try: rc = p.wait(timeout=max(1.0, timeout))
    except subprocess.TimeoutExpired:
        os.killpg(p.pid, signal.SIGKILL); p.wait(); rc = "stopped: the time budget ran out"
    reader.join(5)
    return {"returncode": rc, "seconds": round(time.monotonic() - t0, 1), "tail": "".join(tail[-12:])}


def memory_summary(grpo: dict) -> list[dict]:
    "Measured peak GPU memory of each setting of `bench_grpo_gpu.py` beside the notebook's estimate."
    return [{"setting": r["setting"], "measured_gib": r.get("peak_allocated_gib"),
             "estimated_gib": r.get("estimated_peak_gib"),
             "measured_over_estimate": r.get("measured_over_estimate")} for r in grpo.get("results",
                                                                                          []) if "error" not in r]


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--out-dir", type=Path, default=HERE / "results",
                   help="where the JSON files go ($OUT on the GPU machine)")
    p.add_argument("--budget-s", type=float, default=450.0,
                   help="seconds for everything; a part gets what is left, at most its own cap")
    p.add_argument("--parts", default=",".join(name for name, *_ in PARTS),
                   help="comma-separated subset of: rollouts, grpo, eval")
    p.add_argument("--tiny", action="store_true",
                   help="tiny shapes on CPU: checks the script, measures nothing of interest")
    a = p.parse_args(argv)
    import torch
    if not torch.cuda.is_available() and not a.tiny:
        print("gpu_check: no GPU here; --tiny runs the same steps at a tiny shape on CPU", file=sys.stderr); return 2
    gpu = "cpu_tiny" if a.tiny else gpu_slug()
    a.out_dir.mkdir(parents=True, exist_ok=True)
    start, wanted = time.monotonic(), a.parts.split(",")
    summary = {"benchmark": "gpu_check", "gpu": gpu, "when": time.strftime("%Y-%m-%d %H:%M:%S"), "budget_s": a.budget_s,
               "torch": torch.__version__, "cuda": torch.version.cuda,
               "device": torch.cuda.get_device_name(0) if torch.cuda.is_available() else "cpu", "parts": {}}
    out = a.out_dir / f"gpu_check_{gpu}.json"
    def log(line): print(line, flush=True)
    for name, script, gpu_args, tiny_args, result, cap in PARTS:
        if name not in wanted: continue
        left = a.budget_s - (time.monotonic() - start)
        file = a.out_dir / result.format(gpu=gpu)
        if left < 20:
            summary["parts"][name] = {"returncode": "skipped: the time budget was spent", "file": file.name}; continue
        limit = min(left, cap)
        budget = ["--budget-s", str(int(limit - 15))] if script == "bench_rollouts.py" else []
        args = (tiny_args if a.tiny else gpu_args) + ["--out", str(file)] + budget
        log(f"== {name}: python benchmarks/{script} {' '.join(args)}  ({limit:.0f} s at most)")
        summary["parts"][name] = {**run_part(script, args, limit, log), "file": file.name, "written": file.exists()}
        out.write_text(json.dumps(summary, indent=1) + "\n")  # after every part: a stopped run keeps what it has
    if (a.out_dir / f"grpo_gpu_{gpu}.json").exists():
        summary["memory"] = memory_summary(json.loads((a.out_dir / f"grpo_gpu_{gpu}.json").read_text()))
    if (a.out_dir / f"rollouts_{gpu}.json").exists():
        r = json.loads((a.out_dir / f"rollouts_{gpu}.json").read_text())
        summary["rollouts"] = {k: r[k] for k in ("summary", "targets") if k in r}
    summary["seconds"] = round(time.monotonic() - start, 1)
    summary["all_ran"] = all(s.get("returncode") == 0 and s.get("written") for s in summary["parts"].values())
    out.write_text(json.dumps(summary, indent=1) + "\n")
    log(f"== gpu_check: {summary['seconds']:.0f} s; " + ", ".join(f"{k} {v['returncode']}" for k,
                                                                  v in summary["parts"].items()))
    for m in summary.get("memory",
                         []): log(f"   peak memory, {m['setting']}: measured {m['measured_gib']} GiB, estimated "
                                  f"{m['estimated_gib']} GiB")
    log(f"wrote {out}")
    return 0 if summary["all_ran"] else 1


if __name__ == "__main__":
    sys.exit(main())

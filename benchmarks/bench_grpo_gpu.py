"""A few GRPO steps of the paper's recipe on one GPU: seconds per optimizer step and peak memory, against the estimate.

Runs `openrs.grpo.train` on the shipped recipe `open_rs3` (the paper's Experiment 3: 6 completions per
micro-step, 4 micro-steps, 6 generations, beta 0.04, bf16) with the random-weight model of the
DeepSeek-R1-Distill-Qwen-1.5B shape (`random-r1-distill-1.5b`, no download) and transformers generation
(no vLLM). A random model never stops early, so every completion runs to the length cap: the worst case for
time and memory. Each setting runs in its own process (fresh CUDA memory statistics); the first step (CUDA
and kernel warm-up) is reported apart. Beside each measured peak stands `openrs.memory.training_memory`'s
estimate for the same shape, so the notebook's memory arithmetic is checked on a real GPU; the settings
with and without gradient checkpointing, measured in the same run, give checkpointing's cost in time and its
saving in memory as ratios.

    python benchmarks/bench_grpo_gpu.py [--steps 3] [--completion 1024] [--out benchmarks/results/grpo_gpu.json]
    python benchmarks/bench_grpo_gpu.py --tiny --steps 1 --settings paper   # the same code, tiny shape, CPU

The paper's completions are 3,584 tokens; at that length one step with transformers generation takes minutes,
so the default is 1,024 (`--completion 3584` for the real length).
"""
import argparse, json, os, platform, statistics, subprocess, sys, tempfile, time
from pathlib import Path

SETTINGS = {  # name -> recipe overrides on top of the common ones
    "paper": [],
    "no-checkpointing": ["grpo.activation_checkpointing=false"],
}
TINY = dict(num_hidden_layers=2, hidden_size=64, intermediate_size=128, num_attention_heads=4, num_key_value_heads=2,
            vocab_size=2048)


def common_overrides(a, model: str) -> list[str]:
    "Overrides shared by every setting: the model, the step count, the completion cap, nothing saved or reported."
    o = [f"model.name_or_path={model}", f"grpo.max_steps={a.steps}", f"grpo.max_completion_length={a.completion}",
         "grpo.save_strategy='no'", "grpo.report_to=none", "grpo.logging_steps=1", "data.limit=400"]
    if a.tiny: o += ["model.dtype=float32", "grpo.per_device_train_batch_size=4", "grpo.gradient_accumulation_steps=2",
                     "grpo.num_generations=4", "grpo.bf16=false"]
    return o


def run_one(a, name: str) -> dict:
    "Train one setting in this process; its timings, peak memory and the estimate."
    import torch
    from transformers import TrainerCallback
    from openrs.core import random_model_path, load_recipe, r1_distill_1p5b_config, load_tokenizer
    from openrs.grpo import checkpointing_args, train
    from openrs.memory import GiB, peak_memory, training_memory
    model = str(random_model_path(dtype="float32", **TINY)) if a.tiny else "random-r1-distill-1.5b"
    overrides = common_overrides(a, model) + SETTINGS[name]
    recipe = load_recipe(a.recipe, overrides)

    class StepTimer(TrainerCallback):
        def __init__(self): self.times, self.t0 = [], None
        def on_step_begin(self, args, state, control, **kw):
            if torch.cuda.is_available(): torch.cuda.synchronize()
            self.t0 = time.perf_counter()
        def on_step_end(self, args, state, control, **kw):
            if torch.cuda.is_available(): torch.cuda.synchronize()
            self.times.append(time.perf_counter() - self.t0)

    timer = StepTimer()
    cuda = torch.cuda.is_available()
    if cuda: torch.cuda.reset_peak_memory_stats()
    with tempfile.TemporaryDirectory() as out:
        t0 = time.perf_counter()
        run = train(recipe, output_dir=out, callbacks=[timer])
        total = time.perf_counter() - t0
    g = recipe.grpo
    tok = load_tokenizer(model)
    from openrs.data import build_train_dataset
    prompts = build_train_dataset(recipe.data, tok)["prompt"][:200]
    from openrs.core import render_prompt
    lengths = sorted(len(tok(render_prompt(tok, p), add_special_tokens=False)["input_ids"]) for p in prompts)
    prompt_len = lengths[int(0.9 * (len(lengths) - 1))]  # micro-batches pad to their longest prompt: the 90th centile
    config = r1_distill_1p5b_config(**(TINY if a.tiny else {}))
    ck = checkpointing_args(g)  # the recipe's setting under either of its names
    checkpointing = bool(ck.get("activation_checkpointing", ck.get("gradient_checkpointing")))
    est = training_memory(config, "ddp", processes=1, micro_batch=g["per_device_train_batch_size"],
                          seq_len=prompt_len + g["max_completion_length"], checkpointing=checkpointing,
                          reference_model=bool(g.get("beta", 0)),
                          generate_sequences=g["per_device_train_batch_size"] * g["gradient_accumulation_steps"])
    steady = timer.times[1:] or timer.times
    r = {"setting": name, "overrides": SETTINGS[name], "steps": run.global_step,
         "step_seconds": [round(t, 3) for t in timer.times],
         "seconds_per_step": round(statistics.median(steady), 3), "first_step_seconds": round(timer.times[0], 3),
         "completions_per_step": g["per_device_train_batch_size"] * g["gradient_accumulation_steps"],
         "completion_tokens": g["max_completion_length"], "prompt_tokens_p90": prompt_len,
         "total_seconds": round(total, 1),
         "estimated_peak_gib": round(peak_memory(est) / GiB, 2),
         "estimate_by_component_gib": {k: round(v / GiB, 2) for k, v in est.items()},
         "final_metrics": {k: run.metrics[-1].get(k) for k in ("reward", "kl", "completions/mean_length",
                                                               "completions/clipped_ratio")} if run.metrics else {}}
    if cuda:
        r.update(peak_allocated_gib=round(torch.cuda.max_memory_allocated() / GiB, 2),
                 peak_reserved_gib=round(torch.cuda.max_memory_reserved() / GiB, 2))
        r["measured_over_estimate"] = round(r["peak_allocated_gib"] / r["estimated_peak_gib"], 3)
    else:
        import resource
        r["peak_rss_gib"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 / GiB, 2)
    return r


def device_info() -> dict:
    import torch, transformers, trl
    info = {"torch": torch.__version__, "transformers": transformers.__version__, "trl": trl.__version__,
            "python": platform.python_version(),
            "cpu_count": os.cpu_count()}
    if torch.cuda.is_available():
        p = torch.cuda.get_device_properties(0)
        info.update(gpu=p.name, gpu_memory_gib=round(p.total_memory / 2 ** 30, 1), cuda=torch.version.cuda)
    else: info["gpu"] = None
    return info


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--recipe", default="open_rs3")
    p.add_argument("--steps", type=int, default=3, help="optimizer steps per setting (the first is warm-up)")
    p.add_argument("--completion", type=int, help="max completion tokens (default 1024; 16 with --tiny)")
    p.add_argument("--settings", nargs="+", default=list(SETTINGS), choices=list(SETTINGS))
    p.add_argument("--tiny", action="store_true",
                   help="a tiny random model on CPU: checks the script, measures nothing of interest")
    p.add_argument("--out",
                   help="JSON results (default: benchmarks/results/grpo_gpu.json on a GPU; printed only with --tiny)")
    p.add_argument("--one", help=argparse.SUPPRESS)  # internal: run one setting in this process, print its JSON
    a = p.parse_args(argv)
    a.completion = a.completion or (16 if a.tiny else 1024)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    if a.one:
        print("BENCH-RESULT " + json.dumps(run_one(a, a.one)), flush=True); return 0
    import torch
    if not torch.cuda.is_available() and not a.tiny:
        print("bench_grpo_gpu: no GPU here; run with --tiny to check the script on CPU", file=sys.stderr); return 2
    results = []
    for name in a.settings:
        cmd = [sys.executable, __file__, "--one", name, "--recipe", a.recipe, "--steps", str(a.steps), "--completion",
               str(a.completion)]
        r = subprocess.run(cmd + (["--tiny"] if a.tiny else []), capture_output=True, text=True)
        line = [l for l in r.stdout.splitlines() if l.startswith("BENCH-RESULT ")]
        if r.returncode or not line:
            results.append({"setting": name, "error": (r.stderr or r.stdout)[-3000:]})
            print(f"{name}: failed\n{r.stderr[-3000:]}", file=sys.stderr); continue
        results.append(json.loads(line[-1][len("BENCH-RESULT "):]))
        x = results[-1]
        if "peak_allocated_gib" in x: mem = f"peak {x['peak_allocated_gib']} GiB (estimate {x['estimated_peak_gib']})"
        else: mem = f"peak RSS {x['peak_rss_gib']} GiB"
        print(f"{name:<18} {x['seconds_per_step']:>8.2f} s/step  {mem}", flush=True)
    ok = {r["setting"]: r for r in results if "error" not in r}
    ratios = {}
    if "paper" in ok and "no-checkpointing" in ok:
        paper, off = ok["paper"], ok["no-checkpointing"]
        ratios["checkpointing_time_cost"] = round(paper["seconds_per_step"] / off["seconds_per_step"], 3)
        if "peak_allocated_gib" in paper:
            ratios["checkpointing_memory_saving"] = round(off["peak_allocated_gib"] / paper["peak_allocated_gib"], 3)
    report = {"benchmark": "grpo_gpu", "recipe": a.recipe,
              "model": "tiny random (CPU check)" if a.tiny else "random-r1-distill-1.5b",
              "generation": "transformers", "steps": a.steps, "when": time.strftime("%Y-%m-%d %H:%M:%S"),
              "device": device_info(),
              "results": results, "ratios": ratios}
    print(json.dumps(ratios))
    out = a.out or (None if a.tiny else str(Path(__file__).parent / "results" / "grpo_gpu.json"))
    if out:
        Path(out).parent.mkdir(parents=True, exist_ok=True)
        Path(out).write_text(json.dumps(report, indent=1) + "\n")
        print(f"wrote {out}")
    return 0 if all("error" not in r for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())

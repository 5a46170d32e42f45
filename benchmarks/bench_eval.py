"""Output tokens/s of `openrs eval` on MATH-500, against generation alone measured in the same run.

For each generation backend available here, the same prompts (the first N MATH-500 problems, k samples each, through
the chat template) are sampled twice with a random-weight model: once with `Generator.generate` alone (the baseline),
once through `openrs.eval.run_eval` (generation, answer checking, samples.jsonl written as it goes, summary). The ratio
eval / generate is what the evaluation machinery costs on top of sampling. Random weights never stop early, so every
completion runs to --max-new-tokens and tokens/s is well defined; they also never box an answer, so answer checking is
cheaper here than on a real model's output.

GPU (the 1.5B shape of DeepSeek-R1-Distill-Qwen-1.5B, bf16):  python benchmarks/bench_eval.py
CPU (a tiny shape, seconds):                                  python benchmarks/bench_eval.py --shape tiny
Writes benchmarks/results/eval_<device>.json (device, versions, settings, numbers).
"""
from __future__ import annotations

import argparse, json, os, platform, re, subprocess, sys, tempfile, time
from pathlib import Path

TINY_SHAPE = dict(hidden_size=64, intermediate_size=256, num_hidden_layers=2, num_attention_heads=4,
                  num_key_value_heads=2)


def device_name() -> str:
    import torch
    if torch.cuda.is_available(): return torch.cuda.get_device_name(0)
    return f"cpu ({os.cpu_count()} cores, {platform.processor() or platform.machine()})"


def git_commit() -> str | None:
    try: return subprocess.run(["git", "rev-parse", "HEAD"], capture_output=True, text=True, cwd=Path(__file__).parent,
                               check=True).stdout.strip()
    except Exception: return None


def backend_kwargs(backend: str, batch_size: int, dtype: str) -> dict:
    "Constructor arguments a backend accepts (batch_size means nothing to vLLM)."
    from openrs.eval import _generator_kwargs
    return _generator_kwargs(backend, {"batch_size": batch_size, "dtype": dtype, "progress": False})


def bench_backend(backend: str, model_path: str, args) -> dict:
    from openrs.core import load_shipped_rows, make_conversation
    from openrs.eval import EvalConfig, run_eval
    from openrs.generation import SamplingConfig, make_generator
    import torch
    gen = make_generator(model_path, backend=backend, **backend_kwargs(backend, args.batch_size, args.dtype))
    problems = [r["problem"] for r in load_shipped_rows("math500")[:args.problems]]
    sampling = SamplingConfig(n=args.k, temperature=0.6, top_p=0.95, max_new_tokens=args.max_new_tokens, seed=0)
    sync = torch.cuda.synchronize if torch.cuda.is_available() else (lambda: None)
    gen.generate([make_conversation(p) for p in problems[:2]],
                 SamplingConfig(n=1, max_new_tokens=8))  # warm-up (compilation, caches)
    sync(); t = time.perf_counter()
    outs = gen.generate([make_conversation(p) for p in problems], sampling)
    sync(); gen_s = time.perf_counter() - t
    gen_tokens = sum(c.n_tokens for cs in outs for c in cs)
    with tempfile.TemporaryDirectory() as d:
        config = EvalConfig(model_path, temperature=0.6, top_p=0.95, max_new_tokens=args.max_new_tokens,
                            dtype=args.dtype)
        sync(); t = time.perf_counter()
        s = run_eval(config, "math500", k=args.k, run_dir=Path(d) / "run", limit=args.problems, generator=gen,
                     progress=False, n_boot=1000)
        sync(); eval_s = time.perf_counter() - t
        log = [json.loads(line) for line in (Path(d) / "run" / "log.jsonl").read_text().splitlines()][-1]
    eval_tokens = log["tokens"]
    return dict(generate_tokens=gen_tokens, generate_seconds=round(gen_s, 3),
                generate_tokens_per_s=round(gen_tokens / gen_s, 1),
                eval_tokens=eval_tokens, eval_seconds=round(eval_s, 3), eval_tokens_per_s=round(eval_tokens / eval_s,
                                                                                                1),
                eval_over_generate=round((eval_tokens / eval_s) / (gen_tokens / gen_s), 3),
                truncated=s["benchmarks"]["math500"]["truncated"], samples=s["stats"].get("generated", 0))


def main(argv=None) -> int:
    import torch
    cuda = torch.cuda.is_available()
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--shape", choices=["1.5b", "tiny"], default="1.5b" if cuda else "tiny",
                   help="model shape (default: 1.5b on GPU, tiny on CPU)")
    p.add_argument("--problems", type=int, default=64 if cuda else 4, help="first N MATH-500 problems")
    p.add_argument("--k", type=int, default=4 if cuda else 2, help="samples per problem")
    p.add_argument("--max-new-tokens", type=int, default=1024 if cuda else 16)
    p.add_argument("--batch-size", type=int, default=256 if cuda else 16,
                   help="sequences per batch (transformers backends)")
    p.add_argument("--dtype", default="bfloat16" if cuda else "float32")
    p.add_argument("--backends", nargs="+", help="default: every registered backend that can run here")
    p.add_argument("--out", help="results file (default: benchmarks/results/eval_<device>.json)")
    p.add_argument("--note", default="", help="what else ran on the machine, or anything a reader should know")
    a = p.parse_args(argv)

    import importlib.util, transformers
    import openrs
    from openrs.core import n_params, r1_distill_1p5b_config, random_model_path
    from openrs.generation import GENERATION_BACKENDS
    overrides = {} if a.shape == "1.5b" else TINY_SHAPE
    model_path = str(random_model_path(dtype=a.dtype, **overrides))
    backends = a.backends or [b for b in GENERATION_BACKENDS
                              if b != "vllm" or (cuda and importlib.util.find_spec("vllm"))]
    results = {}
    for b in backends:
        print(f"{b}: ...", flush=True)
        try: results[b] = bench_backend(b, model_path, a)
        except Exception as e: results[b] = {"error": f"{type(e).__name__}: {e}"[:500]}
        print(f"{b}: {results[b]}", flush=True)
    device = device_name()
    record = dict(benchmark="openrs eval on MATH-500: output tokens/s, generation alone vs whole evaluation",
                  device=device, torch=torch.__version__, cuda=torch.version.cuda,
                  transformers=transformers.__version__, openrs=getattr(openrs, "__version__", None),
                  commit=git_commit(), python=platform.python_version(), shape=a.shape,
                  n_params=n_params(r1_distill_1p5b_config(**overrides)), dtype=a.dtype, problems=a.problems, k=a.k,
                  max_new_tokens=a.max_new_tokens, batch_size=a.batch_size, results=results,
                  load_average=os.getloadavg() if hasattr(os, "getloadavg") else None, note=a.note,
                  time=time.strftime("%Y-%m-%dT%H:%M:%S%z"),
                  command="python benchmarks/bench_eval.py " + " ".join(argv or sys.argv[1:]))
    slug = re.sub(r"[^a-z0-9]+", "-", device.lower().split("(")[0]).strip("-")
    out = Path(a.out) if a.out else Path(__file__).parent / "results" / f"eval_{slug}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(record, indent=1) + "\n")
    print(f"wrote {out}")
    for b, r in results.items():
        if "error" not in r:
            print(f"{b:>14}: generate {r['generate_tokens_per_s']:,.0f} tok/s, eval {r['eval_tokens_per_s']:,.0f} "
                  f"tok/s "
                  f"(eval/generate {r['eval_over_generate']:.2f})")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Rollout speed: TRL's GRPOTrainer with its default generation against openrs's fast path, in one run on one device.

Measures, at the paper's shape (random-weight model of DeepSeek-R1-Distill-Qwen-1.5B's shape, 6 completions per
device x 4 accumulation steps, 6 generations per prompt, completions of exactly 1,024 tokens, beta 0.04, gradient
checkpointing, bf16):

- `grpo`: seconds per optimizer step, generation seconds and decode tokens/s inside the step, peak GPU memory, for
  `trl` (GRPOTrainer as shipped) and `openrs` (the same trainer with `openrs.rollouts.FastRolloutMixin`);
- `decode`: pure decode tokens/s at batch 24 and 96 for openrs's static decoder (compiled and not) and for
  transformers' `generate` (dynamic cache), beside the memory-bandwidth floor.

Results go to a JSON file (device, versions, shape, every number), rewritten after each part, so a run that is
killed keeps what it measured. On CPU, or with --tiny, it runs a tiny shape that exercises the same code in seconds.

    python benchmarks/bench_rollouts.py --tiny                      # CPU smoke run (CI runs this through tests/)
    python benchmarks/bench_rollouts.py --out $OUT/rollouts_h100.json  # GPU: everything, about 8 minutes on an H100

See benchmarks/README.md for the GPU machine's steps (which wheels to carry, the one command).
"""
from __future__ import annotations

import argparse, datetime, gc, json, os, platform, statistics, subprocess, sys, tempfile, time, traceback, zlib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path: sys.path.insert(0, str(ROOT))  # use this checkout's openrs without installing it
for var in ("HF_HUB_OFFLINE", "HF_DATASETS_OFFLINE", "TRANSFORMERS_OFFLINE"): os.environ.setdefault(var, "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

PAPER = dict(per_device=6, accumulation=4, generations=6, completion=1024, beta=0.04, temperature=0.7, max_prompt=512,
             decode_batches=[24, 96], decode_tokens=1024, baseline_tokens=64, steps=2, warmup=1)
TINY = dict(per_device=6, accumulation=4, generations=6, completion=16, beta=0.04, temperature=0.7, max_prompt=512,
            decode_batches=[4, 8], decode_tokens=32, baseline_tokens=16, steps=1, warmup=1)
TINY_MODEL = dict(dtype="float32", num_hidden_layers=2, hidden_size=64, intermediate_size=128, num_attention_heads=4,
                  num_key_value_heads=2, vocab_size=2048)  # random_model_path overrides: the 1.5B layout, shrunk
TARGETS = dict(grpo_speedup=4.0, decode_tokens_per_s_batch96=20_000)


def log(msg: str):
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", flush=True)


def sync():
    import torch
    if torch.cuda.is_available(): torch.cuda.synchronize()


def environment() -> dict:
    "Device and library versions, for the results file."
    import torch, transformers
    try: import trl; trl_v = trl.__version__
    except Exception as e: trl_v = f"unavailable: {e}"
    import openrs
    env = dict(python=platform.python_version(), torch=torch.__version__, cuda=torch.version.cuda,
               transformers=transformers.__version__,
               trl=trl_v, openrs=openrs.__version__, host=platform.node(), cpu_count=os.cpu_count())
    if torch.cuda.is_available():
        p = torch.cuda.get_device_properties(0)
        dev = dict(type="cuda", name=torch.cuda.get_device_name(0),
                   capability=".".join(map(str, torch.cuda.get_device_capability(0))),
                   memory_gib=round(p.total_memory / 2**30, 1), multiprocessors=p.multi_processor_count)
    else:
        dev = dict(type="cpu", name=platform.processor() or "cpu", threads=torch.get_num_threads())
    return dict(device=dev, versions=env)


def model_path(tiny: bool) -> str:
    "The random-weight model: the 1.5B shape in bf16, or its tiny float32 version (built once, cached)."
    from openrs.core import random_model_path
    return str(random_model_path(**TINY_MODEL) if tiny else random_model_path())


def prompt_rows(tokenizer, n: int, max_prompt: int) -> list[list]:
    "Conversations of MATH-500 problems whose prompt fits `max_prompt` tokens (the paper's limit), cycled to `n`."
    from openrs.core import load_shipped_rows, make_conversation
    convs = []
    for r in load_shipped_rows("math500"):
        conv = make_conversation(r["problem"])
        if len(tokenizer.apply_chat_template(conv, add_generation_prompt=True, tokenize=True,
                                             return_dict=True)["input_ids"]) <= max_prompt:
            convs.append(conv)
        if len(convs) >= n: break
    return [convs[i % len(convs)] for i in range(n)]


# ---------------------------------------------------------------- GRPO optimizer steps

def bench_grpo(variant: str, shape: dict, path: str, tiny: bool, fast_options: dict | None = None) -> dict:
    "Optimizer steps of GRPOTrainer (`trl`; `trl-static`: static cache) or with FastRolloutMixin (`openrs`), timed."
    import torch
    from datasets import Dataset
    from transformers import TrainerCallback
    from transformers.trainer_callback import PrinterCallback
    from trl import GRPOConfig, GRPOTrainer
    from openrs.grpo import checkpointing_args  # gradient checkpointing under the name the installed transformers reads
    from openrs.core import load_tokenizer
    from openrs.rollouts import FastRolloutMixin
    cuda = torch.cuda.is_available()
    tok = load_tokenizer(path)
    n_steps = shape["warmup"] + shape["steps"]
    prompts_per_step = shape["per_device"] * shape["accumulation"] // shape["generations"]
    data = Dataset.from_list([{"prompt": c} for c in prompt_rows(tok, prompts_per_step * n_steps, shape["max_prompt"])])
    gen_log: list[dict] = []

    class Timed:
        "Times each generation call (synchronised), counting the tokens it returned."
        def _generate_single_turn(self, prompt_ids, *args, **kwargs):
            sync(); t0 = time.perf_counter()
            out = super()._generate_single_turn(prompt_ids, *args, **kwargs)
            sync(); gen_log.append(dict(s=time.perf_counter() - t0, rows=len(prompt_ids),
                                        tokens=sum(len(c) for c in out[0]),
                                        prompt_tokens=max(len(p) for p in prompt_ids)))
            return out

    bases = (Timed, FastRolloutMixin, GRPOTrainer) if variant == "openrs" else (Timed, GRPOTrainer)
    Trainer = type(f"Bench{variant.title()}GRPOTrainer", bases, {})
    steps: list[dict] = []

    class StepClock(TrainerCallback):
        def on_step_begin(self, args, state, control, **kw):
            sync(); self.t0 = time.perf_counter(); self.g0 = len(gen_log)
            if cuda and state.global_step == shape["warmup"]: torch.cuda.reset_peak_memory_stats()
        def on_step_end(self, args, state, control, **kw):
            sync(); steps.append(dict(s=time.perf_counter() - self.t0,
                                      generate_s=sum(g["s"] for g in gen_log[self.g0:]),
                                      tokens=sum(g["tokens"] for g in gen_log[self.g0:])))
            log(f"  {variant} step {len(steps)}/{n_steps}: {steps[-1]['s']:.2f} s, generation "
                f"{steps[-1]['generate_s']:.2f} s")

    def reward(completions, **kw):  # cheap and varied, so advantages are not all zero; its value does not matter here
        return [zlib.crc32(c[0]["content"].encode()) % 1000 / 1000 for c in completions]

    with tempfile.TemporaryDirectory() as out_dir:
        args = GRPOConfig(
            output_dir=out_dir, per_device_train_batch_size=shape["per_device"],
            gradient_accumulation_steps=shape["accumulation"], num_generations=shape["generations"],
            max_completion_length=shape["completion"],
            generation_kwargs={"min_new_tokens": shape["completion"]},  # every completion exactly this long
            beta=shape["beta"], loss_type="bnpo", temperature=shape["temperature"], learning_rate=1e-6,
            **checkpointing_args({"activation_checkpointing": True}), bf16=cuda, use_cpu=not cuda, max_steps=n_steps,
            logging_steps=1, report_to="none", save_strategy="no", seed=0, disable_tqdm=True, dataloader_num_workers=0,
            cache_implementation="static" if variant == "trl-static" else None)
        trainer = Trainer(model=path, reward_funcs=reward, args=args, train_dataset=data, processing_class=tok,
                          callbacks=[StepClock()])
        trainer.remove_callback(PrinterCallback)  # the step clock logs instead
        if variant == "openrs":
            trainer.fast_rollout_options = dict(fast_options or {})
            why = trainer.fast_rollout_refusal()
            if why: raise RuntimeError(f"the fast path would not run: {why}")
        trainer.train()
        history = [h for h in trainer.state.log_history if "loss" in h]
    timed = steps[shape["warmup"]:]
    gen_s = sum(s["generate_s"] for s in timed)
    res = dict(variant=variant, steps_timed=len(timed), step_s=[round(s["s"], 4) for s in timed],
               step_s_median=statistics.median(s["s"] for s in timed), first_step_s=steps[0]["s"],
               generate_s_median=statistics.median(s["generate_s"] for s in timed),
               decode_tokens_per_s=sum(s["tokens"] for s in timed) / gen_s if gen_s else None,
               completion_tokens_per_step=timed[0]["tokens"],
               prompt_tokens_max=max(g["prompt_tokens"] for g in gen_log),
               mean_completion_length=[h.get("completions/mean_length") for h in history],
               completions_exact=all(h.get("completions/min_length") == h.get("completions/max_length")
                                     == shape["completion"] for h in history),
               loss=[h.get("loss") for h in history], reward=[h.get("reward") for h in history])
    if cuda: res.update(peak_allocated_gib=torch.cuda.max_memory_allocated() / 2**30,
                        peak_reserved_gib=torch.cuda.max_memory_reserved() / 2**30)
    if variant == "openrs": res["decoder_mode"] = trainer._fast_rollout_decoder.stats.mode
    del trainer; gc.collect()
    if cuda: torch.cuda.empty_cache()
    return res


# ---------------------------------------------------------------- pure decode

def copy_bandwidth() -> float | None:
    "Device-memory bandwidth in bytes/s from a large device-to-device copy (bytes read plus written), median of 10."
    import torch
    if not torch.cuda.is_available(): return None
    x = torch.randn(2**28, device="cuda", dtype=torch.float16); y = torch.empty_like(x)  # 512 MiB each
    times = []
    for _ in range(12):
        a, b = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
        a.record(); y.copy_(x); b.record(); b.synchronize(); times.append(a.elapsed_time(b) / 1e3)
    del x, y
    return 2 * 2**28 * 2 / statistics.median(times[2:])


def bench_decode(shape: dict, path: str, variants: list[str], on_update=lambda res: None) -> dict:
    "Decode tokens/s for each variant and batch size, every completion exactly `decode_tokens` long, beside the floor."
    import torch
    from transformers import GenerationConfig
    from openrs.core import load_model, load_tokenizer
    from openrs.rollouts import RolloutSampling, StaticDecoder, decode_floor
    cuda = torch.cuda.is_available()
    device = "cuda" if cuda else "cpu"
    tok = load_tokenizer(path)
    model = load_model(path, dtype="bfloat16" if cuda else "float32", device=device).eval()
    bw = copy_bandwidth()
    out: dict = {"copy_bandwidth_bytes_per_s": bw}
    eos, pad = tok.eos_token_id, tok.pad_token_id
    N = shape["decode_tokens"]
    prompts, floors = {}, {}
    for B in shape["decode_batches"]:
        convs = prompt_rows(tok, B, shape["max_prompt"])
        chat = lambda c: tok.apply_chat_template(c, add_generation_prompt=True, tokenize=True, return_dict=True)
        prompts[B] = [chat(c)["input_ids"] for c in convs]
        ctx = max(map(len, prompts[B])) + N // 2  # average context over the completion
        floors[B] = decode_floor(model.config, B, ctx, bandwidth=bw) if cuda else None  # a CPU is not bandwidth-bound
        out[str(B)] = dict(prompt_tokens_max=max(map(len, prompts[B])))
        if floors[B]: out[str(B)].update(floor_tokens_per_s=floors[B]["tokens_per_s"],
                                         floor_step_ms=floors[B]["step_s"] * 1e3)
    for v in variants:  # variant by variant, openrs's first: if time runs out, the baselines are what is lost
        for B in shape["decode_batches"]:
            ids, floor = prompts[B], floors[B]
            try:
                if v.startswith("openrs"):
                    dec = StaticDecoder(model, compile=None if v == "openrs" else False)
                    s = RolloutSampling(max_new_tokens=N, eos_token_ids=(eos,), pad_token_id=pad,
                                        temperature=shape["temperature"], min_new_tokens=N)
                    t0 = time.perf_counter(); dec.generate(ids, s)  # compiles, records graphs
                    warm = time.perf_counter() - t0
                    t0 = time.perf_counter(); comps = dec.generate(ids, s); sync(); total = time.perf_counter() - t0
                    st = dec.stats
                    assert all(len(c) == N for c in comps), "completions are not all max_new_tokens long"
                    r = dict(tokens_per_s=st.decode_tokens_per_s, step_ms=st.decode_s / (st.steps - 1) * 1e3,
                             prefill_s=st.prefill_s, end_to_end_tokens_per_s=B * N / total, first_call_s=warm,
                             graphs=st.graphs, mode=st.mode, new_tokens=N)
                    del dec
                else:  # transformers' generate: dynamic cache ("hf-dynamic"), or static and auto-compiled ("hf-static")
                    n = shape["baseline_tokens"]
                    batch = tok.pad({"input_ids": ids}, return_tensors="pt").to(device)
                    kw = dict(pad_token_id=pad, eos_token_id=[eos], do_sample=True, temperature=shape["temperature"],
                              top_p=1.0, top_k=0)
                    if v == "hf-static": kw["cache_implementation"] = "static"
                    elif v != "hf-dynamic": raise ValueError(f"unknown decode variant {v!r}")
                    with torch.no_grad():
                        def run(k):
                            sync(); t0 = time.perf_counter()
                            gc = GenerationConfig(max_new_tokens=k, min_new_tokens=k, **kw)
                            model.generate(**batch, generation_config=gc); sync()
                            return time.perf_counter() - t0
                        warm = run(n)  # first call: allocation, and compilation for the static cache
                        one = run(1)  # prefill and setup, subtracted below
                        full = run(n)
                    r = dict(tokens_per_s=B * (n - 1) / (full - one), step_ms=(full - one) / (n - 1) * 1e3,
                             prefill_s=one, end_to_end_tokens_per_s=B * n / full, first_call_s=warm, new_tokens=n)
                if floor: r["fraction_of_floor"] = r["tokens_per_s"] / floor["tokens_per_s"]
                against = f"; floor {floor['step_s'] * 1e3:.2f} ms)" if floor else ")"
                log(f"  decode batch {B} {v}: {r['tokens_per_s']:,.0f} tokens/s ({r['step_ms']:.2f} ms/step{against}")
            except Exception as e:
                r = dict(error=f"{type(e).__name__}: {e}", traceback=traceback.format_exc()[-3000:])
                log(f"  decode batch {B} {v}: FAILED {r['error']}")
            out[str(B)][v] = r
            on_update(out)  # a run stopped later keeps this
            gc.collect()
            if cuda: torch.cuda.empty_cache()
    return out


# ---------------------------------------------------------------- driver

def run_part(part: str, shape: dict, path: str, tiny: bool, decode_variants: list[str], on_update=lambda res: None,
             fast_options: dict | None = None) -> dict:
    if part in ("grpo:openrs", "grpo:trl", "grpo:trl-static"): return bench_grpo(part.split(":", 1)[1], shape, path,
                                                                                 tiny, fast_options)
    if part == "decode": return bench_decode(shape, path, decode_variants, on_update)
    raise ValueError(f"unknown part {part!r}: use grpo:openrs, grpo:trl, grpo:trl-static or decode")


def run_isolated(part: str, argv_common: list[str], timeout: float) -> dict:
    "Run one part in a fresh process (clean peak memory; a crash or out-of-memory loses only that part)."
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as f: frag = f.name
    cmd = [sys.executable, __file__, "--child", part, "--child-out", frag, *argv_common]
    def partial() -> dict:
        try: return json.loads(Path(frag).read_text() or "{}")
        except (OSError, json.JSONDecodeError): return {}
    try:
        r = subprocess.run(cmd, timeout=max(timeout, 1))
        return partial() if r.returncode == 0 else dict(partial(), error=f"child exited with {r.returncode}")
    except subprocess.TimeoutExpired:
        return dict(partial(), error=f"stopped: ran past the time budget ({timeout:.0f} s were left)")
    finally:
        Path(frag).unlink(missing_ok=True)


def summarise(res: dict) -> dict:
    "Speed-up and targets from whatever parts were measured."
    s: dict = {}
    g = res.get("grpo", {})
    trl_s, ors_s = g.get("trl", {}).get("step_s_median"), g.get("openrs", {}).get("step_s_median")
    if trl_s and ors_s: s["grpo_speedup"] = trl_s / ors_s
    d96 = res.get("decode", {}).get("96", {}).get("openrs", {}).get("tokens_per_s")
    if d96: s["decode_tokens_per_s_batch96"] = d96
    if res.get("device", {}).get("type") == "cuda" and not res.get("tiny"):
        s["targets"] = TARGETS
        s["met"] = {k: (s[k] >= v) if k in s else None for k, v in TARGETS.items()}
    return s


def default_out(tiny: bool) -> Path:
    import torch
    if tiny or not torch.cuda.is_available(): return ROOT / "benchmarks" / "results" / "rollouts_cpu_tiny.json"
    name = torch.cuda.get_device_name(0).lower()
    tag = next((t for t in ("h200", "h100", "a100", "a40", "l40", "4090") if t in name), "gpu")
    return ROOT / "benchmarks" / "results" / f"rollouts_{tag}.json"


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--tiny", action="store_true", help="tiny model and lengths (automatic on CPU)")
    p.add_argument("--parts", default="grpo:openrs,grpo:trl,decode",
                   help="comma-separated: grpo:openrs, grpo:trl, grpo:trl-static, decode")
    p.add_argument("--out", type=Path,
                   help="results JSON (default: benchmarks/results/rollouts_<device>.json); parts in it are kept")
    p.add_argument("--base", type=Path, help="start from this results file (parts measured earlier) instead of --out's")
    p.add_argument("--steps", type=int, help="timed optimizer steps per variant (after the warm-up steps)")
    p.add_argument("--warmup", type=int, help="untimed first steps per variant (compilation, graph recording)")
    p.add_argument("--completion", type=int, help="completion length of the GRPO runs")
    p.add_argument("--decode-batches", type=lambda s: [int(x) for x in s.split(",")], help="e.g. 24,96")
    p.add_argument("--decode-variants", default="openrs,openrs-nocompile,hf-dynamic",
                   help="comma-separated: openrs, openrs-nocompile, hf-dynamic, hf-static")
    p.add_argument("--fast-options", type=json.loads, default={},
                   help='StaticDecoder options for grpo:openrs, as JSON, e.g. \'{"compile": false}\'')
    p.add_argument("--budget-s", type=float, default=560.0,
                   help="parts that would start after this many seconds are skipped")
    p.add_argument("--isolate", action=argparse.BooleanOptionalAction, default=None,
                   help="one process per part (default: on CUDA)")
    p.add_argument("--child", help=argparse.SUPPRESS)
    p.add_argument("--child-out", help=argparse.SUPPRESS)
    a = p.parse_args(argv)
    import torch
    tiny = a.tiny or not torch.cuda.is_available()
    shape = dict(TINY if tiny else PAPER)
    for k in ("steps", "warmup", "completion", "decode_batches"):
        if getattr(a, k) is not None: shape[k] = getattr(a, k)
    variants = [v for v in a.decode_variants.split(",") if v]
    if a.child:  # one part, in its own process
        write = lambda res: Path(a.child_out).write_text(json.dumps(res, default=str))
        write(run_part(a.child, shape, model_path(tiny), tiny, variants, write, a.fast_options))
        return 0
    t_start = time.time()
    out = a.out or default_out(tiny)
    base = a.base or out
    results = json.loads(base.read_text()) if base.exists() else {}
    env = environment()
    if results and results.get("device", {}).get("name") != env["device"]["name"]:
        raise SystemExit(f"{base} holds results from {results.get('device', {}).get('name')!r}, not this "
                         f"{env['device']['name']!r}: "
                         "ratios must come from one device; pass another --out")
    log(f"{env['device']['name']}; torch {env['versions']['torch']}, transformers {env['versions']['transformers']}, "
        f"trl {env['versions']['trl']}")
    from openrs.core import r1_distill_1p5b_config
    model = "random weights, " + ("tiny Qwen2 " + json.dumps(TINY_MODEL) if tiny else
                                  "DeepSeek-R1-Distill-Qwen-1.5B shape (1.78B parameters), bf16")
    note = "one run, one device; speed-ups are ratios of variants measured in this same run"
    if tiny: note += "; CPU at a tiny shape exercises the code, its timings say nothing about GPU speed"
    results.update(benchmark="rollouts",
                   created=datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"), tiny=tiny,
                   command=" ".join([Path(sys.argv[0]).name] + (argv if argv is not None else sys.argv[1:])), **env,
                   shape=dict(shape, model=model, gradient_checkpointing=True, loss_type="bnpo",
                              completions_per_optimizer_step=shape["per_device"] * shape["accumulation"]),
                   fast_options=a.fast_options, load_average_start=os.getloadavg(), note=note)
    log("building the model (cached after the first run)"); path = model_path(tiny)
    isolate = torch.cuda.is_available() if a.isolate is None else a.isolate
    common = (["--tiny"] if tiny else []) + ["--decode-variants", a.decode_variants, "--fast-options",
                                             json.dumps(a.fast_options)]
    for k in ("steps", "warmup", "completion", "decode_batches"):  # the shape's overrides, passed on to each part
        if (v := getattr(a, k)) is not None:
            common += [f"--{k.replace('_', '-')}", ",".join(map(str, v)) if isinstance(v, list) else str(v)]
    for part in [x for x in a.parts.split(",") if x]:
        left = a.budget_s - (time.time() - t_start)
        log(f"part {part} ({left:.0f} s of budget left)")
        if left <= 0: res = dict(error="skipped: time budget spent")
        elif isolate: res = run_isolated(part, common, left)
        else:
            try: res = run_part(part, shape, path, tiny, variants, fast_options=a.fast_options)
            except Exception as e: res = dict(error=f"{type(e).__name__}: {e}",
                                              traceback=traceback.format_exc()[-3000:])
        if part.startswith("grpo:"): results.setdefault("grpo", {})[part.split(":", 1)[1]] = res
        else: results[part] = res
        results["summary"] = summarise(results)
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(results, indent=1,
                                  default=str) + "\n")  # after every part: a killed run keeps what it measured
    results["load_average_end"] = os.getloadavg()
    out.write_text(json.dumps(results, indent=1, default=str) + "\n")
    print_table(results)
    log(f"wrote {out} in {time.time() - t_start:.0f} s")
    return 0


def print_table(r: dict):
    "The short table the device tool's reply ends with."
    print(f"\n== rollouts on {r['device']['name']} ({'tiny shape' if r.get('tiny') else 'paper shape'}) ==")
    for v, g in r.get("grpo", {}).items():
        if "error" in g: print(f"grpo {v:8s} ERROR {g['error']}"); continue
        mem = f", peak {g['peak_allocated_gib']:.1f} GiB" if "peak_allocated_gib" in g else ""
        print(f"grpo {v:8s} {g['step_s_median']:8.2f} s/step (first {g['first_step_s']:.1f} s), generation "
              f"{g['generate_s_median']:.2f} s, "
              f"{g['decode_tokens_per_s'] or 0:,.0f} decode tokens/s{mem}")
    for b, d in (r.get("decode") or {}).items():
        if not isinstance(d, dict): continue
        for v, x in d.items():
            if isinstance(x, dict) and "tokens_per_s" in x:
                floor = f" ({x['fraction_of_floor']:.0%} of the bandwidth floor)" if "fraction_of_floor" in x else ""
                print(f"decode b={b:>3s} {v:16s} {x['tokens_per_s']:10,.0f} tokens/s {x['step_ms']:8.2f} ms/step"
                      f"{floor}")
            elif isinstance(x, dict) and "error" in x: print(f"decode b={b:>3s} {v:16s} ERROR {x['error']}")
    print("summary:", json.dumps(r.get("summary", {})))


if __name__ == "__main__":
    sys.exit(main())

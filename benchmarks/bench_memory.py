"""Per-process peak memory of a GRPO step under each shipped engine (DDP, ZeRO-2, ZeRO-3, FSDP), measured on two CPU
processes, beside `openrs.memory.training_memory`'s estimate for the same shape, batch and engine.

Each configuration runs `openrs launch open_rs3 --cpu 2 --config C` (the paper's Experiment 3 recipe: bf16, gradient
checkpointing, beta 0.04) for two steps with a random Qwen2 of the 1.5B layout shrunk to tens of millions of parameters,
and again with a control model of the same layout and vocabulary but almost no parameters; every training process
samples its anonymous resident memory (`openrs.memory.PeakSampler`) from just before the model loads to the end of
training, with glibc told to return every freed block of 64 KiB or more at once (`MALLOC_MMAP_THRESHOLD_`). The model's
memory is the model run's peak minus the control run's: what does not depend on the model (Python objects, small
tensors, communication buffers) cancels. The notebook nbs/02b_memory.ipynb explains the method and shows the result.

    python benchmarks/bench_memory.py         # writes benchmarks/results/memory_cpu.json (its wall time is in the file)
    python benchmarks/bench_memory.py --tiny --configs ddp --out /tmp/m.json   # the same code at a tiny shape
"""
import argparse, json, os, platform, socket, sys, tempfile, time
from pathlib import Path

SHAPE = dict(num_hidden_layers=8, hidden_size=768, intermediate_size=2048, num_attention_heads=12,
             num_key_value_heads=2, vocab_size=2048)
CONTROL = dict(num_hidden_layers=1, hidden_size=64, intermediate_size=128, num_attention_heads=4,
               num_key_value_heads=2, vocab_size=2048)
TINY = dict(num_hidden_layers=2, hidden_size=128, intermediate_size=256, num_attention_heads=4, num_key_value_heads=2,
            vocab_size=2048)
SETTINGS = dict(processes=2, micro_batch=8, num_generations=4, prompt_tokens=64, completion_tokens=64, steps=2)
MiB = 2 ** 20


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0)); return s.getsockname()[1]


def overrides(model: str, s: dict) -> list[str]:
    "The recipe's settings but for the model and the batch: short prompts (no system prompt) and completions, no saves."
    return [f"model.name_or_path={model}", "data.limit=64", f"data.max_prompt_tokens={s['prompt_tokens']}",
            "data.system_prompt=none", f"grpo.max_steps={s['steps']}",
            f"grpo.per_device_train_batch_size={s['micro_batch']}", f"grpo.num_generations={s['num_generations']}",
            "grpo.gradient_accumulation_steps=1",
            f"grpo.max_completion_length={s['completion_tokens']}", 'grpo.save_strategy="no"', "grpo.report_to=none",
            "grpo.disable_tqdm=true"]


def run_one(config: str, model: str, s: dict, work: Path) -> list[dict]:
    "Train with `config` on 2 CPU processes; each rank's memory record (bytes)."
    from openrs.launch import Layout, MEMORY_PROBE_VAR, plan_launch, run_plan
    probe = work / "memory"
    plan = plan_launch("open_rs3", Layout(cpu=s["processes"]), config=config, main_port=free_port(),
                       overrides=overrides(model, s) + [f"grpo.output_dir={work / 'run'}"])
    train = plan.processes[-1]
    train.env.update({MEMORY_PROBE_VAR: str(probe), "MALLOC_MMAP_THRESHOLD_": "65536"})
    train.log = str(work / "train.log")
    rc = run_plan(plan)
    if rc: raise RuntimeError(f"{config} exited with {rc}; see {train.log}:\n" + Path(train.log).read_text()[-3000:])
    return [json.loads((probe / f"rank{r}.json").read_text()) for r in range(s["processes"])]


def predict(shape: dict, engine: str, s: dict) -> dict:
    "`training_memory`'s components (bytes) for the benchmark's shape, batch and engine, and the step's largest phase."
    from openrs.core import r1_distill_1p5b_config
    from openrs.memory import STATE, peak_memory, training_memory
    m = training_memory(r1_distill_1p5b_config(**shape), engine, s["processes"], s["micro_batch"],
                        s["prompt_tokens"] + s["completion_tokens"],
                        generate_sequences=s["micro_batch"])
    return {**{k: m[k] for k in STATE}, "largest phase": peak_memory(m) - sum(m[k] for k in STATE),
            "peak": peak_memory(m)}


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--configs", default="ddp,zero2,zero3,fsdp", help="shipped accelerate configs to measure")
    p.add_argument("--tiny", action="store_true",
                   help="a tiny model: checks the script in about a minute, measures nothing of interest")
    p.add_argument("--out", help="results JSON (default benchmarks/results/memory_cpu.json; required with --tiny)")
    a = p.parse_args(argv)
    if a.tiny and not a.out: p.error("--tiny needs --out: it must not replace the committed results")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    import torch, transformers, trl, accelerate
    from openrs.core import n_params, r1_distill_1p5b_config, random_model_path
    from openrs.launch import build_deepspeed_cpu_op
    shape = TINY if a.tiny else SHAPE
    s = dict(SETTINGS, seq_len=SETTINGS["prompt_tokens"] + SETTINGS["completion_tokens"],
             generate_sequences=SETTINGS["micro_batch"])
    models = {"model": str(random_model_path(dtype="bfloat16", **shape)),
              "control": str(random_model_path(dtype="bfloat16", **CONTROL))}
    configs = a.configs.split(",")
    if any(c.startswith("zero") for c in configs): build_deepspeed_cpu_op()
    try: import deepspeed; ds_version = deepspeed.__version__
    except ImportError: ds_version = None
    out = Path(a.out or Path(__file__).parent / "results" / "memory_cpu.json")
    report = {"benchmark": "memory_cpu", "when": time.strftime("%Y-%m-%d %H:%M:%S"),
              "device": {"cpu": f"{os.cpu_count()} cores, {platform.machine()}", "python": platform.python_version()},
              "versions": {"torch": torch.__version__, "transformers": transformers.__version__, "trl": trl.__version__,
                           "accelerate": accelerate.__version__, "deepspeed": ds_version},
              "recipe": "open_rs3", "overrides": overrides("MODEL", s), "settings": s,
              "method": "peak anonymous RSS (sampled every 2 ms) minus its value just before the model loads, larger "
                        "rank; model run minus control run; MALLOC_MMAP_THRESHOLD_=65536",
              "model": {"shape": shape, "parameters": n_params(r1_distill_1p5b_config(**shape))},
              "control": {"shape": CONTROL, "parameters": n_params(r1_distill_1p5b_config(**CONTROL))}, "results": {}}
    for config in configs:
        t0 = time.monotonic()
        with tempfile.TemporaryDirectory() as d:
            ranks = {k: run_one(config, path, s, Path(d) / k) for k, path in models.items()}
        grow = {k: max(r["peak"] - r["baseline"] for r in rs) for k, rs in ranks.items()}
        pm, pc = predict(shape, config, s), predict(CONTROL, config, s)
        r = {"ranks": ranks["model"], "control_ranks": ranks["control"], "measured_mib": grow["model"] / MiB,
             "control_mib": grow["control"] / MiB,
             "measured_model_mib": (grow["model"] - grow["control"]) / MiB, "predicted_mib": pm["peak"] / MiB,
             "predicted_control_mib": pc["peak"] / MiB, "predicted_model_mib": (pm["peak"] - pc["peak"]) / MiB,
             "predicted_components_mib": {k: (pm[k] - pc[k]) / MiB for k in pm if k != "peak"},
             "seconds": round(time.monotonic() - t0, 1)}
        r["ratio"] = r["measured_model_mib"] / r["predicted_model_mib"]
        report["results"][config] = r
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(report,
                                  indent=1) + "\n")  # after every configuration: a stopped run keeps what it measured
        print(f"{config:6} measured {r['measured_model_mib']:7.1f} MiB  estimated {r['predicted_model_mib']:7.1f} MiB  "
              f"ratio {r['ratio']:.3f}  ({r['seconds']:.0f} s)", flush=True)
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The paper's distributed stack on two CPU processes, where a notebook cannot hold it well: the paper's three recipes
(bf16, gradient checkpointing, ZeRO-2, beta 0.04, 6 generations, accumulation 4, cosine schedule) for two steps with the
tiny kit model, and a launch whose engine was not applied, which must stop rather than train something else.

DDP, ZeRO-2, ZeRO-3 and FSDP against each other, the shards each rank holds and a ZeRO-2 resume run in
nbs/04_launch.ipynb ("Two processes on CPU, for real"). DeepSpeed's CPU op is compiled once per machine (about a
minute; cached by torch under TORCH_EXTENSIONS_DIR) by the session fixture, before any test is timed."""
import json, os, socket, subprocess, sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
STANDIN = ROOT / "openrs" / "data" / "train" / "open_s1_standin.jsonl"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0)); return s.getsockname()[1]


@pytest.fixture(scope="session")
def deepspeed_cpu():
    "DeepSpeed installed, and its CPU communication op built (once per machine; loaded from torch's cache afterwards)."
    pytest.importorskip("deepspeed", reason="DeepSpeed is a dev extra: pip install -e '.[dev]'")
    from openrs.launch import build_deepspeed_cpu_op
    return build_deepspeed_cpu_op()


def launch(*argv: str, env: dict | None = None, timeout: int = 900) -> subprocess.CompletedProcess:
    "`openrs launch ARGV` in a subprocess (as a user runs it): no process of it may outlive it."
    code = "import sys; from openrs.launch import launch_cli; sys.exit(launch_cli(sys.argv[1:]))"
    return subprocess.run([sys.executable, "-c", code, *argv], cwd=ROOT, env={**os.environ, **(env or {})},
                          capture_output=True, text=True, timeout=timeout)


# The one setting changed beyond the model and the data: the completion cap. A random tiny model almost never ends a
# completion (about 1,000 tokens on average under the 3,584 cap), and the full cap took 9.5 minutes for one recipe on
# two shared cores (open_rs3, checked by hand on 2026-12-03); 128 tokens keep all three recipes to about a minute and a
# half (same machine, same day).
TINY = ["model.name_or_path=tiny", "data.limit=16", "grpo.max_steps=2", "grpo.max_completion_length=128"]


@pytest.mark.parametrize("recipe", ["open_rs1", "open_rs2", "open_rs3"])
def test_paper_recipe_two_steps_zero2_bf16(recipe, deepspeed_cpu, tmp_path):
    "The paper's launch minus vLLM and the GPU: ZeRO-2 over gloo, bf16, the recipe's batch and schedule, two steps."
    from safetensors.torch import load_file
    from openrs.core import load_recipe
    data = [f"data.dataset={STANDIN}"] if recipe == "open_rs1" else []  # open-s1 is on the hub: a shipped stand-in
    r = launch(recipe, "--cpu", "2", "--config", "zero2", "--main-port", str(free_port()), *TINY, *data,
               f"grpo.output_dir={tmp_path / 'run'}", "grpo.disable_tqdm=true",
               env={"OPENRS_PARAM_DIGEST": str(tmp_path / "digests")})
    assert r.returncode == 0, r.stderr[-5000:]
    d = tmp_path / "digests"
    assert (d / "rank0-after.txt").read_text() == (d / "rank1-after.txt").read_text()  # ranks identical
    shards = json.loads((d / "rank0-shards.json").read_text())
    assert shards["engine"] == "DistributedType.DEEPSPEED"
    assert shards["optimizer_state"] < 1.05 * shards["parameters"]  # half of Adam's two moments
    g = load_recipe(recipe).grpo
    assert (g["bf16"], g["activation_checkpointing"], g["beta"], g["num_generations"],
            g["gradient_accumulation_steps"]) == (True, True, 0.04, 6, 4)
    run = json.loads((tmp_path / "run" / "run.json").read_text())
    recorded = run["recipe"]["grpo"]
    assert (recorded["lr_scheduler_type"], recorded["save_steps"]) == ("cosine_with_min_lr", 50)
    assert "generation batch = 6 per device x 2 processes x 4 steps = 48 completions" in r.stdout
    assert "--mixed_precision bf16" in r.stdout
    weights = load_file(tmp_path / "run" / "model.safetensors")
    assert {str(t.dtype) for t in weights.values()} == {"torch.bfloat16"}  # DeepSpeed trained the model in bf16
    metrics = [json.loads(line) for line in (tmp_path / "run" / "metrics.jsonl").read_text().splitlines()]
    assert [m["step"] for m in metrics] == [1, 2] and all(m["completions/mean_length"] > 0 for m in metrics)


def test_an_engine_accelerate_did_not_apply_stops_the_run(deepspeed_cpu, tmp_path):
    "`accelerate launch --cpu` with a DeepSpeed config starts one process without DeepSpeed: it must refuse to train."
    from openrs.launch import ENGINE_VAR, config_path
    cmd = [sys.executable, "-m", "accelerate.commands.launch", "--cpu", "--config_file", str(config_path("zero2")),
           "--num_processes", "2", "--main_process_port", str(free_port()), "--mixed_precision", "no",
           "-m", "openrs.launch", "train", "open_rs2", *TINY, "grpo.use_cpu=true",
           f"grpo.output_dir={tmp_path / 'run'}"]
    expect = {"engine": "deepspeed", "zero_stage": 2, "processes": 2, "cpu": True}
    r = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=600,
                       env={**os.environ, ENGINE_VAR: json.dumps(expect), "CUDA_VISIBLE_DEVICES": "",
                            "OMP_NUM_THREADS": "1"})
    assert r.returncode != 0
    assert "the launch asked for deepspeed ZeRO-2 on 2 processes, but accelerate runs" in r.stderr, r.stderr[-3000:]
    assert " on 1: the accelerate config was not applied" in r.stderr
    assert not (tmp_path / "run" / "metrics.jsonl").exists()  # nothing was trained

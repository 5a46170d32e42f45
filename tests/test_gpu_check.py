"""`benchmarks/gpu_check.py`, the one script a GPU session runs, end to end at tiny shapes on CPU: every part runs,
writes the file the results page reads, and the summary names them, so the first GPU session only measures."""
import json, os, subprocess, sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_gpu_check_runs_every_part_at_a_tiny_shape(tmp_path):
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TQDM_DISABLE": "1"}
    r = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "gpu_check.py"), "--tiny", "--out-dir",
                        str(tmp_path)], cwd=ROOT, env=env,
                       capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stdout[-5000:] + r.stderr[-3000:]
    summary = json.loads((tmp_path / "gpu_check_cpu_tiny.json").read_text())
    assert summary["all_ran"] and list(summary["parts"]) == ["rollouts", "grpo", "eval"]
    for part in summary["parts"].values(): assert (tmp_path / part["file"]).exists() and part["returncode"] == 0
    rollouts = json.loads((tmp_path / "rollouts_cpu_tiny.json").read_text())
    assert rollouts["tiny"] and "trl" in rollouts["grpo"] and rollouts["decode"]
    grpo = json.loads((tmp_path / "grpo_gpu_cpu_tiny.json").read_text())
    (paper,) = grpo["results"]
    assert paper["setting"] == "paper" and paper["steps"] == 1 and paper["estimated_peak_gib"] > 0
    assert summary["memory"][0]["estimated_gib"] == paper["estimated_peak_gib"]
    assert json.loads((tmp_path / "eval_cpu_tiny.json").read_text())["results"]["transformers"]["samples"] == 4


def test_gpu_check_refuses_to_run_without_a_gpu_unless_tiny():
    import torch
    if torch.cuda.is_available(): return
    r = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "gpu_check.py"), "--out-dir", "/nonexistent"],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 2 and "no GPU here" in r.stderr

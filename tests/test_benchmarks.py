"""The GPU benchmarks run end to end at a tiny shape on CPU, so a session with a GPU only has to run them.

(`bench_rollouts.py --tiny` is exercised in tests/test_rollouts.py; the demo, rewards and data benchmarks write the
committed results the results page checks.)"""
import json, os, subprocess, sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def run_bench(script: str, *args: str, timeout: int = 600) -> subprocess.CompletedProcess:
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "HF_DATASETS_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "TQDM_DISABLE": "1"}
    r = subprocess.run([sys.executable, str(ROOT / "benchmarks" / script), *args], cwd=ROOT, env=env, capture_output=True,
                       text=True, timeout=timeout)
    assert r.returncode == 0, f"{script} failed:\n{r.stderr[-5000:]}"
    return r


def test_bench_grpo_gpu_tiny(tmp_path):
    "A few GRPO steps of the paper's recipe (random tiny model, CPU): seconds per step, peak memory, the estimate beside them."
    out = tmp_path / "grpo.json"
    run_bench("bench_grpo_gpu.py", "--tiny", "--steps", "2", "--settings", "paper", "--out", str(out))
    res = json.loads(out.read_text())
    (paper,) = res["results"]
    assert paper["setting"] == "paper" and paper["steps"] == 2 and len(paper["step_seconds"]) == 2
    assert paper["seconds_per_step"] > 0 and paper["peak_rss_gib"] > 0 and paper["estimated_peak_gib"] > 0
    assert paper["final_metrics"]["completions/mean_length"] > 0


def test_bench_eval_tiny(tmp_path):
    "Output tokens/s of generation alone and of the whole evaluation, per backend, on MATH-500 prompts (tiny model, CPU)."
    out = tmp_path / "eval.json"
    run_bench("bench_eval.py", "--shape", "tiny", "--problems", "2", "--k", "2", "--max-new-tokens", "8", "--out", str(out))
    res = json.loads(out.read_text())
    assert res["cuda"] is None and res["problems"] == 2 and res["k"] == 2
    for backend, r in res["results"].items():
        assert r["samples"] == 4 and r["eval_tokens"] == 4 * 8, (backend, r)
        assert r["generate_tokens_per_s"] > 0 and r["eval_tokens_per_s"] > 0

"""The paper's analysis of a run, end to end through the commands: the demo recipe trained briefly with several
checkpoints, `openrs eval RUN_DIR --checkpoints all` killed midway and run again (the sweep then holds, bit for bit,
what an uninterrupted sweep holds), and `openrs report RUN_DIR` drawing the paper's figures from metrics.jsonl and the
sweep."""
import json, os, re, signal, subprocess, sys, time

import pytest

from openrs.core import read_jsonl, write_jsonl

ENV = {**os.environ, "OMP_NUM_THREADS": "1"}
OPENRS = [sys.executable, "-c", "import sys; from openrs.cli import main; sys.exit(main(sys.argv[1:]))"]


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory):
    "A 6-step run of the demo recipe with a checkpoint every 2 steps, and held-out problem files of its task."
    from openrs.demo import arithmetic_splits, problem_rows
    from openrs.grpo import train
    d = tmp_path_factory.mktemp("paper")
    splits = arithmetic_splits(0)
    write_jsonl(d / "dev.jsonl", problem_rows(splits.dev[:40], "dev"))
    write_jsonl(d / "test.jsonl", problem_rows(splits.test[:60], "test"))
    train("demo", ["grpo.max_steps=6", "grpo.save_steps=2", "grpo.disable_tqdm=true"], output_dir=d / "grpo")
    return d


def sweep_args(d):
    return ["eval", str(d / "grpo"), "--checkpoints", "all", "--benchmarks", str(d / "dev.jsonl"),
            str(d / "test.jsonl"), "--select-on", str(d / "dev.jsonl"), "--k", "4", "--temperature", "1.0",
            "--top-p", "1.0", "--max-new-tokens", "32", "--batch-size", "160", "--backend", "transformers",
            "--no-progress"]


def rows_by_step(sweep_dir):
    out = {}
    for p in sorted(sweep_dir.glob("step-*")):
        rows = read_jsonl(p / "samples.jsonl") if (p / "samples.jsonl").exists() else []
        out[p.name] = {(r["benchmark"], r["problem_id"], r["sample"]): r for r in rows}
    return out


def test_sweep_killed_resumed_then_reported(demo_run):
    d = demo_run
    sweep_dir = d / "grpo" / "eval"
    proc = subprocess.Popen(OPENRS + sweep_args(d), env=ENV, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    end = time.time() + 900
    while time.time() < end and not any(p.stat().st_size for p in sweep_dir.glob("step-2-*/samples.jsonl")):
        if proc.poll() is not None: pytest.fail(f"the sweep ended (code {proc.returncode}) before it could be "
                                                f"killed:\n{proc.stderr.read().decode()[-3000:]}")
        time.sleep(0.02)
    proc.kill(); proc.wait()
    assert proc.returncode == -signal.SIGKILL
    killed = rows_by_step(sweep_dir)
    assert [n.split("-")[1] for n in killed] == ["0", "2"], killed.keys()  # the start done, checkpoint-2 under way

    resumed = subprocess.run(OPENRS + sweep_args(d), env=ENV, capture_output=True, text=True, timeout=900)
    assert resumed.returncode == 0, resumed.stderr[-3000:]
    straight = subprocess.run(OPENRS + sweep_args(d) + ["--out", str(d / "straight")], env=ENV, capture_output=True,
                              text=True, timeout=900)
    assert straight.returncode == 0, straight.stderr[-3000:]
    after, reference = rows_by_step(sweep_dir), rows_by_step(d / "straight")
    assert list(after) == list(reference) and [n.split("-")[1] for n in after] == ["0", "2", "4", "6"]
    assert after == reference  # bit for bit, step by step
    for name, rows in killed.items(): assert all(after[name][key] == r for key,
                                                 r in rows.items())  # finished samples kept
    start_log = read_jsonl(next(sweep_dir.glob("step-0-*")) / "log.jsonl")
    assert start_log[-1]["generated"] == 0  # the finished start was read back, not drawn again

    sweep = json.loads((sweep_dir / "sweep.json").read_text())
    assert [s["step"] for s in sweep["steps"]] == [0, 2, 4, 6] and sweep["select_on"] == "dev"
    assert sweep["best"]["step"] in (0, 2, 4, 6) and list(sweep["best"]["test"]) == ["test"]
    assert all(s["benchmarks"]["test"]["vs_start"]["n_problems"] == 60 for s in sweep["steps"][1:])
    assert "Chosen on dev (validation)" in resumed.stdout and "| 6 | checkpoint-6 |" in resumed.stdout

    report = subprocess.run(OPENRS + ["report", str(d / "grpo"), "--out", str(d / "report")], env=ENV,
                            capture_output=True, text=True, timeout=600)
    assert report.returncode == 0, report.stderr[-3000:]
    md = (d / "report" / "report.md").read_text()
    for png in ("accuracy_over_steps.png", "length_over_steps.png", "language_drift.png", "training.png"):
        data = (d / "report" / png).read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 10_000 and f"]({png})" in md, png
    assert "## The paper's analysis" in md and "**Chosen on dev (validation)" in md
    assert re.search(r"\| 0 \| start \| \d+\.\d \[\d+\.\d, \d+\.\d\] \|", md)

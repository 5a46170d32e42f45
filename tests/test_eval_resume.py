"""Kill a real `openrs eval` process mid-run, then run the same command again: nothing finished is generated again,
a line cut short is set aside, counted and redone, and a second writer is refused while the first one runs."""
import json, os, signal, subprocess, sys, time

import pytest

from openrs.core import read_jsonl
from openrs.eval import EvalConfig, read_samples, run_eval

K, LIMIT, MAX_NEW = 4, 12, 32
CLI = ["tiny", "--benchmarks", "aime24", "--k", str(K), "--limit", str(LIMIT), "--max-new-tokens", str(MAX_NEW),
       "--batch-size", "4", "--backend", "transformers", "--no-progress"]
ENV = {**os.environ, "OMP_NUM_THREADS": "1"}  # one thread: on a busy 2-core machine OpenMP spin-waits cost several times over


def start_eval(out):
    code = "import sys; from openrs.eval import eval_cli; sys.exit(eval_cli(sys.argv[1:]))"
    return subprocess.Popen([sys.executable, "-c", code, *CLI, "--out", str(out)], cwd=out.parent,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=ENV)


def wait_for_rows(proc, samples, n, timeout=600):
    end = time.time() + timeout
    while time.time() < end:
        if samples.exists() and samples.read_bytes().count(b"\n") >= n: return
        if proc.poll() is not None:
            pytest.fail(f"the eval process ended (code {proc.returncode}) before it could be killed:\n{proc.stderr.read().decode()[-3000:]}")
        time.sleep(0.02)
    proc.kill(); pytest.fail("no samples written in time")


def test_kill_then_resume(tmp_path):
    out = tmp_path / "run"
    proc = start_eval(out)
    samples = out / "samples.jsonl"
    wait_for_rows(proc, samples, 2 * K)
    with pytest.raises(RuntimeError, match="another openrs eval is writing"):  # the running process holds the lock
        run_eval(EvalConfig("tiny", max_new_tokens=MAX_NEW), "aime24", k=K, run_dir=out, limit=LIMIT, progress=False)
    proc.kill(); proc.wait()
    assert proc.returncode == -signal.SIGKILL

    before, bad_before = read_samples(samples)
    assert 2 * K <= len(before) < K * LIMIT, "killed mid-run"
    with open(samples, "a", encoding="utf-8") as f: f.write('{"benchmark": "aime24", "problem_id": "aime24-7')  # a cut line
    resumed = start_eval(out)
    stdout, stderr = resumed.communicate(timeout=900)
    assert resumed.returncode == 0, stderr.decode()[-3000:]

    log = read_jsonl(out / "log.jsonl")
    assert len(log) == 1  # the killed run never finished, so only the resumed one logged
    assert (log[0]["reused"], log[0]["generated"], log[0]["corrupt"]) == (len(before), K * LIMIT - len(before), len(bad_before) + 1)
    assert f"{K * LIMIT - len(before)} samples generated, {len(before)} reused" in stdout.decode()
    after, bad_after = read_samples(samples)
    assert not bad_after and samples.read_bytes().endswith(b"\n")
    keys = [(r["problem_id"], r["sample"]) for r in after]
    assert len(keys) == len(set(keys)) == K * LIMIT
    by_key = {(r["problem_id"], r["sample"]): r for r in after}
    assert all(by_key[(r["problem_id"], r["sample"])] == r for r in before)  # finished samples kept as they were
    assert any(x["text"].endswith('"aime24-7') for x in read_jsonl(out / "corrupt-lines.jsonl"))
    assert json.loads((out / "summary.json").read_text())["benchmarks"]["aime24"]["n_samples"] == K * LIMIT

"""Kill a real `openrs eval` process mid-run, then run the same command again: the resumed run holds, bit for bit, the
samples of an uninterrupted run (fixed generation calls, an unfinished call drawn again whole); nothing finished is
generated again; a line cut short is set aside, counted and redone; a second writer is refused while the first runs."""
import json, os, signal, subprocess, sys, time

import pytest

from openrs.core import RunBusy, read_jsonl
from openrs.eval import EvalConfig, read_samples, run_eval

K, LIMIT, MAX_NEW, CHUNK = 4, 20, 48, 3  # calls of 3 problems, batches of one problem: a kill can land inside a call
CLI = ["tiny", "--benchmarks", "aime24", "--k", str(K), "--limit", str(LIMIT), "--max-new-tokens", str(MAX_NEW),
       "--batch-size", "4", "--chunk", str(CHUNK), "--temperature", "1.0", "--backend", "transformers", "--no-progress"]
ENV = {**os.environ,
       "OMP_NUM_THREADS": "1"}  # one thread: on a busy 2-core machine OpenMP spin-waits cost several times over


def start_eval(out):
    code = "import sys; from openrs.eval import eval_cli; sys.exit(eval_cli(sys.argv[1:]))"
    return subprocess.Popen([sys.executable, "-c", code, *CLI, "--out", str(out)], cwd=out.parent,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=ENV)


def wait_for_rows(proc, samples, n, timeout=600):
    end = time.time() + timeout
    while time.time() < end:
        if samples.exists() and samples.read_bytes().count(b"\n") >= n: return
        if proc.poll() is not None:
            pytest.fail(f"the eval process ended (code {proc.returncode}) before it could be "
                        f"killed:\n{proc.stderr.read().decode()[-3000:]}")
        time.sleep(0.02)
    proc.kill(); pytest.fail("no samples written in time")


def by_key(rows): return {(r["problem_id"], r["sample"]): r for r in rows}


def test_kill_then_resume_equals_uninterrupted(tmp_path):
    out = tmp_path / "run"
    proc = start_eval(out)
    samples = out / "samples.jsonl"
    wait_for_rows(proc, samples, 2 * K)  # two problems: the first call (3 problems) is unfinished
    # the running process holds it
    with pytest.raises(RunBusy, match=rf"another openrs eval \(pid {proc.pid}, since .*\) is writing {out}"):
        run_eval(EvalConfig("tiny", max_new_tokens=MAX_NEW, temperature=1.0), "aime24", k=K, run_dir=out, limit=LIMIT,
                 progress=False)
    proc.kill(); proc.wait()
    assert proc.returncode == -signal.SIGKILL

    before, bad_before = read_samples(samples)
    assert 2 * K <= len(before) < K * LIMIT, "killed mid-run"
    with open(samples, "a",
              encoding="utf-8") as f: f.write('{"benchmark": "aime24", "problem_id": "aime24-7')  # a cut line
    resumed = start_eval(out)
    straight = start_eval(tmp_path / "straight")  # the same command, never interrupted
    stdout, stderr = resumed.communicate(timeout=900)
    assert resumed.returncode == 0, stderr.decode()[-3000:]
    assert straight.wait(timeout=900) == 0, straight.stderr.read().decode()[-3000:]

    log = read_jsonl(out / "log.jsonl")
    assert len(log) == 1  # the killed run never finished, so only the resumed one logged
    assert (log[0]["reused"], log[0]["generated"], log[0]["corrupt"]) == (len(before), K * LIMIT - len(before),
                                                                          len(bad_before) + 1)
    # calls drawn again gave the same text
    assert (log[0]["irreproducible"], log[0]["chunk"], log[0]["batch_size"]) == (0, CHUNK, 4)
    assert f"{K * LIMIT - len(before)} samples generated, {len(before)} reused" in stdout.decode()
    after, bad_after = read_samples(samples)
    assert not bad_after and samples.read_bytes().endswith(b"\n")
    assert len(by_key(after)) == len(after) == K * LIMIT
    assert all(by_key(after)[(r["problem_id"], r["sample"])] == r for r in before)  # finished samples kept as they were
    reference, _ = read_samples(tmp_path / "straight" / "samples.jsonl")
    assert by_key(after) == by_key(reference)  # bit for bit: completions, verdicts, seeds, digests
    assert any(x["text"].endswith('"aime24-7') for x in read_jsonl(out / "corrupt-lines.jsonl"))
    assert json.loads((out / "summary.json").read_text())["benchmarks"]["aime24"]["n_samples"] == K * LIMIT

"The pass-rate filter with the tiny model, killed mid-run (SIGKILL) and resumed: finished problems not sampled again."
import os, signal, subprocess, sys, textwrap, time

from openrs.core import read_jsonl_tolerant
from openrs.data import estimate_pass_rates, filter_by_pass_rate, load_problems
from openrs.generation import Generator, SamplingConfig, make_generator

N, SAMPLING = 12, SamplingConfig(n=2, temperature=1.0, top_p=1.0, max_new_tokens=32, seed=0)

SCRIPT = textwrap.dedent(f"""
    import sys
    from openrs.data import estimate_pass_rates, load_problems
    from openrs.generation import SamplingConfig
    # one problem per batch: one cache line each
    estimate_pass_rates(load_problems("math500", limit={N}), "tiny", SamplingConfig(**{SAMPLING.__dict__!r}),
                        cache=sys.argv[1], backend="transformers", progress=False, batch_size=2)
""")


class Recording(Generator):
    "Passes prompts to a real generator and records which problems it was asked to sample."
    def __init__(self, inner): self.inner, self.asked = inner, []
    def iter_generate(self, prompts, sampling):
        self.asked += [p[-1]["content"] for p in prompts]
        yield from self.inner.iter_generate(prompts, sampling)


def test_kill_and_resume(tmp_path):
    import torch
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # a tiny model gains nothing from threads, and on a busy machine they spin-wait
    try: _kill_and_resume(tmp_path)
    finally: torch.set_num_threads(threads)


def _kill_and_resume(tmp_path):
    cache = tmp_path / "rates.jsonl"
    proc = subprocess.Popen([sys.executable, "-c", SCRIPT, str(cache)], env={**os.environ, "OMP_NUM_THREADS": "1"})
    deadline = time.time() + 300
    try:
        while time.time() < deadline and proc.poll() is None:
            if cache.exists() and len(read_jsonl_tolerant(cache)[0]) >= 3: break
            time.sleep(0.02)
        assert proc.poll() is None, f"the run ended (code {proc.returncode}) before it could be killed"
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.kill(); proc.wait()
    done_rows, bad = read_jsonl_tolerant(cache)
    done = {r["id"] for r in done_rows}
    assert 3 <= len(done) < N, len(done)

    probs = load_problems("math500", limit=N)
    gen = Recording(make_generator("tiny", backend="transformers", progress=False, batch_size=2))
    rates = estimate_pass_rates(probs, "tiny", SAMPLING, cache=cache, generator=gen)
    by_text = {p["problem"]: p["id"] for p in probs}
    asked = [by_text[q] for q in gen.asked]
    assert not set(asked) & done, "a problem finished before the kill was sampled again"
    assert sorted(asked) == sorted(p["id"] for p in probs if p["id"] not in done)
    assert sorted(rates) == sorted(p["id"] for p in probs) and all(r.k == 2 for r in rates.values())
    final, bad = read_jsonl_tolerant(cache)
    assert not bad and sorted({r["id"] for r in final}) == sorted(rates)
    # a second resume has nothing left to do, and the filter reads the results
    again = Recording(gen.inner)
    assert estimate_pass_rates(probs, "tiny", SAMPLING, cache=cache, generator=again) == rates and again.asked == []
    stage = filter_by_pass_rate(probs, rates, 0.0, 0.5)
    assert stage.rows_in == N and stage.rows_out + len(stage.drops) == N

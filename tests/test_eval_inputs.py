"""`openrs eval` refuses bad input in one line (exit status 2, no traceback, nothing written) before any work, zero and
negative counts included; an evaluation interrupted inside a generation call and resumed holds the samples of an
uninterrupted one; edited verdicts and prompts too long for the model are caught."""
import contextlib, io, json, shutil

import pytest

from openrs.core import read_jsonl, write_jsonl
from openrs.eval import EvalConfig, eval_cli, read_run, read_samples, run_eval
from openrs.generation import Generator, TransformersGenerator


def cli(*argv):
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err): code = eval_cli([str(a) for a in argv])
    return code, out.getvalue(), err.getvalue()


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    d = tmp_path_factory.mktemp("inputs")
    write_jsonl(d / "dev.jsonl", [{"id": "a", "problem": "What is 2+3?", "answer": "5"}])
    write_jsonl(d / "bad.jsonl", [{"id": "a", "problem": "What is 2+3?"}])
    (d / "run").mkdir()
    (d / "run" / "run.json").write_text(json.dumps({"recipe": {"model": {"name_or_path": "tiny"}}}))
    (d / "notjson" ).mkdir(); (d / "notjson" / "run.json").write_text("{")
    return d


BAD = [  # (arguments, what the one line must say)
    (["tiny", "--k", "0"], "--k must be an integer of at least 1, not 0"),
    (["tiny", "--k", "-3"], "--k must be an integer of at least 1, not -3"),
    (["tiny", "--batch-size", "0"], "--batch-size must be an integer of at least 1, not 0"),
    (["tiny", "--chunk", "0"], "--chunk must be an integer of at least 1, not 0"),
    (["tiny", "--limit", "0"], "--limit must be an integer of at least 1, not 0"),
    (["tiny", "--grade-timeout", "0"], "--grade-timeout must be a positive number of seconds, not 0.0"),
    (["tiny", "--grade-timeout", "-1"], "--grade-timeout must be a positive number of seconds, not -1.0"),
    (["tiny", "--grade-timeout", "inf"], "--grade-timeout must be a positive number of seconds, not inf"),
    (["tiny", "--temperature", "-0.5"], "temperature must be >= 0, not -0.5"),
    (["tiny", "--temperature", "nan"], "temperature must be >= 0, not nan"),
    (["tiny", "--top-p", "0"], "top_p must be in (0, 1], not 0.0"),
    (["tiny", "--max-new-tokens", "0"], "max_new_tokens must be at least 1, not 0"),
    (["tiny", "--seed", "-1"], "seed must be a non-negative integer, not -1"),
    (["tiny", "--benchmarks", "amc24"], "unknown benchmark 'amc24'. Did you mean 'amc23'?"),
    (["tiny", "--benchmarks", "{d}/missing.jsonl"], "missing.jsonl: no such problem file"),
    (["tiny", "--benchmarks", "{d}/bad.jsonl"], "bad.jsonl:1: field 'answer' must be a non-empty string (missing)"),
    (["tiny", "--benchmarks", "aime24", "--k", "1", "--limit", "1"],
     "do not fit the model's context of 8192 tokens"),  # max_new_tokens 32768
    (["tiny", "--select-on", "{d}/dev.jsonl"], "--select-on chooses among checkpoints: give --checkpoints too"),
    (["{d}/run", "--checkpoints", "every:0"], "every:N's N must be an integer of at least 1, not 0"),
    (["{d}/run", "--checkpoints", "75"], "no checkpoint at step 75: the run has steps 0"),
    (["{d}/run", "--checkpoints", "last"], "use all, every:N (N at least 1) or a comma-separated list of steps"),
    (["{d}/run", "--checkpoints", "all", "--select-on", "aime24"], "aime24 is a test set"),
    (["{d}/run", "--checkpoints", "all", "--select-on", "{d}/dev.jsonl"],
     "select on dev: not among the benchmarks evaluated"),
    (["{d}/run", "--checkpoints", "all", "--k", "0"], "--k must be an integer of at least 1, not 0"),
    (["{d}/nowhere", "--checkpoints", "all"], "nowhere: no such training run directory"),
    (["{d}/dev.jsonl", "--checkpoints", "all"], "dev.jsonl: a file, not a training run directory"),
    (["{d}", "--checkpoints", "all"], "not a training run directory (no run.json"),
    (["{d}/notjson", "--checkpoints", "all"], "run.json: malformed JSON"),
    (["--summarize", "{d}/run"], "not an openrs eval run directory (no samples.jsonl)"),
]


@pytest.mark.parametrize("args, why", BAD, ids=[" ".join(a) for a, _ in BAD])
def test_bad_input_is_one_line(files, tmp_path, args, why):
    out = tmp_path / "out"
    code, stdout, err = cli(*[a.replace("{d}", str(files)) for a in args], "--out", out, "--no-progress")
    assert code == 2, (stdout, err)
    lines = err.strip().splitlines()
    assert lines[-1].startswith("openrs eval: error: ") and why in lines[-1], err
    assert "Traceback" not in err and not out.exists()
    assert not (files / "run" / "eval").exists()


class Interrupted(Exception): pass


class DiesAfter(Generator):
    "The tiny model's generator, killed (an exception) after `n` prompts."
    backend = "transformers"
    def __init__(self, gen, n): self.gen, self.n, self.batch_size = gen, n, gen.batch_size
    def iter_generate(self, prompts, sampling):
        for i, comps in self.gen.iter_generate(prompts, sampling):
            if self.n == 0: raise Interrupted
            self.n -= 1; yield i, comps


def test_a_call_interrupted_midway_is_drawn_again_whole(tmp_path):
    gen = TransformersGenerator("tiny", batch_size=2, progress=False)  # one problem per batch at k=2
    cfg, opts = EvalConfig("tiny", max_new_tokens=12, temperature=1.0), dict(k=2, limit=6, chunk_prompts=3,
                                                                             progress=False, n_boot=200)
    with pytest.raises(Interrupted): run_eval(cfg, "aime24", run_dir=tmp_path / "a", generator=DiesAfter(gen, 4),
                                              **opts)
    # the second call, of three problems, has one done
    assert len(read_samples(tmp_path / "a" / "samples.jsonl")[0]) == 4 * 2
    s = run_eval(cfg, "aime24", run_dir=tmp_path / "a", generator=gen, **opts)
    assert (s["stats"]["reused"], s["stats"]["generated"], s["stats"].get("irreproducible", 0)) == (8, 4, 0)
    run_eval(cfg, "aime24", run_dir=tmp_path / "b", generator=gen, **opts)
    key = lambda rows: {(r["problem_id"], r["sample"]): r for r in rows}
    a, b = (read_samples(tmp_path / run / "samples.jsonl")[0] for run in ("a", "b"))
    assert key(a) == key(b)


def test_edited_verdicts_are_graded_again(tmp_path):
    dev = tmp_path / "dev.jsonl"
    write_jsonl(dev, [{"id": f"p{i}", "problem": f"What is {i}+1?", "answer": str(i + 1)} for i in range(3)])
    code, out, err = cli("tiny", "--benchmarks", dev, "--k", "2", "--max-new-tokens", "8", "--out", tmp_path / "run",
                         "--no-progress")
    assert code == 0, err
    rows = read_jsonl(tmp_path / "run" / "samples.jsonl")
    for r in rows[:3]: r["correct"] = True  # a random model never answers: three verdicts forged
    write_jsonl(tmp_path / "run" / "samples.jsonl", rows)
    assert read_run(tmp_path / "run")["checked"] == {"tampered": 3}
    assert not any(r["correct"] for r in read_run(tmp_path / "run")["rows"])
    code, out, err = cli("--summarize", tmp_path / "run")
    assert code == 0 and "| tiny | – | – | – | – | – | 0.0 [0.0, 0.0] k=2 | – |" in out, out
    code, out, err = cli("tiny", "--benchmarks", dev, "--k", "2", "--max-new-tokens", "8", "--out", tmp_path / "run",
                         "--no-progress")
    assert code == 0 and "0 samples generated, 6 reused, 3 edited verdicts graded again" in out, (out, err)
    assert read_run(tmp_path / "run")["checked"] == {}
    write_jsonl(dev, [{"id": "p0", "problem": "What is 9+9?", "answer": "18"}])  # the file changed under the run
    code, out, err = cli("tiny", "--benchmarks", dev, "--k", "2", "--max-new-tokens", "8", "--out", tmp_path / "run",
                         "--no-progress")
    assert code == 2 and "holds other problems" in err, err

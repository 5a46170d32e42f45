"""`openrs.report` and `openrs report` end to end on the recorded runs in nbs/fixtures/report.

The notebook (nbs/06_report.ipynb) shows each function on the fixtures; these tests check what a notebook holds less
well: the written files (valid PNGs of a sensible size, a markdown that references exactly them), the command in a fresh
process without a display, every kind of bad input (a clear message naming the file, exit status 2, nothing written
and the run untouched), and random bytes in a metrics file.
"""
import hashlib, json, os, re, shutil, struct, subprocess, sys
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st, HealthCheck

from openrs.core import DataError
from openrs.report import (METRICS_FILE, RUN_FILE, SAMPLES_FILE, SUMMARY_FILE, TrainingRun, expand_panels, find_runs,
                           load_runs, plot_eval, plot_pass_at_k, plot_samples, plot_training, read_eval_run,
                           read_training_run, report_cli, samples_table, training_notes, training_table, write_report)

FIXTURES = Path(__file__).resolve().parents[1] / "nbs" / "fixtures" / "report"
DEMO, HOT, EVAL_TINY, EVAL_SIM = (FIXTURES / n for n in ("demo", "demo-lr2e-4-beta0.04", "eval-tiny", "eval-simulated"))


def png_size(path: Path) -> tuple[int, int]:
    "Width and height of a PNG, checking its signature and header chunk."
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", f"{path}: not a PNG"
    assert data[12:16] == b"IHDR", f"{path}: no IHDR chunk"
    assert data[-8:-4] == b"IEND", f"{path}: truncated (no IEND chunk)"
    return struct.unpack(">II", data[16:24])


def check_png(path: Path, min_width=500, min_height=250):
    w, h = png_size(path)
    assert min_width <= w <= 4000 and min_height <= h <= 4000, (path, w, h)
    assert 10_000 <= path.stat().st_size <= 2_000_000, (path, path.stat().st_size)


def digest(folder: Path) -> dict:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir()) if p.is_file()}


def test_a_second_report_in_the_same_folder(tmp_path):
    "An evaluation report where a training report was: the training figures go, a user's file stays, the listing too."
    out = tmp_path / "out"
    assert run_cli(DEMO, "--out", out, "--panels", "reward")[0] == 0
    (out / "mine.png").write_bytes(b"x")
    code, stdout, err = run_cli(EVAL_TINY, "--out", out)
    assert code == 0, err
    assert sorted(x.name for x in out.glob("*.png")) == ["eval.png", "mine.png", "pass_at_k.png"]
    assert stdout.strip().endswith("(eval.png, pass_at_k.png)"), stdout


def test_fixtures_are_small_and_hold_no_weights():
    files = [p for p in FIXTURES.rglob("*") if p.is_file()]
    assert sum(p.stat().st_size for p in files) < 600_000
    assert not [p for p in files if p.suffix in (".safetensors", ".bin", ".pt", ".md")], files


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    "The command end to end on every fixture, in a fresh process without a display."
    out = tmp_path_factory.mktemp("report") / "out"
    before = {p: digest(p) for p in (DEMO, HOT, EVAL_TINY, EVAL_SIM)}
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "MPLBACKEND")}
    r = subprocess.run([sys.executable, "-c",
                        "import sys; from openrs.report import report_cli; sys.exit(report_cli(sys.argv[1:]))",
                        str(DEMO), str(HOT), str(EVAL_SIM), str(EVAL_TINY), "--out", str(out)],
                       capture_output=True, text=True, env=env, timeout=600)
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith(f"{out / 'report.md'} (training.png, samples.png, eval.png, pass_at_k.png)"), r.stdout
    assert {p: digest(p) for p in before} == before, "the report changed a run directory"
    return out / "report.md"


def test_report_files(report):
    out = report.parent
    pngs = sorted(p.name for p in out.glob("*.png"))
    assert pngs == ["eval.png", "pass_at_k.png", "samples.png", "training.png"]
    for p in pngs: check_png(out / p)
    assert png_size(out / "training.png")[1] > 700  # a grid of panels, not one plot
    md = report.read_text()
    assert sorted(re.findall(r"!\[[^\]]*\]\(([^)]+)\)", md)) == pngs  # every figure embedded, none dangling
    assert not list(out.glob("*.tmp"))


def test_report_numbers(report):
    md = report.read_text()
    demo = read_training_run(DEMO)
    last = demo.metrics[-1]
    row = next(l for l in md.splitlines() if l.startswith("| demo |"))
    assert f"| demo | {last['step']} | {last['elapsed_s'] / 60:.1f} min |" in row, row
    acc = demo.series("accuracy")[1]
    n = max(1, round(0.1 * len(acc)))  # the last 10% of the logged rows
    final = sum(acc[-n:]) / n
    assert f"→ {100 * final:.1f}% (peak" in row, row
    assert "/ 32 |" in row  # the cap
    # evaluation: each run's pass@1 with its interval and k, beside the paper's rows
    sim = json.loads((EVAL_SIM / SUMMARY_FILE).read_text())
    m = sim["benchmarks"]["aime24"]["metrics"]["pass@1"]
    ci = f"[{100 * m['ci'][0]:.1f}, {100 * m['ci'][1]:.1f}]"
    assert f"| eval-simulated | AIME24 | 10 of 30 | 4 | {100 * m['value']:.1f} {ci} |" in md
    assert "| Open-RS3 (Exp 3, step 50) (paper) | 46.7 [30.2, 63.9] k=1 |" in md
    assert "A = eval-simulated, B = eval-tiny" in md  # the paired comparison
    assert "`kl`: demo: beta is 0.0, no reference model" in md  # a missing metric is a note, not an error


def test_only_one_kind(tmp_path):
    p = write_report([EVAL_TINY], tmp_path / "e", n_boot=200)
    assert sorted(x.name for x in p.parent.glob("*.png")) == ["eval.png",
                                                              "pass_at_k.png"] and "## Training" not in p.read_text()
    p = write_report([DEMO], tmp_path / "t", panels=["reward"])
    assert sorted(x.name for x in p.parent.glob("*.png")) == ["samples.png",
                                                              "training.png"] and "## Evaluation" not in p.read_text()


def test_metrics_only_run(tmp_path):
    "A run with metrics.jsonl alone (no samples, no run.json): curves and numbers, no samples figure, no recipe."
    run = tmp_path / "bare"; run.mkdir(); shutil.copy(DEMO / METRICS_FILE, run / METRICS_FILE)
    p = write_report([run], tmp_path / "out", panels=["accuracy"])
    md = p.read_text()
    assert "training.png" in md and "samples.png" not in md and "No recipe recorded" in md
    assert f"| bare | {read_training_run(DEMO).metrics[-1]['step']} |" in md


def test_odd_rows(tmp_path):
    "None / NaN values, a resumed run's repeated steps (the last wins), unknown extra keys, rows without a step."
    run = tmp_path / "odd"; run.mkdir()
    rows = [{"step": 1, "reward": 1.0, "accuracy": 0.5}, {"step": 2, "reward": None, "accuracy": float("nan")},
            {"step": 3, "reward": 0.0, "accuracy": 0.1}, {"step": 3, "reward": 2.0, "accuracy": 0.9, "new/metric": 7},
            {"epoch": 1.0}]
    (run / METRICS_FILE).write_text("".join(json.dumps(r) + "\n" for r in rows))
    r = read_training_run(run)
    assert [m["step"] for m in r.metrics] == [1, 2, 3] and r.series("reward") == ([1, 3], [1.0, 2.0])
    assert r.problems == ["metrics.jsonl: 1 value that is not a finite number set aside (step 2 'accuracy': NaN)",
                          "metrics.jsonl: 1 row without a step set aside"]
    fig = plot_training(r, ["reward", "accuracy", "new/metric", "kl"])
    assert len([a for a in fig.axes if a.has_data()]) == 3
    assert "| odd | 3 |" in training_table([r])
    p = write_report([run], tmp_path / "out")
    assert "1 row without a step set aside" in p.read_text()


def test_nothing_to_draw(tmp_path):
    "A run that logged none of the panels still gets its report (numbers), with a note instead of curves."
    run = tmp_path / "loss-only"; run.mkdir()
    (run / METRICS_FILE).write_text('{"step": 1, "loss": 0.5}\n{"step": 2, "loss": 0.4}\n')
    md = write_report([run], tmp_path / "out").read_text()
    assert "No curve drawn: none of the panels" in md and not (tmp_path / "out" / "training.png").exists()
    with pytest.raises(ValueError, match="none of the panels"): plot_training(read_training_run(run))


def run_cli(*argv) -> tuple[int, str, str]:
    import contextlib, io
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err): code = report_cli([str(a) for a in argv])
    return code, out.getvalue(), err.getvalue()


BAD_METRICS = {
    "empty": (b"", "metrics.jsonl: empty"),
    "blank lines": (b"\n\n  \n", "metrics.jsonl: empty"),
    "binary": (bytes(range(256)) * 4, "metrics.jsonl: no readable row"),
    "not objects": (b"[1, 2]\n3\n", "metrics.jsonl: no readable row"),
    "no step": (b'{"loss": 1.0}\n', "metrics.jsonl: no row has a step"),
}


@pytest.mark.parametrize("case", BAD_METRICS, ids=list(BAD_METRICS))
def test_cli_bad_metrics(tmp_path, case):
    content, message = BAD_METRICS[case]
    run = tmp_path / "run"; run.mkdir(); (run / METRICS_FILE).write_bytes(content)
    before = digest(run)
    code, out, err = run_cli(DEMO, run, "--out", tmp_path / "out")
    assert code == 2 and err.startswith("openrs report: error: "), err
    assert str(run / METRICS_FILE) in err and message in err, err
    assert not (tmp_path / "out").exists() and digest(run) == before  # nothing written, nothing changed


def test_cli_bad_directories(tmp_path):
    model = tmp_path / "model"; model.mkdir(); (model / "config.json").write_text('{"model_type": "qwen2"}')
    code, out, err = run_cli(model, "--out", tmp_path / "out")
    assert code == 2 and f"{model}: not a run directory" in err and "it holds: config.json" in err, err
    code, out, err = run_cli(tmp_path / "missing", "--out", tmp_path / "out")
    assert code == 2 and "missing: no such directory" in err, err
    f = tmp_path / "file.txt"; f.write_text("x")
    code, out, err = run_cli(f, "--out", tmp_path / "out")
    assert code == 2 and "file.txt: a file, not a run directory" in err, err
    run = tmp_path / "eval"; run.mkdir(); (run / SUMMARY_FILE).write_text("{broken")
    code, out, err = run_cli(run, "--out", tmp_path / "out")
    assert code == 2 and f"{run / SUMMARY_FILE}: " in err and "no samples.jsonl to compute it from" in err, err
    code, out, err = run_cli(DEMO, "--panels", "lenght", "--out", tmp_path / "out")
    assert code == 2 and "Did you mean 'length'?" in err, err
    code, out, err = run_cli(DEMO, "--labels", "a", "b", "--out", tmp_path / "out")
    assert code == 2 and "2 labels for 1 runs" in err, err
    assert not (tmp_path / "out").exists()


def test_cli_folder_of_runs(tmp_path):
    "A folder holding runs one level down stands for them (openrs demo's grpo/, a runs/ folder)."
    demo = tmp_path / "demo"; shutil.copytree(DEMO, demo / "grpo")
    (demo / "demo.json").write_text("{}")
    assert find_runs([demo]) == [(demo / "grpo", "train")]
    code, out, err = run_cli(demo, "--out", tmp_path / "out", "--panels", "accuracy")
    md = (tmp_path / "out" / "report.md").read_text() if code == 0 else ""
    assert code == 0 and f"| grpo | {read_training_run(DEMO).metrics[-1]['step']} |" in md, err


def test_cli_recovers_a_broken_summary(tmp_path):
    run = tmp_path / "eval"; shutil.copytree(EVAL_SIM, run)
    (run / SUMMARY_FILE).write_text((run / SUMMARY_FILE).read_text()[:100])  # cut short
    code, out, err = run_cli(run, "--out", tmp_path / "out")
    assert code == 0, err
    md = (tmp_path / "out" / "report.md").read_text()
    set_aside = md.split("## Set aside while reading")[1]
    assert "- `eval`: summary.json: malformed JSON (line 6, column" in set_aside, md[-500:]
    left = (run / SUMMARY_FILE).read_text()
    assert left.startswith("{") and len(left) == 100  # left as it was


def test_cli_rewrites_its_own_files_only(tmp_path):
    out = tmp_path / "out"; out.mkdir(); (out / "notes.txt").write_text("mine")
    assert run_cli(DEMO, "--out", out, "--panels", "accuracy")[0] == 0
    first = (out / "report.md").read_text()
    assert run_cli(DEMO, "--out", out, "--panels", "accuracy", "--labels", "renamed")[0] == 0
    assert (out / "notes.txt").read_text() == "mine" and (out / "report.md").read_text() != first


def test_plot_functions_write_pngs(tmp_path):
    demo, hot = read_training_run(DEMO), read_training_run(HOT)
    evals = [read_eval_run(EVAL_SIM), read_eval_run(EVAL_TINY)]
    # the full figures are checked in the report above; here the other shapes: one run, one panel, one benchmark
    figs = {"one": plot_training(demo, ["accuracy"]), "samples": plot_samples(hot),
            "pass_at_k": plot_pass_at_k(evals[:1]),
            "eval": plot_eval(evals[1:], paper_rows=["Open-RS2"])}
    for name, fig in figs.items():
        fig.savefig(tmp_path / f"{name}.png", dpi=100)
        check_png(tmp_path / f"{name}.png", min_width=300, min_height=200)


def test_notes_for_missing_metrics():
    demo, hot = read_training_run(DEMO), read_training_run(HOT)
    notes = training_notes([demo, hot], expand_panels([demo, hot]))
    assert notes == {"kl": "demo: beta is 0.0, no reference model"}
    assert training_notes([demo],
                          expand_panels([demo],
                                        ["kl", "reward"])) == {"kl": "skipped (demo: beta is 0.0, no reference model)"}


def test_samples_table_escapes():
    run = TrainingRun(Path("x"), "x", [{"step": 1}], samples=[
        {"step": 5, "prompt": "a|b", "completion": "line1\nline2 `code` $x$ <think>", "answer": "1",
         "rewards": {"accuracy": None}, "advantage": None}])
    t = samples_table(run)
    row = t.splitlines()[2]
    assert row.count(" | ") == 5 and "a\\|b" in row and "line1 ⏎ line2" in row, row
    assert "`` line1" in row and "accuracy –" in row, row
    assert samples_table(run, steps=[7]).splitlines()[2] == "| 7 | _no sample logged at this step_ | | | | |"


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.binary(max_size=400), st.lists(st.dictionaries(st.sampled_from(["step", "reward", "accuracy", "kl"]),
                                                         st.one_of(st.none(), st.integers(-3, 5), st.floats(),
                                                                   st.text(max_size=3)),
                                                         max_size=4), max_size=5))
def test_reading_never_fails_otherwise(tmp_path_factory, noise, rows):
    "Whatever a metrics file holds, reading it gives a run or a DataError naming the file; never another exception."
    run = tmp_path_factory.mktemp("fuzz")
    (run / METRICS_FILE).write_bytes(b"".join(json.dumps(r).encode() + b"\n" for r in rows) + noise)
    try: r = read_training_run(run)
    except DataError as e: assert str(run / METRICS_FILE) in str(e); return
    assert r.metrics and all(isinstance(m["step"], int) for m in r.metrics)
    training_table([r])


def test_cli_names_values_that_are_not_numbers(tmp_path):
    "NaN and strings where metrics belong are set aside and named (report.md and a note on stderr), never drawn."
    run = tmp_path / "odd"; run.mkdir()
    rows = [{"step": 1, "reward": 1.0}, {"step": 2, "reward": "high"},
            {"step": 3, "reward": float("nan"), "loss": float("inf")}]
    (run / METRICS_FILE).write_text("".join(json.dumps(r) + "\n" for r in rows))
    code, out, err = run_cli(run, "--out", tmp_path / "out", "--panels", "reward")
    assert code == 0, err
    note = ("metrics.jsonl: 3 values that are not a finite number set aside (step 2 'reward': \"high\"; "
            "step 3 'reward': NaN; step 3 'loss': Infinity)")
    assert err.strip() == f"openrs report: note: `odd`: {note}", err
    assert f"- `odd`: {note}" in (tmp_path / "out" / "report.md").read_text()


@pytest.mark.parametrize("value", [float("nan"), "0.5", 1.5, None, [0.1]])
def test_cli_refuses_summary_values_that_are_not_fractions(tmp_path, value):
    run = tmp_path / "eval"; shutil.copytree(EVAL_SIM, run); (run / SAMPLES_FILE).unlink()
    s = json.loads((run / SUMMARY_FILE).read_text()); s["benchmarks"]["math500"]["metrics"]["pass@1"]["value"] = value
    (run / SUMMARY_FILE).write_text(json.dumps(s))
    code, out, err = run_cli(run, "--out", tmp_path / "out")
    assert code == 2 and "benchmark 'math500': pass@1 is" in err, err
    assert "not a fraction in [0, 1] with an interval" in err, err
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("args, why", [(["--smoothing", "1.5"], "--smoothing must be in [0, 1), not 1.5"),
                                       (["--smoothing", "-0.1"], "--smoothing must be in [0, 1)"),
                                       (["--bootstrap", "0"], "--bootstrap must be at least 1, not 0"),
                                       (["--labels", " "], "an empty run label"),
                                       (["--paper-curves", "4"], "unknown experiment of the paper '4'")])
def test_cli_refuses_bad_options(tmp_path, args, why):
    code, out, err = run_cli(DEMO, "--out", tmp_path / "out", *args)
    assert code == 2 and err.count("\n") == 1 and why in err, err
    assert not (tmp_path / "out").exists()


def made_up_sweep(run: Path, steps=(0, 100, 200, 300)):
    "Write a sweep summary into RUN/eval with made-up numbers: AIME24 (a paper benchmark) and a validation file `dev`."
    from openrs.eval import write_sweep
    m = lambda v: {"value": v, "ci": [max(0.0, v - 0.1), min(1.0, v + 0.1)]}
    vals = {"aime24": [0.29, 0.40, 0.33, 0.27], "dev": [0.40, 0.55, 0.52, 0.45]}
    rows = [dict(step=s, label="start" if s == 0 else f"checkpoint-{s}", model="m", digest="d", fingerprint="f",
                 run_dir=f"step-{s}-f",
                 benchmarks={b: {"n_problems": 30, "of": 30, "k": 4, "pass@1": m(v[i]), "truncated": 0.01 * i,
                                 "mean_tokens": 20.0 + i,
                                 "drift": m(0.0), **({"vs_start": {"n_problems": 30, "a": v[0], "b": v[i],
                                                                   "diff": v[i] - v[0],
                                                                   "ci": [v[i] - v[0] - 0.05,
                                                                          v[i] - v[0] + 0.05]}} if s else {})}
                             for b, v in vals.items()}) for i, s in enumerate(steps)]
    write_sweep(run / "eval",
                dict(run_dir=str(run), settings={"max_new_tokens": 32}, benchmarks=list(vals), k=4, steps=rows,
                                   best=None, select_on=None))


def test_paper_figures_from_a_sweep(tmp_path):
    run = tmp_path / "demo"; shutil.copytree(DEMO, run); made_up_sweep(run)
    code, out, err = run_cli(run, "--out", tmp_path / "out", "--panels", "accuracy", "--select-on", "dev")
    assert code == 0, err
    pngs = ["accuracy_over_steps.png", "language_drift.png", "length_over_steps.png", "samples.png", "training.png"]
    assert sorted(p.name for p in (tmp_path / "out").glob("*.png")) == pngs
    for p in pngs: check_png(tmp_path / "out" / p)
    md = (tmp_path / "out" / "report.md").read_text()
    assert "**Chosen on dev (validation): step 100 (checkpoint-100)**" in md
    assert "AIME24 40.0 [30.0, 50.0], +11.0 [+6.0, +16.0] vs the start" in md
    assert sorted(re.findall(r"!\[[^\]]*\]\(([^)]+)\)", md)) == pngs
    code, out, err = run_cli(run, "--out", tmp_path / "out2", "--select-on", "aime24")
    assert code == 2 and "aime24 is a test set" in err and "best-on-test" in err, err
    code, out, err = run_cli(run, "--out", tmp_path / "out2", "--select-on", "nope")
    assert code == 2 and "select on nope: not among the benchmarks evaluated (aime24, dev)" in err, err
    (run / "eval" / "sweep.json").write_text('{"steps": [{"step": 1, "benchmarks": {"x": {"pass@1": {"value": '
                                             '"NaN"}}}}], "benchmarks": ["x"]}')
    code, out, err = run_cli(run, "--out", tmp_path / "out2")
    assert code == 2 and "sweep.json: step 1, x: pass@1 is" in err, err
    assert not (tmp_path / "out2").exists()


def test_a_training_report_without_a_sweep_says_how_to_get_one(tmp_path):
    md = write_report([DEMO], tmp_path / "out", panels=["accuracy"]).read_text()
    assert "No checkpoint sweep: `openrs eval RUN_DIR --checkpoints all`" in md
    assert not list((tmp_path / "out").glob("accuracy_over_steps.png"))

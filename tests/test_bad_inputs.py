"""The bad-input table (tests/bad_inputs.yaml): every `openrs` command, given one bad input, exits with status 2 and one
line naming what is wrong, prints no traceback, writes nothing and refuses before any work starts. The rows run in this
process through `openrs.cli.main` (fast); a few run as real processes, to see exactly what a user sees."""
import contextlib, dataclasses, io, json, os, shlex, shutil, signal, subprocess, sys, tempfile, time
from pathlib import Path

import pytest
import yaml

TABLE = Path(__file__).parent / "bad_inputs.yaml"
ROWS = yaml.safe_load(TABLE.read_text(encoding="utf-8"))
LIMIT = 20  # seconds a row may take by default: a refusal comes before any model, data set or training step

TINY_RECIPE = """\
description: a tiny run for the bad-input table
model: {name_or_path: tiny}
data: {dataset: aime24, limit: 8, system_prompt: none, max_prompt_tokens: null}
rewards: [{name: accuracy}]
grpo: {max_steps: 1, per_device_train_batch_size: 4, num_generations: 2, max_completion_length: 8,
       learning_rate: 1.0e-5, logging_steps: 1, save_steps: 1, report_to: none, disable_tqdm: true}
"""


def _writable(p: Path) -> bool:
    try: fd, f = tempfile.mkstemp(dir=p)
    except OSError: return False
    os.close(fd); os.unlink(f); return True


def make_fixtures(d: Path) -> dict:
    "The files and folders the rows' placeholders name; returns the placeholders' values."
    from openrs.core import RUN_FILE, load_recipe, tiny_model_path, write_jsonl
    d.mkdir(parents=True, exist_ok=True)
    (d / "afile").write_text("not a directory\n")
    (d / "empty").mkdir()
    (d / "dir.yaml").mkdir()
    (d / "bad.yaml").write_text("model: {name_or_path: x\n")
    (d / "tiny.yaml").write_text(TINY_RECIPE)
    cut = shutil.copytree(tiny_model_path(), d / "cut")
    os.truncate(cut / "model.safetensors", (cut / "model.safetensors").stat().st_size // 2)
    write_jsonl(d / "dev.jsonl", [{"id": "a", "problem": "What is 2+3?", "answer": "5"}])
    write_jsonl(d / "bad.jsonl", [{"id": "a", "problem": "What is 2+3?"}])
    (d / "gz.jsonl.gz").write_bytes(b"\x1f\x8b\x08\x00 not really gzip")
    run = d / "run"; run.mkdir()
    (run / RUN_FILE).write_text(json.dumps({"recipe": {"model": {"name_or_path": "tiny"},
                                                       "grpo": {"max_completion_length": 8}}}))
    write_jsonl(run / "metrics.jsonl",
                [{"step": s, "loss": 0.1 * s, "reward": 0.5, "accuracy": 0.25} for s in (1, 2, 3)])
    (d / "badrun").mkdir(); (d / "badrun" / "metrics.jsonl").write_text('{"step": 1, "loss"\n')
    trained = d / "trained"; (trained / "checkpoint-1").mkdir(parents=True)  # what resuming needs to find
    (trained / RUN_FILE).write_text(json.dumps({"recipe": dataclasses.asdict(load_recipe(d / "tiny.yaml"))},
                                               default=str))
    ro = d / "ro"; ro.mkdir(); os.chmod(ro, 0o555)
    if _writable(ro):  # root writes anywhere: a system directory no one may write in, if there is one
        ro = Path("/sys") if Path("/sys").is_dir() and not _writable(Path("/sys")) else None
    return {"d": str(d), "ro": str(ro) if ro else None}


@pytest.fixture(scope="module")
def places(tmp_path_factory):
    return make_fixtures(tmp_path_factory.mktemp("bad-inputs") / "fx")


def fill(text: str, places: dict) -> str:
    return text.replace("{d}", places["d"]).replace("{ro}", str(places["ro"]))


def snapshot(folder: Path) -> dict:
    return {str(p.relative_to(folder)): p.stat().st_size for p in folder.rglob("*") if "ro" not in p.parts}


class TookTooLong(Exception): pass


def run_in_process(argv: list[str], limit: float) -> tuple[object, str, BaseException | None, float]:
    "`(exit code, stderr, escaped exception, seconds)` of `openrs ARGV` in this process, stopped after `limit` seconds."
    from openrs.cli import main
    def alarm(*_): raise TookTooLong(f"still running after {limit} s: the input was accepted and work started")
    old = signal.signal(signal.SIGALRM, alarm)
    out, err, code, exc, t0 = io.StringIO(), io.StringIO(), None, None, time.time()
    signal.setitimer(signal.ITIMER_REAL, limit)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err): code = main(argv)
    except SystemExit as e: code = e.code  # argparse's errors
    except BaseException as e: exc = e
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0); signal.signal(signal.SIGALRM, old)
    return code, err.getvalue(), exc, time.time() - t0


def params():
    for row in ROWS:
        marks = [pytest.mark.xfail(strict=True, reason=f"the lead applies: {row['lead']}")] if row.get("lead") else []
        yield pytest.param(row, marks=marks, id=row["run"])


@pytest.mark.parametrize("row", params())
def test_bad_input(row, places, tmp_path, monkeypatch):
    if "{ro}" in row["run"] and places["ro"] is None: pytest.skip("no directory here that cannot be written")
    monkeypatch.chdir(tmp_path)  # a default output path (runs/, data/, report/) would land here
    fx = Path(places["d"])
    before = snapshot(fx)
    code, err, exc, seconds = run_in_process(shlex.split(fill(row["run"], places)), row.get("limit", LIMIT))
    if exc is not None: raise AssertionError(f"{type(exc).__name__} escaped instead of one line: {exc}") from exc
    lines = [x for x in err.strip().splitlines() if x.strip()]
    assert code == 2 and lines, (code, err[-2000:])
    assert "Traceback" not in err, err[-2000:]
    assert fill(row["says"], places) in lines[-1], lines[-1]
    assert lines[-1].startswith("openrs"), lines[-1]  # the command's name, then what is wrong
    assert snapshot(fx) == before and not any(tmp_path.iterdir()), "a refused command wrote something"


def test_the_table_covers_every_command():
    "At least 100 rows, every command among them, every row unique."
    from openrs.cli import COMMANDS
    assert len(ROWS) >= 100, len(ROWS)
    assert len({r["run"] for r in ROWS}) == len(ROWS)
    commands = {shlex.split(r["run"])[0] if r["run"].split() else "" for r in ROWS}
    assert set(COMMANDS) <= commands, set(COMMANDS) - commands
    assert all(set(r) <= {"run", "says", "lead", "limit"} and r["says"] for r in ROWS)


SUBPROCESS_ROWS = ["recipes --kind trian", "eval tiny --k 0", "data build open_rs_clean --out {d}/afile",
                   "report {d}/run --out {d}/afile"]


@pytest.mark.parametrize("run", SUBPROCESS_ROWS)
def test_a_real_process_prints_one_line(run, places, tmp_path):
    "What a user sees: exit status 2 and exactly one line on stderr, nothing on stdout."
    row = next(r for r in ROWS if r["run"] == run)
    code = "import sys; from openrs.cli import main; sys.exit(main(sys.argv[1:]))"
    p = subprocess.run([sys.executable, "-c", code, *shlex.split(fill(run, places))], cwd=tmp_path,
                       capture_output=True, text=True,
                       timeout=120, env={**os.environ, "OMP_NUM_THREADS": "1"})
    # DeepSpeed's import-time notice, if it is installed, left out
    lines = [x for x in p.stderr.splitlines() if x.strip() and "[WARNING]" not in x]
    assert p.returncode == 2 and len(lines) == 1 and not p.stdout, (p.returncode, p.stdout, p.stderr)
    assert fill(row["says"], places) in lines[0]


def test_the_cli_page_shows_this_table():
    "The docs' copy of the table (the stored output of its cell on the CLI page) is this table: refresh it on a change."
    nb = json.loads((Path(__file__).parents[1] / "nbs" / "09_cli.ipynb").read_text(encoding="utf-8"))
    cell = next(c for c in nb["cells"] if c["cell_type"] == "code" and "bad_inputs.yaml" in "".join(c["source"]))
    shown = "".join(cell["outputs"][0]["data"]["text/markdown"])
    code = lambda s: "`" + s.replace("|", "\\|") + "`"
    pending = lambda r: "*pending*" if r.get("lead") else ""
    for r in ROWS: assert f"| {code(r['run'])} | {code(r['says'])} | {pending(r)} |" in shown, r
    assert shown.startswith(f"{len(ROWS)} bad inputs, {sum(1 for r in ROWS if r.get('lead'))} of them pending.")

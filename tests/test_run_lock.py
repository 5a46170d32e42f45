"""One writer per run directory (`openrs.core.run_directory`): processes racing for one directory never hold it at once,
never delete what another wrote, and a failed fresh run leaves nothing behind; every command that writes a run directory
refuses a second writer at once, with one line naming the holder, and changes nothing."""
import contextlib, io, multiprocessing as mp, os, subprocess, sys, time
from pathlib import Path

import pytest

from openrs.core import LOCK_FILE, RunBusy, run_directory

HOLD = ("import sys; from openrs.core import run_directory\n"
        "with run_directory(sys.argv[1], sys.argv[2]) as r:\n"
        "    print('held', flush=True); sys.stdin.read()")


@contextlib.contextmanager
def held(path, command):
    "Another process holding `path` as `command` for the block."
    p = subprocess.Popen([sys.executable, "-c", HOLD, str(path), command], stdin=subprocess.PIPE,
                         stdout=subprocess.PIPE, text=True)
    try:
        assert p.stdout.readline() == "held\n"
        yield p
    finally:
        p.stdin.close(); p.wait(timeout=30)


def contender(path: str, i: int, log: str, barrier, fail: bool):
    "Wait for the others, then try to hold `path`: write a file, check nobody removed it, maybe fail."
    barrier.wait()
    note = lambda what: os.write(fd, f"{what} {i} {time.monotonic():.6f}\n".encode())
    fd = os.open(log, os.O_WRONLY | os.O_APPEND)
    try:
        with run_directory(path, "eval") as r:
            note("enter")
            mine = Path(path) / f"out-{i}"
            mine.write_text(str(i)); time.sleep(0.02)
            ok = mine.read_text() == str(i)
            note("exit" if ok else "lost")
            if fail: raise RuntimeError("model would not load")
    except RunBusy: note("refused"); os._exit(3)
    except RuntimeError: os._exit(4)
    os._exit(0)


ROUNDS = int(os.environ.get("OPENRS_LOCK_ROUNDS", 12))  # the scheme eval used before: 34 deleted files in 40 rounds


def test_racing_writers_never_overlap_or_delete_each_others_files(tmp_path):
    "Six processes race for one missing directory, round after round, half of the holders failing (a fresh run undone)."
    ctx, seen = mp.get_context("fork"), {"enter": 0, "refused": 0}
    for round_ in range(ROUNDS):
        target, log = tmp_path / f"r{round_}" / "runs" / "x", tmp_path / f"log{round_}"
        log.write_text("")
        barrier = ctx.Barrier(6)
        procs = [ctx.Process(target=contender,
                             args=(str(target), i, str(log), barrier, i % 2 == round_ % 2)) for i in range(6)]
        for p in procs: p.start()
        for p in procs: p.join(30)
        events = [line.split() for line in log.read_text().splitlines()]
        for e in events: seen[e[0]] = seen.get(e[0], 0) + 1
        assert not any(e[0] == "lost" for e in events), events  # nobody's file vanished while it held the directory
        inside = 0
        for kind, _, _ in sorted(events, key=lambda e: float(e[2])):
            inside += {"enter": 1, "exit": -1}.get(kind, 0)
            assert inside <= 1, events  # never two holders at once
        codes = [p.exitcode for p in procs]
        assert set(codes) <= {0, 3, 4} and codes.count(3) == sum(e[0] == "refused" for e in events), codes
        held_ok = [i for i, c in enumerate(codes) if c == 0]
        for i in held_ok: assert (target / f"out-{i}").read_text() == str(i)  # what a successful writer wrote stays
        if not held_ok and target.exists():  # only failures: what stayed is a writer's that found it not fresh
            assert not list(target.glob(LOCK_FILE))
    assert seen["enter"] >= ROUNDS and seen["refused"] > 0, seen  # they did race


def cli(fn, *argv):
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try: code = fn([str(a) for a in argv])
        except SystemExit as e: code = e.code
    return code, err.getvalue()


def test_eval_refuses_a_second_writer(tmp_path):
    from openrs.eval import eval_cli
    out = tmp_path / "run"
    with held(out, "eval") as other:
        code, err = cli(eval_cli, "tiny", "--benchmarks", "aime24", "--k", "1", "--limit", "1", "--max-new-tokens",
                        "4", "--out", out, "--no-progress")
    assert code == 2 and f"another openrs eval (pid {other.pid}, since " in err and f"is writing {out}" in err, err
    assert not any(out.iterdir())  # nothing written beside the holder


def test_data_build_and_report_refuse_a_second_writer(tmp_path):
    from openrs.data import data_cli
    from openrs.report import report_cli
    fixtures = Path(__file__).parents[1] / "nbs" / "fixtures" / "report"
    runs = sorted(p for p in fixtures.iterdir() if p.is_dir())[:1]
    out = tmp_path / "out"
    with held(out, "data build") as other:
        code, err = cli(data_cli, "build", "open_rs_clean", "--out", out)
        assert code == 2 and f"another openrs data build (pid {other.pid}" in err, err
        code, err = cli(report_cli, *runs, "--out", out)
        assert code == 2 and f"another openrs data build (pid {other.pid}" in err, err
    assert not any(out.iterdir())


TINY = ("model: {name_or_path: tiny}\ndata: {dataset: aime24, limit: 8, system_prompt: none}\n"
        "rewards: [{name: accuracy}]\n"
        "grpo: {max_steps: 1, per_device_train_batch_size: 4, num_generations: 2, max_completion_length: 8, "
        "save_steps: 1, report_to: none, disable_tqdm: true}\n")


@pytest.mark.parametrize("flags", [[], ["--overwrite"]], ids=["second run", "--overwrite"])
def test_train_refuses_a_second_writer(tmp_path, flags):
    "A run is live in the directory: a second `openrs train` into it, --overwrite or not, is refused, deleting nothing."
    from openrs.grpo import train_cli
    recipe, out = tmp_path / "tiny.yaml", tmp_path / "run"
    recipe.write_text(TINY)
    (out / "checkpoint-1").mkdir(parents=True); (out / "metrics.jsonl").write_text('{"step": 1}\n')
    with held(out, "train") as other:
        code, err = cli(train_cli, recipe, "--output-dir", out, *flags)
    # nothing deleted or mixed
    assert (out / "checkpoint-1").is_dir() and (out / "metrics.jsonl").read_text() == '{"step": 1}\n'
    assert code == 2 and f"another openrs train (pid {other.pid}, since " in err, err

"""`openrs launch` where a notebook cannot hold it well: the Slurm script run for real under stand-ins for
`srun`/`scontrol`, a launcher killed with SIGTERM (nothing may survive), the `python -m openrs.launch wait`
entry point, and bad input through the command line (a clear error within seconds)."""
import json, os, shlex, signal, socket, subprocess, sys, textwrap, time
from pathlib import Path

import psutil
import pytest

from openrs.launch import Layout, LaunchError, launch_cli, plan_launch

FAKE_SERVER = textwrap.dedent('''
    import http.server, os, subprocess, sys, time
    port, healthy_after, pidfile = int(sys.argv[1]), float(sys.argv[2]), sys.argv[3]
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(300)"], start_new_session=True)
    with open(pidfile, "a") as f: f.write(f"{os.getpid()} {child.pid} ")
    start = time.monotonic()
    class Health(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            ok = self.path == "/health" and 0 <= healthy_after <= time.monotonic() - start
            self.send_response(200 if ok else 503); self.end_headers()
        def log_message(self, *args): pass
    http.server.HTTPServer(("127.0.0.1", port), Health).serve_forever()
''')


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0)); return s.getsockname()[1]


def gone(pid: int) -> bool:
    try: return psutil.Process(pid).status() == psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess: return True


def wait_gone(pids, timeout=10.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if all(gone(p) for p in pids): return True
        time.sleep(0.1)
    return False


def test_sbatch_script_runs_under_fake_slurm(tmp_path):
    """The generated script, run by bash: the vLLM srun serves, the wait passes, each training command expands."""
    port = free_port()
    (tmp_path / "fake_server.py").write_text(FAKE_SERVER)
    bin_dir, fakepy = tmp_path / "bin", tmp_path / "fakepy"
    bin_dir.mkdir(); fakepy.mkdir()
    (bin_dir / "scontrol").write_text("#!/bin/sh\nprintf 'node-a\\nnode-b\\n127.0.0.1\\n'\n")
    # srun: log the call; the vLLM step becomes the fake server; a training step runs its command with a `python` that
    # records its argv
    (bin_dir / "srun").write_text(textwrap.dedent(f'''\
        #!{sys.executable}
        import json, os, sys
        args = sys.argv[1:]
        opts = []
        while args and args[0].startswith("--"): opts.append(args.pop(0))
        with open({str(tmp_path / "srun.jsonl")!r}, "a") as f:
            f.write(json.dumps({{"opts": opts, "cmd": args}}) + "\\n")
        if "vllm.entrypoints.cli.main" in args:
            port = args[args.index("--port") + 1]
            os.execv(sys.executable,
                     [sys.executable, {str(tmp_path / "fake_server.py")!r}, port, "0.5", {str(tmp_path / "pids")!r}])
        os.environ.update(SLURM_PROCID="1", PATH={str(fakepy)!r} + os.pathsep + os.environ["PATH"])
        os.execvp(args[0], args)
        '''))
    (fakepy / "python").write_text(f"#!/bin/sh\nprintf '%s\\n' \"$@\" > "
                                   f"{shlex.quote(str(tmp_path / 'train_argv.txt'))}\n")
    for f in [*bin_dir.iterdir(), fakepy / "python"]: f.chmod(0o755)

    plan = plan_launch("open_rs3", Layout(gpus=8, vllm_gpus=1, nodes=3), vllm_port=port, main_port=29511,
                       overrides=["grpo.learning_rate=2e-6",
                                  "data.system_prompt_text=Think step by step; answer in $\\boxed{}$."])
    script = tmp_path / "job.sbatch"
    script.write_text(plan.script)
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
           "SLURM_JOB_NODELIST": "node-[a-b],127.0.0.1", "SLURM_JOB_ID": "42"}
    env.pop("VIRTUAL_ENV", None)
    t0 = time.monotonic()
    r = subprocess.run(["bash", str(script)], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    assert time.monotonic() - t0 < 60
    calls = [json.loads(line) for line in (tmp_path / "srun.jsonl").read_text().splitlines()]
    assert calls[0]["opts"] == ["--nodes=1", "--ntasks=1", "--nodelist=127.0.0.1"]
    assert calls[0]["cmd"][:3] == ["env", "CUDA_VISIBLE_DEVICES=0", "VLLM_SERVER_DEV_MODE=1"]
    cmd = calls[0]["cmd"]
    assert cmd[cmd.index("--host") + 1] == "127.0.0.1"  # $VLLM_NODE expanded: the address the trainers use, not 0.0.0.0
    assert calls[1]["opts"] == ["--nodes=2", "--ntasks=2", "--nodelist=node-a,node-b", "--kill-on-bad-exit=1"]
    argv = (tmp_path / "train_argv.txt").read_text().splitlines()  # what `python` got on a training node
    value = lambda flag: argv[argv.index(flag) + 1]
    assert (value("--machine_rank"), value("--main_process_ip"), value("--num_processes"),
            value("--num_machines")) == ("1", "node-a", "16", "2")
    assert argv[argv.index("-m") + 1:argv.index("-m") + 4] == ["accelerate.commands.launch", "--config_file",
                                                               value("--config_file")]
    assert f"grpo.vllm_server_base_url=http://127.0.0.1:{port}" in argv
    assert "data.system_prompt_text=Think step by step; answer in $\\boxed{}$." in argv  # shell characters intact
    pids = [int(p) for p in (tmp_path / "pids").read_text().split()]
    assert wait_gone(pids[:1]), "the script's exit trap must stop the vLLM server"
    for p in pids[1:]:
        if not gone(p): os.kill(p, signal.SIGKILL)  # the stand-in's own grandchild: Slurm would reap it with the step


LAUNCHER = textwrap.dedent('''
    import sys
    from openrs.launch import LaunchPlan, Layout, ProcSpec, BatchPlan, run_plan
    server, trainer, port = sys.argv[1], sys.argv[2], sys.argv[3]
    plan = LaunchPlan("fake", Layout(gpus=2, vllm_gpus=1), "ddp", BatchPlan(2, 1, 1, 1, 2), [
        ProcSpec("vllm", [sys.executable, server, port, "0", sys.argv[4]],
                 health_url=f"http://127.0.0.1:{port}/health"),
        ProcSpec("train", [sys.executable, "-c", trainer])])
    sys.exit(run_plan(plan, grace=3))
''')


def test_sigterm_to_the_launcher_stops_every_child(tmp_path):
    """scancel or a kill sends SIGTERM to the launcher: the server, its grandchild, the trainer's children all go."""
    (tmp_path / "fake_server.py").write_text(FAKE_SERVER)
    trainer = ("import os, subprocess, sys, time; c = subprocess.Popen([sys.executable, '-c', 'import time; "
               "time.sleep(300)'], start_new_session=True); "
               f"open({str(tmp_path / 'pids')!r}, 'a').write(f'{{os.getpid()}} {{c.pid}} '); time.sleep(300)")
    port = free_port()
    p = subprocess.Popen([sys.executable, "-c", LAUNCHER, str(tmp_path / "fake_server.py"), trainer, str(port),
                          str(tmp_path / "pids")])
    deadline = time.monotonic() + 60
    started = lambda: (tmp_path / "pids").read_text().split() if (tmp_path / "pids").exists() else []
    while time.monotonic() < deadline and len(started()) < 4:
        time.sleep(0.2)
    pids = [int(x) for x in (tmp_path / "pids").read_text().split()]
    assert len(pids) == 4, "server, its grandchild, trainer and its child should all be running"
    t0 = time.monotonic()
    p.send_signal(signal.SIGTERM)
    p.wait(timeout=30)
    assert time.monotonic() - t0 < 15
    assert wait_gone(pids), [pid for pid in pids if not gone(pid)]


def test_wait_entry_point_fails_fast(tmp_path):
    t0 = time.monotonic()
    r = subprocess.run([sys.executable, "-m", "openrs.launch", "wait", f"http://127.0.0.1:{free_port()}/health",
                        "--timeout", "1"],
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 1 and "was not healthy after 1 s" in r.stderr, r.stderr
    assert time.monotonic() - t0 < 30


def run_cli(*argv):
    t0 = time.monotonic()
    r = subprocess.run([sys.executable, "-c",
                        "import sys; from openrs.launch import launch_cli; sys.exit(launch_cli(sys.argv[1:]))", *argv],
                       capture_output=True, text=True, timeout=120)
    return r.returncode, r.stdout, r.stderr, time.monotonic() - t0


def test_bad_input_is_one_clear_error_in_seconds():
    with socket.socket() as busy:
        busy.bind(("0.0.0.0", 0)); busy.listen()
        port = busy.getsockname()[1]
        rc, out, err, took = run_cli("open_rs3", "--gpus", "4", "--vllm-gpus", "1", "--vllm-port", str(port))
    assert rc == 2 and took < 60, (rc, err)
    import torch
    if torch.cuda.device_count() < 4: assert "--gpus 4 asks for more GPUs than this machine has" in err
    assert f"port {port} is in use on this machine (the vLLM server" in err
    if __import__("importlib.util").util.find_spec("deepspeed") is None:
        assert "uses DeepSpeed, which is not installed here: pip install 'openrs[deepspeed]'" in err
    assert "Traceback" not in err


def test_no_gpu_without_gpus_flag():
    import torch
    if torch.cuda.device_count(): pytest.skip("a GPU is visible")
    rc, out, err, _ = run_cli("open_rs3")
    assert rc == 2 and "no GPU is visible here: pass --gpus N" in err, err


def test_launch_error_for_impossible_layouts():
    with pytest.raises(LaunchError, match="leaves no GPU to train on"):
        Layout(gpus=4, vllm_gpus=4)
    plan_launch("open_rs3", Layout(cpu=2), config="zero3")  # DeepSpeed runs on CPU too (its CPU accelerator, gloo)
    assert launch_cli(["open_rs3", "--gpus", "4", "--vllm-gpus", "1", "grpo.use_vllm=false", "--dry-run"]) == 2


def test_slurm_values_cannot_inject_lines():
    "A newline in --partition would end the #SBATCH line and run the rest as a command: refused, with one clear line."
    rc, out, err, took = run_cli("open_rs3", "--nodes", "2", "--gpus", "8", "--partition", "gpu\necho pwned",
                                 "--dry-run")
    assert rc == 2 and "--partition 'gpu\\necho pwned': a Slurm value may hold only" in err, err
    assert "Traceback" not in err
    assert "pwned" not in out
    rc, out, err, took = run_cli("open_rs3", "--nodes", "2", "--gpus", "8", "--partition", "gpu,gpu-long", "--time",
                                 "1-00:00:00", "--dry-run")
    assert rc == 0 and "#SBATCH --partition=gpu,gpu-long" in out and "#SBATCH --time=1-00:00:00" in out

"""Run the test suite against the newest releases instead of the lock, and record what differs and what broke.

    python tools/newest.py                       # fresh venv, newest releases, the whole suite (about 25 min on 2 cores)
    python tools/newest.py -- tests/test_core.py  # only some tests

Installs `torch==2.13.0 -e ".[dev]"` without `-c requirements.lock` (torch stays at the CPU build: a newer torch is a
several-GB CUDA download here), lists every package whose newest version differs from the lock, runs pytest, and writes
benchmarks/results/newest.json. A failure here is an issue to fix before moving the lock (`python tools/lock.py`),
not a reason to unpin.
"""
import json, subprocess, sys, tempfile, time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from lock import INSTALL, LOCK, ROOT, fresh_venv, frozen, parse_lock  # noqa: E402

OUT = ROOT / "benchmarks" / "results" / "newest.json"


def main(argv: list[str]) -> int:
    tests = argv[argv.index("--") + 1:] if "--" in argv else []
    locked = parse_lock(LOCK.read_text())
    t0 = time.time()
    with tempfile.TemporaryDirectory() as d:
        py = fresh_venv(Path(d))
        subprocess.run([str(py), "-m", "pip", "install", "-q", "--upgrade", *INSTALL], check=True, cwd=ROOT)
        newest = parse_lock("\n".join(frozen(py)))
        changed = {k: {"lock": locked.get(k), "newest": v} for k, v in sorted(newest.items()) if locked.get(k) != v}
        changed.update({k: {"lock": v, "newest": None} for k, v in locked.items() if k not in newest})
        print(f"{len(changed)} packages differ from the lock:",
              ", ".join(f"{k} {c['lock']} -> {c['newest']}" for k, c in changed.items()))
        env_bin = str(Path(py).parent)
        r = subprocess.run([str(py), "-m", "pytest", "-q", "-p", "no:cacheprovider", *tests], cwd=ROOT,
                           capture_output=True, text=True,
                           env={"PATH": env_bin + ":/usr/bin:/bin", "HOME": str(Path.home()), "HF_HUB_OFFLINE": "1",
                                "HF_DATASETS_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"})
    lines = [l for l in r.stdout.splitlines() if l.strip()]
    failed = [l for l in lines if l.startswith(("FAILED", "ERROR"))]
    result = {"date": time.strftime("%Y-%m-%d"), "tests": tests or "all", "returncode": r.returncode,
              "summary": lines[-1] if lines else r.stderr[-500:], "failed": failed, "differs_from_lock": changed,
              "minutes": round((time.time() - t0) / 60, 1)}
    OUT.write_text(json.dumps(result, indent=1))
    print(result["summary"]); print(*failed, sep="\n")
    print(f"wrote {OUT}")
    return r.returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

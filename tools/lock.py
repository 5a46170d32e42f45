"""Write requirements.lock: the exact versions of the whole dependency tree, as CI installs and tests it.

    python tools/lock.py            # a fresh venv, `pip install torch==2.13.0 -e ".[dev]"`, then pip freeze

CI (`.ci/run`) and the README's two commands install with `-c requirements.lock`, so a new release upstream
cannot change what main runs. settings.ini keeps compatible ranges for people who import openrs as a library.
Rerun this script when settings.ini's requirements change, or to move to newer releases after
`python tools/newest.py` has shown that the suite passes with them. Local version tags (`+cpu`) are dropped
so that a GPU machine takes the same release with its CUDA build.
"""
import platform, re, subprocess, sys, tempfile, time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LOCK = ROOT / "requirements.lock"
INSTALL = ["torch==2.13.0", "-e", ".[dev]"]  # the README's install, without the lock


def fresh_venv(d: Path) -> Path:
    subprocess.run([sys.executable, "-m", "venv", str(d / "venv")], check=True)
    py = d / "venv" / "bin" / "python"
    subprocess.run([str(py), "-m", "pip", "install", "-q", "--upgrade", "pip"], check=True)
    return py


def frozen(py: Path) -> list[str]:
    "`pip freeze` of a venv without the editable openrs and without local version tags."
    out = subprocess.run([str(py), "-m", "pip", "freeze", "--exclude-editable"], check=True, capture_output=True,
                         text=True).stdout
    return sorted((re.sub(r"\+[\w.]+$", "",
                          l.strip()) for l in out.splitlines() if l.strip() and not l.startswith("-e ")),
                  key=str.lower)


def parse_lock(text: str) -> dict[str, str]:
    "name -> version of a lock or freeze text."
    pins = {}
    for line in text.splitlines():
        if line.strip() and not line.startswith("#"):
            name, version = line.split("==")
            pins[name.lower().replace("_", "-")] = version.strip()
    return pins


def main() -> int:
    with tempfile.TemporaryDirectory() as d:
        py = fresh_venv(Path(d))
        subprocess.run([str(py), "-m", "pip", "install", "-q", *INSTALL], check=True, cwd=ROOT)
        subprocess.run([str(py), "-m", "pip", "check"], check=True)
        pins = frozen(py)
    head = [f"# openrs lock: written by tools/lock.py on {time.strftime('%Y-%m-%d')}, Python "
            f"{platform.python_version()}, "
            f"{platform.machine()} {platform.system()}", "# install with: pip install torch==2.13.0 -e \".[dev]\" -c requirements.lock"]
    LOCK.write_text("\n".join(head + pins) + "\n")
    print(f"wrote {LOCK} ({len(pins)} packages)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

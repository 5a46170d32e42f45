"Test-session settings: never reach the Hugging Face hub, and build kit models in a fresh cache."
import os, tempfile

for var in ("HF_HUB_OFFLINE", "HF_DATASETS_OFFLINE", "TRANSFORMERS_OFFLINE"): os.environ[var] = "1"
os.environ.setdefault("OPENRS_CACHE", tempfile.mkdtemp(prefix="openrs-test-cache-"))
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

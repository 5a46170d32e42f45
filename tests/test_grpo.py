"""End-to-end checks of `openrs.grpo` that a notebook cannot hold well: exact resume, dynamic sampling's edge cases,
the 2-step `openrs train demo`, and a faster-generation mixin composed with the trainer."""
import contextlib, io, json, warnings
from pathlib import Path

import pytest
import torch

torch.set_num_threads(1)  # tiny models: threads only add overhead, more so on a shared CPU

from transformers import TrainerCallback

from openrs.core import read_jsonl
from openrs.grpo import METRICS_FILE, SAMPLES_FILE, OpenRSTrainer, latest_checkpoint, train, train_cli

warnings.filterwarnings("ignore")

# the paper's Experiment 2 recipe (its cosine schedule with warmup, beta 0.04, bnpo) at tiny size: 16 completions a step
# in 2 micro-batches, checkpoints every 2 steps
TINY = ["model.name_or_path=tiny", "data.limit=32", "grpo.max_steps=4", "grpo.save_steps=2",
        "grpo.per_device_train_batch_size=4", "grpo.num_generations=4", "grpo.gradient_accumulation_steps=2",
        "grpo.max_completion_length=12", "grpo.learning_rate=1e-3", "grpo.disable_tqdm=true",
        "grpo.gradient_checkpointing=false"]


class StopAt(TrainerCallback):
    "Stop training after `step` optimizer steps, as a killed run would (its last checkpoint is at `step`)."
    def __init__(self, step): self.step = step
    def on_step_end(self, args, state, control, **kw):
        if state.global_step == self.step: control.should_training_stop = True


def losses(run_dir):
    return [(r["step"], r["loss"], r["reward"]) for r in read_jsonl(Path(run_dir) / METRICS_FILE)]


@pytest.mark.parametrize("sampling", ["none", "refill"])
def test_resume_gives_identical_losses(tmp_path, sampling):
    "4 steps straight, and 2 steps + resume + 2 steps, with the same seed: the same losses, rewards and final weights."
    overrides = TINY + [f"trainer.dynamic_sampling={sampling}"]
    straight = train("open_rs2", overrides, output_dir=tmp_path / "straight")
    train("open_rs2", overrides, output_dir=tmp_path / "resumed", callbacks=[StopAt(2)])
    assert [m["step"] for m in read_jsonl(tmp_path / "resumed" / METRICS_FILE)] == [1, 2]
    assert Path(latest_checkpoint(tmp_path / "resumed")).name == "checkpoint-2"
    resumed = train("open_rs2", overrides, output_dir=tmp_path / "resumed", resume=True)
    assert resumed.resumed_from.endswith("checkpoint-2") and resumed.global_step == 4
    assert losses(tmp_path / "straight") == losses(tmp_path / "resumed")
    sample_steps = lambda d: [r["step"] for r in read_jsonl(tmp_path / d / SAMPLES_FILE)]
    assert sample_steps("resumed") == sample_steps("straight")
    from safetensors.torch import load_file
    a, b = load_file(tmp_path / "straight" / "model.safetensors"), load_file(tmp_path / "resumed" / "model.safetensors")
    assert all(torch.equal(a[k], b[k]) for k in a)


def test_resume_drops_rows_logged_after_the_checkpoint(tmp_path):
    "A run killed after its checkpoint logged steps that the resumed run logs again: they appear once."
    overrides = TINY + ["grpo.max_steps=3", "grpo.save_steps=2"]
    train("open_rs2", overrides, output_dir=tmp_path)               # logs steps 1-3, checkpoint at 2
    train("open_rs2", overrides + ["grpo.max_steps=4"], output_dir=tmp_path, resume=True)
    assert [m["step"] for m in read_jsonl(tmp_path / METRICS_FILE)] == [1, 2, 3, 4]


def test_dynamic_sampling_when_every_group_is_uninformative(tmp_path):
    "A reward that never varies: filter trains on the unfiltered batch; refill gives up after its rounds."
    for mode in ("filter", "refill"):
        run = train("open_rs2", TINY + ["grpo.max_steps=2", "rewards=[{name: format}]", "trainer.monitor_rewards=[]",
                                        f"trainer.dynamic_sampling={mode}", "trainer.max_refill_rounds=2"],
                    output_dir=tmp_path / mode)
        m = run.metrics[-1]
        assert m["frac_reward_zero_std"] == 1.0 and m["dynamic_sampling/filtered_frac"] == 1.0
        assert m["dynamic_sampling/kept_frac"] == 0.0
        assert m["dynamic_sampling/refill_rounds"] == (2.0 if mode == "refill" else 0.0)


def test_dynamic_sampling_filters_and_refills(tmp_path):
    "A reward that varies for odd problems only: filter drops the even ones' groups, refill replaces them."
    from datasets import Dataset
    from trl import GRPOConfig
    from openrs.core import TrainerConfig, load_model, load_tokenizer, make_conversation
    ds = Dataset.from_list([{"prompt": make_conversation(f"What is {i}+{i}?", "none"), "n": i} for i in range(64)])
    def odd_only(completions, n, **kw): return [float(len(c[0]["content"]) % 2) if k % 2 else 1.0
                                                for c, k in zip(completions, n)]
    stats = {}
    for mode in ("filter", "refill"):
        args = GRPOConfig(output_dir=str(tmp_path / mode), use_cpu=True, bf16=False, per_device_train_batch_size=32,
                          num_generations=4, max_completion_length=12, max_steps=3, logging_steps=1, report_to="none",
                          save_strategy="no", seed=3, disable_tqdm=True)
        trainer = OpenRSTrainer(model=load_model("tiny"), reward_funcs=[odd_only], args=args, train_dataset=ds,
                                processing_class=load_tokenizer("tiny"),
                                openrs=TrainerConfig(dynamic_sampling=mode, max_refill_rounds=6, monitor_rewards=[]))
        trainer.train()
        stats[mode] = [(m["dynamic_sampling/filtered_frac"], m["dynamic_sampling/kept_frac"],
                        m["dynamic_sampling/refill_rounds"])
                       for m in read_jsonl(tmp_path / mode / METRICS_FILE)]
    assert all(f > 0 and k == 1 - f for f, k, r in stats["filter"]), stats   # the even problems (about half the groups)
    assert all(r == 0 for f, k, r in stats["filter"])
    assert all(k == 1.0 and r >= 1 for f, k, r in stats["refill"]), stats  # a full batch of informative groups


def test_openrs_train_demo_two_steps(tmp_path):
    "`openrs train demo` (the demo's GRPO stage, its warm-started model built on first use) for 2 steps."
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert train_cli(["demo", "grpo.max_steps=2", "grpo.disable_tqdm=true", "--output-dir", str(tmp_path)]) == 0
    rows = read_jsonl(tmp_path / METRICS_FILE)
    assert [r["step"] for r in rows] == [1, 2] and "trained 2 steps" in out.getvalue()
    assert rows[-1]["accuracy"] > 0.1 and rows[-1]["rewards/format/mean"] > 0.5   # the warm start can already add
    assert (tmp_path / "model.safetensors").exists()
    assert train_cli(["demo", "grpo.max_steps=2", "--output-dir", str(tmp_path)]) == 2  # checkpoints there: refused


def test_faster_generation_mixin_composes(tmp_path):
    "A mixin replacing TRL's generation method, listed before OpenRSTrainer, is used and keeps the trainer's features."
    calls = []
    class CountingRollouts:
        def _generate_single_turn(self, *args, **kwargs):
            calls.append(1)
            return super()._generate_single_turn(*args, **kwargs)
    cls = type("CountingTrainer", (CountingRollouts, OpenRSTrainer), {})
    run = train("open_rs2", TINY + ["grpo.max_steps=2", "trainer.dynamic_sampling=filter"], output_dir=tmp_path,
                trainer_cls=cls)
    assert len(calls) >= 2 and "dynamic_sampling/filtered_frac" in run.metrics[-1]


def test_fast_rollouts_from_the_recipe(tmp_path):
    "`trainer.rollouts: fast` puts openrs.rollouts' static decoder in the trainer: it generates, training goes on."
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        run = train("open_rs2", TINY + ["grpo.max_steps=2", "trainer.rollouts=fast"], output_dir=tmp_path)
    assert type(run).__name__ == "TrainRun" and run.global_step == 2
    assert all(r["rollouts/decode_tokens_per_s"] > 0 for r in run.metrics if "loss" in r), run.metrics
    assert not [w for w in caught if "fast rollouts are off" in str(w.message)]


def test_overwrite_removes_the_earlier_checkpoints(tmp_path):
    "Starting afresh where a longer run was: its checkpoints go, so a later --resume continues the new run."
    train("open_rs2", TINY, output_dir=tmp_path)                                     # checkpoints 2 and 4
    train("open_rs2", TINY, output_dir=tmp_path, overwrite=True, callbacks=[StopAt(2)])  # killed after its checkpoint 2
    assert Path(latest_checkpoint(tmp_path)).name == "checkpoint-2"
    assert [m["step"] for m in read_jsonl(tmp_path / METRICS_FILE)] == [1, 2]

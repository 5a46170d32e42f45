"""openrs.rollouts inside TRL's GRPOTrainer: the fast path must train exactly as TRL's default path does.

Seeded tiny runs on CPU, two optimizer steps each, TRL's `GRPOTrainer` against the same trainer with
`FastRolloutMixin`: equal completions (token for token), equal rewards, losses, KL and gradient norms. Greedy decoding
is the case the issue names; with greedy decoding every completion of a group is the same, so group advantages and
the loss are zero, and the sampled run (on CPU the decoder draws with `torch.multinomial` from the same random
stream as transformers) is what checks non-zero losses and gradients. Also: the benchmark runs end to end at its
tiny shape, and the compiled decode step gives the eager step's tokens.
"""
import json, sys
from pathlib import Path

import pytest
import torch

ROOT = Path(__file__).resolve().parents[1]
torch.set_num_threads(1)  # tiny work on shared cores: one thread avoids OpenMP spin-waits


@pytest.fixture(scope="module")
def kit():
    from datasets import Dataset
    from openrs.core import load_shipped_rows, load_tokenizer, make_conversation, random_model_path
    path = str(random_model_path(dtype="float32", num_hidden_layers=2, hidden_size=64, intermediate_size=128,
                                 num_attention_heads=4, num_key_value_heads=2, vocab_size=2048))
    data = Dataset.from_list([{"prompt": make_conversation(r["problem"],
                                                           "none")} for r in load_shipped_rows("math500")[:8]])
    return path, load_tokenizer(path), data


def run_grpo(kit, fast: bool, greedy: bool, tmp_path):
    "Two optimizer steps; returns the completions each step scored and the logged metrics."
    from trl import GRPOConfig, GRPOTrainer
    from openrs.rollouts import FastRolloutMixin
    path, tok, data = kit
    seen = []

    def reward(completions, **kw):  # depends on the text, so different completions score differently
        texts = [c[0]["content"] for c in completions]
        seen.append(texts)
        return [float(sum(map(ord, t)) % 7) for t in texts]

    cls = type("Fast", (FastRolloutMixin, GRPOTrainer), {}) if fast else GRPOTrainer
    args = GRPOConfig(output_dir=str(tmp_path), use_cpu=True, bf16=False, per_device_train_batch_size=4,
                      gradient_accumulation_steps=2, num_generations=4, max_completion_length=12, max_steps=2,
                      learning_rate=1e-2, beta=0.04, loss_type="bnpo", temperature=0.7, logging_steps=1,
                      report_to="none", save_strategy="no", seed=0, disable_tqdm=True,
                      generation_kwargs={"do_sample": False} if greedy else None)
    trainer = cls(model=path, reward_funcs=reward, args=args, train_dataset=data, processing_class=tok)
    trainer.train()
    logs = [h for h in trainer.state.log_history if "loss" in h]
    if fast:
        assert trainer._fast_rollout_decoder.stats.rows == 8  # the static decoder made the rollouts
        assert all(h["rollouts/decode_tokens_per_s"] > 0 for h in logs)
    return seen, logs


@pytest.mark.parametrize("greedy", [True, False], ids=["greedy", "sampled"])
def test_fast_rollouts_match_trl(kit, greedy, tmp_path):
    seen_trl, logs_trl = run_grpo(kit, False, greedy, tmp_path / "trl")
    seen_fast, logs_fast = run_grpo(kit, True, greedy, tmp_path / "fast")
    assert len(seen_trl) == 2 and seen_fast == seen_trl  # the same completions, step by step
    assert len(set(seen_trl[0])) > 1  # and not all alike
    for a, b in zip(logs_trl, logs_fast):
        for k in ("reward", "reward_std", "loss", "kl", "grad_norm", "completions/mean_length", "entropy"):
            assert b[k] == pytest.approx(a[k], rel=1e-4, abs=1e-6), k
    if not greedy: assert any(abs(h["loss"]) > 0 for h in logs_trl) and all(h["grad_norm"] > 0 for h in logs_trl)


def test_refusal_falls_back_to_trl(kit, tmp_path):
    "An option the decoder lacks hands generation to TRL, with a warning naming it, and training goes on."
    from trl import GRPOConfig, GRPOTrainer
    from openrs.rollouts import FastRolloutMixin
    path, tok, data = kit
    args = GRPOConfig(output_dir=str(tmp_path), use_cpu=True, bf16=False, per_device_train_batch_size=4,
                      num_generations=4, max_completion_length=8, max_steps=1, report_to="none", save_strategy="no",
                      disable_tqdm=True, repetition_penalty=1.1)
    def zero(completions, **kw): return [0.0] * len(completions)
    trainer = type("Fast", (FastRolloutMixin, GRPOTrainer), {})(model=path, reward_funcs=zero, args=args,
                                                                train_dataset=data, processing_class=tok)
    with pytest.warns(UserWarning, match="repetition_penalty=1.1 is not implemented"): trainer.train()
    assert "_fast_rollout_decoder" not in trainer.__dict__


def test_compiled_step_matches_eager(kit):
    "torch.compile of the per-layer functions (the GPU default) traces each as one graph and gives the eager tokens."
    from openrs.core import load_model
    from openrs.rollouts import RolloutSampling, StaticDecoder
    path, tok, data = kit
    model = load_model(path).eval()
    ids = [tok.apply_chat_template(p, add_generation_prompt=True, tokenize=True, return_dict=True)["input_ids"]
           for p in data["prompt"][:3]]
    s = RolloutSampling(max_new_tokens=10, eos_token_ids=(tok.eos_token_id,), pad_token_id=tok.pad_token_id,
                        do_sample=False)
    # aot_eager: dynamo's tracing without inductor's CPU code generation (slow here)
    compiled = StaticDecoder(model, compile="aot_eager", cuda_graphs=True)
    assert compiled.generate(ids, s) == StaticDecoder(model).generate(ids, s)
    assert compiled.stats.mode == "cuda-graphs+compile" and compiled.compile  # compiled, not fallen back to eager


def test_benchmark_tiny(tmp_path, monkeypatch):
    "The benchmark runs end to end at its tiny shape and writes every part with device, versions and shape."
    monkeypatch.syspath_prepend(str(ROOT / "benchmarks"))
    import bench_rollouts
    out = tmp_path / "r.json"
    assert bench_rollouts.main(["--tiny", "--out", str(out), "--warmup", "0", "--decode-batches", "2",
                                "--decode-variants", "openrs,hf-dynamic"]) == 0
    r = json.loads(out.read_text())
    assert r["tiny"] and r["device"]["type"] == "cpu" and r["versions"]["trl"]
    assert r["shape"]["completions_per_optimizer_step"] == 24
    for v in ("trl", "openrs"):
        g = r["grpo"][v]
        assert "error" not in g, g
        assert g["steps_timed"] == 1 and g["completions_exact"] and g["completion_tokens_per_step"] == 24 * 16
    assert r["grpo"]["openrs"]["loss"] == pytest.approx(r["grpo"]["trl"]["loss"], abs=1e-6)
    assert r["decode"]["2"]["openrs"]["tokens_per_s"] > 0 and r["decode"]["2"]["hf-dynamic"]["tokens_per_s"] > 0
    assert r["summary"]["grpo_speedup"] > 0


def test_static_decoder_at_the_paper_shape():
    """The real DeepSeek-R1-Distill-Qwen-1.5B layout (28 layers, 12 query heads on 2 key/value heads of 128, a
    151,936-token vocabulary, q/k/v biases, its rope and sliding-window settings), random weights, float32 on CPU:
    the static decoder accepts it and its greedy tokens are transformers' `generate`'s, for left-padded prompts of
    different lengths. The tiny models of the other tests shrink every one of these dimensions."""
    from openrs.core import r1_distill_1p5b_config, random_model
    from openrs.rollouts import RolloutSampling, StaticDecoder, unsupported_reason
    torch.set_num_threads(2)
    model = random_model(r1_distill_1p5b_config(), dtype="float32").eval()
    assert unsupported_reason(model) is None
    prompts = [[5, 17, 923, 4410, 88], list(range(300, 323)), [151000, 7]]  # 5, 23 and 2 tokens
    s = RolloutSampling(max_new_tokens=8, eos_token_ids=(1,), pad_token_id=2, do_sample=False)
    ours = StaticDecoder(model, compile=False, cuda_graphs=False).generate(prompts, s)
    P = max(map(len, prompts))
    ids = torch.full((len(prompts), P), 2); mask = torch.zeros(len(prompts), P, dtype=torch.long)
    for i, p in enumerate(prompts): ids[i, P - len(p):] = torch.tensor(p); mask[i, P - len(p):] = 1
    with torch.no_grad():
        out = model.generate(input_ids=ids, attention_mask=mask, max_new_tokens=8, do_sample=False, pad_token_id=2,
                             eos_token_id=1)
    ref = [r[:next((i + 1 for i, t in enumerate(r) if t == 1), len(r))] for r in out[:, P:].tolist()]
    assert ours == ref and all(len(r) == 8 for r in ref)

"""The answer checker across processes and under TRL: forked children, a killed supervisor, the trainer's own calls."""
import json, os, tempfile

import pytest

from openrs import answers, workers


def test_forked_child_starts_its_own_pool():
    "A process forked after the pool started must not talk on its parent's pipe."
    answers.answer_pool().start()
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:  # child
        try:
            g = answers.grade([r"\boxed{\frac{2}{4}}", r"\boxed{x+1}"], ["0.5", "1+x"])
            os.write(w, json.dumps([x.status for x in g]).encode())
            answers.shutdown()
        finally: os._exit(0)
    os.close(w)
    data = os.read(r, 1000); os.close(r); os.waitpid(pid, 0)
    assert json.loads(data) == ["correct", "correct"]
    assert answers.grade([r"\boxed{x+1}"], ["1+x"])[0].correct  # the parent's pool still works


def test_killed_supervisor_is_replaced():
    pool = answers.answer_pool().start()
    pool.proc.kill(); pool.proc.wait()
    assert answers.grade([r"\boxed{2x}"], ["x+x"])[0].correct


def test_accuracy_under_trl_trainer():
    """One GRPO step with TRL's trainer on the tiny model: rewards run, their metrics and answer-check fractions are
    logged."""
    pytest.importorskip("trl")
    from datasets import Dataset
    from trl import GRPOConfig, GRPOTrainer
    from openrs.core import RewardSpec, load_shipped_rows, load_tokenizer, make_conversation, resolve_model
    from openrs.rewards import build_rewards
    rows = load_shipped_rows("math500")[:4]
    data = Dataset.from_list([{"prompt": make_conversation(r["problem"]), "answer": r["answer"]} for r in rows])
    funcs, weights = build_rewards([RewardSpec("accuracy"), RewardSpec("format"), RewardSpec("cosine", 2.0)])
    with tempfile.TemporaryDirectory() as d:
        args = GRPOConfig(output_dir=d, use_cpu=True, bf16=False, per_device_train_batch_size=4, num_generations=4,
                          max_completion_length=8, max_steps=1, logging_steps=1, report_to=[], reward_weights=weights,
                          save_strategy="no")
        model = resolve_model("tiny")
        trainer = GRPOTrainer(model=model, reward_funcs=funcs, args=args, train_dataset=data,
                              processing_class=load_tokenizer(model))
        trainer.train()
    logged = {k for entry in trainer.state.log_history for k in entry}
    assert {"rewards/accuracy/mean", "rewards/format/mean", "rewards/cosine/mean"} <= logged, logged
    assert "answers/no_answer_frac" in logged, logged


def test_queued_item_survives_a_killed_worker():
    """One worker, a runaway C loop (it ignores the soft alarm) with items queued behind it: they are handed out again
    and graded."""
    import time
    pool = answers.AnswerPool(1).start()
    try:
        t0 = time.monotonic()
        out = pool.run([["a", ["spin", 13]], ["b", ["grade", ["1/2"], "0.5", {}]],
                        ["c", ["grade", ["x+1"], "1+x", {}]]], timeout=1.0)
        assert out == ["timeout", "correct", "correct"], out
        assert time.monotonic() - t0 < 1.0 + workers._GRACE + 4.0
        assert pool.restarts >= 1
    finally: pool.close()


def test_warm_start():
    "A warm start (the warm-up forms, then workers forked from the warmed supervisor) grades as a cold one."
    pool = answers.AnswerPool(2).start(warm=True)
    try:
        assert pool.warmed
        items = [[g, ["grade", [g], a, {}]] for g,
                 a in [("x^y = y^x", "x^y = y^x+1"), ("2x+1", "1+2x"), ("2x+1", "2x")]]
        assert pool.run(items, timeout=5.0) == ["wrong", "correct", "wrong"]
    finally: pool.close()


def test_supervisor_runs_the_callers_openrs(tmp_path):
    """A working directory holding another `openrs` (a checkout of another version, say) must not be what the workers
    import."""
    import subprocess, sys
    fake = tmp_path / "cwd" / "openrs"
    fake.mkdir(parents=True)
    (fake / "__init__.py").write_text("")
    (fake / "answers.py").write_text("raise ImportError('the working directory openrs was imported')\n")
    script = tmp_path / "grade_one.py"
    script.write_text("from openrs.answers import grade\nprint(grade([r'\\boxed{x+1}'], ['1+x'])[0].status)\n")
    out = subprocess.run([sys.executable, str(script)], cwd=fake.parent, capture_output=True, text=True, timeout=300)
    assert out.stdout.strip() == "correct", out.stderr[-2000:]


def test_spawned_pool_answers_before_its_warm_up():
    "`spawn` returns at once; the first call waits for the supervisor to be ready (not for its warm-up), and grades."
    pool = answers.AnswerPool(1).spawn()
    try:
        assert pool.proc is not None and not pool.ready
        assert pool.run([["g", ["grade", ["x+1"], "1+x", {}]]], timeout=5.0) == ["correct"]
        assert pool.ready
        pool.start(warm=True)  # the supervisor finishes its warm-up and forks its workers again
        assert pool.warmed and pool.run([["g", ["grade", ["x+1"], "x+2", {}]]], timeout=5.0) == ["wrong"]
    finally: pool.close()

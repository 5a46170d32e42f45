"""open-r1's reward tests, ported to openrs's rewards.

The cases and expected values come from huggingface/open-r1, `tests/test_rewards.py` at commit
1416fa0cf21595d2083b399a2a0bbddd7f6e9563 (Copyright 2025 The HuggingFace Team, Apache License 2.0:
http://www.apache.org/licenses/LICENSE-2.0); the test names are open-r1's. Each open-r1 reward is
built from openrs's registry with the parameters that make it the same reward (open-r1's column is
`solution`; its format reward wants `<answer>` tags, no box). Where openrs differs from open-r1 by
design, open-r1's expectation is kept as an `xfail(strict=True)` test whose reason says why, next to
a test of what openrs does instead: a difference that goes away makes the suite fail, so this list
stays true. Not ported: open-r1's code rewards (`code`, `ioi_code`, `code_format`, `binary_code`),
which openrs, a library for maths, does not have.

Design differences (the xfail tests below):
- `tag_count`: open-r1 counts its four tags `<think>\\n`, `\\n</think>\\n`, `\\n<answer>\\n`, `\\n</answer>`;
  openrs counts the parts of the R1 format the paper trains (one `</think>`, no stray `<think>`, an
  answer after it, a box in that answer), and the chat template already opens `<think>`.
- `length` with a gold nothing can read: open-r1 treats the completion as correct; openrs leaves the
  sample out (None), as it does in accuracy (the paper's code scored such golds 1.0).
- `repetition_penalty` in Chinese: open-r1 segments words with jieba (`language="zh"`); openrs counts
  each character of an unspaced script as a word, with no new dependency, so its values differ a
  little (-7/9 against -0.75 for the same loop).
"""
import math

import pytest

from openrs.rewards import REWARDS, RewardConfigError, build_rewards, make_reward


def msg(text: str) -> list[dict]:
    "A conversational completion, as open-r1's tests write them."
    return [{"content": text}]


accuracy_reward = make_reward("accuracy", gold_column="solution")
format_reward = make_reward("format", require_boxed=False, answer_tags=True)
reasoning_steps_reward = make_reward("reasoning_steps")
len_reward = make_reward("length", gold_column="solution")
tag_count_reward = make_reward("tag_count")


def get_repetition_penalty_reward(ngram_size: int, max_penalty: float, language: str = "en"):
    "open-r1's factory, on openrs's reward (which needs no `language`: every script is handled)."
    return make_reward("repetition_penalty", ngram_size=ngram_size, max_penalty=max_penalty)


# TestGetRewardFuncs

OPENR1_TO_OPENRS = {"accuracy": "accuracy", "format": "format", "reasoning_steps": "reasoning_steps",
                    "cosine": "cosine", "repetition_penalty": "repetition_penalty", "length": "length",
                    "tag_count": "tag_count",
                    "soft_overlong_punishment": "overlong"}


def test_get_reward_funcs():
    "Every maths reward of open-r1 has an openrs counterpart, built by name with its name kept (TRL's metric key)."
    assert set(OPENR1_TO_OPENRS.values()) <= set(REWARDS)
    funcs, weights = build_rewards([{"name": n} for n in OPENR1_TO_OPENRS.values()])
    assert [f.__name__ for f in funcs] == list(OPENR1_TO_OPENRS.values()) and weights == [1.0] * len(funcs)


# TestRewards

def test_accuracy_reward_correct_answer():
    assert accuracy_reward([msg(r"\boxed{\frac{63}{400}}")], solution=[r"\frac{63}{400}"])[0] == 1.0


def test_accuracy_reward_wrong_answer():
    assert accuracy_reward([msg(r"\boxed{\frac{64}{400}}")], solution=[r"\frac{63}{400}"])[0] == 0.0


def test_accuracy_reward_wrong_answer_no_latex():
    assert accuracy_reward([msg(r"\boxed{3}")], solution=["6"])[0] == 0.0


def test_format_reward_correct():
    assert format_reward([msg("<think>\nSome reasoning\n</think>\n<answer>\nThe answer\n</answer>")])[0] == 1.0


@pytest.mark.parametrize("fmt", ["<think>Only thinking</think>", "<answer>Only answer</answer>", "No tags at all",
                                 "<think>Missing closing</think><answer>Missing closing",
                                 "<think>Wrong order</answer><answer>Wrong order</think>"])
def test_format_reward_incorrect(fmt):
    assert format_reward([msg(fmt)])[0] == 0.0


@pytest.mark.parametrize("content,expected", [("Step 1: First step\nStep 2: Second step\nStep 3: Third step", 1.0),
                                              ("First, we do this.\nSecond, we do that.\nFinally, we conclude.", 1.0),
                                              ("Step 1: Only step",
                                               1 / 3), ("First, we do this.\nFinally, we conclude.", 2 / 3),
                                              ("Just plain text without any clear steps", 0.0)])
def test_reasoning_steps_reward(content, expected):
    assert math.isclose(reasoning_steps_reward([msg(content)])[0], expected, abs_tol=1e-7)


def test_multiple_completions():
    rewards = accuracy_reward([msg(r"\boxed{\frac{63}{400}}"), msg(r"\boxed{\frac{64}{400}}")],
                              solution=[r"\frac{63}{400}"] * 2)
    assert rewards == [1.0, 0.0]


@pytest.mark.parametrize("content,solution,content_len,expected",
                         [(r"\boxed{\frac{63}{400}}", r"\frac{63}{400}", 20, 0.943),
                                                                   (r"\boxed{\frac{63}{400}}", r"\frac{63}{400}", 80,
                                                                    0.547),
                                                                   (r"\boxed{\frac{64}{400}}", r"\frac{63}{400}", 20,
                                                                    -0.942),
                                                                   (r"\boxed{\frac{64}{400}}", r"\frac{63}{400}", 80,
                                                                    -0.547)])
def test_cosine_scaled_reward(content, solution, content_len, expected):
    cosine = make_reward("cosine", min_value_wrong=-1.0, max_value_wrong=-0.5, min_value_correct=0.5,
                         max_value_correct=1.0, max_len=100,
                         gold_column="solution")
    padded = content + " " * (content_len - len(content))
    assert round(cosine([msg(padded)], solution=[solution])[0], 2) == round(expected, 2)


def test_format_reward_specific_multiline():
    inputs = ("<think>\nI will count each distinct object in the image:\n1. Purple scooter\n2. Red bicycle\n3. Green "
              "motorcycle\n4. Gray sedan\n"
              "5. Yellow school bus\n6. Small green double-decker bus\n7. Small red car\n8. Small purple car\n"
              "9. Small gray dirt bike\n\n"
              "There are 9 distinct objects in total.\n</think>\n<answer>\n9\n</answer>")
    assert format_reward([msg(inputs)])[0] == 1.0


def test_same_length_responses():
    assert len_reward([msg(r"\boxed{\frac{63}{400}}"), msg(r"\boxed{\frac{64}{400}}")],
                      solution=[r"\frac{63}{400}"] * 2) == [0.0, 0.0]


def test_different_lengths_correct_answers():
    rewards = len_reward([msg(r"\boxed{\frac{63}{400}}"), msg(r"\boxed{\frac{63}{400}}  " + "x" * 10)],
                         solution=[r"\frac{63}{400}"] * 2)
    assert rewards[0] > rewards[1] and math.isclose(rewards[0], 0.5)


def test_different_lengths_incorrect_answers():
    rewards = len_reward([msg(r"\boxed{\frac{64}{400}}"), msg(r"\boxed{\frac{64}{400}}  " + "x" * 10)],
                         solution=[r"\frac{63}{400}"] * 2)
    assert rewards[0] <= 0.0 and rewards[1] <= 0.0 and rewards[0] > rewards[1]


def test_mixed_correctness():
    rewards = len_reward([msg(r"\boxed{\frac{63}{400}}"), msg(r"\boxed{\frac{63}{400}}  " + "x" * 10),
                          msg(r"\boxed{\frac{64}{400}}"), msg(r"\boxed{\frac{64}{400}}  " + "x" * 10)],
                         solution=[r"\frac{63}{400}"] * 4)
    assert rewards[0] > 0.0 and rewards[2] > rewards[1] and rewards[1] >= rewards[3]
    assert rewards[2] <= 0.0 and rewards[3] <= 0.0 and rewards[0] > rewards[1] and rewards[2] > rewards[3]


@pytest.mark.xfail(strict=True,
                   reason="design: openrs leaves a sample whose gold cannot be read out (None); "
                          "open-r1 scores it as correct")
def test_unparseable_solution():
    rewards = len_reward([msg(r"\boxed{answer}"), msg(r"\boxed{answer} " + "x" * 10)],
                         solution=["unparseable_latex"] * 2)
    assert rewards[0] > rewards[1] and math.isclose(rewards[0], 0.5)


def test_unparseable_solution_openrs():
    assert len_reward([msg(r"\boxed{answer}"), msg(r"\boxed{answer} " + "x" * 10)],
                      solution=["unparseable_latex"] * 2) == [None, None]


# TestRepetitionPenaltyReward

def test_positive_max_penalty_raises_value_error():
    for p in (1.0, 1.5):
        with pytest.raises(RewardConfigError,
                           match=f"max_penalty must be a number <= 0, not {p}"): get_repetition_penalty_reward(2, p)


@pytest.mark.parametrize("ngram_size,max_penalty,content,expected", [
    (2, -1.0, "this is a test sentence", 0.0),  # test_no_repetition
    (2, -1.0, "this this this this this", -0.75),  # test_full_repetition
    (2, -1.0, "this is a this is a test", -1 / 3),  # test_partial_repetition
    (2, -1.0, "", 0.0),  # test_empty_completion
    (3, -2.0, "this is a this is a test", -0.4),  # test_different_ngram_size
    (3, -1.0, "word", 0.0),  # test_one_word_completion
    (3, -1.0, "two words", 0.0),  # test_two_word_completion
    (3, -1.0, "three different words", 0.0),  # test_three_word_completion
    (3, -1.0, "word word word word", -0.5),  # test_three_word_repetition_completion
    (3, -1.0, "one two one two", 0.0),  # test_four_word_completion_with_repetition
    (3, -0.5, "A B C A B", 0.0),  # test_five_word_completion_with_repetition
    (3, -1.0, "A B C A B C", -0.25),  # test_six_word_completion_with_repetition
    (3, -1.0, "A B C A B C E F G A B C A B C", -0.3846),  # test_long_completion_with_repetition
    (3, -1.0, "A B C D E F G H I J K L", 0.0),  # test_long_completion_without_repetition
])
def test_repetition_penalty(ngram_size, max_penalty, content, expected):
    assert math.isclose(get_repetition_penalty_reward(ngram_size, max_penalty)([msg(content)])[0], expected,
                        abs_tol=1e-4)


def test_repetition_multiple_completions():
    rewards = get_repetition_penalty_reward(3, -0.5)([msg("this is a test"), msg("test test test test")])
    assert math.isclose(rewards[0], 0.0, abs_tol=1e-12) and math.isclose(rewards[1], -0.25)


def test_mixed_case():
    rewards = get_repetition_penalty_reward(2, -1.0)([msg("This is A Test"), msg("this IS a test")])
    assert rewards[0] == rewards[1]


@pytest.mark.xfail(strict=True,
                   reason="design: openrs counts each Chinese character as a word (no jieba): 9 character pairs, "
                                       "2 distinct, -7/9; open-r1's jieba words give 4 pairs, 1 distinct, -0.75")
def test_full_repetition_with_language():
    assert get_repetition_penalty_reward(2, -1.0, language="en")([msg("that that that that that")]) == [-0.75]
    assert get_repetition_penalty_reward(2, -1.0, language="zh")([msg("这个这个这个这个这个")]) == [-0.75]


def test_full_repetition_with_language_openrs():
    "The same cases on openrs: English as open-r1; the Chinese loop penalised about as much (it used to score 0)."
    assert get_repetition_penalty_reward(2, -1.0)([msg("that that that that that")]) == [-0.75]
    zh = get_repetition_penalty_reward(2, -1.0)([msg("这个这个这个这个这个")])[0]
    assert math.isclose(zh, -7 / 9) and abs(zh - -0.75) < 0.05


# tag_count: open-r1 counts its four tags, openrs the parts of the R1 format with a box

TAG_CASES = {  # open-r1's test name: (completion, open-r1's value, openrs's value)
    "all_correct": ("<think>\nSome reasoning\n</think>\n<answer>\nThe answer\n</answer>", 1.0, 0.75),
    "missing_think_begin": ("Some reasoning\n</think>\n<answer>\nThe answer\n</answer>", 0.75, 0.75),
    "missing_think_end": ("<think>\nSome reasoning\n<answer>\nThe answer\n</answer>", 0.75, 0.25),
    "missing_answer_begin": ("<think>\nSome reasoning\n</think>\nThe answer\n</answer>", 0.75, 0.75),
    "missing_answer_end": ("<think>\nSome reasoning\n</think>\n<answer>\nThe answer", 0.75, 0.75),
    "missing_all_tags": ("Some reasoning\nThe answer", 0.0, 0.25),
}
TAG_DIFFER = [k for k, (_, o, s) in TAG_CASES.items() if o != s]


@pytest.mark.parametrize("case", [k for k in TAG_CASES if k not in TAG_DIFFER])
def test_tag_count_rewards(case):
    text, expected, _ = TAG_CASES[case]
    assert tag_count_reward([msg(text)])[0] == expected


@pytest.mark.xfail(strict=True,
                   reason="design: openrs's tag_count scores the R1 format the paper trains (one </think>, "
                          "no stray <think>, an answer, a box in it), not open-r1's <think>/<answer> tags")
@pytest.mark.parametrize("case", TAG_DIFFER)
def test_tag_count_rewards_openr1_tags(case):
    text, expected, _ = TAG_CASES[case]
    assert tag_count_reward([msg(text)])[0] == expected


@pytest.mark.parametrize("case", TAG_DIFFER)
def test_tag_count_rewards_openrs(case):
    text, _, expected = TAG_CASES[case]
    assert tag_count_reward([msg(text)])[0] == expected


# soft overlong punishment (DAPO): openrs's `overlong`, lengths from TRL's completion_ids

@pytest.mark.parametrize("n,expected", [(50, 0.0), (110, -1.0), (90, -0.5)])
def test_soft_overlong_punishment(n, expected):
    overlong = make_reward("overlong", max_length=100, cache_length=20)
    assert math.isclose(overlong([""], completion_ids=[[1] * n])[0], expected, abs_tol=1e-4)

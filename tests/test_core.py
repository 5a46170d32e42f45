"Plain tests of openrs.core that complement the notebook: the promises of the skeleton issue, checked from outside."
import re
from pathlib import Path

import pytest

from openrs.core import (SHIPPED_SETS, RecipeError, load_recipe, load_shipped, make_conversation, package_dir,
                         tiny_model_path, load_model, load_tokenizer)


def sources_md_row_counts() -> dict[str, int]:
    "Row counts from the file tables of the shipped SOURCES.md: {'eval/aime24.jsonl': 30, ...}."
    text = (package_dir() / "data" / "SOURCES.md").read_text()
    return {m[0]: int(m[1].replace(",", "")) for m in re.findall(r"^\| `([a-z]+/[\w.]+\.jsonl)` \| ([\d,]+) \|", text,
                                                                 flags=re.M)}


def test_sources_md_lists_every_shipped_file():
    counts = sources_md_row_counts()
    assert len(counts) == 10
    assert {s.file.removesuffix(".gz") for s in SHIPPED_SETS.values()} == set(counts)


@pytest.mark.parametrize("name", list(SHIPPED_SETS))
def test_shipped_set_row_count_matches_sources_md(name):
    ds = load_shipped(name)
    assert ds.num_rows == sources_md_row_counts()[SHIPPED_SETS[name].file.removesuffix(".gz")]
    assert {"id", "problem", "answer", "solution", "source"} <= set(ds.column_names)


def test_tiny_model_generates_from_a_shipped_problem():
    import torch
    path = tiny_model_path()
    tok, model = load_tokenizer(path), load_model(path)
    problem = load_shipped("amc23")[0]["problem"]
    inputs = tok.apply_chat_template(make_conversation(problem), add_generation_prompt=True, return_tensors="pt",
                                     return_dict=True)
    assert tok.decode(inputs["input_ids"][0]).endswith("<｜Assistant｜><think>\n")
    torch.manual_seed(0)
    out = model.generate(**inputs, max_new_tokens=10, do_sample=True, pad_token_id=tok.pad_token_id)
    assert out.shape[1] == inputs["input_ids"].shape[1] + 10 or tok.eos_token_id in out[0].tolist()


def test_misspelled_recipe_key_is_named(tmp_path):
    p = tmp_path / "exp.yaml"
    p.write_text("model:\n  name_or_path: tiny\ngrpo:\n  num_generation: 4\n")
    with pytest.raises(RecipeError,
                       match=r"exp.yaml: grpo: unknown key 'num_generation'; did you mean 'num_generations'\?"):
        load_recipe(p)


@pytest.mark.parametrize("name", ["open_rs1", "open_rs2", "open_rs3"])
def test_paper_recipes_state_the_paper_settings(name):
    r = load_recipe(name)
    g = r.grpo
    assert (g["learning_rate"], g["beta"], g["num_generations"], g["temperature"], g["loss_type"]) == (1e-6, 0.04, 6,
                                                                                                       0.7, "bnpo")
    assert (g["per_device_train_batch_size"], g["gradient_accumulation_steps"], g["save_steps"]) == (6, 4, 50)
    assert g["max_completion_length"] == (4096 if name == "open_rs1" else 3584)
    assert r.data.max_prompt_tokens == 512

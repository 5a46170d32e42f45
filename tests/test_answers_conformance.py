"""Math-Verify's own test cases (openrs/data/conformance/) against openrs's answer checker.

The cases are data taken from Math-Verify's `tests/` folder (see the folder's README for the commit
and licence). First the table itself is checked: replayed through plain math-verify exactly as its
tests call it, every case gives the verdict its test expects. Then openrs grades every case as its
conventions take it (`openrs.answers.math_verify_case`): it must agree on at least 260 of the 270,
and every case where it does not must be one listed with its reason in `differences.json` (so a
new disagreement fails, and so does a fixed one that is still listed).
"""
import json
import logging

from openrs.answers import math_verify_case, math_verify_cases_path, run_answer_cases
from openrs.core import read_jsonl


def replay(row: dict) -> bool:
    "The verdict of plain math-verify on a case, called as the case's test calls it."
    from math_verify import ExprExtractionConfig, LatexExtractionConfig, parse, verify
    o = row["options"]
    if o["call"] == "parse_verify": return bool(verify(parse(row["gold"]), parse(row["prediction"])))
    targets = [LatexExtractionConfig(boxed_match_priority=0) if m == "latex" else ExprExtractionConfig()
               for m in o["match_types"]]
    return bool(verify(parse(row["gold"], targets), parse(row["prediction"], targets), float_rounding=o["precision"],
                       strict=o["strict"],
                       allow_set_relation_comp=o["allow_set_relation_comp"]))


def test_table_is_math_verify_s_own():
    "Replayed through the installed math-verify as its tests call it, every case gives its expected verdict."
    logging.getLogger("math_verify").setLevel(logging.ERROR)
    rows = read_jsonl(math_verify_cases_path())
    assert len(rows) == 270 and len({r["id"] for r in rows}) == 270
    wrong = [r["id"] for r in rows if replay(r) != r["expected"]]
    assert not wrong, wrong


def test_openrs_agrees_where_conventions_agree():
    reasons = json.loads((math_verify_cases_path().parent / "differences.json").read_text())
    rows = run_answer_cases(math_verify_cases_path(), case=math_verify_case)
    agreed = sum(r["agrees"] for r in rows)
    print(f"openrs agrees with Math-Verify's expected verdict on {agreed} of {len(rows)} cases")
    differ = sorted(r["id"] for r in rows if not r["agrees"])
    assert differ == sorted(reasons), {"new": sorted(set(differ) - set(reasons)),
                                       "fixed (remove from differences.json)": sorted(set(reasons) - set(differ))}
    assert agreed >= 260

"""vLLM without vLLM: the server mode that `openrs launch --vllm-gpus` sets up, checked against TRL 1.16's own client.

vLLM cannot run here (no GPU; its wheel pins another torch). What can be checked is the contract between the two
processes the launcher starts: a stand-in server speaking the HTTP protocol of vLLM's OpenAI server and its development
endpoints is started from the launcher's own plan (its port, host and environment), and the trainer side is TRL's
`trl.generation.vllm_client.VLLMClient` itself, told that vLLM is installed, driven the way TRL 1.16's `VLLMGeneration`
drives it in server mode (`GRPOTrainer` passes `logprobs=0` and the recipe's sampling settings). The client's requests
are recorded and compared with the recipe. Not checkable without vLLM and a GPU: the NCCL weight transfer itself
(`init_communicator` needs vLLM's trainer engine and a CUDA device; it stops at its first request here)."""
import json, socket, sys, textwrap
from pathlib import Path

import pytest

from openrs.launch import Layout, LaunchPlan, ProcSpec, plan_launch, run_plan

FAKE_VLLM = textwrap.dedent('''
    import http.server, json, os, sys
    argv = sys.argv[1:]
    log, argv = argv[0], argv[1:]
    flag = lambda name: argv[argv.index(name) + 1] if name in argv else None
    for needed in ("--weight-transfer-config", "--logprobs-mode", "--max-model-len"):  # what TRL's client relies on
        if needed not in argv: sys.exit(f"fake vLLM: missing {needed}")
    model, dev = argv[argv.index("serve") + 1], os.environ.get("VLLM_SERVER_DEV_MODE") == "1"
    class Server(http.server.BaseHTTPRequestHandler):
        def reply(self, code, body=None):
            data = json.dumps(body).encode() if body is not None else b""
            self.send_response(code); self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers(); self.wfile.write(data)
        def record(self, body=None):
            with open(log, "a") as f:
                f.write(json.dumps({"method": self.command, "path": self.path, "body": body}) + "\\n")
        def do_GET(self):
            self.record(); path = self.path.split("?")[0]
            if path == "/health": return self.reply(200)
            if path == "/v1/models":
                return self.reply(200, {"object": "list", "data": [{"id": model, "object": "model"}]})
            if path == "/get_world_size" and dev:
                return self.reply(200, {"world_size": int(flag("--tensor-parallel-size"))})
            if path == "/server_info" and dev:
                transfer = json.loads(flag("--weight-transfer-config"))
                limits = {"max_model_len": int(flag("--max-model-len"))}
                return self.reply(200, {"vllm_config": {"weight_transfer_config": transfer, "model_config": limits}})
            self.reply(404, {"detail": "Not Found"})
        def do_POST(self):
            body = json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)) or b"null")
            self.record(body)
            if self.path == "/v1/completions":
                choices = []
                for prompt in body["prompt"]:
                    for k in range(body["n"]):
                        ids = [(sum(prompt) + 7 * k + t) % 1000 for t in range(min(body["max_tokens"], 3 + k))]
                        lp = None if body["logprobs"] is None else {
                            "tokens": [f"token_id:{i}" for i in ids], "token_logprobs": [-0.5] * len(ids),
                            "top_logprobs": [None] * len(ids)}
                        choices.append({"index": len(choices), "prompt_token_ids": prompt, "token_ids": ids,
                                        "logprobs": lp, "text": ""})
                return self.reply(200, {"id": "cmpl-0", "object": "text_completion", "model": body["model"],
                                        "choices": choices})
            if self.path in ("/reset_prefix_cache", "/start_weight_update", "/finish_weight_update") and dev:
                return self.reply(200, {})
            if self.path == "/init_weight_transfer_engine" and dev:  # 501, not 500: TRL retries those
                return self.reply(501, {"detail": "no NCCL here"})
            self.reply(404, {"detail": "Not Found"})
        def log_message(self, *args): pass
    http.server.ThreadingHTTPServer((flag("--host"), int(flag("--port"))), Server).serve_forever()
''')

# the trainer side: TRL's client, driven as VLLMGeneration drives it in server mode, with the recipe's sampling settings
TRAINER = textwrap.dedent('''
    import json, sys
    import trl.generation.vllm_client as vc
    from openrs.core import load_recipe
    vc.is_vllm_available = lambda *a, **k: True  # the client needs only `requests`; vLLM is for the weight transfer
    vc.get_ip = lambda: "127.0.0.1"  # vLLM's helper for the trainer's address in the weight-sync group
    argv, out = sys.argv[1:-1], sys.argv[-1]
    recipe, overrides = argv[argv.index("train") + 1], [a for a in argv[argv.index("train") + 2:] if "=" in a]
    g = load_recipe(recipe, overrides).grpo
    client = vc.VLLMClient(base_url=g["vllm_server_base_url"], connection_timeout=g["vllm_server_timeout"])
    info = client.get_server_info()  # what init_communicator reads first: the server must have a weight-transfer engine
    prompts = [[1, 2, 3], [4, 5, 6, 7]]  # token ids of two prompts; each gets num_generations completions
    res = client.generate(prompts=prompts, n=g["num_generations"], repetition_penalty=1.0, temperature=g["temperature"],
                          top_p=g["top_p"], top_k=0, min_p=0.0, max_tokens=g["max_completion_length"], logprobs=0,
                          structured_outputs_regex=None, generation_kwargs=None)
    with client.weight_update(): pass  # the bracket around every weight sync
    client.reset_prefix_cache()
    try: client.init_communicator(device="cuda"); sync = "started"
    except Exception as e: sync = f"{type(e).__name__}: {e}"
    json.dump({"model": client.model, "world_size": client.get_world_size(), "transfer": info["weight_transfer_config"],
               "n_completions": len(res["completion_ids"]), "prompt_ids": res["prompt_ids"],
               "logprobs_shape": [len(res["logprobs"]), len(res["logprobs"][0][0])], "sync": sync}, open(out, "w"))
''')


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0)); return s.getsockname()[1]


def stand_in_plan(tmp_path: Path, dev_mode: bool = True) -> tuple[LaunchPlan, Path, Path]:
    "The paper's plan (`open_rs3 --gpus 2 --vllm-gpus 1`), vLLM replaced by the stand-in and training by TRL's client."
    (tmp_path / "fake_vllm.py").write_text(FAKE_VLLM); (tmp_path / "trainer.py").write_text(TRAINER)
    plan = plan_launch("open_rs3", Layout(gpus=2, vllm_gpus=1), vllm_port=free_port(), gpu_ids=["0", "1"],
                       resolve_models=False, log_dir=str(tmp_path))
    vllm, train = plan.processes
    log, out = tmp_path / "requests.jsonl", tmp_path / "client.json"
    serve = vllm.argv[vllm.argv.index("serve"):]  # the launcher's own flags: host, port, weight transfer, logprobs mode
    env = dict(vllm.env) if dev_mode else {k: v for k, v in vllm.env.items() if k != "VLLM_SERVER_DEV_MODE"}
    plan.processes = [ProcSpec("vllm", [sys.executable, str(tmp_path / "fake_vllm.py"), str(log), *serve], env,
                               vllm.log, vllm.health_url),
                      ProcSpec("train",
                               [sys.executable, str(tmp_path / "trainer.py"), *train.argv[train.argv.index("-m"):],
                                str(out)], train.env)]
    plan.health_timeout = 60
    return plan, log, out


def test_trl_client_speaks_to_the_launchers_server(tmp_path):
    plan, log, out = stand_in_plan(tmp_path)
    assert run_plan(plan, grace=3) == 0, (tmp_path / "vllm_server.log").read_text()[-3000:]
    res = json.loads(out.read_text())
    requests = [json.loads(line) for line in log.read_text().splitlines()]
    calls = [(r["method"], r["path"].split("?")[0]) for r in requests]
    assert calls[0] == ("GET", "/health")  # the launcher's wait, then TRL's own check
    for call in [("GET", "/v1/models"), ("GET", "/server_info"), ("POST", "/v1/completions"),
                 ("POST", "/start_weight_update"), ("POST", "/finish_weight_update"), ("POST", "/reset_prefix_cache"),
                 ("GET", "/get_world_size"), ("POST", "/init_weight_transfer_engine")]:
        assert call in calls, call
    body = next(r["body"] for r in requests if r["path"] == "/v1/completions")
    # TRL 1.16's request, with the paper's sampling settings from the recipe
    assert body["model"] == "deepseek-ai/DeepSeek-R1-Distill-Qwen-1.5B" == res["model"]
    sampling = (body["n"], body["temperature"], body["top_p"], body["max_tokens"], body["logprobs"])
    assert sampling == (6, 0.7, 1.0, 3584, 0)
    assert body["return_token_ids"] is True and body["return_tokens_as_token_ids"] is True
    assert body["prompt"] == [[1, 2, 3], [4, 5, 6, 7]]
    init = next(r["body"] for r in requests if r["path"] == "/init_weight_transfer_engine")["init_info"]
    assert (init["master_port"], init["rank_offset"], init["world_size"]) == (51216, 1, 2)  # TRL joins as rank 0
    assert res["transfer"] == {"backend": "nccl"} and res["world_size"] == 1
    assert res["n_completions"] == 12 and res["prompt_ids"] == [[1, 2, 3], [4, 5, 6, 7]]
    assert res["logprobs_shape"] == [12, 1]
    assert res["sync"] != "started"  # the NCCL group itself needs vLLM's trainer engine and a GPU: not checked here


def test_without_dev_mode_trl_cannot_sync_weights(tmp_path):
    "VLLM_SERVER_DEV_MODE=1 (which the launcher sets) is what exposes the endpoints weight sync needs."
    plan, log, out = stand_in_plan(tmp_path, dev_mode=False)
    assert run_plan(plan, grace=3) != 0
    calls = [json.loads(line) for line in log.read_text().splitlines()]
    assert ("GET", "/server_info") in [(c["method"], c["path"].split("?")[0]) for c in calls]

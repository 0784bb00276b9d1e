"""Causal-LM fine-tuning on the tiny llama: LoRA steps lower the loss, progress and the
result follow the contract, and a restarted run resumes from its last checkpoint."""

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from gguf import GGMLQuantizationType, GGUFReader
from safetensors.numpy import load_file
from transformers import AutoTokenizer

from conftest import QA, qa_rows, trainer_input, write_rows
from kubetune_trainer.causal import train_causal
from kubetune_trainer.errors import ExitCode, TrainerError
from kubetune_trainer.export_gguf import write_model_gguf
from kubetune_trainer.job import parse_job
from kubetune_trainer.progress import Reporter
from kubetune_trainer.result import digest_of

ALL_LINEAR = ["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"]
CONTRACT_KEYS = {"step", "totalSteps", "epoch", "loss", "learningRate", "time"}


def job_for(tiny_llama: Path, tmp_path: Path, out: str, **spec: Any) -> Any:
    data = write_rows(tmp_path / "qa.jsonl", qa_rows())
    return parse_job(trainer_input(tiny_llama, data, tmp_path / out, **spec))


@pytest.fixture(scope="module")
def trained(tiny_llama: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    tmp_path = tmp_path_factory.mktemp("causal")
    job = job_for(
        tiny_llama,
        tmp_path,
        "out",
        hyperparameters={"epochs": 6, "learningRate": "3e-2", "extra": {"ggufType": "f32"}},
        lora={"targetModules": ALL_LINEAR},
    )
    sent: list[dict[str, Any]] = []
    artifact, adapter, metrics = train_causal(job, Reporter(sent.append, interval=0))
    return {"job": job, "sent": sent, "artifact": artifact, "adapter": adapter, "metrics": metrics}


def test_when_lora_trains_a_few_epochs_the_training_loss_falls(trained: dict[str, Any]) -> None:
    losses = [float(r["loss"]) for r in trained["sent"] if "loss" in r]
    assert len(losses) >= 10
    assert np.mean(losses[-3:]) < 0.6 * np.mean(losses[:3])
    assert float(trained["metrics"]["eval_loss"]) < np.mean(losses[:3])


def test_when_training_progress_is_reported_it_counts_steps_up_to_the_total(
    trained: dict[str, Any],
) -> None:
    sent = trained["sent"]
    assert all(set(r) <= CONTRACT_KEYS and {"step", "totalSteps", "time"} <= set(r) for r in sent)
    steps = [r["step"] for r in sent]
    assert steps == sorted(steps) and steps[0] >= 1
    # 24 rows, 5 held out: 19 train in 5 batches of 4 per epoch, 6 epochs.
    assert sent[-1]["step"] == sent[-1]["totalSteps"] == 30
    assert sent[-1]["epoch"] == "6"


def test_when_training_ends_the_gguf_model_and_adapter_are_reported_with_digests(
    trained: dict[str, Any],
) -> None:
    out = trained["job"].output
    assert trained["artifact"].path == out / "model.gguf"
    assert trained["adapter"].path == out / "adapter.gguf"
    assert trained["artifact"].digest == digest_of(out / "model.gguf")
    assert set(trained["metrics"]) == {"train_loss", "eval_loss", "perplexity"}
    assert trained["metrics"]["perplexity"] == pytest.approx(
        np.exp(trained["metrics"]["eval_loss"])
    )


def test_when_the_model_is_exported_the_gguf_holds_the_tokenizer_and_every_layer(
    trained: dict[str, Any], tiny_llama: Path
) -> None:
    reader = GGUFReader(str(trained["artifact"].path))
    names = {t.name for t in reader.tensors}
    assert {
        "token_embd.weight",
        "output.weight",
        "blk.1.attn_q.weight",
        "blk.1.ffn_down.weight",
    } <= names
    field = reader.fields["tokenizer.ggml.tokens"]
    tokens = [bytes(field.parts[i]).decode() for i in field.data]
    vocab = AutoTokenizer.from_pretrained(str(tiny_llama)).get_vocab()
    assert tokens == sorted(vocab, key=lambda t: vocab[t])
    adapter = GGUFReader(str(trained["adapter"].path))
    adapter_names = {t.name for t in adapter.tensors}
    assert "blk.0.attn_q.weight.lora_a" in adapter_names
    assert "blk.0.attn_q.weight.lora_b" in adapter_names


def adapter_weights(out: Path) -> dict[str, Any]:
    return load_file(str(out / "adapter" / "adapter_model.safetensors"))


def test_when_a_run_restarts_it_resumes_from_its_checkpoint_and_ends_where_an_unbroken_run_does(
    tiny_llama: Path, tmp_path: Path
) -> None:
    extra = {"lrSchedulerType": "constant", "saveStrategy": "steps", "saveSteps": "2"}
    common = {"output": {"format": "safetensors"}}

    def run(out: str, steps: int) -> list[dict[str, Any]]:
        hyper = {"epochs": 1, "extra": {**extra, "maxSteps": str(steps)}}
        job = job_for(tiny_llama, tmp_path, out, hyperparameters=hyper, **common)
        sent: list[dict[str, Any]] = []
        train_causal(job, Reporter(sent.append, interval=0))
        return sent

    run("unbroken", 4)
    run("restarted", 2)  # the pod is killed right after checkpoint-2 is saved
    assert (tmp_path / "restarted" / "checkpoints" / "checkpoint-2").is_dir()
    resumed = run("restarted", 4)
    assert resumed[0]["step"] == 3  # the first report after resuming is the third step
    unbroken, restarted = (
        adapter_weights(tmp_path / "unbroken"),
        adapter_weights(tmp_path / "restarted"),
    )
    assert unbroken.keys() == restarted.keys()
    for name, weights in unbroken.items():
        np.testing.assert_allclose(restarted[name], weights, atol=1e-6, err_msg=name)
    state = json.loads(
        (tmp_path / "restarted" / "checkpoints" / "checkpoint-4" / "trainer_state.json").read_text()
    )
    assert state["global_step"] == 4


def test_when_no_answer_fits_in_max_seq_length_the_run_stops_with_a_data_error(
    tiny_llama: Path, tmp_path: Path
) -> None:
    long_question = [{"question": "what colour is the sky " * 20, "answer": "blue"}] * 4
    data = write_rows(tmp_path / "qa.jsonl", long_question)
    job = parse_job(
        trainer_input(tiny_llama, data, tmp_path / "out", hyperparameters={"maxSeqLength": 16})
    )
    with pytest.raises(TrainerError) as caught:
        train_causal(job, Reporter(lambda _: None, interval=0))
    assert caught.value.code == ExitCode.DATA
    assert "maxSeqLength 16" in caught.value.message


def test_when_the_libraries_refuse_the_lora_targets_the_run_is_an_input_error(
    tiny_llama: Path, tmp_path: Path
) -> None:
    job = job_for(tiny_llama, tmp_path, "out", lora={"targetModules": ["q_proj", "lm_head"]})
    with pytest.raises(TrainerError) as caught:
        train_causal(job, Reporter(lambda _: None, interval=0))
    assert caught.value.code == ExitCode.INVALID_INPUT
    assert "lm_head" in caught.value.message


def test_when_a_chatml_dataset_is_fully_fine_tuned_to_safetensors_the_model_folder_is_the_artifact(
    tiny_llama: Path, tmp_path: Path
) -> None:
    rows = [
        {"messages": [{"role": "user", "content": q}, {"role": "assistant", "content": a}]}
        for q, a in QA
    ]
    data = write_rows(tmp_path / "chat.jsonl", rows * 2)
    document = trainer_input(
        tiny_llama,
        data,
        tmp_path / "out",
        method="full",
        dataset={"format": "chatml"},
        output={"format": "safetensors"},
    )
    del document["spec"]["lora"]
    sent: list[dict[str, Any]] = []
    artifact, adapter, _ = train_causal(parse_job(document), Reporter(sent.append, interval=0))
    assert adapter is None
    assert artifact.path == tmp_path / "out" / "model"
    assert artifact.digest == digest_of(artifact.path)
    assert (artifact.path / "model.safetensors").exists()
    assert sent[-1]["step"] == sent[-1]["totalSteps"] > 0


def test_when_gguf_type_is_q8_0_the_matrices_are_quantized_and_the_norms_stay_f32(
    tiny_llama: Path, tmp_path: Path
) -> None:
    out = write_model_gguf(tiny_llama, tmp_path / "model.gguf", "q8_0")
    types = {t.name: t.tensor_type for t in GGUFReader(str(out)).tensors}
    assert types["blk.0.attn_q.weight"] == GGMLQuantizationType.Q8_0
    assert types["blk.0.attn_norm.weight"] == GGMLQuantizationType.F32
    assert GGUFReader(str(out)).fields["general.file_type"].contents() == 7

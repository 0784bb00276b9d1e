"""Progress reports and the result, in the contract's shapes (crds/src/contracts/
trainer.ts): sent to the run's ConfigMap at a bounded rate, and written to the
termination message. The TypeScript side validates the same JSON against the contract's
schemas in services/trainer/test/contract.int.test.ts."""

import hashlib
import json
import re
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any, ClassVar

import numpy as np
import pytest

from kubetune_trainer.errors import ExitCode, TrainerError
from kubetune_trainer.metrics import auc, classification_metrics
from kubetune_trainer.progress import (
    Progress,
    Reporter,
    config_map_sender,
    kube_target,
)
from kubetune_trainer.result import Artifact, folder_digest, result_json, write_failure

DECIMAL = re.compile(r"^[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]{1,3})?$")


def test_when_progress_is_serialised_numbers_are_contract_decimals() -> None:
    body = Progress(3, 10, epoch=0.3, loss=2.345678, learning_rate=1.5e-5).to_json(0.0)
    assert body == {
        "step": 3,
        "totalSteps": 10,
        "epoch": "0.3",
        "loss": "2.34568",
        "learningRate": "1.5e-05",
        "time": "1970-01-01T00:00:00Z",
    }
    assert all(DECIMAL.match(body[k]) for k in ("epoch", "loss", "learningRate"))


def test_when_the_loss_is_not_finite_it_is_left_out() -> None:
    assert "loss" not in Progress(1, 2, loss=float("nan")).to_json(0.0)


def test_when_reports_come_faster_than_the_interval_only_the_first_and_final_are_sent() -> None:
    sent: list[dict[str, Any]] = []
    now = [100.0]
    reporter = Reporter(sent.append, interval=10, clock=lambda: now[0])
    for step in range(1, 6):
        now[0] += 1
        reporter.report(Progress(step, 5))
    reporter.report(Progress(5, 5), final=True)
    assert [r["step"] for r in sent] == [1, 5]


def test_when_sending_fails_training_goes_on() -> None:
    def broken(_: dict[str, Any]) -> None:
        raise OSError("connection refused")

    assert Reporter(broken, interval=0).report(Progress(1, 2)) is True


class Recorder(BaseHTTPRequestHandler):
    requests: ClassVar[list[tuple[str, str, dict[str, str], bytes]]] = []

    def do_PATCH(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        Recorder.requests.append((self.command, self.path, dict(self.headers), body))
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *_: Any) -> None:
        pass


@pytest.fixture
def api() -> Iterator[str]:
    server = HTTPServer(("127.0.0.1", 0), Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    Recorder.requests = []
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()


def test_when_running_in_a_pod_progress_is_merge_patched_into_the_run_configmap(
    tmp_path: Path, api: str
) -> None:
    (tmp_path / "token").write_text("secret-token\n")
    env = {
        "KUBETUNE_PROGRESS_CONFIGMAP": "run-exchange",
        "KUBETUNE_NAMESPACE": "ml",
        "KUBETUNE_KUBE_API": api,
        "KUBETUNE_SERVICE_ACCOUNT_DIR": str(tmp_path),
    }
    target = kube_target(env)
    assert target is not None
    config_map_sender(target)(Progress(2, 8, loss=1.0).to_json(0.0))
    ((method, path, headers, body),) = Recorder.requests
    assert method == "PATCH"
    assert path == "/api/v1/namespaces/ml/configmaps/run-exchange?fieldManager=kubetune-trainer"
    assert headers["Authorization"] == "Bearer secret-token"
    assert headers["Content-Type"] == "application/merge-patch+json"
    progress = json.loads(json.loads(body)["data"]["progress.json"])
    assert progress == {"step": 2, "totalSteps": 8, "loss": "1", "time": "1970-01-01T00:00:00Z"}


def test_when_not_in_a_pod_there_is_no_configmap_target() -> None:
    assert kube_target({}) is None


def test_when_the_result_is_built_uris_digests_and_metric_strings_follow_the_contract(
    tmp_path: Path,
) -> None:
    model = tmp_path / "model.gguf"
    model.write_bytes(b"abc")
    body = result_json(
        Artifact(model, "sha256:" + "0" * 64), None, {"eval_loss": 0.5, "x": float("inf")}
    )
    assert body == {
        "artifact": {"uri": model.as_uri(), "digest": "sha256:" + "0" * 64},
        "metrics": {"eval_loss": "0.5"},
    }


def test_when_a_folder_is_digested_it_matches_sha256sum_lines_in_order(tmp_path: Path) -> None:
    (tmp_path / "a").write_bytes(b"x")
    (tmp_path / "b").write_bytes(b"y")
    lines = "".join(
        f"{hashlib.sha256(c).hexdigest()}  {n}\n" for n, c in (("a", b"x"), ("b", b"y"))
    )
    assert (
        folder_digest(tmp_path, ["a", "b"])
        == f"sha256:{hashlib.sha256(lines.encode()).hexdigest()}"
    )


def test_when_the_run_fails_the_termination_message_names_reason_and_code(
    termination_log: Path,
) -> None:
    write_failure(TrainerError(ExitCode.DATA, "x" * 5000))
    text = termination_log.read_text()
    assert text.startswith("InvalidDataset (exit 3): xxx")
    assert len(text.encode()) <= 4096


def test_when_predictions_are_scored_the_metrics_match_hand_computed_values() -> None:
    truth = np.eye(3)[[0, 1, 2, 2]]
    scores = np.array([[0.8, 0.1, 0.1], [0.3, 0.6, 0.1], [0.5, 0.1, 0.4], [0.1, 0.2, 0.7]])
    predicted = np.eye(3)[scores.argmax(axis=1)]
    metrics = classification_metrics(truth, predicted, scores)
    assert metrics["accuracy"] == 0.75
    assert metrics["f1_micro"] == 0.75
    # label 0: tp 1, fp 1 -> 2/3; label 1: 1; label 2: tp 1, fn 1 -> 2/3.
    assert metrics["f1_macro"] == pytest.approx((2 / 3 + 1 + 2 / 3) / 3)
    # label 0: positive 0.8 beats negatives 0.3, 0.5, 0.1 -> 1; label 2: 0.4 and 0.7 vs
    # 0.1, 0.1 -> 1; label 1: 0.6 vs 0.1, 0.1, 0.2 -> 1.
    assert metrics["roc_auc"] == 1.0


def test_when_scores_tie_auc_counts_half() -> None:
    assert auc(np.array([True, False]), np.array([0.5, 0.5])) == 0.5
    assert auc(np.array([True, False, True]), np.array([0.2, 0.4, 0.9])) == 0.5


def test_when_the_pod_has_no_token_progress_falls_back_to_the_log(tmp_path: Path) -> None:
    env = {
        "KUBETUNE_PROGRESS_CONFIGMAP": "run-exchange",
        "KUBETUNE_NAMESPACE": "ml",
        "KUBETUNE_KUBE_API": "http://127.0.0.1:9",
        "KUBETUNE_SERVICE_ACCOUNT_DIR": str(tmp_path / "absent"),
    }
    assert kube_target(env) is None

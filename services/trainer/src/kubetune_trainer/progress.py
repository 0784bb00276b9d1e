"""Progress reports in the contract's shape (TrainerProgress), sent at a bounded rate.

The operator gives the pod the name of its run's ConfigMap (KUBETUNE_PROGRESS_CONFIGMAP)
and a Role that may patch only that object; the trainer merge-patches PROGRESS_KEY with
the pod's service-account token. A report that cannot be sent is logged and dropped:
progress is advisory, and a training run must not fail because the API server blinked.
"""

import json
import math
import os
import ssl
import sys
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

PROGRESS_KEY = "progress.json"
SERVICE_ACCOUNT = Path("/var/run/secrets/kubernetes.io/serviceaccount")


def decimal(value: float) -> str | None:
    """The contract's Decimal: non-negative, finite, as a plain or scientific string."""
    if not math.isfinite(value) or value < 0:
        return None
    text = f"{value:.6g}"
    return text.replace("e+", "e")


def timestamp(now: float) -> str:
    return datetime.fromtimestamp(now, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True)
class Progress:
    step: int
    total_steps: int
    epoch: float | None = None
    loss: float | None = None
    learning_rate: float | None = None

    def to_json(self, now: float) -> dict[str, Any]:
        body: dict[str, Any] = {"step": self.step, "totalSteps": self.total_steps}
        for key, value in (("epoch", self.epoch), ("loss", self.loss)):
            text = decimal(value) if value is not None else None
            if text is not None:
                body[key] = text
        if self.learning_rate is not None and (text := decimal(self.learning_rate)):
            body["learningRate"] = text
        body["time"] = timestamp(now)
        return body


Send = Callable[[dict[str, Any]], None]


class Reporter:
    """Sends at most one report per `interval` seconds; `final` reports always go out."""

    def __init__(self, send: Send, interval: float, clock: Callable[[], float] = time.time):
        self._send, self._interval, self._clock = send, interval, clock
        self._last: float | None = None

    def report(self, progress: Progress, final: bool = False) -> bool:
        now = self._clock()
        if not final and self._last is not None and now - self._last < self._interval:
            return False
        self._last = now
        try:
            self._send(progress.to_json(now))
        except Exception as error:  # advisory: log and carry on training
            print(f"trainer: progress report not sent: {error}", file=sys.stderr)
        return True


@dataclass(frozen=True)
class KubeTarget:
    api: str
    namespace: str
    config_map: str
    token: str
    ca_file: str | None


def kube_target(env: dict[str, str]) -> KubeTarget | None:
    """The ConfigMap to patch, from the pod's environment; None when not in a pod."""
    name, namespace = env.get("KUBETUNE_PROGRESS_CONFIGMAP"), env.get("KUBETUNE_NAMESPACE")
    if not name or not namespace:
        return None
    account = Path(env.get("KUBETUNE_SERVICE_ACCOUNT_DIR", str(SERVICE_ACCOUNT)))
    api = env.get("KUBETUNE_KUBE_API")
    if not api:
        host, port = env.get("KUBERNETES_SERVICE_HOST"), env.get("KUBERNETES_SERVICE_PORT")
        if not host or not port:
            return None
        api = f"https://{host}:{port}"
    ca = account / "ca.crt"
    try:
        token = (account / "token").read_text().strip()
    except OSError as error:
        print(
            f"trainer: no service-account token, progress goes to the log: {error}", file=sys.stderr
        )
        return None
    return KubeTarget(api, namespace, name, token, str(ca) if ca.exists() else None)


def config_map_sender(target: KubeTarget, timeout: float = 10.0) -> Send:
    url = f"{target.api}/api/v1/namespaces/{target.namespace}/configmaps/{target.config_map}"
    context = ssl.create_default_context(cafile=target.ca_file) if target.ca_file else None

    def send(body: dict[str, Any]) -> None:
        patch = {"data": {PROGRESS_KEY: json.dumps(body, separators=(",", ":"))}}
        request = urllib.request.Request(
            f"{url}?fieldManager=kubetune-trainer",
            data=json.dumps(patch).encode(),
            method="PATCH",
            headers={
                "Authorization": f"Bearer {target.token}",
                "Content-Type": "application/merge-patch+json",
            },
        )
        with urllib.request.urlopen(request, timeout=timeout, context=context) as response:
            response.read()

    return send


def log_sender(body: dict[str, Any]) -> None:
    print(f"trainer: progress {json.dumps(body)}", file=sys.stderr)


def reporter_from_env(env: dict[str, str] | None = None) -> Reporter:
    env = dict(os.environ) if env is None else env
    target = kube_target(env)
    send = config_map_sender(target) if target else log_sender
    return Reporter(send, float(env.get("KUBETUNE_PROGRESS_INTERVAL", "15")))

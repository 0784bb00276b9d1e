#!/usr/bin/env bash
# Proves the stages in kwok.yaml against a real control plane: starts a throwaway
# etcd, kube-apiserver, kube-controller-manager, kube-scheduler and kwok on
# 127.0.0.1 in a temp dir, creates two simulated nodes (a cpu node and a tainted
# T4 GPU node), runs the checks below with kubectl, prints how long each took,
# and stops exactly the processes it started.
#
#   e2e/cluster/kwok/verify-stages.sh          # builds missing binaries first
#
# Environment:
#   VERIFY_SOAK_SECONDS  how long after the nodes became Ready the final node
#                        check runs (default 45: over twice the 20s node monitor
#                        grace period; 80 also shows a status heartbeat)
#   VERIFY_KEEP_WORK=1   keep the temp dir (logs, certs) after the run
#   VERIFY_KWOK_V=DEBUG  kwok's log level (default INFO)
#
# Checks:
#   nodes  simulated nodes turn Ready, keep the capacity/allocatable they were
#          created with (incl. nvidia.com/gpu), get an InternalIP and a Lease
#   (a)    a Deployment on the cpu node: pods Running+Ready, Deployment Available
#   (b)    a GPU Job (nodeSelector pool=t4, toleration, nvidia.com/gpu: 1,
#          succeed-after=2s) completes; its pod carries the termination message
#   (c)    a Job with fail-after=1s, exit-code 137, reason OOMKilled and
#          backoffLimit 0 fails; the container shows exitCode 137 / OOMKilled
#   (d)    a pod requesting nvidia.com/gpu without the toleration stays Pending
#          with the scheduler's FailedScheduling event
#   (f)    a termination message over 4096 bytes is cut to its last 4096 bytes,
#          as the kubelet does
#   (g)    a Job pod without annotations keeps running; deleting it (it carries
#          the Job's batch.kubernetes.io/job-tracking finalizer, the Job has a
#          podFailurePolicy) makes it Failed with exit code 143, the Job
#          controller releases it, it is gone and the Job starts a replacement
#   (e)    deleting the Deployment garbage-collects its ReplicaSet and pods
#   soak   after VERIFY_SOAK_SECONDS the nodes are still Ready, untainted, and
#          their Leases are being renewed
set -euo pipefail
shopt -s inherit_errexit

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
KWOK_CONFIG="${HERE}/kwok.yaml"
SOAK_SECONDS="${VERIFY_SOAK_SECONDS:-45}"
# (assigned first: a failure inside `eval "$(...)"` would go unnoticed)
paths="$("${HERE}/../build-binaries.sh" kube-apiserver kube-controller-manager kube-scheduler kubectl etcd kwok)"
eval "${paths}"

WORK="$(mktemp -d "${TMPDIR:-/tmp}/kubetune-kwok-verify.XXXXXX")"
PIDS=()
cleanup() {
  local rc=$? pid i
  # Stop only what this script started, newest first, then wait for each.
  for ((i = ${#PIDS[@]} - 1; i >= 0; i--)); do kill "${PIDS[i]}" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "${pid}" 2>/dev/null || true; done
  if ((rc != 0)) || [[ "${VERIFY_KEEP_WORK:-}" == 1 ]]; then
    echo "[verify] work dir kept: ${WORK}" >&2
  else
    rm -rf "${WORK}"
  fi
}
trap cleanup EXIT

log() { echo "[verify] $*" >&2; }
now() { echo "${EPOCHREALTIME/[,.]/}"; } # microseconds
ms_since() { echo "$((($(now) - $1) / 1000))ms"; }
RESULTS=()
result() { RESULTS+=("$*"); log "$*"; }
fail() {
  log "FAILED: $*"
  log "last kwok log lines:"
  tail -n 30 "${WORK}/kwok.log" >&2 || true
  exit 1
}

# A port nothing listens on: bash's /dev/tcp connect fails on a closed port.
free_port() {
  local p
  while :; do
    p=$((20000 + RANDOM % 40000))
    (exec 3<>"/dev/tcp/127.0.0.1/${p}") 2>/dev/null || { echo "${p}"; return; }
  done
}

# Polls a command until it succeeds, up to $1 seconds.
wait_for() { # seconds description command...
  local deadline=$((SECONDS + $1)) what="$2"
  shift 2
  until "$@" >/dev/null 2>&1; do
    if ((SECONDS >= deadline)); then
      log "timed out waiting for ${what}; last log lines:"
      tail -n 20 "${WORK}"/*.log >&2 || true
      exit 1
    fi
    sleep 0.2
  done
}

# Polls the phase of the pods matching a selector (every ~0.1s plus a kubectl
# round trip) and sets RUN_SEEN/END_SEEN to the microsecond timestamps when
# Running, then the given terminal phase, were first seen.
phase_timeline() { # selector terminal-phase timeout-seconds
  local deadline=$((SECONDS + $3)) phase
  RUN_SEEN="" END_SEEN=""
  while ((SECONDS < deadline)); do
    phase="$(kubectl get pods -l "$1" -o jsonpath='{.items[0].status.phase}' 2>/dev/null || true)"
    [[ "${phase}" == Running && -z "${RUN_SEEN}" ]] && RUN_SEEN="$(now)"
    if [[ "${phase}" == "$2" ]]; then
      END_SEEN="$(now)"
      return 0
    fi
    sleep 0.1
  done
  return 1
}

# --- certificates: throwaway CA, apiserver serving cert, client certs, SA key
cd "${WORK}"
openssl_q() { openssl "$@" 2>>openssl.log; }
openssl_q req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.crt -days 1 -subj "/CN=kubetune-kwok-verify-ca"
sign_cert() { # name subject extfile
  openssl_q req -newkey rsa:2048 -nodes -keyout "$1.key" -out "$1.csr" -subj "$2"
  openssl_q x509 -req -in "$1.csr" -CA ca.crt -CAkey ca.key -CAcreateserial -out "$1.crt" -days 1 -extfile "$3"
}
printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n' >server.ext
printf 'extendedKeyUsage=clientAuth\n' >client.ext
sign_cert apiserver "/CN=kube-apiserver" server.ext
sign_cert admin "/O=system:masters/CN=kubetune-kwok-verify-admin" client.ext
# Identities that RBAC's bootstrap policy already grants their permissions.
sign_cert kcm "/CN=system:kube-controller-manager" client.ext
sign_cert scheduler "/CN=system:kube-scheduler" client.ext
openssl_q genrsa -out sa.key 2048
openssl_q rsa -in sa.key -pubout -out sa.pub

ETCD_PORT="$(free_port)"
ETCD_PEER_PORT="$(free_port)"
API_PORT="$(free_port)"
KCM_PORT="$(free_port)"
SCHED_PORT="$(free_port)"
KWOK_PORT="$(free_port)"

kubeconfig() { # name
  cat >"$1.kubeconfig" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: verify
  cluster: {server: "https://127.0.0.1:${API_PORT}", certificate-authority: "${WORK}/ca.crt"}
users:
- name: $1
  user: {client-certificate: "${WORK}/$1.crt", client-key: "${WORK}/$1.key"}
contexts:
- name: verify
  context: {cluster: verify, user: $1}
current-context: verify
EOF
}
kubeconfig admin
kubeconfig kcm
kubeconfig scheduler
kubectl() { "${KUBETUNE_KUBECTL}" --kubeconfig "${WORK}/admin.kubeconfig" "$@"; }

# --- control plane (flags follow e2e/cluster/src/components.ts)
start="$(now)"
"${KUBETUNE_ETCD}" --data-dir "${WORK}/etcd" --name verify \
  --listen-client-urls "http://127.0.0.1:${ETCD_PORT}" --advertise-client-urls "http://127.0.0.1:${ETCD_PORT}" \
  --listen-peer-urls "http://127.0.0.1:${ETCD_PEER_PORT}" --initial-advertise-peer-urls "http://127.0.0.1:${ETCD_PEER_PORT}" \
  --initial-cluster "verify=http://127.0.0.1:${ETCD_PEER_PORT}" \
  --unsafe-no-fsync --log-level warn >etcd.log 2>&1 &
PIDS+=("$!")

"${KUBETUNE_KUBE_APISERVER}" --etcd-servers "http://127.0.0.1:${ETCD_PORT}" \
  --bind-address 127.0.0.1 --advertise-address 127.0.0.1 --secure-port "${API_PORT}" \
  --tls-cert-file apiserver.crt --tls-private-key-file apiserver.key --client-ca-file ca.crt \
  --service-account-issuer https://kubernetes.default.svc.cluster.local \
  --service-account-key-file sa.pub --service-account-signing-key-file sa.key \
  --authorization-mode RBAC --service-cluster-ip-range 10.96.0.0/16 \
  --allow-privileged=true --profiling=false --enable-priority-and-fairness=false \
  --endpoint-reconciler-type none \
  --cert-dir "${WORK}/apiserver-certs" >apiserver.log 2>&1 &
PIDS+=("$!")
wait_for 120 "kube-apiserver /readyz" kubectl get --raw /readyz
log "etcd + kube-apiserver ready after $(ms_since "${start}")"

start="$(now)"
"${KUBETUNE_KUBE_CONTROLLER_MANAGER}" --kubeconfig kcm.kubeconfig \
  --authentication-kubeconfig kcm.kubeconfig --authorization-kubeconfig kcm.kubeconfig \
  --bind-address 127.0.0.1 --secure-port "${KCM_PORT}" --cert-dir "${WORK}/kcm-certs" \
  --leader-elect=false --profiling=false --use-service-account-credentials \
  --service-account-private-key-file sa.key --root-ca-file ca.crt \
  --service-cluster-ip-range 10.96.0.0/16 --node-monitor-grace-period=20s >kcm.log 2>&1 &
PIDS+=("$!")
"${KUBETUNE_KUBE_SCHEDULER}" --kubeconfig scheduler.kubeconfig \
  --authentication-kubeconfig scheduler.kubeconfig --authorization-kubeconfig scheduler.kubeconfig \
  --bind-address 127.0.0.1 --secure-port "${SCHED_PORT}" --cert-dir "${WORK}/scheduler-certs" \
  --leader-elect=false --profiling=false >scheduler.log 2>&1 &
PIDS+=("$!")

KWOK_CMD=("${KUBETUNE_KWOK}" --kubeconfig="${WORK}/admin.kubeconfig" --config="${KWOK_CONFIG}"
  --manage-all-nodes=false --manage-nodes-with-annotation-selector=kwok.x-k8s.io/node=fake
  --server-address="127.0.0.1:${KWOK_PORT}" --node-ip=127.0.0.1)
[[ -n "${VERIFY_KWOK_V:-}" ]] && KWOK_CMD+=("-v=${VERIFY_KWOK_V}")
log "kwok command: ${KWOK_CMD[*]}"
"${KWOK_CMD[@]}" >kwok.log 2>&1 &
PIDS+=("$!")

# /healthz of these three is served without credentials (kubectl would ask for
# them: it has no user here), so curl asks.
healthz() { curl -sfk --max-time 2 "https://127.0.0.1:$1/healthz"; }
wait_for 60 "kube-controller-manager /healthz" healthz "${KCM_PORT}"
wait_for 60 "kube-scheduler /healthz" healthz "${SCHED_PORT}"
wait_for 60 "kwok /healthz" healthz "${KWOK_PORT}"
log "kube-controller-manager, kube-scheduler, kwok healthy after $(ms_since "${start}")"
# Pods need their namespace's default ServiceAccount (the controller manager makes it).
wait_for 60 "the default ServiceAccount" kubectl get serviceaccount default

# --- nodes (same shape as e2e/cluster/src/nodes.ts makes them)
start="$(now)"
kubectl apply -f - >/dev/null <<'EOF'
apiVersion: v1
kind: Node
metadata:
  name: cpu-2xlarge-0
  annotations: {kwok.x-k8s.io/node: fake}
  labels:
    kubernetes.io/hostname: cpu-2xlarge-0
    kubernetes.io/os: linux
    kubernetes.io/arch: amd64
    node.kubernetes.io/instance-type: m5.2xlarge
    topology.kubernetes.io/zone: local-1a
    kubetune.io/pool: cpu
    type: kwok
status:
  capacity: {cpu: "8", memory: 32Gi, pods: "110"}
  allocatable: {cpu: "8", memory: 32Gi, pods: "110"}
---
apiVersion: v1
kind: Node
metadata:
  name: t4-xlarge-0
  annotations: {kwok.x-k8s.io/node: fake}
  labels:
    kubernetes.io/hostname: t4-xlarge-0
    kubernetes.io/os: linux
    kubernetes.io/arch: amd64
    node.kubernetes.io/instance-type: g4dn.xlarge
    topology.kubernetes.io/zone: local-1a
    kubetune.io/pool: t4
    type: kwok
    nvidia.com/gpu.present: "true"
    nvidia.com/gpu.product: Tesla-T4
    nvidia.com/gpu.memory: "15360"
    nvidia.com/gpu.count: "1"
spec:
  taints: [{key: nvidia.com/gpu, value: present, effect: NoSchedule}]
status:
  capacity: {cpu: "4", memory: 16Gi, pods: "110", nvidia.com/gpu: "1"}
  allocatable: {cpu: "4", memory: 16Gi, pods: "110", nvidia.com/gpu: "1"}
EOF
kubectl wait --for=condition=Ready node/cpu-2xlarge-0 node/t4-xlarge-0 --timeout=60s >/dev/null || fail "nodes not Ready"
nodes_ready_at=${SECONDS}
result "nodes: Ready $(ms_since "${start}") after create"
# The node lifecycle controller removes node.kubernetes.io/not-ready once Ready.
untainted() {
  [[ "$(kubectl get node cpu-2xlarge-0 -o jsonpath='{.spec.taints}')" == "" ]] &&
    [[ "$(kubectl get node t4-xlarge-0 -o jsonpath='{.spec.taints[*].key}')" == "nvidia.com/gpu" ]]
}
wait_for 60 "the not-ready taints to go" untainted
result "nodes: schedulable (not-ready taint gone) $(ms_since "${start}") after create"
got="$(kubectl get node t4-xlarge-0 -o jsonpath='{.status.capacity.cpu}/{.status.capacity.memory}/{.status.capacity.nvidia\.com/gpu} {.status.allocatable.cpu}/{.status.allocatable.memory}/{.status.allocatable.nvidia\.com/gpu}')"
[[ "${got}" == "4/16Gi/1 4/16Gi/1" ]] || fail "t4 node capacity/allocatable changed: ${got}"
got="$(kubectl get node cpu-2xlarge-0 -o jsonpath='{.status.allocatable.cpu}/{.status.allocatable.memory}/{.status.allocatable.nvidia\.com/gpu}')"
[[ "${got}" == "8/32Gi/" ]] || fail "cpu node allocatable changed: ${got}"
got="$(kubectl get node t4-xlarge-0 -o jsonpath='{.status.addresses[?(@.type=="InternalIP")].address} {.status.nodeInfo.kubeletVersion} {.status.nodeInfo.architecture}')"
log "t4 node: InternalIP/kubeletVersion/arch = ${got}"
[[ "${got}" == "127.0.0.1 "* ]] || fail "t4 node has no InternalIP 127.0.0.1: ${got}"
lease_holder() { kubectl -n kube-node-lease get lease "$1" -o jsonpath='{.spec.holderIdentity}'; }
wait_for 30 "node leases" lease_holder t4-xlarge-0
result "nodes: capacity/allocatable kept (t4: cpu 4, memory 16Gi, nvidia.com/gpu 1), InternalIP 127.0.0.1, lease held by $(lease_holder t4-xlarge-0)"

# --- (a) Deployment on the cpu node
start="$(now)"
kubectl apply -f - >/dev/null <<'EOF'
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      nodeSelector: {kubetune.io/pool: cpu}
      initContainers:
      - {name: setup, image: sim/setup:0}
      containers:
      - {name: web, image: sim/web:0, resources: {requests: {cpu: 100m}}}
EOF
kubectl wait --for=condition=Available deployment/web --timeout=60s >/dev/null || fail "(a) Deployment not Available"
elapsed="$(ms_since "${start}")"
got="$(kubectl get pods -l app=web -o jsonpath='{range .items[*]}{.spec.nodeName} {.status.phase} {.status.conditions[?(@.type=="Ready")].status} {.status.podIP} {.status.initContainerStatuses[0].state.terminated.reason}{"\n"}{end}')"
log "(a) pods: node phase ready podIP init:"$'\n'"${got}"
[[ "$(grep -c '^cpu-2xlarge-0 Running True 10\.244\.[0-9.]* Completed$' <<<"${got}")" == 2 ]] || fail "(a) pods not Running/Ready on the cpu node"
result "(a) Deployment web (2 replicas, cpu pool): Available ${elapsed} after apply; pods Running+Ready, podIP from 10.244.0.0/16, init container Completed"

# --- (b) GPU Job that succeeds after 2s with a result in its termination message
RESULT_JSON='{"loss":0.123,"accuracy":0.98,"epochs":3}'
start="$(now)"
kubectl apply -f - >/dev/null <<EOF
apiVersion: batch/v1
kind: Job
metadata: {name: train-ok}
spec:
  backoffLimit: 0
  template:
    metadata:
      annotations:
        sim.kubetune.io/succeed-after: 2s
        sim.kubetune.io/termination-message: '${RESULT_JSON}'
    spec:
      restartPolicy: Never
      nodeSelector: {kubetune.io/pool: t4}
      tolerations: [{key: nvidia.com/gpu, operator: Exists, effect: NoSchedule}]
      containers:
      - name: trainer
        image: sim/trainer:0
        resources: {limits: {nvidia.com/gpu: 1}}
EOF
phase_timeline job-name=train-ok Succeeded 60 || fail "(b) train-ok pod never Succeeded"
[[ -n "${RUN_SEEN}" ]] || fail "(b) train-ok pod never seen Running"
ran_ms=$(((END_SEEN - RUN_SEEN) / 1000))
kubectl wait --for=condition=Complete job/train-ok --timeout=60s >/dev/null || fail "(b) Job train-ok not Complete"
elapsed="$(ms_since "${start}")"
pod="$(kubectl get pods -l job-name=train-ok -o jsonpath='{.items[0].metadata.name}')"
got="$(kubectl get pod "${pod}" -o jsonpath='{.spec.nodeName} {.status.phase} {.status.containerStatuses[0].state.terminated.exitCode} {.status.containerStatuses[0].state.terminated.reason}')"
msg="$(kubectl get pod "${pod}" -o jsonpath='{.status.containerStatuses[0].state.terminated.message}')"
times="$(kubectl get pod "${pod}" -o jsonpath='{.status.startTime} {.status.containerStatuses[0].state.terminated.startedAt} {.status.containerStatuses[0].state.terminated.finishedAt}')"
log "(b) pod ${pod}: ${got}; message ${msg}; startTime/startedAt/finishedAt ${times}"
[[ "${got}" == "t4-xlarge-0 Succeeded 0 Completed" ]] || fail "(b) pod state: ${got}"
[[ "${msg}" == "${RESULT_JSON}" ]] || fail "(b) termination message: ${msg}"
# Due between 2s and 3s after it started running; polling adds up to ~0.3s.
((ran_ms >= 1700 && ran_ms <= 3500)) || fail "(b) pod was Running for ${ran_ms}ms, expected 2000-3000ms"
result "(b) GPU Job train-ok: Complete ${elapsed} after apply; pod on t4-xlarge-0 seen Running for ${ran_ms}ms (succeed-after=2s), then Succeeded exit 0 Completed; message = ${msg}"

# --- (c) Job whose pod is OOMKilled after 1s, backoffLimit 0
start="$(now)"
kubectl apply -f - >/dev/null <<'EOF'
apiVersion: batch/v1
kind: Job
metadata: {name: train-oom}
spec:
  backoffLimit: 0
  template:
    metadata:
      annotations:
        sim.kubetune.io/fail-after: 1s
        sim.kubetune.io/exit-code: "137"
        sim.kubetune.io/reason: OOMKilled
    spec:
      restartPolicy: Never
      nodeSelector: {kubetune.io/pool: t4}
      tolerations: [{key: nvidia.com/gpu, operator: Exists, effect: NoSchedule}]
      containers:
      - name: trainer
        image: sim/trainer:0
        resources: {limits: {nvidia.com/gpu: 1}}
EOF
phase_timeline job-name=train-oom Failed 60 || fail "(c) train-oom pod never Failed"
[[ -n "${RUN_SEEN}" ]] || fail "(c) train-oom pod never seen Running"
ran_ms=$(((END_SEEN - RUN_SEEN) / 1000))
((ran_ms >= 700 && ran_ms <= 2500)) || fail "(c) pod was Running for ${ran_ms}ms, expected 1000-2000ms"
kubectl wait --for=condition=Failed job/train-oom --timeout=60s >/dev/null || fail "(c) Job train-oom not Failed"
elapsed="$(ms_since "${start}")"
pod="$(kubectl get pods -l job-name=train-oom -o jsonpath='{.items[0].metadata.name}')"
got="$(kubectl get pod "${pod}" -o jsonpath='{.status.phase} {.status.containerStatuses[0].state.terminated.exitCode} {.status.containerStatuses[0].state.terminated.reason}')"
jobreason="$(kubectl get job train-oom -o jsonpath='{.status.conditions[?(@.type=="Failed")].reason}')"
log "(c) pod ${pod}: ${got}; Job Failed reason ${jobreason}"
[[ "${got}" == "Failed 137 OOMKilled" ]] || fail "(c) pod state: ${got}"
result "(c) Job train-oom: Failed (${jobreason}) ${elapsed} after apply; pod seen Running for ${ran_ms}ms (fail-after=1s), then Failed, container terminated exitCode 137 reason OOMKilled"

# --- (d) GPU request without the toleration: unschedulable
start="$(now)"
kubectl apply -f - >/dev/null <<'EOF'
apiVersion: v1
kind: Pod
metadata: {name: gpu-no-toleration}
spec:
  containers:
  - name: trainer
    image: sim/trainer:0
    resources: {limits: {nvidia.com/gpu: 1}}
EOF
failed_scheduling() {
  [[ -n "$(kubectl get events --field-selector involvedObject.name=gpu-no-toleration,reason=FailedScheduling -o name)" ]]
}
wait_for 60 "(d) a FailedScheduling event" failed_scheduling
elapsed="$(ms_since "${start}")"
sleep 3
got="$(kubectl get pod gpu-no-toleration -o jsonpath='{.status.phase} {.spec.nodeName}{.status.conditions[?(@.type=="PodScheduled")].reason}')"
evmsg="$(kubectl get events --field-selector involvedObject.name=gpu-no-toleration,reason=FailedScheduling -o jsonpath='{.items[0].message}')"
log "(d) pod: ${got}; event: ${evmsg}"
[[ "${got}" == "Pending Unschedulable" ]] || fail "(d) pod state: ${got}"
result "(d) pod gpu-no-toleration: FailedScheduling ${elapsed} after apply, still Pending/Unschedulable 3s later: ${evmsg}"

# --- (f) a termination message over the kubelet's 4096-byte limit keeps its tail
head_part="$(printf 'H%.0s' {1..904})"
tail_part="$(printf 'T%.0s' {1..4095})E"
start="$(now)"
kubectl apply -f - >/dev/null <<EOF
apiVersion: v1
kind: Pod
metadata:
  name: big-result
  annotations:
    sim.kubetune.io/succeed-after: 0s
    sim.kubetune.io/termination-message: ${head_part}${tail_part}
spec:
  restartPolicy: Never
  nodeSelector: {kubetune.io/pool: cpu}
  containers:
  - {name: trainer, image: sim/trainer:0}
EOF
kubectl wait --for=jsonpath='{.status.phase}'=Succeeded pod/big-result --timeout=60s >/dev/null || fail "(f) pod big-result not Succeeded"
elapsed="$(ms_since "${start}")"
msg="$(kubectl get pod big-result -o jsonpath='{.status.containerStatuses[0].state.terminated.message}')"
[[ "${msg}" == "${tail_part}" ]] || fail "(f) message is ${#msg} bytes, not the 4096-byte tail"
result "(f) pod big-result (5000-byte message, succeed-after=0s): Succeeded ${elapsed} after apply; message cut to its last ${#msg} bytes"

# --- (g) deleting a running Job pod: terminal phase, finalizer released by the Job controller, gone
start="$(now)"
kubectl apply -f - >/dev/null <<'EOF'
apiVersion: batch/v1
kind: Job
metadata: {name: train-long}
spec:
  backoffLimit: 0
  podFailurePolicy:
    rules:
    - action: Ignore
      onExitCodes: {operator: In, values: [143]}
  template:
    spec:
      restartPolicy: Never
      nodeSelector: {kubetune.io/pool: cpu}
      containers:
      - {name: trainer, image: sim/trainer:0}
EOF
job_pod_running() {
  [[ "$(kubectl get pods -l job-name=train-long -o jsonpath='{.items[*].status.phase}')" == Running ]]
}
wait_for 60 "(g) the train-long pod to run" job_pod_running
elapsed="$(ms_since "${start}")"
pod="$(kubectl get pods -l job-name=train-long -o jsonpath='{.items[0].metadata.name}')"
uid="$(kubectl get pod "${pod}" -o jsonpath='{.metadata.uid}')"
finalizers="$(kubectl get pod "${pod}" -o jsonpath='{.metadata.finalizers}')"
sleep 5
got="$(kubectl get pod "${pod}" -o jsonpath='{.status.phase} {.status.containerStatuses[0].ready} {.status.containerStatuses[0].restartCount}')"
[[ "${got}" == "Running true 0" ]] || fail "(g) un-annotated pod did not keep running: ${got}"
log "(g) pod ${pod} Running ${elapsed} after apply and still Running 5s later; finalizers ${finalizers}"
# Watch the pod's last states while it is deleted.
kubectl get pod "${pod}" --watch -o jsonpath='{.status.phase} {.status.containerStatuses[0].state.terminated.exitCode} {.metadata.finalizers}{"\n"}' >watch-g.txt 2>&1 &
watch_pid=$!
PIDS+=("${watch_pid}")
sleep 1
start="$(now)"
kubectl delete pod "${pod}" --timeout=60s >/dev/null || fail "(g) pod ${pod} not deleted"
deleted="$(ms_since "${start}")"
replaced() {
  local uids
  uids="$(kubectl get pods -l job-name=train-long -o jsonpath='{.items[*].metadata.uid}')"
  [[ -n "${uids}" && "${uids}" != *"${uid}"* ]] && job_pod_running
}
wait_for 60 "(g) a replacement pod" replaced
replaced_after="$(ms_since "${start}")"
kill "${watch_pid}" 2>/dev/null || true
log "(g) states seen while deleting (phase exitCode finalizers):"$'\n'"$(sort -u watch-g.txt)"
grep -q '^Failed 143 ' watch-g.txt || fail "(g) deleted pod never showed phase Failed with exit code 143"
jobstate="$(kubectl get job train-long -o jsonpath='{.status.failed}/{.status.active}/{.status.conditions[*].type}')"
[[ "${jobstate}" == "/1/" || "${jobstate}" == "0/1/" ]] || fail "(g) Job counted the deleted pod: failed/active/conditions ${jobstate}"
result "(g) un-annotated Job pod kept Running; kubectl delete returned ${deleted} after the call (pod went Failed/143, Job controller removed ${finalizers}); replacement Running ${replaced_after} after the call; Job failed/active/conditions = ${jobstate} (podFailurePolicy Ignore on 143)"

# --- (e) deleting the Deployment garbage-collects ReplicaSet and pods
start="$(now)"
kubectl delete deployment web --wait=false >/dev/null
gone() { [[ -z "$(kubectl get "$@" -o name)" ]]; }
wait_for 60 "(e) the ReplicaSet to go" gone replicasets -l app=web
rs_gone="$(ms_since "${start}")"
wait_for 60 "(e) the pods to go" gone pods -l app=web
result "(e) Deployment web deleted: ReplicaSet gone after ${rs_gone}, pods gone after $(ms_since "${start}")"

# --- soak: nodes stay Ready on lease renewals past the node monitor grace period
remaining=$((nodes_ready_at + SOAK_SECONDS - SECONDS))
if ((remaining > 0)); then
  log "soak: waiting ${remaining}s more (${SOAK_SECONDS}s after the nodes became Ready)"
  sleep "${remaining}"
fi
for node in cpu-2xlarge-0 t4-xlarge-0; do
  got="$(kubectl get node "${node}" -o jsonpath='{.status.conditions[?(@.type=="Ready")].status}/{.spec.taints[*].key}')"
  [[ "${got}" == "True/" || "${got}" == "True/nvidia.com/gpu" ]] || fail "soak: node ${node}: ${got}"
done
renew="$(kubectl -n kube-node-lease get lease t4-xlarge-0 -o jsonpath='{.spec.renewTime}')"
age=$(($(date +%s) - $(date -d "${renew}" +%s)))
((age <= 10)) || fail "soak: lease renewed ${age}s ago"
hb="$(kubectl get node t4-xlarge-0 -o jsonpath='{.status.conditions[?(@.type=="Ready")].lastHeartbeatTime} {.status.conditions[?(@.type=="Ready")].lastTransitionTime}')"
result "soak: $((SECONDS - nodes_ready_at))s after Ready both nodes still Ready with no added taints; t4 lease renewed ${age}s ago; Ready heartbeat/transition ${hb}"

log "all checks passed:"
printf '  %s\n' "${RESULTS[@]}" >&2

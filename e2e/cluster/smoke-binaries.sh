#!/usr/bin/env bash
# Smoke check of the binaries from build-binaries.sh: runs a throwaway control
# plane (etcd, kube-apiserver, kube-controller-manager, kube-scheduler, kwok)
# on 127.0.0.1 only, checks each part does its job, prints timings and memory
# (RSS), and stops exactly the processes it started. About 15 s once built.
#
#   e2e/cluster/smoke-binaries.sh          # builds missing binaries first
#
# Checks: apiserver /readyz and /version through kubectl; the controller
# manager turns a Deployment into a ReplicaSet and a Pod; the scheduler marks
# that Pod Unschedulable (no nodes yet); kwok makes a fake node Ready, the
# scheduler binds the Pod to it and kwok reports it Running. No image is
# pulled and no container runs.
set -euo pipefail
shopt -s inherit_errexit

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# (assigned first: a failure inside `eval "$(...)"` would go unnoticed)
paths="$("${HERE}/build-binaries.sh")"
eval "${paths}"

WORK="$(mktemp -d "${TMPDIR:-/tmp}/kubetune-smoke.XXXXXX")"
PIDS=()
cleanup() {
  local pid
  # Stop only what this script started, newest first, then wait for each.
  for ((i = ${#PIDS[@]} - 1; i >= 0; i--)); do kill "${PIDS[i]}" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "${pid}" 2>/dev/null || true; done
  rm -rf "${WORK}"
}
trap cleanup EXIT

log() { echo "[smoke] $*" >&2; }
now() { echo "${EPOCHREALTIME/[,.]/}"; } # microseconds
ms_since() { echo "$((($(now) - $1) / 1000))ms"; }
rss() { echo "$(($(ps -o rss= -p "$1") / 1024))MiB"; }

# A port nothing listens on (bash's /dev/tcp connect fails on a closed port)
# and not handed out before in this run.
USED_PORTS=" "
free_port() {
  local p
  while :; do
    p=$((20000 + RANDOM % 40000))
    [[ "${USED_PORTS}" == *" ${p} "* ]] && continue
    (exec 3<>"/dev/tcp/127.0.0.1/${p}") 2>/dev/null && continue
    USED_PORTS+="${p} "
    echo "${p}"
    return
  done
}

# Polls a command until it succeeds, up to $1 seconds; gives up at once if a
# started process has exited.
wait_for() { # seconds description command...
  local deadline=$((SECONDS + $1)) what="$2" pid dead=""
  shift 2
  until "$@" >/dev/null 2>&1; do
    for pid in "${PIDS[@]}"; do kill -0 "${pid}" 2>/dev/null || dead="${pid}"; done
    if [[ -n "${dead}" ]] || ((SECONDS >= deadline)); then
      log "failed waiting for ${what}${dead:+ (process ${dead} exited)}; last try said:"
      "$@" >&2 || true
      log "last log lines:"
      tail -n 20 "${WORK}"/*.log >&2 || true
      exit 1
    fi
    sleep 0.2
  done
}

# --- certificates: throwaway CA, apiserver serving cert, client certs, SA key
cd "${WORK}"
openssl_q() { openssl "$@" 2>>openssl.log; }
openssl_q req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.crt -days 1 -subj "/CN=kubetune-smoke-ca"
sign_cert() { # name subject extfile
  openssl_q req -newkey rsa:2048 -nodes -keyout "$1.key" -out "$1.csr" -subj "$2"
  openssl_q x509 -req -in "$1.csr" -CA ca.crt -CAkey ca.key -CAcreateserial -out "$1.crt" -days 1 -extfile "$3"
}
printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n' >server.ext
printf 'extendedKeyUsage=clientAuth\n' >client.ext
sign_cert apiserver "/CN=kube-apiserver" server.ext
sign_cert admin "/O=system:masters/CN=kubetune-smoke-admin" client.ext
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

kubeconfig() { # name
  cat >"$1.kubeconfig" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: smoke
  cluster: {server: "https://127.0.0.1:${API_PORT}", certificate-authority: "${WORK}/ca.crt"}
users:
- name: $1
  user: {client-certificate: "${WORK}/$1.crt", client-key: "${WORK}/$1.key"}
contexts:
- name: smoke
  context: {cluster: smoke, user: $1}
current-context: smoke
EOF
}
kubeconfig admin
kubeconfig kcm
kubeconfig scheduler
kubectl() { "${KUBETUNE_KUBECTL}" --kubeconfig "${WORK}/admin.kubeconfig" "$@"; }

# --- etcd + kube-apiserver
# --unsafe-no-fsync: the data is thrown away, and fsync dominates etcd latency.
# --advertise-address 127.0.0.1 keeps the apiserver off other interfaces, but
# the "kubernetes" Service's Endpoints may not hold a loopback address, so
# --endpoint-reconciler-type none stops the apiserver from writing them (it
# otherwise logs a validation error every 10 s; nothing here needs them).
# --cert-dir only receives files the apiserver generates for itself.
start="$(now)"
"${KUBETUNE_ETCD}" --data-dir "${WORK}/etcd" --name smoke \
  --listen-client-urls "http://127.0.0.1:${ETCD_PORT}" --advertise-client-urls "http://127.0.0.1:${ETCD_PORT}" \
  --listen-peer-urls "http://127.0.0.1:${ETCD_PEER_PORT}" --initial-advertise-peer-urls "http://127.0.0.1:${ETCD_PEER_PORT}" \
  --initial-cluster "smoke=http://127.0.0.1:${ETCD_PEER_PORT}" \
  --unsafe-no-fsync --log-level warn >etcd.log 2>&1 &
ETCD_PID=$!
PIDS+=("${ETCD_PID}")

"${KUBETUNE_KUBE_APISERVER}" --etcd-servers "http://127.0.0.1:${ETCD_PORT}" \
  --bind-address 127.0.0.1 --advertise-address 127.0.0.1 --secure-port "${API_PORT}" \
  --tls-cert-file apiserver.crt --tls-private-key-file apiserver.key --client-ca-file ca.crt \
  --service-account-issuer https://kubernetes.default.svc.cluster.local \
  --service-account-key-file sa.pub --service-account-signing-key-file sa.key \
  --authorization-mode RBAC --service-cluster-ip-range 10.0.0.0/24 \
  --endpoint-reconciler-type none \
  --cert-dir "${WORK}/apiserver-certs" >apiserver.log 2>&1 &
API_PID=$!
PIDS+=("${API_PID}")

wait_for 120 "kube-apiserver /readyz" kubectl get --raw /readyz
log "etcd + kube-apiserver ready after $(ms_since "${start}")"
log "kubectl get --raw /version: $(kubectl get --raw /version | tr -d ' \n')"
log "RSS once ready: etcd $(rss "${ETCD_PID}"), kube-apiserver $(rss "${API_PID}")"

# --- kube-controller-manager + kube-scheduler
start="$(now)"
"${KUBETUNE_KUBE_CONTROLLER_MANAGER}" --kubeconfig kcm.kubeconfig \
  --authentication-kubeconfig kcm.kubeconfig --authorization-kubeconfig kcm.kubeconfig \
  --bind-address 127.0.0.1 --secure-port "${KCM_PORT}" --cert-dir "${WORK}/kcm-certs" \
  --leader-elect=false --use-service-account-credentials \
  --service-account-private-key-file sa.key --root-ca-file ca.crt >kcm.log 2>&1 &
KCM_PID=$!
PIDS+=("${KCM_PID}")
"${KUBETUNE_KUBE_SCHEDULER}" --kubeconfig scheduler.kubeconfig \
  --authentication-kubeconfig scheduler.kubeconfig --authorization-kubeconfig scheduler.kubeconfig \
  --bind-address 127.0.0.1 --secure-port "${SCHED_PORT}" --leader-elect=false >scheduler.log 2>&1 &
SCHED_PID=$!
PIDS+=("${SCHED_PID}")

# Their serving certs are self-signed (--cert-dir), hence no TLS verification.
# A client cert is passed because kubectl without credentials prompts for a
# username; these components trust the apiserver's client CA.
healthz() {
  "${KUBETUNE_KUBECTL}" --server "https://127.0.0.1:$1" --insecure-skip-tls-verify \
    --client-certificate admin.crt --client-key admin.key get --raw /healthz </dev/null
}
wait_for 60 "kube-controller-manager /healthz" healthz "${KCM_PORT}"
wait_for 60 "kube-scheduler /healthz" healthz "${SCHED_PORT}"
log "kube-controller-manager + kube-scheduler healthy after $(ms_since "${start}")"

kubectl create deployment smoke --image=registry.invalid/smoke:0 >/dev/null
unschedulable() {
  [[ "$(kubectl get pods -l app=smoke -o jsonpath='{.items[0].status.conditions[?(@.type=="PodScheduled")].reason}')" == Unschedulable ]]
}
wait_for 60 "the scheduler to mark the smoke pod Unschedulable" unschedulable
log "deployment -> replicaset -> pod (controller manager) -> Unschedulable (scheduler) after $(ms_since "${start}")"
log "RSS now: etcd $(rss "${ETCD_PID}"), kube-apiserver $(rss "${API_PID}"), kube-controller-manager $(rss "${KCM_PID}"), kube-scheduler $(rss "${SCHED_PID}")"

# --- kwok: one fake node; the pending pod then gets scheduled onto it and
# kwok reports it Running. Pod IPs are fake; keep them out of the service
# range (kwok's default --cidr is 10.0.0.0/24, the same as ours).
# kwok has no built-in behaviour: it refuses to start without Stage configs.
# Use the "fast" stages its module ships (the source is in the module cache
# already, since kwok was built from it).
kwok_version="$("${KUBETUNE_KWOK}" --version | awk '{print $3}')"
kwok_src="$(go mod download -json "sigs.k8s.io/kwok@${kwok_version}" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')"
kwok_stages=()
for f in "${kwok_src}"/kustomize/stage/{node/fast,node/heartbeat,pod/fast}/*.yaml; do
  [[ "${f}" == */kustomization.yaml ]] || kwok_stages+=(--config "${f}")
done
start="$(now)"
"${KUBETUNE_KWOK}" --kubeconfig admin.kubeconfig --manage-all-nodes "${kwok_stages[@]}" \
  --cidr 10.244.0.0/16 --node-ip 127.0.0.1 >kwok.log 2>&1 &
KWOK_PID=$!
PIDS+=("${KWOK_PID}")
kubectl apply -f - >/dev/null <<EOF
apiVersion: v1
kind: Node
metadata:
  name: kwok-node-0
  annotations: {kwok.x-k8s.io/node: fake}
  labels: {type: kwok}
status:
  allocatable: {cpu: "32", memory: 256Gi, pods: "110"}
  capacity: {cpu: "32", memory: 256Gi, pods: "110"}
EOF
running() { [[ "$(kubectl get pods -l app=smoke -o jsonpath='{.items[0].status.phase}')" == Running ]]; }
wait_for 60 "kwok to run the smoke pod on its fake node" running
log "fake node Ready, pod scheduled and Running (kwok) after $(ms_since "${start}")"
log "RSS now: etcd $(rss "${ETCD_PID}"), kube-apiserver $(rss "${API_PID}"), kube-controller-manager $(rss "${KCM_PID}"), kube-scheduler $(rss "${SCHED_PID}"), kwok $(rss "${KWOK_PID}")"
log "ok"

#!/usr/bin/env bash
# Builds the binaries the e2e cluster runs (kube-apiserver,
# kube-controller-manager, kube-scheduler, kubectl, etcd, kwok) from source
# with the local Go toolchain, into a per-version cache outside the repo:
#
#   ${KUBETUNE_CACHE_DIR:-$HOME/.cache/kubetune}/bin/kubernetes-v1.34.12/kube-apiserver
#   .../bin/etcd-v3.5.35/etcd
#   .../bin/kwok-v0.8.0/kwok
#
# Why from source: this project's machines reach package registries only, so
# release tarballs and images cannot be downloaded, but Go modules can.
#
# Usage: build-binaries.sh [component...]
#   Components default to the six above; kubelet, kube-proxy and coredns (the
#   real node's, go/coredns/go.mod pins CoreDNS) can be named too. A cached binary is reused when its --version output matches the
#   pinned version, otherwise it is (re)built. Progress goes to stderr; stdout
#   gets one NAME=path line per component, for `eval "$(build-binaries.sh)"`:
#   KUBETUNE_KUBE_APISERVER, KUBETUNE_KUBE_CONTROLLER_MANAGER,
#   KUBETUNE_KUBE_SCHEDULER, KUBETUNE_KUBECTL, KUBETUNE_ETCD, KUBETUNE_KWOK.
#
# Existing binaries are used instead of building, without a version check:
#   KUBETUNE_<NAME>=/path/to/binary   (per binary, the names above)
#   KUBEBUILDER_ASSETS=/dir           (envtest's kube-apiserver, etcd, kubectl)
#
# Pinned versions live in the wrapper modules next to this script:
#   go/kubernetes/go.mod  (bump with go/kubernetes/update-replaces.sh v1.34.NN)
#   go/etcd/go.mod        (bump with go get there)
#   KWOK_VERSION below
set -euo pipefail
# Make failures inside $(...) abort too (bash leaves errexit off there).
shopt -s inherit_errexit

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
BIN_CACHE="${KUBETUNE_CACHE_DIR:-${HOME}/.cache/kubetune}/bin"
KWOK_VERSION="v0.8.0"

# Builds are CPU-heavy (a cold kube-apiserver takes minutes on 2 cores);
# run them at lower priority so an interactive machine stays usable.
NICE=(nice -n 10)
# Static, reproducible, stripped binaries, as upstream's release builds are.
export CGO_ENABLED=0
GO_BUILD_FLAGS=(-trimpath)

log() { echo "[build-binaries] $*" >&2; }

# Reads one field of a module's metadata from the module cache, downloading
# the module if needed (its hash is then checked against the wrapper's go.sum).
# Prints nothing when the module proxy did not record that field.
module_info() { # dir module@version field(Time|Hash)
  local info
  info="$(cd "$1" && go mod download -json "$2" | sed -n 's/^[[:space:]]*"Info": "\(.*\)",$/\1/p')"
  [[ -f "${info}" ]] && sed -n "s/.*\"$3\":\"\([^\"]*\)\".*/\1/p" "${info}"
  return 0
}

# Version pins, read from the wrapper modules' go.mod files.
K8S_VERSION="$(cd "${HERE}/go/kubernetes" && go list -m -f '{{.Version}}' k8s.io/kubernetes)"
ETCD_VERSION="$(cd "${HERE}/go/etcd" && go list -m -f '{{.Version}}' go.etcd.io/etcd/server/v3)"
COREDNS_VERSION="$(cd "${HERE}/go/coredns" && go list -m -f '{{.Version}}' github.com/coredns/coredns)"

# Stamp what `kube-apiserver --version`, `kubectl version` and /version
# report (k8s.io/component-base/version; unstamped they say v0.0.0-master).
# client-go's copy of the variables feeds the default User-Agent; upstream's
# hack/lib/version.sh sets both.
# The commit and buildDate come from the module proxy's record of the release
# tag (buildDate is the tag time, not "now", so rebuilds are byte-identical).
k8s_ldflags() {
  local commit date major minor flags="-s -w" pkg
  commit="$(module_info "${HERE}/go/kubernetes" "k8s.io/kubernetes@${K8S_VERSION}" Hash)"
  date="$(module_info "${HERE}/go/kubernetes" "k8s.io/kubernetes@${K8S_VERSION}" Time)"
  major="${K8S_VERSION#v}" && major="${major%%.*}"
  minor="${K8S_VERSION#v*.}" && minor="${minor%%.*}"
  for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    flags+=" -X ${pkg}.gitVersion=${K8S_VERSION} -X ${pkg}.gitMajor=${major} -X ${pkg}.gitMinor=${minor}"
    # "archive" is what upstream reports for builds from a source archive.
    flags+=" -X ${pkg}.gitTreeState=archive"
    [[ -n "${commit}" ]] && flags+=" -X ${pkg}.gitCommit=${commit}"
    [[ -n "${date}" ]] && flags+=" -X ${pkg}.buildDate=${date}"
  done
  echo "${flags}"
}

# etcd's version number is a constant in its source; only the commit is
# stamped, as etcd's own build script does, when the module proxy knows it.
etcd_ldflags() {
  local commit
  commit="$(module_info "${HERE}/go/etcd" "go.etcd.io/etcd/server/v3@${ETCD_VERSION}" Hash)"
  echo "-s -w -X go.etcd.io/etcd/api/v3/version.GitSHA=${commit:-unknown}"
}

# What each component's version output must contain to count as up to date.
expected_version() {
  case "$1" in
    etcd) echo "etcd Version: ${ETCD_VERSION#v}" ;;
    kwok) echo "kwok version ${KWOK_VERSION}" ;;
    coredns) echo "CoreDNS-${COREDNS_VERSION#v}" ;;
    kubectl) echo "Client Version: ${K8S_VERSION}" ;;
    *) echo "Kubernetes ${K8S_VERSION}" ;;
  esac
}

version_of() { # binary
  case "$(basename "$1")" in
    coredns) "$1" -version 2>&1 || true ;;
    kubectl) "$1" version --client 2>&1 || true ;;
    *) "$1" --version 2>&1 || true ;;
  esac
}

has_version() { # binary expected-substring
  [[ -x "$1" && "$(version_of "$1")" == *"$2"* ]]
}

cached_path() {
  case "$1" in
    etcd) echo "${BIN_CACHE}/etcd-${ETCD_VERSION}/etcd" ;;
    kwok) echo "${BIN_CACHE}/kwok-${KWOK_VERSION}/kwok" ;;
    coredns) echo "${BIN_CACHE}/coredns-${COREDNS_VERSION}/coredns" ;;
    *) echo "${BIN_CACHE}/kubernetes-${K8S_VERSION}/$1" ;;
  esac
}

# Builds into a temporary name and renames at the end, so an interrupted
# build never leaves a half-written binary that looks cached.
build() { # component output
  local name="$1" out="$2" tmp="$2.tmp.$$"
  mkdir -p "$(dirname "${out}")"
  case "${name}" in
    etcd)
      (cd "${HERE}/go/etcd" && "${NICE[@]}" go build "${GO_BUILD_FLAGS[@]}" \
        -ldflags "$(etcd_ldflags)" -o "${tmp}" go.etcd.io/etcd/server/v3)
      ;;
    coredns)
      # Static (CGO_ENABLED=0): it runs in an image that holds nothing else.
      local commit
      commit="$(module_info "${HERE}/go/coredns" "github.com/coredns/coredns@${COREDNS_VERSION}" Hash)"
      (cd "${HERE}/go/coredns" && "${NICE[@]}" go build "${GO_BUILD_FLAGS[@]}" \
        -ldflags "-s -w -X github.com/coredns/coredns/coremain.GitCommit=${commit:-unknown}" \
        -o "${tmp}" github.com/coredns/coredns)
      ;;
    kwok)
      # kwok is a normal Go command without replace directives, so
      # `go install pkg@version` works and is verified by the checksum DB.
      local gobin="${tmp}.d"
      GOBIN="${gobin}" "${NICE[@]}" go install "${GO_BUILD_FLAGS[@]}" -ldflags "-s -w" \
        "sigs.k8s.io/kwok/cmd/kwok@${KWOK_VERSION}"
      mv "${gobin}/kwok" "${tmp}" && rmdir "${gobin}"
      ;;
    *)
      (cd "${HERE}/go/kubernetes" && "${NICE[@]}" go build "${GO_BUILD_FLAGS[@]}" \
        -ldflags "$(k8s_ldflags)" -o "${tmp}" "k8s.io/kubernetes/cmd/${name}")
      ;;
  esac
  mv -f "${tmp}" "${out}"
}

# Prints the path to use for a component, building it if needed.
resolve() { # component
  local name="$1" var override cached start want
  var="KUBETUNE_$(tr 'a-z-' 'A-Z_' <<<"${name}")"
  override="${!var:-}"
  if [[ -z "${override}" && -n "${KUBEBUILDER_ASSETS:-}" && -x "${KUBEBUILDER_ASSETS}/${name}" ]]; then
    override="${KUBEBUILDER_ASSETS}/${name}"
  fi
  if [[ -n "${override}" ]]; then
    [[ -x "${override}" ]] || { log "${var}=${override} is not an executable file"; return 1; }
    local v
    v="$(version_of "${override}")"
    log "${name}: using ${override} (${v%%$'\n'*})"
    echo "${override}"
    return
  fi

  cached="$(cached_path "${name}")"
  want="$(expected_version "${name}")"
  if has_version "${cached}" "${want}"; then
    log "${name}: cached ${cached}"
  else
    log "${name}: building ${cached} ..."
    start=${SECONDS}
    build "${name}" "${cached}"
    log "${name}: built in $((SECONDS - start))s"
    if ! has_version "${cached}" "${want}"; then
      log "${name}: built binary does not report '${want}':"
      version_of "${cached}" >&2
      return 1
    fi
  fi
  echo "${cached}"
}

components=("$@")
if ((${#components[@]} == 0)); then
  components=(kube-apiserver kube-controller-manager kube-scheduler kubectl etcd kwok)
fi

log "versions: kubernetes ${K8S_VERSION}, etcd ${ETCD_VERSION}, kwok ${KWOK_VERSION}, coredns ${COREDNS_VERSION}; cache ${BIN_CACHE}"
total_start=${SECONDS}
for c in "${components[@]}"; do
  case "${c}" in
    kube-apiserver | kube-controller-manager | kube-scheduler | kubectl | kubelet | kube-proxy | etcd | kwok | coredns) ;;
    *) log "unknown component '${c}'"; exit 2 ;;
  esac
  path="$(resolve "${c}")"
  printf 'KUBETUNE_%s=%q\n' "$(tr 'a-z-' 'A-Z_' <<<"${c}")" "${path}"
done
log "done in $((SECONDS - total_start))s"

#!/usr/bin/env bash
# Starts dockerd and a loopback registry (127.0.0.1:5000) unless they already answer.
# Their logs and data live in .test-runtime/.
set -euo pipefail
cd "$(dirname "$0")/.."
runtime="$PWD/.test-runtime"
mkdir -p "$runtime"

wait_for() { # description, seconds, command...
  local what=$1 seconds=$2
  shift 2
  for _ in $(seq $((seconds * 10))); do
    "$@" >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  echo "$what did not come up; see $runtime" >&2
  return 1
}

docker_answers() { curl -sf --unix-socket /var/run/docker.sock http://localhost/_ping >/dev/null; }
if ! docker_answers; then
  echo "Starting dockerd" >&2
  setsid dockerd >"$runtime/dockerd.log" 2>&1 </dev/null &
  wait_for dockerd 60 docker_answers
fi

registry_answers() { curl -sf http://127.0.0.1:5000/v2/ >/dev/null; }
if ! registry_answers; then
  echo "Starting the loopback registry" >&2
  mkdir -p "$runtime/registry"
  cat >"$runtime/registry.yml" <<YAML
version: 0.1
log:
  level: warn
storage:
  filesystem:
    rootdirectory: $runtime/registry
  delete:
    enabled: true
http:
  addr: 127.0.0.1:5000
YAML
  setsid docker-registry serve "$runtime/registry.yml" >"$runtime/registry.log" 2>&1 </dev/null &
  wait_for registry 30 registry_answers
fi

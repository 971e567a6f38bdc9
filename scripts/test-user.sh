#!/usr/bin/env bash
# The normal user the tests run the bridge and Octave as (BST_TEST_USER=1): no sudo, in the
# `docker` group (rootful Docker through the group, as Linux users have it), with subordinate
# uid/gid ranges for rootless Podman. Its XDG_RUNTIME_DIR and Podman services are started by
# scripts/start-engines.sh, as a login would.
set -euo pipefail
user=bst-tester
getent group docker >/dev/null || groupadd --system docker
if ! id "$user" >/dev/null 2>&1; then
  echo "Creating the test user $user" >&2
  useradd --create-home --shell /bin/bash --groups docker "$user"
fi
id -nG "$user" | tr ' ' '\n' | grep -qx docker || usermod -aG docker "$user"
# One range of 65,536 ids above every other range (and above the normal users' ids).
for file in /etc/subuid /etc/subgid; do
  touch "$file"
  if ! grep -q "^$user:" "$file"; then
    start=$(awk -F: 'BEGIN { top = 100000 } { if ($2 + $3 > top) top = $2 + $3 } END { print top }' "$file")
    echo "$user:$start:65536" >>"$file"
  fi
done

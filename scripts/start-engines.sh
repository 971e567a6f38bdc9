#!/usr/bin/env bash
# Starts dockerd and a loopback registry (127.0.0.1:5000) unless they already answer.
# Their logs and data live in .test-runtime/.
set -euo pipefail
cd "$(dirname "$0")/.."
# The daemons started below outlive this script: they must not keep a file descriptor it was
# given (a test run's `flock` on the engines' lock file would stay held until they stop).
for fd in /proc/$$/fd/*; do
  fd=${fd##*/}
  [ "$fd" -gt 2 ] && eval "exec $fd>&-" 2>/dev/null || true
done
runtime="$PWD/.test-runtime"
mkdir -p "$runtime"
logs_in=$runtime
source scripts/lib/steps.sh


docker_answers() { curl -sf --unix-socket /var/run/docker.sock http://localhost/_ping >/dev/null; }
if ! docker_answers; then
  echo "Starting dockerd" >&2
  setsid dockerd >"$runtime/dockerd.log" 2>&1 </dev/null &
  wait_for dockerd 60 docker_answers
fi

# A second dockerd that starts with no image: the shim's tests read GetImages for 0, 1 and several.
# It gets a bridge of its own: with `--bridge none` dockerd deletes docker0, the first one's.
second=/run/bst-containers-test
# Their stores live outside the checkout: engines keep overlay mounts in them.
mkdir -p "$second" /var/lib/bst-containers-test
second_answers() { curl -sf --unix-socket "$second/docker.sock" http://localhost/_ping >/dev/null; }
if ! second_answers; then
  echo "Starting a second, empty dockerd" >&2
  mkdir -p "$second"
  if ! ip link show bst-test0 >/dev/null 2>&1; then
    ip link add name bst-test0 type bridge
    ip addr add 169.254.213.1/24 dev bst-test0
    ip link set bst-test0 up
  fi
  setsid dockerd --data-root /var/lib/bst-containers-test/docker-empty --exec-root "$second/exec" --pidfile "$second/docker.pid" \
    -H "unix://$second/docker.sock" --bridge bst-test0 --iptables=false --ip-masq=false \
    >"$runtime/dockerd-empty.log" 2>&1 </dev/null &
  wait_for "second dockerd" 60 second_answers
fi

# Podman: the settings the tests need (a plain-http loopback registry, no default ulimits), then its API service on the rootful socket,
# as podman.socket would provide it, and a second service on an empty store.
mkdir -p /etc/containers/registries.conf.d
if ! grep -qs 'default_ulimits' /etc/containers/containers.conf; then
  printf '[containers]\ndefault_ulimits = []\n' >>/etc/containers/containers.conf
fi
cat >/etc/containers/registries.conf.d/bst-containers-test.conf <<'CONF'
[[registry]]
location = "localhost:5000"
insecure = true

[[registry]]
location = "localhost:5001"
insecure = true

[[registry]]
location = "localhost:5002"
insecure = true
CONF
podman_answers() { curl -sf --unix-socket "$1" http://localhost/_ping >/dev/null; }
if ! podman_answers /run/podman/podman.sock; then
  echo "Starting the Podman service" >&2
  mkdir -p /run/podman
  setsid podman system service --time=0 unix:///run/podman/podman.sock >"$runtime/podman.log" 2>&1 </dev/null &
  echo $! >"$second/podman.pid"
  wait_for "podman service" 60 podman_answers /run/podman/podman.sock
fi
if ! podman_answers "$second/podman-empty.sock"; then
  echo "Starting a second, empty Podman service" >&2
  setsid podman --root /var/lib/bst-containers-test/podman-empty --runroot "$second/podman-empty-run" \
    system service --time=0 "unix://$second/podman-empty.sock" >"$runtime/podman-empty.log" 2>&1 </dev/null &
  wait_for "second podman service" 60 podman_answers "$second/podman-empty.sock"
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

# The test user's session, as a login on a desktop would give it (scripts/test-user.sh made the
# user): XDG_RUNTIME_DIR, the device modes udev sets (rootless Podman's slirp4netns opens
# /dev/net/tun, fuse-overlayfs /dev/fuse), and the user's own Podman API service on
# $XDG_RUNTIME_DIR/podman/podman.sock as podman.socket would provide it, plus one on an empty store.
test_user=bst-tester
if id "$test_user" >/dev/null 2>&1; then
  chmod 0666 /dev/net/tun /dev/fuse
  uid=$(id -u "$test_user")
  home=$(getent passwd "$test_user" | cut -d: -f6)
  xdg=/run/user/$uid
  install -d -m 0700 -o "$test_user" -g "$test_user" "$xdg"
  as_user() {
    setpriv --reuid "$uid" --regid "$(id -g "$test_user")" --init-groups \
      env -i HOME="$home" USER="$test_user" LOGNAME="$test_user" XDG_RUNTIME_DIR="$xdg" PATH=/usr/local/bin:/usr/bin:/bin "$@"
  }
  if ! podman_answers "$xdg/podman/podman.sock"; then
    echo "Starting the test user's Podman service" >&2
    install -d -m 0700 -o "$test_user" -g "$test_user" "$xdg/podman"
    (cd "$home" && as_user setsid podman system service --time=0 "unix://$xdg/podman/podman.sock" \
      >"$runtime/podman-user.log" 2>&1 </dev/null &)
    wait_for "the test user's podman service" 60 podman_answers "$xdg/podman/podman.sock"
  fi
  if ! podman_answers "$xdg/podman-empty.sock"; then
    echo "Starting the test user's empty Podman service" >&2
    (cd "$home" && as_user setsid podman --root "$home/.local/share/bst-containers-test/podman-empty" \
      --runroot "$xdg/podman-empty-run" system service --time=0 "unix://$xdg/podman-empty.sock" \
      >"$runtime/podman-user-empty.log" 2>&1 </dev/null &)
    wait_for "the test user's empty podman service" 60 podman_answers "$xdg/podman-empty.sock"
  fi
fi

# A second host the remote-engine tests reach over SSH (scripts/start-ssh-host.sh), serving the test user.
if id "$test_user" >/dev/null 2>&1; then
  bash scripts/start-ssh-host.sh
fi

# The authenticating registry over TLS, the proxies and the test CAs of the credential and proxy
# tests (scripts/start-network-peers.sh).
bash scripts/start-network-peers.sh

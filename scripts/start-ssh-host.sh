#!/usr/bin/env bash
# A second host for the remote-engine tests: Debian's OpenSSH server in a network namespace of its
# own (bst-remote, 169.254.215.2, reached from here over the veth bst-ssh0), serving the test user
# bst-tester with a key made for the tests. Its sessions reach this machine's dockerd and the
# user's rootless Podman, so the remote engine is the tests' own. The ports are the faults:
#   22    the remote as users have it (known host key, docker on the PATH, Podman's socket)
#   2201  a host key that differs from the one known_hosts holds for it ("changed host key")
#   2202  no docker on the session's PATH
#   2203  docker found, its daemon not (DOCKER_HOST names a missing socket)
#   2204  a host key known_hosts has no entry for ("unknown host key")
# 2201 and 2204 are a second sshd with a host key of its own: for a port with no entry of its
# own, ssh accepts the key known_hosts holds for the bare address, so 2204 must present another.
# All state lives in /var/lib/bst-containers-test/ssh (outside any checkout); nothing listens
# outside the namespace. Safe to run again: what exists is kept, and a running sshd that answers
# is left alone (restarted when this script changed its configuration).
set -euo pipefail
source "$(dirname "$0")/lib/steps.sh"

user=bst-tester
namespace=bst-remote
host_side=bst-ssh0
namespace_side=bst-ssh1
host_address=169.254.215.1
address=169.254.215.2
state=/var/lib/bst-containers-test/ssh
logs_in=$state
authorized_keys=$state/authorized_keys
# Each server: its name (config, key, pid and log files are named after it) and its ports.
main_ports=(22 2202 2203)
other_ports=(2201 2204)

id "$user" >/dev/null 2>&1 || { echo "No user $user: run scripts/test-user.sh first" >&2; exit 1; }
uid=$(id -u "$user")
gid=$(id -g "$user")
home=$(getent passwd "$user" | cut -d: -f6)

# Without PAM, sshd refuses a locked account ('!' in /etc/shadow, as useradd leaves it) even for a
# key; '*' is the usual state of a key-only account: no password can match, nothing is locked.
if [ "$(getent shadow "$user" | cut -d: -f2)" = '!' ]; then
  usermod -p '*' "$user"
fi

if [ ! -e "/run/netns/$namespace" ]; then
  ip netns add "$namespace"
fi
# A veth left from a namespace deleted under running sshds has its peer in that orphaned namespace.
if ! ip -n "$namespace" link show "$namespace_side" >/dev/null 2>&1; then
  ip link del "$host_side" 2>/dev/null || true
  ip link add "$host_side" type veth peer name "$namespace_side" netns "$namespace"
fi
ip addr replace "$host_address/24" dev "$host_side"
ip link set "$host_side" up
ip -n "$namespace" addr replace "$address/24" dev "$namespace_side"
ip -n "$namespace" link set "$namespace_side" up
ip -n "$namespace" link set lo up

install -d -m 0755 -o root -g root "$state"
# sshd's privilege separation folder, as the Debian package's service makes it.
install -d -m 0755 -o root -g root /run/sshd
for server in main other; do
  key=$state/$server-host-ed25519-key
  [ -e "$key" ] || ssh-keygen -q -t ed25519 -N '' -C "bst-containers test host ($server)" -f "$key"
done

ssh_dir=$home/.ssh
identity=$ssh_dir/id_ed25519
install -d -m 0700 -o "$user" -g "$gid" "$ssh_dir"
if [ ! -e "$identity" ]; then
  setpriv --reuid "$uid" --regid "$gid" --init-groups \
    ssh-keygen -q -t ed25519 -N '' -C "$user@bst-containers-tests" -f "$identity"
fi


write_if_changed "$authorized_keys" 0644 root:root <"$identity.pub" || true

main_key=$(cut -d' ' -f1,2 "$state/main-host-ed25519-key.pub")
write_if_changed "$ssh_dir/known_hosts" 0644 "$user:$gid" <<KNOWN || true
$address $main_key
[$address]:2201 $main_key
[$address]:2202 $main_key
[$address]:2203 $main_key
KNOWN

config_for() { # server, ports...
  local server=$1 port
  shift
  echo "# Written by scripts/start-ssh-host.sh; runs in the network namespace $namespace."
  for port in "$@"; do echo "ListenAddress $address:$port"; done
  cat <<CONFIG
HostKey $state/$server-host-ed25519-key
PidFile $state/$server-sshd.pid
AuthorizedKeysFile $authorized_keys
AllowUsers $user
PermitRootLogin no
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
AllowStreamLocalForwarding yes
X11Forwarding no
PrintMotd no

Match LocalPort 2202
  SetEnv PATH=/nonexistent

Match LocalPort 2203
  SetEnv DOCKER_HOST=unix:///nonexistent/docker.sock
CONFIG
}

banner_on() { # port: the server's SSH banner arrives
  timeout 2 bash -c 'exec 3<>"/dev/tcp/$1/$2" && head -c 8 <&3' sh "$address" "$1" 2>/dev/null | grep -q '^SSH-2.0-'
}
all_answer() { # ports... (probed at once: sshd takes a few tenths of a second to greet)
  local port probes=() probe
  for port in "$@"; do
    banner_on "$port" &
    probes+=($!)
  done
  for probe in "${probes[@]}"; do wait "$probe" || return 1; done
}
running_pid() { # server
  local pid
  pid=$(cat "$state/$1-sshd.pid" 2>/dev/null) || return 1
  [ -n "$pid" ] && [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = sshd ] && echo "$pid"
}

ensure_server() { # server, ports...
  local server=$1 config=$state/$1-sshd_config changed=false pid
  shift
  config_for "$server" "$@" | write_if_changed "$config" 0644 root:root && changed=true
  if pid=$(running_pid "$server"); then
    if ! $changed && all_answer "$@"; then return 0; fi
    # A restart rather than SIGHUP: sshd rewrites its pid file as it re-executes itself.
    echo "Restarting the test SSH host's $server server (pid $pid): its configuration changed or it does not answer on every port" >&2
    kill "$pid"
    for _ in $(seq 50); do [ -e "/proc/$pid" ] || break; sleep 0.1; done
  fi
  echo "Starting the test SSH host's $server server ($address, ports $*, in the network namespace $namespace)" >&2
  /usr/sbin/sshd -t -f "$config"
  ip netns exec "$namespace" /usr/sbin/sshd -f "$config" -E "$state/$server-sshd.log"
  for _ in $(seq 100); do
    all_answer "$@" && return 0
    sleep 0.1
  done
  echo "The test SSH host's $server server did not come up; see $state/$server-sshd.log" >&2
  return 1
}

ensure_server main "${main_ports[@]}"
ensure_server other "${other_ports[@]}"

#!/usr/bin/env bash
# Debian packages the tests need: dockerd, Podman, a registry, busybox for test images,
# Octave with Java to run the MATLAB shim, zip/unzip for the release zips and their tests, and
# qemu-user with arm64's C and C++ runtimes and Wine's 64-bit loader to run the linux-arm64 and
# win-x64 executables (the `wine` package only adds wrapper scripts around that loader, which the
# tests call directly), OpenSSH's server and client for the remote test host (scripts/start-ssh-host.sh),
# openssl for the TLS tests' certificates, and munge with Slurm's controller, node daemon and commands
# for the tests' one-node cluster (scripts/slurm.sh), and for the registry, proxy and CA tests
# (scripts/start-network-peers.sh) apache2-utils' htpasswd and tinyproxy.
set -euo pipefail

PACKAGES=(docker.io docker-registry busybox-static iptables ca-certificates curl procps iproute2 octave default-jre-headless podman catatonit uidmap slirp4netns fuse-overlayfs
  zip unzip qemu-user libc6-arm64-cross libstdc++6-arm64-cross wine64 openssh-server openssh-client openssl apache2-utils)
# Installed apart, with no service allowed to start: see below.
DAEMONS=(munge slurmctld slurmd slurm-client tinyproxy)
missing_of() { # packages...: those not installed
  local package
  for package in "$@"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed' || echo "$package"
  done
}
mapfile -t missing < <(missing_of "${PACKAGES[@]}")
mapfile -t missing_daemons < <(missing_of "${DAEMONS[@]}")
[ ${#missing[@]} -eq 0 ] && [ ${#missing_daemons[@]} -eq 0 ] && exit 0

all_missing=("${missing[@]}" "${missing_daemons[@]}")
echo "Installing ${all_missing[*]}" >&2
# The tests' sshd runs in a network namespace of its own. An openssh-server we install must not
# also start the machine's sshd on port 22, now or at boot: Debian's init script and systemd unit
# both skip sshd while this file exists. A server already installed is left as it is.
if printf '%s\n' "${missing[@]}" | grep -qx openssh-server; then
  mkdir -p /etc/ssh
  touch /etc/ssh/sshd_not_to_be_run
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null
apt_install() { apt-get install -y -qq --no-install-recommends "$@" >/dev/null; }
[ ${#missing[@]} -eq 0 ] || apt_install "${missing[@]}"
[ ${#missing_daemons[@]} -eq 0 ] && exit 0

# The tests run munge and Slurm of their own (scripts/slurm.sh: own key, socket, ports and state),
# and a tinyproxy of their own (scripts/start-network-peers.sh: own configuration, port and log).
# The packages' scripts would start the machine's munged (with the key its postinst makes) and
# slurmctld and slurmd through invoke-rc.d, which asks policy-rc.d first: for the time of this
# install it denies every start (a policy-rc.d already there is put back afterwards). Then none of
# them starts at boot either; packages already installed are left as they are.
policy=/usr/sbin/policy-rc.d
saved=
if [ -e "$policy" ]; then
  saved=$(mktemp "$policy.bst-saved.XXXXXX")
  cp -p "$policy" "$saved"
fi
restore_policy() {
  if [ -n "$saved" ]; then mv "$saved" "$policy"; else rm -f "$policy"; fi
}
trap restore_policy EXIT
printf '#!/bin/sh\n# scripts/install-packages.sh of bst-containers: no service starts while it installs munge and Slurm.\nexit 101\n' >"$policy"
chmod 0755 "$policy"
apt_install "${missing_daemons[@]}"
restore_policy
trap - EXIT
for service in munge slurmctld slurmd tinyproxy; do
  if printf '%s\n' "${missing_daemons[@]}" | grep -qx "$service"; then update-rc.d "$service" disable >/dev/null 2>&1; fi
done

#!/usr/bin/env bash
# Debian packages the tests need: dockerd, Podman, a registry, busybox for test images,
# Octave with Java to run the MATLAB shim, zip/unzip for the release zips and their tests, and
# qemu-user with arm64's C and C++ runtimes and Wine's 64-bit loader to run the linux-arm64 and
# win-x64 executables (the `wine` package only adds wrapper scripts around that loader, which the
# tests call directly), OpenSSH's server and client for the remote test host (scripts/start-ssh-host.sh)
# and openssl for the TLS tests' certificates.
set -euo pipefail

PACKAGES=(docker.io docker-registry busybox-static iptables ca-certificates curl procps iproute2 octave default-jre-headless podman catatonit uidmap slirp4netns fuse-overlayfs
  zip unzip qemu-user libc6-arm64-cross libstdc++6-arm64-cross wine64 openssh-server openssh-client openssl)
missing=()
for package in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed' || missing+=("$package")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "Installing ${missing[*]}" >&2
# The tests' sshd runs in a network namespace of its own. An openssh-server we install must not
# also start the machine's sshd on port 22, now or at boot: Debian's init script and systemd unit
# both skip sshd while this file exists. A server already installed is left as it is.
if printf '%s\n' "${missing[@]}" | grep -qx openssh-server; then
  mkdir -p /etc/ssh
  touch /etc/ssh/sshd_not_to_be_run
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null

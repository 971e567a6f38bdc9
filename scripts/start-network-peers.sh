#!/usr/bin/env bash
# The network peers of the registry-credential, proxy and CA tests, all on this machine:
#   169.254.216.1:5443  Debian's docker-registry over TLS with htpasswd logins (bst-lab, lab-secret-7Q);
#                       its certificate, signed by a test CA no system store holds, names
#                       IP:169.254.216.1 and DNS:registry.bst-test
#   169.254.216.2:5443  the same registry (a second process on the same storage) under an address
#                       no certificate names: the "wrong host" case
#   127.0.0.1:8888      tinyproxy forwarding anything from 127.0.0.1 (CONNECT to any port), logging
#                       each request line to tinyproxy.log
#   127.0.0.1:8889      tinyproxy that refuses everyone: 403 "Access violation"
#   127.0.0.1:8890      tinyproxy that asks for a login (bst-proxy, proxy-secret-4K): 407 without it
# Both addresses sit on bst-net0, an interface of ours with no link: local addresses, so this
# machine, dockerd and the test user's rootless Podman (host network namespace) reach them and
# nothing outside does. The engines trust the test CA for both addresses through their certs.d
# folders; the system's store is left alone (the bridge's tests name the CA by SSL_CERT_FILE or
# NODE_EXTRA_CA_CERTS). Also made: an expired certificate and one from another CA for the same
# names, for the tests' own TLS servers.
# All state, configuration and logs live in /var/lib/bst-containers-test/network (outside any
# checkout). Safe to run again: what exists is kept, and a daemon that answers is left alone
# (restarted when this script changed its configuration).
set -euo pipefail
source "$(dirname "$0")/lib/steps.sh"
cd /

state=/var/lib/bst-containers-test/network
tls=$state/tls
logs_in=$state
interface=bst-net0
address=169.254.216.1
wrong_name_address=169.254.216.2
registry_port=5443
registry_user=bst-lab
registry_password=lab-secret-7Q
proxy_port=8888
refusing_proxy_port=8889
login_proxy_port=8890
proxy_user=bst-proxy
proxy_password=proxy-secret-4K



# The pid a daemon's start recorded, while that process still runs the program.
running_pid() { # name, program
  local pid
  pid=$(cat "$state/$1.pid" 2>/dev/null) || return 1
  [ -n "$pid" ] && [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = "$2" ] && echo "$pid"
}
stop_daemon() { # name, program
  local pid
  pid=$(running_pid "$1" "$2") || return 0
  kill "$pid"
  for _ in $(seq 50); do [ -e "/proc/$pid" ] || return 0; sleep 0.1; done
  kill -KILL "$pid" 2>/dev/null || true
}
start_daemon() { # name, command...: in the background, in a session of its own, its output in NAME.out
  local name=$1
  shift
  setsid "$@" >>"$state/$name.out" 2>&1 </dev/null &
  echo $! >"$state/$name.pid"
}

install -d -m 0755 -o root -g root "$state" "$tls"

# This kernel has no dummy driver; a bridge with no ports holds local addresses just as well.
if ! ip link show "$interface" >/dev/null 2>&1; then
  ip link add "$interface" type bridge
fi
ip addr replace "$address/32" dev "$interface"
ip addr replace "$wrong_name_address/32" dev "$interface"
ip link set "$interface" up

# Certificates: EC P-256, ten years, except the expired one. A new CA reissues what it signs.
EC_KEY=(-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes)
SERVER_NAMES="subjectAltName=IP:$address,DNS:registry.bst-test"
make_ca() { # name, common name
  openssl req -x509 -new "${EC_KEY[@]}" -keyout "$tls/$1.key" -out "$tls/$1.crt" -days 3650 -subj "/CN=$2" \
    -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign 2>/dev/null
  chmod 0600 "$tls/$1.key"
  chmod 0644 "$tls/$1.crt"
}
server_request() { # name: its key and a request for the registry's names
  openssl req -new "${EC_KEY[@]}" -keyout "$tls/$1.key" -out "$tls/$1.csr" -subj "/CN=registry.bst-test" \
    -addext "$SERVER_NAMES" -addext extendedKeyUsage=serverAuth -addext keyUsage=critical,digitalSignature 2>/dev/null
  chmod 0600 "$tls/$1.key"
}
make_server() { # name, CA name
  server_request "$1"
  openssl x509 -req -in "$tls/$1.csr" -CA "$tls/$2.crt" -CAkey "$tls/$2.key" -copy_extensions copyall \
    -set_serial "0x$(openssl rand -hex 8)" -days 3650 -out "$tls/$1.crt" 2>/dev/null
  chmod 0644 "$tls/$1.crt"
  rm -f "$tls/$1.csr"
}
# openssl x509 (3.0) starts a certificate now; `openssl ca` takes any start and end, so this one
# was valid for a year long past, as a certificate left to expire is.
make_expired_server() { # name, CA name
  local scratch
  scratch=$(mktemp -d)
  server_request "$1"
  touch "$scratch/index.txt"
  cat >"$scratch/ca.cnf" <<CNF
[ca]
default_ca = test
[test]
database = $scratch/index.txt
new_certs_dir = $scratch
serial = $scratch/serial
default_md = sha256
policy = anything
copy_extensions = copyall
unique_subject = no
[anything]
commonName = supplied
CNF
  openssl rand -hex 8 >"$scratch/serial"
  openssl ca -batch -notext -config "$scratch/ca.cnf" -cert "$tls/$2.crt" -keyfile "$tls/$2.key" \
    -startdate 20200101000000Z -enddate 20210101000000Z -in "$tls/$1.csr" -out "$tls/$1.crt" 2>/dev/null
  chmod 0644 "$tls/$1.crt"
  rm -rf "$scratch" "$tls/$1.csr"
}
if [ ! -e "$tls/ca.crt" ] || [ ! -e "$tls/ca.key" ]; then
  echo "Making the test registry's CA and certificates in $tls" >&2
  rm -f "$tls"/server.* "$tls"/expired-server.*
  make_ca ca "bst-containers test registry CA"
fi
[ -e "$tls/server.crt" ] || make_server server ca
[ -e "$tls/expired-server.crt" ] || make_expired_server expired-server ca
if [ ! -e "$tls/other-ca.crt" ] || [ ! -e "$tls/other-ca.key" ]; then
  rm -f "$tls"/other-ca-server.*
  make_ca other-ca "bst-containers test other CA"
fi
[ -e "$tls/other-ca-server.crt" ] || make_server other-ca-server other-ca

# The engines trust the test CA for the registry under both addresses: the second one then fails
# on its name alone. Docker and Podman (rootful, and rootless after ~/.config) read these per pull.
for host in "$address:$registry_port" "$wrong_name_address:$registry_port"; do
  for folder in /etc/docker/certs.d /etc/containers/certs.d; do
    install -d -m 0755 "$folder/$host"
    write_if_changed "$folder/$host/ca.crt" 0644 root:root <"$tls/ca.crt" || true
  done
done

htpasswd_file=$state/htpasswd
if ! htpasswd -vb "$htpasswd_file" "$registry_user" "$registry_password" >/dev/null 2>&1; then
  htpasswd -Bbn "$registry_user" "$registry_password" | write_if_changed "$htpasswd_file" 0644 root:root || true
fi

# The registry, under each address: the same storage, so what is pushed to one is pulled from both.
install -d -m 0755 "$state/registry"
registry_config() { # address
  cat <<YAML
# Written by scripts/start-network-peers.sh.
version: 0.1
log:
  level: warn
storage:
  filesystem:
    rootdirectory: $state/registry
  delete:
    enabled: true
auth:
  htpasswd:
    realm: bst-test-registry
    path: $htpasswd_file
http:
  addr: $1:$registry_port
  # Shared: an upload begun under one address may go on under the other.
  secret: bst-containers-test-registry
  tls:
    certificate: $tls/server.crt
    key: $tls/server.key
YAML
}
registry_asks_login() { # address: 401 over TLS, which the test CA verifies (--resolve: the certificate's name at that address)
  [ "$(curl -s --cacert "$tls/ca.crt" --resolve "registry.bst-test:$registry_port:$1" -o /dev/null -w '%{http_code}' \
    "https://registry.bst-test:$registry_port/v2/")" = 401 ]
}
ensure_registry() { # name, address
  local name=$1 at=$2 config=$state/$1.yml changed=false
  registry_config "$at" | write_if_changed "$config" 0644 root:root && changed=true
  if ! $changed && registry_asks_login "$at"; then return 0; fi
  if running_pid "$name" docker-registry >/dev/null; then
    echo "Restarting the test registry $name: its configuration changed or it does not answer" >&2
    stop_daemon "$name" docker-registry
  fi
  echo "Starting the test registry $name (https://$at:$registry_port, htpasswd logins)" >&2
  start_daemon "$name" docker-registry serve "$config"
  wait_for "the test registry $name" 30 registry_asks_login "$at"
}
ensure_registry auth-registry "$address"
ensure_registry wrong-name-registry "$wrong_name_address"

# tinyproxy's own service is never used: each instance runs in the foreground with our file,
# dropping to nobody, which then writes the log it was given.
proxy_config() { # port, log, allowed client[, a BasicAuth line]
  cat <<CONF
# Written by scripts/start-network-peers.sh. No ConnectPort line: CONNECT to any port.
User nobody
Group nogroup
Port $1
Listen 127.0.0.1
Timeout 60
MaxClients 20
LogFile "$2"
LogLevel Connect
Syslog Off
DisableViaHeader Yes
Allow $3
${4:-}
CONF
}
# The good one answers the registry's 401 through a tunnel; the refusing one 403 to anything.
proxy_tunnels() {
  [ "$(curl -s -x "http://127.0.0.1:$proxy_port" --cacert "$tls/ca.crt" -o /dev/null -w '%{http_code}' \
    "https://$address:$registry_port/v2/")" = 401 ]
}
proxy_refuses() {
  [ "$(curl -s -x "http://127.0.0.1:$refusing_proxy_port" -o /dev/null -w '%{http_code}' \
    "http://$address:$registry_port/v2/")" = 403 ]
}
# The login one: 407 without its login, the registry's 401 through a tunnel with it.
proxy_asks_login() {
  [ "$(curl -s -x "http://127.0.0.1:$login_proxy_port" -o /dev/null -w '%{http_code}' \
    "http://$address:$registry_port/v2/")" = 407 ] &&
    [ "$(curl -s -x "http://127.0.0.1:$login_proxy_port" --proxy-user "$proxy_user:$proxy_password" \
      --cacert "$tls/ca.crt" -o /dev/null -w '%{http_code}' "https://$address:$registry_port/v2/")" = 401 ]
}
ensure_proxy() { # name, port, allowed client, readiness check[, a BasicAuth line]
  local name=$1 port=$2 allowed=$3 ready=$4 config=$state/$1.conf log=$state/$1.log changed=false
  proxy_config "$port" "$log" "$allowed" "${5:-}" | write_if_changed "$config" 0600 root:root && changed=true
  [ -e "$log" ] || install -m 0644 -o nobody -g nogroup /dev/null "$log"
  if ! $changed && "$ready"; then return 0; fi
  if running_pid "$name" tinyproxy >/dev/null; then
    echo "Restarting the test proxy $name: its configuration changed or it does not answer" >&2
    stop_daemon "$name" tinyproxy
  fi
  echo "Starting the test proxy $name (http://127.0.0.1:$port)" >&2
  start_daemon "$name" tinyproxy -d -c "$config"
  wait_for "the test proxy $name" 30 "$ready"
}
ensure_proxy tinyproxy "$proxy_port" 127.0.0.1 proxy_tunnels
# Allowed from an address nothing here has: 127.0.0.1 is refused.
ensure_proxy tinyproxy-refusing "$refusing_proxy_port" 10.255.255.1 proxy_refuses
ensure_proxy tinyproxy-login "$login_proxy_port" 127.0.0.1 proxy_asks_login "BasicAuth $proxy_user $proxy_password"

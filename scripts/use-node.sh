# Sourced by the project's scripts: installs the pinned Node.js (scripts/node-runtime.txt) into
# .node/ when it is not there yet, and puts it first on the PATH, so that the build, the tests
# and the bench never run on whatever `node` the machine has.
# shellcheck shell=bash
node_runtime() {
  local root list version arch package expected folder tmp tarball actual
  root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
  list="$root/scripts/node-runtime.txt"
  version=$(awk '$1 == "version" { print $2 }' "$list")
  case "$(uname -m)" in
    x86_64 | amd64) arch=x64 ;;
    aarch64 | arm64) arch=arm64 ;;
    *) echo "No pinned Node.js for $(uname -m)" >&2; return 1 ;;
  esac
  package="node-linux-$arch"
  folder="$root/.node"
  if [ "$("$folder/bin/node" --version 2>/dev/null)" != "v$version" ]; then
    expected=$(awk -v p="$package" '$1 == p { print $2 }' "$list")
    [ -n "$expected" ] || { echo "scripts/node-runtime.txt has no checksum for $package" >&2; return 1; }
    echo "Installing Node.js $version ($package) into .node/" >&2
    tmp=$(mktemp -d)
    (cd "$tmp" && npm pack "$package@$version" --silent >/dev/null) || { rm -rf "$tmp"; return 1; }
    tarball=$(ls "$tmp"/*.tgz)
    actual=$(sha512sum "$tarball" | cut -d' ' -f1)
    if [ "$actual" != "$expected" ]; then
      echo "$package@$version does not match its checksum in scripts/node-runtime.txt (got $actual)" >&2
      rm -rf "$tmp"
      return 1
    fi
    rm -rf "$folder" "$folder.new"
    mkdir -p "$folder.new"
    tar -xzf "$tarball" -C "$folder.new" --strip-components=1 package/bin/node package/LICENSE
    rm -rf "$tmp"
    mv "$folder.new" "$folder"
  fi
  export PATH="$folder/bin:$PATH"
}
node_runtime

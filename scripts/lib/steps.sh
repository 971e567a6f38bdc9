# Steps the start-*.sh scripts share; sourced, not run. `logs_in`: where the caller's logs are.

wait_for() { # description, seconds, command...
  local what=$1 seconds=$2
  shift 2
  for _ in $(seq $((seconds * 10))); do
    "$@" >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  echo "$what did not come up; see ${logs_in:-its log}" >&2
  return 1
}

# Written only when different: a daemon is restarted only when its configuration changed.
write_if_changed() { # path, mode, owner, content on stdin; status 0 when it changed
  local path=$1 mode=$2 owner=$3 content
  content=$(cat)
  if [ -e "$path" ] && [ "$(cat "$path")" = "$content" ]; then return 1; fi
  printf '%s\n' "$content" >"$path.new"
  chmod "$mode" "$path.new"
  chown "$owner" "$path.new"
  mv "$path.new" "$path"
}

// The exec wrapper Docker, Podman and Apptainer share: a command in a container is cancelled and
// its exit status read the same way on each.

/**
 * `sh -c CMD` inside a shell that reports on its own stderr: first its PID (neither the Engine API
 * nor Apptainer can kill what an exec started, so cancelling kills the process group of that PID
 * inside the container), last the command's exit status (so the end of the command arrives with
 * its output, and no call has to ask the engine for it). The command's stderr joins its stdout in one pipe: two pipes
 * would lose their relative order. After `--`, a command that starts with `-` is a command.
 */
export const commandReportingPidAndExit = (command: string) => [
  'sh',
  '-c',
  'echo "$$" >&2; sh -c -- "$1" 2>&1; echo "exit $?" >&2',
  'sh',
  command,
];

/** No `--` before the group: dash's kill (/bin/sh of Debian and Ubuntu images) refuses it. */
export const killGroupCommand = (pid: string) => [
  'sh',
  '-c',
  'kill -KILL "-$1" 2>/dev/null || kill -KILL "$1"',
  'sh',
  pid,
];

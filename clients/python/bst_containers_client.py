"""A client for bst-containers: drives Docker, Podman or Apptainer through the bridge.

One file, the standard library only, Python 3.8 or newer. It starts the bridge and speaks its
JSON-RPC 2.0 (one JSON message per line on the bridge's stdin and stdout):

    from bst_containers_client import BstContainers, BstContainersError

    with BstContainers() as bridge:
        print(bridge.get_version()["version"])
        image = bridge.import_image("docker.io/library/busybox:1.36",
                                    on_progress=lambda value: print(value))
        bridge.run_container("bst_demo", image["imageSha"], is_daemon=True)
        print(bridge.exec_in_container("bst_demo", "ls /", on_output=print)["cmdout"])
        bridge.stop_container("bst_demo", is_forced=True)

The bridge is found in this order: the `command` given (an argv list); the BST_CONTAINERS_BRIDGE
variable (a single executable, or a `.js` bundle run by BST_CONTAINERS_NODE or `node`); the
single executable for this computer in ../../dist/bin/ (a clone of the repository after
`npm run dist`) or bin/ beside this file; `node` and ../../dist/bst-containers.js; then
`bst-containers` on the PATH.
"""

import collections
import itertools
import json
import os
import platform
import shutil
import subprocess
import sys
import threading
import traceback
from typing import Any, Callable, Dict, List, Optional, Sequence

__all__ = [
    "BstContainers",
    "BstContainersError",
    "BridgeNotFoundError",
    "BridgeStoppedError",
    "BstContainersTimeout",
    "find_bridge",
]

# How long the bridge gets to confirm a cancellation, and to exit once its input is closed.
CANCEL_WAIT_SECONDS = 5.0
EXIT_WAIT_SECONDS = 5.0
# What is kept of the bridge's stderr, to quote when it stops.
STDERR_KEPT_CHARS = 4000
# A wait is cut in slices so that Ctrl+C is taken at once on every platform.
WAIT_SLICE_SECONDS = 0.2

REQUEST_CANCELLED = -32800


class BstContainersError(Exception):
    """An error answered by the bridge (`code`, `message`, `data` as in its README), or a failure
    of the bridge itself (then `code` is None)."""

    def __init__(self, message: str, code: Optional[int] = None, data: Any = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.data = data

    def __str__(self) -> str:
        return self.message if self.code is None else "%s (%d)" % (self.message, self.code)


class BridgeNotFoundError(BstContainersError):
    """No bridge program could be found or started."""


class BridgeStoppedError(BstContainersError):
    """The bridge exited, or broke the protocol, before it answered."""


class BstContainersTimeout(BstContainersError, TimeoutError):
    """A call took longer than its timeout: it was cancelled in the bridge."""


def _platform_name() -> Optional[str]:
    system = {"linux": "linux", "darwin": "darwin", "win32": "win"}.get(sys.platform)
    machine = platform.machine().lower()
    arch = {"x86_64": "x64", "amd64": "x64", "arm64": "arm64", "aarch64": "arm64"}.get(machine)
    if not system or not arch:
        return None
    return "bst-containers-%s-%s%s" % (system, arch, ".exe" if system == "win" else "")


def _node() -> Optional[str]:
    return os.environ.get("BST_CONTAINERS_NODE") or shutil.which("node")


def find_bridge() -> List[str]:
    """The argv that starts the bridge (see the module's documentation for the order)."""
    given = os.environ.get("BST_CONTAINERS_BRIDGE")
    if given:
        if given.endswith(".js"):
            node = _node()
            if not node:
                raise BridgeNotFoundError(
                    "BST_CONTAINERS_BRIDGE is the bundle %s, but no Node.js was found: install "
                    "Node.js 22 or set BST_CONTAINERS_NODE." % given
                )
            return [node, given]
        return [given]
    here = os.path.dirname(os.path.abspath(__file__))
    repository = os.path.normpath(os.path.join(here, "..", ".."))
    binary = _platform_name()
    if binary:
        for folder in (os.path.join(repository, "dist", "bin"), os.path.join(here, "bin")):
            candidate = os.path.join(folder, binary)
            if os.path.isfile(candidate) and os.access(candidate, os.X_OK):
                return [candidate]
    bundle = os.path.join(repository, "dist", "bst-containers.js")
    node = _node()
    if node and os.path.isfile(bundle):
        return [node, bundle]
    on_path = shutil.which("bst-containers")
    if on_path:
        return [on_path]
    raise BridgeNotFoundError(
        "The bst-containers bridge was not found: no BST_CONTAINERS_BRIDGE, no single executable "
        "in %s, no node with %s, and no bst-containers on the PATH. Run `npm run build` (or `npm "
        "run dist`) in the repository, or pass command=[...]."
        % (os.path.join(repository, "dist", "bin"), bundle)
    )


class _Call:
    def __init__(
        self,
        on_progress: Optional[Callable[[Dict[str, Any]], None]],
        on_output: Optional[Callable[[str, str], None]],
    ) -> None:
        self.done = threading.Event()
        self.response = None  # type: Optional[Dict[str, Any]]
        self.failure = None  # type: Optional[BstContainersError]
        self.on_progress = on_progress
        self.on_output = on_output


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(word[:1].upper() + word[1:] for word in rest)


class BstContainers:
    """One bridge process, shared by every call; a context manager that ends it on exit.

    Several calls may be in flight at once, from any threads. Ctrl+C during a call cancels it in
    the bridge (the work stops in the engine) and is raised again.
    """

    def __init__(
        self,
        command: Optional[Sequence[str]] = None,
        env: Optional[Dict[str, str]] = None,
        verbose: bool = False,
    ) -> None:
        argv = list(command) if command else find_bridge()
        if verbose:
            argv.append("--verbose")
        self.command = argv
        try:
            self.process = subprocess.Popen(
                argv,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                env=env,
            )
        except OSError as error:
            raise BridgeNotFoundError(
                "The bst-containers bridge could not be started (%s): %s" % (" ".join(argv), error)
            ) from None
        self._lock = threading.Lock()
        self._write_lock = threading.Lock()
        self._calls = {}  # type: Dict[int, _Call]
        self._tokens = {}  # type: Dict[str, _Call]
        self._ids = itertools.count(1)
        self._stopped = None  # type: Optional[BstContainersError]
        self._stderr = collections.deque()  # type: collections.deque
        self._stderr_chars = 0
        self._stderr_done = threading.Event()
        self._readers = [
            threading.Thread(target=self._read_stderr, name="bst-containers-stderr", daemon=True),
            threading.Thread(target=self._read_stdout, name="bst-containers-stdout", daemon=True),
        ]
        for reader in self._readers:
            reader.start()

    # -- the protocol ---------------------------------------------------------------------------

    def call(
        self,
        method: str,
        params: Any = None,
        *,
        on_progress: Optional[Callable[[Dict[str, Any]], None]] = None,
        on_output: Optional[Callable[[str, str], None]] = None,
        timeout: Optional[float] = None,
    ) -> Any:
        """Calls `method` with params by name (a dict) or by position (a list); answers its result.

        `on_progress(value)` gets each `$/progress` value ({kind: begin|report|end, ...});
        `on_output(stream, text)` gets a command's output as it arrives. Raises BstContainersError
        with the bridge's code, message and data.
        """
        call = _Call(on_progress, on_output)
        request_id = next(self._ids)
        token = None
        if on_progress is not None or on_output is not None:
            token = "py-%d" % request_id
            params = self._with_token(params, token)
        message = {"jsonrpc": "2.0", "id": request_id, "method": method}
        if params is not None:
            message["params"] = params
        with self._lock:
            if self._stopped is not None:
                raise self._stopped
            self._calls[request_id] = call
            if token is not None:
                self._tokens[token] = call
        try:
            self._send(message)
            if not self._wait(call, timeout):
                self._cancel(request_id, call)
                raise BstContainersTimeout(
                    "%s did not answer within %s s; it was cancelled." % (method, timeout)
                )
        except KeyboardInterrupt:
            self._cancel(request_id, call)
            raise
        finally:
            with self._lock:
                self._calls.pop(request_id, None)
                if token is not None:
                    self._tokens.pop(token, None)
        if call.failure is not None:
            raise call.failure
        response = call.response or {}
        if "error" in response:
            error = response["error"] or {}
            raise BstContainersError(
                str(error.get("message", "the bridge answered an error without a message")),
                error.get("code"),
                error.get("data"),
            )
        return response.get("result")

    @staticmethod
    def _with_token(params: Any, token: str) -> Any:
        if params is None:
            return {"progressToken": token}
        if isinstance(params, dict):
            return dict(params, progressToken=token)
        # By position: params by name go in an object at the end of the list.
        params = list(params)
        if params and isinstance(params[-1], dict):
            return params[:-1] + [dict(params[-1], progressToken=token)]
        return params + [{"progressToken": token}]

    def _wait(self, call: _Call, timeout: Optional[float]) -> bool:
        waited = 0.0
        while not call.done.wait(WAIT_SLICE_SECONDS):
            waited += WAIT_SLICE_SECONDS
            if timeout is not None and waited >= timeout:
                return False
        return True

    def _cancel(self, request_id: int, call: _Call) -> None:
        """Sends `$/cancelRequest` and waits for the bridge to confirm (it answers -32800)."""
        try:
            self._send({"jsonrpc": "2.0", "method": "$/cancelRequest", "params": {"id": request_id}})
        except BstContainersError:
            return
        call.done.wait(CANCEL_WAIT_SECONDS)

    def _send(self, message: Dict[str, Any]) -> None:
        line = (json.dumps(message, separators=(",", ":")) + "\n").encode("utf-8")
        with self._write_lock:
            try:
                assert self.process.stdin is not None
                self.process.stdin.write(line)
                self.process.stdin.flush()
            except (OSError, ValueError):
                raise self._stop_reason() from None

    def _read_stdout(self) -> None:
        assert self.process.stdout is not None
        for raw in self.process.stdout:
            line = raw.decode("utf-8", "replace").rstrip("\r\n")
            if not line.strip():
                continue
            try:
                message = json.loads(line)
                if not isinstance(message, dict) or message.get("jsonrpc") != "2.0":
                    raise ValueError("not JSON-RPC 2.0")
            except ValueError:
                self._fail_all(
                    BridgeStoppedError(
                        "The bst-containers bridge (%s) wrote a line that is not JSON-RPC 2.0 on "
                        "its stdout, so its answers cannot be trusted; it was stopped. The line: "
                        "%.300r" % (" ".join(self.command), line)
                    )
                )
                self.process.kill()
                return
            self._receive(message)
        self._fail_all(self._stop_reason())

    def _receive(self, message: Dict[str, Any]) -> None:
        if "method" in message:
            params = message.get("params") or {}
            with self._lock:
                call = self._tokens.get(str(params.get("token")))
            if call is None:
                return
            # A callback that raises must not stop the reader, or every call would hang.
            try:
                if message["method"] == "$/progress" and call.on_progress is not None:
                    call.on_progress(params.get("value") or {})
                elif message["method"] == "bst/output" and call.on_output is not None:
                    call.on_output(params.get("stream", "stdout"), params.get("text", ""))
            except Exception:
                traceback.print_exc()
            return
        with self._lock:
            call = self._calls.get(message.get("id"))  # type: ignore[arg-type]
        if call is not None:
            call.response = message
            call.done.set()

    def _read_stderr(self) -> None:
        assert self.process.stderr is not None
        for raw in self.process.stderr:
            text = raw.decode("utf-8", "replace")
            with self._lock:
                self._stderr.append(text)
                self._stderr_chars += len(text)
                while self._stderr_chars > STDERR_KEPT_CHARS and len(self._stderr) > 1:
                    self._stderr_chars -= len(self._stderr.popleft())
        self._stderr_done.set()

    def _stop_reason(self) -> BstContainersError:
        with self._lock:
            if self._stopped is not None:
                return self._stopped
        try:
            code = self.process.wait(EXIT_WAIT_SECONDS)
        except subprocess.TimeoutExpired:
            code = None
        self._stderr_done.wait(EXIT_WAIT_SECONDS)
        with self._lock:
            said = "".join(self._stderr).strip()
        how = "exited" if code is None or code >= 0 else "was killed"
        detail = "with code %s" % code if code is None or code >= 0 else "by signal %d" % -code
        return BridgeStoppedError(
            "The bst-containers bridge (%s) %s %s before it answered.%s"
            % (" ".join(self.command), how, detail, " It said: %s" % said[-1000:] if said else "")
        )

    def _fail_all(self, error: BstContainersError) -> None:
        with self._lock:
            if self._stopped is None:
                self._stopped = error
            calls = list(self._calls.values())
        for call in calls:
            if not call.done.is_set():
                call.failure = self._stopped
                call.done.set()

    # -- ending ---------------------------------------------------------------------------------

    def close(self) -> None:
        """Ends the bridge: its input closes, calls in flight are cancelled, it exits."""
        try:
            if self.process.stdin is not None:
                self.process.stdin.close()
        except OSError:
            pass
        try:
            self.process.wait(EXIT_WAIT_SECONDS)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        for reader in self._readers:
            reader.join(EXIT_WAIT_SECONDS)
        for pipe in (self.process.stdout, self.process.stderr):
            if pipe is not None:
                pipe.close()

    def __enter__(self) -> "BstContainers":
        return self

    def __exit__(self, *exc_info: Any) -> None:
        self.close()

    # -- the methods, one per bridge method ---------------------------------------------------

    def _named(self, method: str, params: Dict[str, Any], options: Dict[str, Any]) -> Any:
        """Params by name, camelCased; None means "not given". Options: engine, on_progress,
        on_output, timeout."""
        named = {_camel(name): value for name, value in params.items() if value is not None}
        engine = options.pop("engine", None)
        if engine is not None:
            named["engine"] = engine
        return self.call(method, named, **options)

    def get_engine(self, engine_name: Optional[str] = None, **options: Any) -> Any:
        return self._named("GetEngine", {"engine_name": engine_name}, options)

    def get_images(self, **options: Any) -> Any:
        return self._named("GetImages", {}, options)

    def import_image(self, image_source: str, image_tag: Optional[str] = None, **options: Any) -> Any:
        return self._named("ImportImage", {"image_source": image_source, "image_tag": image_tag}, options)

    def run_container(
        self,
        container_name: str,
        image_sha: str,
        volumes: Optional[Sequence[Sequence[str]]] = None,
        is_daemon: Optional[bool] = None,
        container_args: Any = None,
        use_gpu: Optional[bool] = None,
        as_image_user: Optional[bool] = None,
        **options: Any
    ) -> Any:
        return self._named(
            "RunContainer",
            {
                "container_name": container_name,
                "image_sha": image_sha,
                "volumes": [list(pair) for pair in volumes] if volumes is not None else None,
                "is_daemon": is_daemon,
                "container_args": container_args,
                "use_gpu": use_gpu,
                "as_image_user": as_image_user,
            },
            options,
        )

    def exec_in_container(self, container_name: str, cmd_str: str, **options: Any) -> Any:
        return self._named("ExecInContainer", {"container_name": container_name, "cmd_str": cmd_str}, options)

    def get_container_info(self, container_name: str, **options: Any) -> Any:
        return self._named("GetContainerInfo", {"container_name": container_name}, options)

    def stop_container(self, container_name: str, is_forced: Optional[bool] = None, **options: Any) -> Any:
        return self._named("StopContainer", {"container_name": container_name, "is_forced": is_forced}, options)

    def remove_image(self, image_sha: str, is_forced: Optional[bool] = None, **options: Any) -> Any:
        return self._named("RemoveImage", {"image_sha": image_sha, "is_forced": is_forced}, options)

    def get_online_manifest(self, image_source: str, **options: Any) -> Any:
        return self._named("GetOnlineManifest", {"image_source": image_source}, options)

    def prune(self, dry_run: Optional[bool] = None, **options: Any) -> Any:
        return self._named("Prune", {"dry_run": dry_run}, options)

    def get_version(self, **options: Any) -> Any:
        return self._named("GetVersion", {}, options)

    def rpc_discover(self, **options: Any) -> Any:
        """The bridge's OpenRPC document: every method, its params, result and errors."""
        return self._named("rpc.discover", {}, options)

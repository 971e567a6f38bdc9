"""The client against the real engine (Docker or Podman, as npm test runs it)."""

import inspect
import os
import re
import signal
import threading
import unittest

from .support import (
    BASE_IMAGE,
    REGISTRY_IMAGE,
    bst_containers_client as client,
    start_bridge,
    unique,
    wait_until,
)


def snake(name):
    return re.sub(r"(?<!^)([A-Z])", r"_\1", name).lower().replace(".", "_")


class ClientTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.bridge = start_bridge()
        cls.daemon = unique("daemon")
        cls.bridge.run_container(cls.daemon, BASE_IMAGE, is_daemon=True)

    @classmethod
    def tearDownClass(cls):
        cls.bridge.stop_container(cls.daemon, is_forced=True)
        cls.bridge.close()

    def test_has_one_method_per_bridge_method_with_its_params(self):
        document = self.bridge.rpc_discover()
        documented = {method["name"]: method for method in document["methods"]}
        mine = {
            name
            for name, member in inspect.getmembers(client.BstContainers, inspect.isfunction)
            if not name.startswith("_") and name not in ("call", "close")
        }
        self.assertEqual(mine, {snake(name) for name in documented})
        for name, method in documented.items():
            own = [param["name"] for param in method["params"] if param["name"] not in ("engine", "progressToken")]
            signature = inspect.signature(getattr(client.BstContainers, snake(name)))
            given = [p for p in signature.parameters if p not in ("self", "options")]
            self.assertEqual(given, [snake(param) for param in own], name)
            required = [param["name"] for param in method["params"] if param["required"]]
            defaults = [snake(p) for p in given if signature.parameters[p].default is inspect.Parameter.empty]
            self.assertEqual(defaults, [snake(param) for param in required], name)

    def test_plugin_lifecycle_with_progress_and_live_output(self):
        self.assertRegex(self.bridge.get_version()["version"], r"^\d+\.\d+\.\d+")
        engine = self.bridge.get_engine()
        self.assertEqual(engine["engineName"], os.environ.get("BST_CONTAINERS_ENGINE", "docker"))
        progress = []
        tag = "bst-test/python-client:%d" % os.getpid()
        image = self.bridge.import_image(REGISTRY_IMAGE, tag, on_progress=progress.append)
        self.assertRegex(image["imageSha"], r"^sha256:[0-9a-f]{64}$")
        kinds = [value["kind"] for value in progress]
        self.assertEqual((kinds[0], kinds[-1]), ("begin", "end"))
        names = [row[0] for row in self.bridge.get_images()["imageList"]]
        self.assertIn(tag, names)
        name = unique("lifecycle")
        self.bridge.run_container(name, image["imageSha"], [["/tmp", "/host-tmp"]], is_daemon=True)
        try:
            info = self.bridge.get_container_info(name)["containerInfo"]
            self.assertTrue(info["isRunning"])
            self.assertEqual(info["volumes"], [["/tmp", "/host-tmp"]])
            output = []
            result = self.bridge.exec_in_container(
                name, "echo one; echo two >&2", on_output=lambda stream, text: output.append(text)
            )
            self.assertEqual(result["cmdout"], "one\ntwo\n")
            self.assertEqual("".join(output), "one\ntwo\n")
        finally:
            self.bridge.stop_container(name, is_forced=True)
        with self.assertRaises(client.BstContainersError) as gone:
            self.bridge.get_container_info(name)
        self.assertEqual(gone.exception.code, -32010)
        self.bridge.remove_image(tag)
        names = [row[0] for row in self.bridge.get_images()["imageList"]]
        self.assertNotIn(tag, names)

    def test_an_error_has_its_code_message_and_data(self):
        with self.assertRaises(client.BstContainersError) as failed:
            self.bridge.exec_in_container(self.daemon, "echo out; exit 3")
        self.assertEqual(failed.exception.code, -32020)
        self.assertIn("exit code 3", failed.exception.message)
        self.assertEqual(failed.exception.data, {"exitCode": 3, "output": "out\n"})

    def test_calls_in_flight_from_threads(self):
        results = {}

        def run(number):
            results[number] = self.bridge.exec_in_container(
                self.daemon, "sleep 0.%d; echo %d" % (number, number)
            )["cmdout"]

        threads = [threading.Thread(target=run, args=(number,)) for number in range(1, 6)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        self.assertEqual(results, {number: "%d\n" % number for number in range(1, 6)})

    def sleep_is_gone(self, marker):
        return marker not in self.bridge.exec_in_container(self.daemon, "ps")["cmdout"]

    def test_ctrl_c_cancels_a_running_exec_in_the_container(self):
        def interrupt_once_started(stream, text):
            if "started" in text:
                os.kill(os.getpid(), signal.SIGINT)

        with self.assertRaises(KeyboardInterrupt):
            self.bridge.exec_in_container(self.daemon, "echo started; sleep 3001", on_output=interrupt_once_started)
        wait_until(lambda: self.sleep_is_gone("3001"), "sleep 3001 gone from the container")
        # The bridge serves on.
        self.assertEqual(self.bridge.exec_in_container(self.daemon, "echo after")["cmdout"], "after\n")

    def test_a_timeout_cancels_the_call(self):
        with self.assertRaises(client.BstContainersTimeout):
            self.bridge.exec_in_container(self.daemon, "sleep 3002", timeout=0.5)
        wait_until(lambda: self.sleep_is_gone("3002"), "sleep 3002 gone from the container")

    def test_the_bridge_killed_mid_call_is_a_clear_error(self):
        doomed = start_bridge()
        failure = []

        def kill_once_started(stream, text):
            if "started" in text:
                doomed.process.kill()

        try:
            doomed.exec_in_container(self.daemon, "echo started; sleep 3003", on_output=kill_once_started)
        except client.BstContainersError as error:
            failure.append(error)
        finally:
            doomed.close()
        self.assertEqual(len(failure), 1)
        self.assertIsInstance(failure[0], client.BridgeStoppedError)
        self.assertIn("was killed by signal 9 before it answered", failure[0].message)
        # Later calls fail at once with the same words, rather than wait.
        with self.assertRaises(client.BridgeStoppedError) as later:
            doomed.get_version()
        self.assertEqual(later.exception.message, failure[0].message)


if __name__ == "__main__":
    unittest.main()

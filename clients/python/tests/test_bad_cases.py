"""What a caller gets when the call or the bridge is wrong: a clear exception, never a hang."""

import ast
import os
import sys
import unittest

from .support import bst_containers_client as client, start_bridge

FAKE = [sys.executable, "-c"]


class BadCasesTest(unittest.TestCase):
    def test_is_python_3_8_syntax(self):
        path = client.__file__
        with open(path, encoding="utf-8") as source:
            ast.parse(source.read(), path, feature_version=(3, 8))
        with self.assertRaises(SyntaxError):
            ast.parse("match x:\n    case 1: pass\n", feature_version=(3, 8))

    def test_an_unknown_method(self):
        with start_bridge() as bridge:
            with self.assertRaises(client.BstContainersError) as failed:
                bridge.call("NoSuchMethod")
        self.assertEqual(failed.exception.code, -32601)
        self.assertIn("Unknown method NoSuchMethod. Methods: GetEngine", failed.exception.message)

    def test_bad_params(self):
        with start_bridge() as bridge:
            with self.assertRaises(client.BstContainersError) as failed:
                bridge.exec_in_container("bad name", "ls")
            self.assertEqual(failed.exception.code, -32602)
            self.assertIn("Invalid params for ExecInContainer: containerName must match", failed.exception.message)
            with self.assertRaises(client.BstContainersError) as unknown:
                bridge.call("GetImages", {"all": True})
            self.assertIn('unknown parameter "all"', unknown.exception.message)
            # The bridge serves on.
            self.assertIn("version", bridge.get_version())

    def test_a_bridge_that_is_not_found(self):
        with self.assertRaises(client.BridgeNotFoundError) as failed:
            client.BstContainers(command=["/nonexistent/bst-containers"])
        self.assertIn("could not be started (/nonexistent/bst-containers)", failed.exception.message)

    def test_a_bridge_that_exits_at_start(self):
        script = "import sys; sys.stderr.write('bst-containers needs Node.js 22.19\\n'); sys.exit(3)"
        with client.BstContainers(command=FAKE + [script]) as bridge:
            with self.assertRaises(client.BridgeStoppedError) as failed:
                bridge.get_version()
        self.assertIn("exited with code 3 before it answered", failed.exception.message)
        self.assertIn("It said: bst-containers needs Node.js 22.19", failed.exception.message)

    def test_a_bridge_that_writes_a_line_that_is_not_json(self):
        script = "import sys; print('Welcome to the bridge!', flush=True); sys.stdin.read()"
        bridge = client.BstContainers(command=FAKE + [script])
        try:
            with self.assertRaises(client.BridgeStoppedError) as failed:
                bridge.get_version()
            self.assertIn("wrote a line that is not JSON-RPC 2.0", failed.exception.message)
            self.assertIn("'Welcome to the bridge!'", failed.exception.message)
            self.assertIsNotNone(bridge.process.wait())
        finally:
            bridge.close()

    def test_a_bridge_that_says_nothing_and_exits_when_its_input_closes(self):
        bridge = client.BstContainers(command=FAKE + ["import sys; sys.stdin.read()"])
        bridge.close()
        self.assertEqual(bridge.process.returncode, 0)
        with self.assertRaises(client.BridgeStoppedError):
            bridge.get_version()

    def test_the_bridge_variable_names_a_bundle_without_node(self):
        saved = dict(os.environ)
        try:
            os.environ["BST_CONTAINERS_BRIDGE"] = "/opt/bst/bst-containers.js"
            os.environ["BST_CONTAINERS_NODE"] = ""
            os.environ["PATH"] = "/nonexistent"
            with self.assertRaises(client.BridgeNotFoundError) as failed:
                client.find_bridge()
            self.assertIn("no Node.js was found", failed.exception.message)
        finally:
            os.environ.clear()
            os.environ.update(saved)


if __name__ == "__main__":
    unittest.main()

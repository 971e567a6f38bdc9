"""What the client's tests share: the bridge command and images that npm test hands them."""

import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import bst_containers_client  # noqa: E402

# npm test passes the argv that starts the bridge (test/helpers/paths.ts, bridgeCommand), so that
# the suite runs against the bundle or the single executable, and as whichever user, as the
# TypeScript suites do. By hand: the client finds the bridge itself.
BRIDGE_COMMAND = json.loads(os.environ["BST_TEST_BRIDGE_COMMAND"]) if os.environ.get("BST_TEST_BRIDGE_COMMAND") else None
REGISTRY_IMAGE = os.environ.get("BST_TEST_REGISTRY_IMAGE", "localhost:5000/bst/busybox:1")
BASE_IMAGE = os.environ.get("BST_TEST_BASE_IMAGE", "bst-test/busybox:1")
# A wait for something set off, never a timed assertion: the bound only keeps a broken run finite.
WAIT_BOUND_SECONDS = 60.0


def start_bridge(**options):
    return bst_containers_client.BstContainers(command=BRIDGE_COMMAND, **options)


def unique(name):
    return "bst_py_%s_%d" % (name, os.getpid())


def wait_until(check, what):
    deadline = time.monotonic() + WAIT_BOUND_SECONDS
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError("still waiting for: %s" % what)
        time.sleep(0.05)

"""One task of a Slurm job array: Brainstorm's plugin lifecycle through a bridge of its own.

Run by test/integration/slurm/job-array.test.ts in `sbatch --array`, as the test user. Prints
one JSON line: what the task saw and how long each call took.
"""
import json
import os
import sys
import time

sys.path.insert(0, os.environ["BST_TEST_CLIENT_DIR"])
from bst_containers_client import BstContainers  # noqa: E402

task = os.environ["SLURM_ARRAY_TASK_ID"]
image, tag = os.environ["BST_TEST_REGISTRY_IMAGE"], os.environ["BST_TEST_TAG"]
name = "bst_array_%s_%s" % (os.environ["SLURM_ARRAY_JOB_ID"], task)
host_dir = os.path.join(os.environ["BST_TEST_HOST_DIR"], "task-" + task)
os.makedirs(host_dir, exist_ok=True)
times = {}


def timed(label, call):
    started = time.monotonic()
    result = call()
    times[label] = round(time.monotonic() - started, 3)
    return result


started = time.monotonic()
with BstContainers(command=[os.environ["BST_CONTAINERS_NODE"], os.environ["BST_CONTAINERS_BRIDGE"]]) as bridge:
    engine = timed("GetEngine", bridge.get_engine)["engineName"]
    sha = timed("ImportImage", lambda: bridge.import_image(image, tag))["imageSha"]
    rows = timed("GetImages", bridge.get_images)["imageList"]
    listed = any(row[0] == tag + ":latest" and row[1] == sha for row in rows)
    timed("RunContainer", lambda: bridge.run_container(name, sha, volumes=[[host_dir, "/data"]], is_daemon=True))
    out = timed(
        "ExecInContainer",
        lambda: bridge.exec_in_container(name, "echo task-%s > /data/out.txt && cat /data/out.txt" % task),
    )["cmdout"]
    info = timed("GetContainerInfo", lambda: bridge.get_container_info(name))["containerInfo"]
    timed("StopContainer", lambda: bridge.stop_container(name, is_forced=True))
with open(os.path.join(host_dir, "out.txt")) as written:
    on_host = written.read()
print(
    json.dumps(
        {
            "task": task,
            "engine": engine,
            "imageSha": sha,
            "listed": listed,
            "cmdout": out,
            "onHost": on_host,
            "volumes": info["volumes"],
            "seconds": round(time.monotonic() - started, 3),
            "calls": times,
        }
    )
)

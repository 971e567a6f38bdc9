function slurm_lifecycle_task()
% One task of a Slurm job array through the shim: Brainstorm's plugin lifecycle, as the Python
% tasks beside it run it (test/slurm/lifecycle_task.py); prints one line the test reads.
global BST_STUB_SETTINGS
BST_STUB_SETTINGS = struct('ContainerEngineOptions', {{'auto-detect', test_engine()}});
task = getenv('SLURM_ARRAY_TASK_ID');
tag = getenv('BST_TEST_TAG');
cname = sprintf('bst_array_%s_%s', getenv('SLURM_ARRAY_JOB_ID'), task);
hostDir = fullfile(getenv('BST_TEST_HOST_DIR'), ['task-', task]);
mkdir(hostDir);
started = tic();
[errMsg, engineName] = bst_containers('GetEngine');
check(isempty(errMsg), 'GetEngine: %s', errMsg);
[errMsg, imageSha] = bst_containers('ImportImage', getenv('BST_TEST_REGISTRY_IMAGE'), tag);
check(isempty(errMsg), 'ImportImage: %s', errMsg);
[errMsg, imageList] = bst_containers('GetImages');
check(isempty(errMsg) && any(strcmp(imageList(:, 1), [tag, ':latest']) & strcmp(imageList(:, 2), imageSha)), 'GetImages lists %s', tag);
errMsg = bst_containers('RunContainer', cname, imageSha, {hostDir, '/data'}, 1);
check(isempty(errMsg), 'RunContainer: %s', errMsg);
[errMsg, cmdout] = bst_containers('ExecInContainer', cname, sprintf('echo task-%s > /data/out.txt && cat /data/out.txt', task));
check(isempty(errMsg) && strcmp(cmdout, sprintf('task-%s\n', task)), 'ExecInContainer: [%s] %s', cmdout, errMsg);
[errMsg, info] = bst_containers('GetContainerInfo', cname);
check(isempty(errMsg) && isequal(info.volumes, {hostDir, '/data'}), 'GetContainerInfo: %s', errMsg);
errMsg = bst_containers('StopContainer', cname, 1);
check(isempty(errMsg), 'StopContainer: %s', errMsg);
printf('SHIM-TASK %s %s %s %.3f\n', task, engineName, imageSha, toc(started));
end

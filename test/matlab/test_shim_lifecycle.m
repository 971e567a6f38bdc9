function test_shim_lifecycle()
% Brainstorm's plugin lifecycle through the shim, call by call, with Brainstorm stand-ins.
global BST_STUB_CALLS BST_STUB_SETTINGS BST_STUB_PROGRESS
BST_STUB_CALLS = {};
BST_STUB_PROGRESS = [];
% A Brainstorm that offers the engine under test
BST_STUB_SETTINGS = struct('ContainerEngineOptions', {{'auto-detect', test_engine()}});
name = 'shim-lifecycle';
tag = ['brainstorm_', name];
cname = ['bst_', name];
engine_cli('rm', '-f', cname);
engine_cli('rmi', '-f', tag);

[errMsg, engineName] = bst_containers('GetEngine');
check(isempty(errMsg) && strcmp(engineName, test_engine()), 'GetEngine finds %s', test_engine());
setCalls = stub_calls('bst_set');
check(numel(setCalls) == 1 && isequal(setCalls{1}, {'ContainerEngine', test_engine()}), 'GetEngine saves the engine with bst_set');

% Install from the registry
[errMsg, imageSha] = bst_containers('ImportImage', getenv('BST_TEST_REGISTRY_IMAGE'), tag);
check(isempty(errMsg), 'ImportImage from the registry: %s', errMsg);
check(~isempty(regexp(imageSha, '^sha256:[a-f0-9]{64}$', 'once')), 'imageSha is an image ID: %s', imageSha);
progressCalls = stub_calls('bst_progress');
commands = cellfun(@(call) lower(call{1}), progressCalls, 'UniformOutput', false);
check(any(strcmp(commands, 'start')), 'the pull shows progress with bst_progress, in a bar of its own');
check(strcmp(progressCalls{end}{1}, 'stop'), 'and closes it');

% Load: the check Brainstorm makes
[errMsg, imageList] = bst_containers('GetImages');
check(isempty(errMsg) && iscell(imageList) && size(imageList, 2) == 3, 'GetImages is an N×3 cell');
iRow = find(strcmp(imageList(:, 2), imageSha) & strncmp(imageList(:, 1), tag, numel(tag)));
check(numel(iRow) == 1, 'the image is listed under %s', tag);
[errMsg, info] = bst_containers('GetContainerInfo', cname);
check(~isempty(errMsg) && info.isRunning == 0 && isempty(info.name), 'GetContainerInfo before: error and the default struct');
bst_containers('StopContainer', cname, 1);
hostDir = [tempname(), ' dossier é'];
mkdir(hostDir);
errMsg = bst_containers('RunContainer', cname, imageSha, {hostDir, '/data'}, 1);
check(isempty(errMsg), 'RunContainer as a daemon with a host folder on /data: %s', errMsg);
[errMsg, info] = bst_containers('GetContainerInfo', cname);
check(isempty(errMsg) && strcmp(info.name, cname) && isequal(info.isRunning, 1), 'GetContainerInfo after: running');
check(isequal(info.volumes, {hostDir, '/data'}), 'volumes is a 1×2 cell with the path whole');
check(strcmp(info.imageSha, imageSha), 'imageSha is the image ID');

% Work: inputs written on the host, outputs read back
fid = fopen(fullfile(info.volumes{1, 1}, 'input.txt'), 'w');
fprintf(fid, 'from the host\n');
fclose(fid);
[errMsg, cmdout] = bst_containers('ExecInContainer', info.name, 'cat /data/input.txt > /data/output.txt && echo done');
check(isempty(errMsg) && strcmp(cmdout, sprintf('done\n')), 'ExecInContainer answers the output: [%s] %s', cmdout, errMsg);
fid = fopen(fullfile(hostDir, 'output.txt'), 'r');
check(strcmp(fgetl(fid), 'from the host'), 'the file written in the container is read back on the host');
fclose(fid);

% Unload: graceful, then forced
errMsg = bst_containers('StopContainer', cname);
check(isempty(errMsg), 'graceful StopContainer: %s', errMsg);
[errMsg, info] = bst_containers('GetContainerInfo', cname);
check(~isempty(errMsg), 'the container is gone');
errMsg = bst_containers('RunContainer', cname, imageSha, {hostDir, '/data'}, 1);
check(isempty(errMsg), 'RunContainer again');
errMsg = bst_containers('StopContainer', cname, 1);
check(isempty(errMsg), 'forced StopContainer');

% Uninstall
errMsg = bst_containers('RemoveImage', tag, 1);
check(isempty(errMsg), 'RemoveImage: %s', errMsg);
[errMsg, imageList] = bst_containers('GetImages');
check(~any(strncmp(imageList(:, 1), tag, numel(tag))), 'the image is no longer listed');

% Install from an http URL
[errMsg, urlSha] = bst_containers('ImportImage', getenv('BST_TEST_URL'), tag);
check(isempty(errMsg) && strcmp(urlSha, imageSha), 'ImportImage from an http URL: %s', errMsg);
errMsg = bst_containers('RemoveImage', tag, 1);
check(isempty(errMsg), 'RemoveImage after the URL import');

% The update check
[errMsg, digest] = bst_containers('GetOnlineManifest', getenv('BST_TEST_REGISTRY_IMAGE'));
check(isempty(errMsg) && ~isempty(regexp(digest, '^sha256:[a-f0-9]{64}$', 'once')), 'GetOnlineManifest: %s', errMsg);
rmdir(hostDir, 's');
disp('ALL PASSED');
end

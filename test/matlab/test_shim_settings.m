function test_shim_settings()
% Brainstorm's settings reach the bridge: the engine preference and the GPU wish.
global BST_STUB_SETTINGS
base = getenv('BST_TEST_BASE_IMAGE');
cname = 'bst_shim-settings';
run_argv({'docker', 'rm', '-f', cname});

BST_STUB_SETTINGS = struct('ContainerEngine', 'podman');
[errMsg, imageList] = bst_containers('GetImages');
check(~isempty(strfind(errMsg, 'podman')) && isequal(size(imageList), [0, 3]), 'the engine preference is used: %s', errMsg);
BST_STUB_SETTINGS = struct('ContainerEngine', 'docker');
[errMsg, imageList] = bst_containers('GetImages');
check(isempty(errMsg) && size(imageList, 1) > 0, 'docker when Brainstorm says docker');

% nvidia-smi is on the PATH of this test (a stand-in), and dockerd has no NVIDIA runtime:
% when the GPU is wished, the request reaches dockerd, which refuses it.
BST_STUB_SETTINGS = struct('ContainerEngine', 'docker', 'ContainerUseGpu', 1);
errMsg = bst_containers('RunContainer', cname, base, [], 1);
check(~isempty(regexpi(errMsg, 'device driver|gpu', 'once')), 'ContainerUseGpu asks for the GPU: %s', errMsg);
BST_STUB_SETTINGS = struct('ContainerEngine', 'docker', 'ContainerUseGpu', 0);
errMsg = bst_containers('RunContainer', cname, base, [], 1);
check(isempty(errMsg), 'no GPU asked otherwise: %s', errMsg);
bst_containers('StopContainer', cname, 1);

process = bst_containers('TestHook', 'Process');
fprintf('bridge-pid: %d\n', process.pid());
disp('ALL PASSED');
end

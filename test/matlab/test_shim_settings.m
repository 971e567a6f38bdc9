function test_shim_settings()
% Brainstorm's settings reach the bridge: the engine preference and the GPU wish.
global BST_STUB_SETTINGS
base = getenv('BST_TEST_BASE_IMAGE');
cname = 'bst_shim-settings';
engine_cli('rm', '-f', cname);

engine = test_engine();
BST_STUB_SETTINGS = struct('ContainerEngine', 'apptainer');
[errMsg, imageList] = bst_containers('GetImages');
check(~isempty(strfind(errMsg, 'apptainer')) && isequal(size(imageList), [0, 3]), 'the engine preference is used: %s', errMsg);
BST_STUB_SETTINGS = struct('ContainerEngine', engine);
[errMsg, imageList] = bst_containers('GetImages');
check(isempty(errMsg) && size(imageList, 1) > 0, '%s when Brainstorm says %s', engine, engine);

% nvidia-smi is on the PATH of this test (a stand-in listing a GPU), and the engine has no NVIDIA runtime:
% when the GPU is wished, the request reaches the engine, which refuses it.
BST_STUB_SETTINGS = struct('ContainerEngine', engine, 'ContainerUseGpu', 1);
errMsg = bst_containers('RunContainer', cname, base, [], 1);
check(~isempty(regexpi(errMsg, 'device driver|CDI devices', 'once')), 'ContainerUseGpu asks for the GPU: %s', errMsg);
BST_STUB_SETTINGS = struct('ContainerEngine', engine, 'ContainerUseGpu', 0);
errMsg = bst_containers('RunContainer', cname, base, [], 1);
check(isempty(errMsg), 'no GPU asked otherwise: %s', errMsg);
bst_containers('StopContainer', cname, 1);

fprintf('bridge-pid: %d\n', bridge_pid());
disp('ALL PASSED');
end

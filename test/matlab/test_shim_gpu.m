function test_shim_gpu()
% Brainstorm's "use the GPU" setting: on a computer without an NVIDIA GPU the container starts
% without one and the shim says so once; with one, it says nothing.
global BST_STUB_SETTINGS
BST_STUB_SETTINGS = struct('ContainerUseGpu', 1);
cname = 'bst_shim-gpu';
notice = 'BST> No NVIDIA GPU was found on this computer';
hasGpu = strcmp(getenv('BST_TEST_HOST_GPU'), '1');
for attempt = 1:2
    engine_cli('rm', '-f', cname);
    errMsg = '';
    out = evalc('errMsg = bst_containers(''RunContainer'', cname, getenv(''BST_TEST_BASE_IMAGE''), [], 1);');
    check(isempty(errMsg), 'RunContainer with the GPU setting on (call %d): %s', attempt, errMsg);
    said = ~isempty(strfind(out, notice));
    check(said == (attempt == 1 && ~hasGpu), 'the notice is printed on the first call only, and only without a GPU (call %d): [%s]', attempt, out);
end
engine_cli('rm', '-f', cname);
disp('ALL PASSED');
end

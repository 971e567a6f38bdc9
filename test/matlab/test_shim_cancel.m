function test_shim_cancel()
% The interrupt path: the same cleanup that Ctrl+C runs, triggered by the test hook. The request
% is cancelled in the bridge, the process dies in the container, and Brainstorm's interrupt
% behaviour follows (plugin unload, message). The bridge stays usable.
global BST_STUB_CALLS
BST_STUB_CALLS = {};
cname = 'bst_shim-cancel';
engine_cli('rm', '-f', cname);
errMsg = bst_containers('RunContainer', cname, getenv('BST_TEST_BASE_IMAGE'), [], 1);
check(isempty(errMsg), 'RunContainer: %s', errMsg);

bst_containers('TestHook', 'InterruptAfter', 1.5);
interrupted = false;
try
    bst_containers('ExecInContainer', cname, 'echo live-output; sleep 300');
catch err
    interrupted = strcmp(err.identifier, 'bst_containers:interrupted');
end
check(interrupted, 'the wait was interrupted');
unloads = stub_calls('bst_plugin');
check(numel(unloads) == 1 && isequal(unloads{1}, {'Unload', 'shim-cancel'}), 'the plugin is unloaded, as Brainstorm does');
errors = stub_calls('bst_error');
check(numel(errors) == 1 && strcmp(errors{1}{1}, 'The process running in the container was interrupted'), 'the user is told');

[errMsg, cmdout] = bst_containers('ExecInContainer', cname, 'ps -o args');
check(isempty(errMsg), 'the bridge and the container are usable after the interrupt: %s', errMsg);
check(isempty(strfind(cmdout, 'sleep 300')), 'the command was killed inside the container');
errMsg = bst_containers('StopContainer', cname, 1);
check(isempty(errMsg), 'StopContainer');
disp('ALL PASSED');
end

function test_shim_cancel(phase)
% The interrupt path, in two commands of one Octave session. 'start' runs a command that would
% last 300 s; the test sends SIGINT (Ctrl+C) once its output has appeared. 'after' checks what
% followed: the request was cancelled in the bridge (the process is gone from the container),
% Brainstorm's interrupt behaviour (plugin unload, message), and the bridge is still usable.
global BST_STUB_CALLS
cname = 'bst_shim-cancel';
switch phase
    case 'start'
        BST_STUB_CALLS = {};
        engine_cli('rm', '-f', cname);
        errMsg = bst_containers('RunContainer', cname, getenv('BST_TEST_BASE_IMAGE'), [], 1);
        check(isempty(errMsg), 'RunContainer: %s', errMsg);
        bst_containers('ExecInContainer', cname, 'echo live-output; sleep 300');
        disp('FAILED: ExecInContainer returned instead of being interrupted');
    case 'after'
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
end

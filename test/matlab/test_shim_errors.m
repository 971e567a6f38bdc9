function test_shim_errors()
% Failures come back as errMsg with the seed's default outputs; nothing throws. No Brainstorm here.
check(~exist('bst_get', 'file'), 'runs without Brainstorm');
base = getenv('BST_TEST_BASE_IMAGE');
cname = 'bst_shim-errors';
engine_cli('rm', '-f', cname);

[errMsg, info] = bst_containers('GetContainerInfo', 'bst_missing-container');
check(strcmp(errMsg, 'No container named bst_missing-container exists.'), 'missing container: %s', errMsg);
check(isequal(info, struct('name', '', 'isRunning', 0, 'volumes', [], 'imageSha', '')), 'the default containerInfo');

errMsg = bst_containers('RunContainer', cname, 'bst-test/never-built:1', {}, 1);
check(~isempty(strfind(errMsg, 'bst-test/never-built:1')), 'missing image: %s', errMsg);
[errMsg, imageSha] = bst_containers('ImportImage', '/nonexistent/image.tar');
check(~isempty(errMsg) && isempty(imageSha), 'missing tarball: %s', errMsg);
errMsg = bst_containers('RemoveImage', 'bst-test/never-built:1');
check(~isempty(errMsg), 'RemoveImage of a missing image: %s', errMsg);

errMsg = bst_containers('RunContainer', cname, base, [], 1);
check(isempty(errMsg), 'RunContainer without volumes');
[errMsg, cmdout] = bst_containers('ExecInContainer', cname, 'exit 3');
check(~isempty(strfind(errMsg, 'exit code 3')) && isempty(cmdout), 'a failing command that printed nothing: %s', errMsg);
[errMsg, cmdout] = bst_containers('ExecInContainer', cname, 'echo "quote \" backslash \\ tab	end"; printf "\\303\\251\\n"');
check(isempty(errMsg) && strcmp(cmdout, sprintf('quote " backslash \\ tab\tend\né\n')), 'quotes, control characters and UTF-8 both ways: [%s]', cmdout);
[errMsg, result] = bst_containers('GetEngine', 'apptainer');
check(~isempty(strfind(errMsg, 'apptainer')) && isempty(result), 'an engine that is not there: %s', errMsg);

% The bridge is killed between two calls: the next call starts a new one
pid = bridge_pid();
check(pid > 0, 'the bridge runs as a child of this process');
kill(pid, 9);
check(wait_until_ended(pid), 'the bridge is killed');
[errMsg, info] = bst_containers('GetContainerInfo', cname);
check(isempty(errMsg) && info.isRunning == 1, 'the next call restarts the bridge: %s', errMsg);
newPid = bridge_pid();
check(newPid > 0 && newPid ~= pid, 'a new bridge process');

% Node missing, too old, and no bundle
bst_containers('SetBridge', '', '/nonexistent/node');
errMsg = bst_containers('StopContainer', cname, 1);
check(~isempty(strfind(errMsg, 'Node.js was not found')) && ~isempty(strfind(errMsg, 'BST_CONTAINERS_NODE')), 'node not found: %s', errMsg);
bst_containers('SetBridge', '', getenv('BST_TEST_OLD_NODE'));
errMsg = bst_containers('StopContainer', cname, 1);
check(~isempty(strfind(errMsg, 'needs Node.js 22.19 or newer')), 'node too old: %s', errMsg);
bst_containers('SetBridge', '/nonexistent/bst-containers.js', '');
errMsg = bst_containers('StopContainer', cname, 1);
check(~isempty(strfind(errMsg, 'was not found at /nonexistent/bst-containers.js')), 'bundle missing: %s', errMsg);
bst_containers('SetBridge', '', '');
errMsg = bst_containers('StopContainer', cname, 1);
check(isempty(errMsg), 'back to the defaults: %s', errMsg);

% 'clear' after munlock ends the bridge
pid = bridge_pid();
munlock('bst_containers');
clear('bst_containers');
check(pid > 0 && wait_until_ended(pid), 'munlock + clear bst_containers ends the bridge');
disp('ALL PASSED');
end

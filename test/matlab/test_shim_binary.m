function test_shim_binary()
% The plugin lifecycle through the single executable, with no node on the PATH (the test's env).
tarball = getenv('BST_TEST_TARBALL');
name = 'shim-binary';
tag = ['brainstorm_', name];
cname = ['bst_', name];
engine_cli('rm', '-f', cname);
engine_cli('rmi', '-f', tag);

binary = fullfile(fileparts(fileparts(which('bst_containers'))), 'dist', 'bin', 'bst-containers-linux-x64');
check(strcmp(bst_containers('BridgePath'), binary), 'BridgePath is the linux-x64 binary: %s', bst_containers('BridgePath'));
tStart = tic;
[errMsg, engineName] = bst_containers('GetEngine');
fprintf('first-call-seconds: %.3f\n', toc(tStart));
check(isempty(errMsg) && strcmp(engineName, test_engine()), 'GetEngine finds %s: %s', test_engine(), errMsg);
pid = bridge_pid();
check(pid > 0 && strcmp(readlink(sprintf('/proc/%d/exe', pid)), binary), 'the bridge process is the binary itself, not node');

[errMsg, imageSha] = bst_containers('ImportImage', tarball, tag);
check(isempty(errMsg) && ~isempty(regexp(imageSha, '^sha256:[a-f0-9]{64}$', 'once')), 'ImportImage of a local tarball: %s', errMsg);
errMsg = bst_containers('RunContainer', cname, imageSha, [], 1);
check(isempty(errMsg), 'RunContainer as a daemon: %s', errMsg);
[errMsg, cmdout] = bst_containers('ExecInContainer', cname, 'echo from-the-binary');
check(isempty(errMsg) && strcmp(cmdout, sprintf('from-the-binary\n')), 'ExecInContainer: [%s] %s', cmdout, errMsg);
[errMsg, info] = bst_containers('GetContainerInfo', cname);
check(isempty(errMsg) && strcmp(info.name, cname) && info.isRunning == 1 && strcmp(info.imageSha, imageSha), 'GetContainerInfo: running');
errMsg = bst_containers('StopContainer', cname, 1);
check(isempty(errMsg), 'StopContainer: %s', errMsg);
[errMsg, info] = bst_containers('GetContainerInfo', cname);
check(~isempty(errMsg) && info.isRunning == 0, 'the container is gone');
errMsg = bst_containers('RemoveImage', tag, 1);
check(isempty(errMsg), 'RemoveImage: %s', errMsg);
disp('ALL PASSED');
end

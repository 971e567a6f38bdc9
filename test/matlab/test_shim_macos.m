function test_shim_macos()
% On macOS (computer() stands in: test/matlab/platform), a binary killed at once for want of a
% signature is signed with the codesign on the PATH (a stand-in that records its calls), once, and
% started again. The files are made by matlab-shim-binary.test.ts in BST_TEST_FOLDER.
folder = getenv('BST_TEST_FOLDER');
codesignLog = fullfile(folder, 'codesign.log');
unsigned = fullfile(folder, 'unsigned');
setenv('BST_TEST_PLATFORM', 'aarch64-apple-darwin23.4.0');
bst_containers('SetBridge', unsigned);
[errMsg, engineName] = bst_containers('GetEngine');
check(isempty(errMsg) && strcmp(engineName, test_engine()), 'the signed binary answers: %s', errMsg);
check(strcmp(fileread(codesignLog), sprintf('--sign - --force %s\n', unsigned)), 'codesign --sign - --force FILE, once');
bst_containers('StopBridge');
[errMsg, engineName] = bst_containers('GetEngine');
check(isempty(errMsg) && strcmp(engineName, test_engine()), 'started again: %s', errMsg);
check(numel(strfind(fileread(codesignLog), '--sign')) == 1, 'a signed binary is not signed again');

% Signing does not help: one try, then the errMsg
broken = fullfile(folder, 'always-killed');
bst_containers('SetBridge', broken);
errMsg = bst_containers('GetEngine');
check(~isempty(strfind(errMsg, ['The bst-containers bridge ', broken, ' stopped before answering (exit code 137).'])), 'still killed: %s', errMsg);
check(numel(strfind(fileread(codesignLog), '--sign')) == 2, 'codesign was run once more, not in a loop');

% On Linux a killed binary is not signed
setenv('BST_TEST_PLATFORM', 'x86_64-pc-linux-gnu');
errMsg = bst_containers('GetEngine');
check(~isempty(strfind(errMsg, 'stopped before answering (exit code 137).')), 'Linux: %s', errMsg);
check(numel(strfind(fileread(codesignLog), '--sign')) == 2, 'no codesign off macOS');
bst_containers('SetBridge', '');
disp('ALL PASSED');
end

function test_shim_bad_binaries()
% A bridge that cannot serve comes back as an errMsg that names the file and what to do, at once.
% The files are made by matlab-shim-binary.test.ts in BST_TEST_FOLDER.
folder = getenv('BST_TEST_FOLDER');

truncated = fullfile(folder, 'truncated');
bst_containers('SetBridge', truncated);
errMsg = bst_containers('GetEngine');
check(~isempty(strfind(errMsg, ['The bst-containers bridge ', truncated, ' stopped before answering (exit code '])), 'a truncated binary: %s', errMsg);
check(~isempty(strfind(errMsg, 'The file may be damaged or built for another system: reinstall bst_containers with its bin folder.')), 'says to reinstall');

locked = fullfile(folder, 'locked');
bst_containers('SetBridge', locked);
errMsg = bst_containers('GetEngine');
check(~isempty(strfind(errMsg, ['The bst-containers bridge ', locked, ' cannot be started: make it executable (chmod +x ', locked, ') or reinstall'])), ...
    'not executable, and chmod cannot help: %s', errMsg);

% An unzip that dropped the execute bit: the shim sets it and the bridge starts
dropped = fullfile(folder, 'dropped-bit');
bst_containers('SetBridge', dropped);
[errMsg, engineName] = bst_containers('GetEngine');
check(isempty(errMsg) && strcmp(engineName, test_engine()), 'the execute bit is set again: %s', errMsg);

old = fullfile(folder, 'old-version');
bst_containers('SetBridge', old);
errMsg = bst_containers('GetEngine');
check(strcmp(errMsg, ['The bst-containers bridge ', old, ' is older than this shim expects (0.1.0 or newer; it reports 0.0.9): ', ...
    'install the bridge that comes with this bst_containers.m.']), 'an old bridge: %s', errMsg);
older = fullfile(folder, 'no-version');
bst_containers('SetBridge', older);
errMsg = bst_containers('GetEngine');
check(~isempty(strfind(errMsg, ['The bst-containers bridge ', older, ' is older than this shim expects (0.1.0 or newer; it reports no version)'])), ...
    'a bridge from before GetVersion: %s', errMsg);

silent = fullfile(folder, 'silent');
bst_containers('SetBridge', silent);
tStart = tic;
errMsg = bst_containers('GetEngine');
check(~isempty(strfind(errMsg, ['The bst-containers bridge ', silent, ' did not answer within 20 s: reinstall'])) && toc(tStart) < 25, ...
    'a bridge that never answers is given up: %s', errMsg);

bst_containers('SetBridge', '');
[errMsg, engineName] = bst_containers('GetEngine');
check(isempty(errMsg) && strcmp(engineName, test_engine()), 'back to the default bridge: %s', errMsg);
disp('ALL PASSED');
end

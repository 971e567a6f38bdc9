function test_shim_brainstorm()
% What the shim leaves of Brainstorm's own state: the progress bar a caller opened, and the engine
% setting, saved only with a name Brainstorm offers.
global BST_STUB_CALLS BST_STUB_SETTINGS BST_STUB_PROGRESS
tarball = getenv('BST_TEST_TARBALL');
tag = 'brainstorm_shim-progress';
engine = test_engine();

% GetEngine's auto-detection saves the engine only when bst_get('ContainerEngine') offers it
BST_STUB_CALLS = {};
BST_STUB_SETTINGS = struct('ContainerEngineOptions', {{'auto-detect', 'not-this-one'}});
[errMsg, found] = bst_containers('GetEngine');
check(isempty(errMsg) && strcmp(found, engine), 'GetEngine finds %s: %s', engine, errMsg);
check(isempty(stub_calls('bst_set')), 'a name Brainstorm does not offer is not saved');
BST_STUB_SETTINGS = struct('ContainerEngineOptions', {{'auto-detect', engine}});
[errMsg, found] = bst_containers('GetEngine');
setCalls = stub_calls('bst_set');
check(isempty(errMsg) && numel(setCalls) == 1 && isequal(setCalls{1}, {'ContainerEngine', engine}), 'one it offers is saved');

% A bar the caller opened (the plugin manager's) is updated, kept open, and keeps its title
engine_cli('rmi', '-f', tag);
BST_STUB_CALLS = {};
BST_STUB_PROGRESS = [];
bst_progress('start', 'Plugin manager', 'Installing plugin...', 0, 100);
[errMsg, imageSha] = bst_containers('ImportImage', tarball, tag);
check(isempty(errMsg) && ~isempty(imageSha), 'ImportImage with a bar open: %s', errMsg);
commands = cellfun(@(call) lower(call{1}), stub_calls('bst_progress'), 'UniformOutput', false);
check(sum(strcmp(commands, 'start')) == 1 && ~any(strcmp(commands, 'stop')), 'it opens no bar and closes none: %s', strjoin(commands, ' '));
check(any(strcmp(commands, 'text')), 'it shows its text in the open bar');
check(BST_STUB_PROGRESS.isVisible == 1 && strcmp(BST_STUB_PROGRESS.title, 'Plugin manager'), 'the caller''s bar is still open, with its title');
bst_progress('stop');

% With no bar open, it opens one of its own and closes it
engine_cli('rmi', '-f', tag);
BST_STUB_CALLS = {};
[errMsg, imageSha] = bst_containers('ImportImage', tarball, tag);
check(isempty(errMsg) && ~isempty(imageSha), 'ImportImage with no bar open: %s', errMsg);
commands = cellfun(@(call) lower(call{1}), stub_calls('bst_progress'), 'UniformOutput', false);
check(sum(strcmp(commands, 'start')) == 1 && strcmp(commands{end}, 'stop'), 'it opens its own bar and closes it: %s', strjoin(commands, ' '));
check(BST_STUB_PROGRESS.isVisible == 0, 'no bar is left open');
engine_cli('rmi', '-f', tag);
disp('ALL PASSED');
end

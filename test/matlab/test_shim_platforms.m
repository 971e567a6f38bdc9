function test_shim_platforms()
% Which bridge a copy of the shim (BST_TEST_FOLDER/matlab/bst_containers.m) would start, for each
% platform name: bin/ next to it first, then ../dist/bin/, then the bundle under node.
folder = getenv('BST_TEST_FOLDER');
addpath(fullfile(folder, 'matlab'));
check(strcmp(which('bst_containers'), fullfile(folder, 'matlab', 'bst_containers.m')), 'the copy of the shim is the one called');
names = {
    'glnxa64',                    'bst-containers-linux-x64'
    'maci64',                     'bst-containers-darwin-x64'
    'maca64',                     'bst-containers-darwin-arm64'
    'win64',                      'bst-containers-win-x64.exe'
    'x86_64-pc-linux-gnu',        'bst-containers-linux-x64'
    'aarch64-unknown-linux-gnu',  'bst-containers-linux-arm64'
    'x86_64-apple-darwin21.6.0',  'bst-containers-darwin-x64'
    'aarch64-apple-darwin23.4.0', 'bst-containers-darwin-arm64'
    'arm64-apple-darwin23.4.0',   'bst-containers-darwin-arm64'
    'x86_64-w64-mingw32',         'bst-containers-win-x64.exe'};
for iName = 1:size(names, 1)
    setenv('BST_TEST_PLATFORM', names{iName, 1});
    bridgePath = bst_containers('BridgePath');
    check(strcmp(bridgePath, fullfile(folder, 'matlab', 'bin', names{iName, 2})), '%s: bin/%s', names{iName, :});
end

% Not in bin/: ../dist/bin/; in neither: the bundle, as for a platform without a binary
setenv('BST_TEST_PLATFORM', 'x86_64-pc-linux-gnu');
delete(fullfile(folder, 'matlab', 'bin', 'bst-containers-linux-x64'));
check(strcmp(bst_containers('BridgePath'), fullfile(folder, 'dist', 'bin', 'bst-containers-linux-x64')), 'then ../dist/bin/');
delete(fullfile(folder, 'dist', 'bin', 'bst-containers-linux-x64'));
bundle = fullfile(folder, 'dist', 'bst-containers.js');
check(strcmp(bst_containers('BridgePath'), bundle), 'then the bundle');
setenv('BST_TEST_PLATFORM', 'sparc-sun-solaris2.11');
check(strcmp(bst_containers('BridgePath'), bundle), 'an unknown platform: the bundle');

% What is set wins; a node set alone means the bundle
setenv('BST_TEST_PLATFORM', 'aarch64-apple-darwin23.4.0');
bst_containers('SetBridge', '/opt/bridge/bst-containers');
check(strcmp(bst_containers('BridgePath'), '/opt/bridge/bst-containers'), 'SetBridge wins over bin/');
bst_containers('SetBridge', '', '/opt/node/bin/node');
check(strcmp(bst_containers('BridgePath'), bundle), 'a node set alone: the bundle');
bst_containers('SetBridge', '', '');
check(strcmp(bst_containers('BridgePath'), fullfile(folder, 'matlab', 'bin', 'bst-containers-darwin-arm64')), 'back to bin/');
disp('ALL PASSED');
end

function test_shim_shapes()
% Output shapes for 0, 1 and several images (on an engine that starts empty) and volumes.
% DOCKER_HOST for Docker, CONTAINER_HOST for Podman: where the empty engine listens
emptyVariable = getenv('BST_TEST_EMPTY_ENGINE_VARIABLE');
emptyEngine = getenv('BST_TEST_EMPTY_ENGINE_HOST');
tarball = getenv('BST_TEST_TARBALL');
base = getenv('BST_TEST_BASE_IMAGE');

% Images, on the second engine: the bridge reads the variable when it starts
setenv(emptyVariable, emptyEngine);
[errMsg, imageList] = bst_containers('GetImages');
check(isempty(errMsg) && iscell(imageList) && isequal(size(imageList), [0, 3]), '0 images: a 0×3 cell');
[errMsg, imageSha] = bst_containers('ImportImage', tarball);
check(isempty(errMsg), 'load one image: %s', errMsg);
[errMsg, imageList] = bst_containers('GetImages');
check(isempty(errMsg) && isequal(size(imageList), [1, 3]) && strcmp(imageList{1, 2}, imageSha), '1 image: a 1×3 cell');
[errMsg, imageSha2] = bst_containers('ImportImage', tarball, 'brainstorm_shapes');
check(strcmp(imageSha2, imageSha), 'tag it again');
[errMsg, imageList] = bst_containers('GetImages');
check(isequal(size(imageList), [2, 3]) && all(strcmp(imageList(:, 2), imageSha)), '2 names: a 2×3 cell');
check(all(cellfun(@ischar, imageList(:))), 'every cell is a char row');
bst_containers('RemoveImage', imageSha, 1);
[errMsg, imageList] = bst_containers('GetImages');
check(isequal(size(imageList), [0, 3]), 'empty again');
bst_containers('StopBridge');
unsetenv(emptyVariable);

% Volumes, on the main engine
root = [tempname(), ' vol'];
shapes = {{}, {fullfile(root, 'a'), '/a'}, {fullfile(root, 'a'), '/a'; fullfile(root, 'b c'), '/b c'; fullfile(root, 'd:e'), '/d'}};
for iShape = 1:numel(shapes)
    volumes = shapes{iShape};
    cname = sprintf('bst_shim-shapes-%d', iShape);
    engine_cli('rm', '-f', cname);
    errMsg = bst_containers('RunContainer', cname, base, volumes, 1);
    check(isempty(errMsg), 'RunContainer with %d volumes: %s', size(volumes, 1), errMsg);
    [errMsg, info] = bst_containers('GetContainerInfo', cname);
    check(iscell(info.volumes) && isequal(size(info.volumes), [size(volumes, 1), 2]), '%d volumes: a %d×2 cell', size(volumes, 1), size(volumes, 1));
    check(isequal(info.volumes, reshape(volumes, [], 2)), 'the same volumes, in order');
    bst_containers('StopContainer', cname, 1);
end
rmdir(root, 's');
disp('ALL PASSED');
end

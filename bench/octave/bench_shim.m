function bench_shim(containerName, runs, cli)
% Median and p95 of GetContainerInfo and ExecInContainer through the shim, next to the seed's
% way (the same CLI processes the seed's system() calls run, with `cli`: docker or podman), in
% this Octave session. The bridge uses the engine BST_CONTAINERS_ENGINE names.
times = @(f) arrayfun(@(k) timeOne(f), 1:runs);
bst_containers('GetEngine');
for k = 1:20
    bst_containers('GetContainerInfo', containerName);
end
report('GetContainerInfo', 'shim', times(@() bst_containers('GetContainerInfo', containerName)));
report('GetContainerInfo', 'seed CLI sequence', arrayfun(@(k) timeOne(@() seedGetContainerInfo(containerName, cli)), 1:min(runs, 30)));
report('ExecInContainer true', 'shim', times(@() bst_containers('ExecInContainer', containerName, 'true')));
report('ExecInContainer true', 'seed CLI sequence', arrayfun(@(k) timeOne(@() seedExec(containerName, cli)), 1:min(runs, 30)));
end

function t = timeOne(f)
start = tic;
f();
t = toc(start) * 1000;
end

function report(call, way, samples)
samples = sort(samples);
fprintf('| %s | %s | %d | %.2f | %.2f |\n', call, way, numel(samples), median(samples), samples(ceil(0.95 * numel(samples))));
end

function seedGetContainerInfo(name, cli)
[~, ~] = system(['which ' cli]);
[~, ~] = system([cli ' info']);
[~, ~] = system([cli ' inspect ' name ' --format "{{.Name}}"']);
[~, ~] = system([cli ' inspect ' name ' --format "{{.State.Status}} # {{.HostConfig.Binds}} # {{.Image}}"']);
end

function seedExec(name, cli)
seedGetContainerInfo(name, cli);  % the seed checks the container is running first
[~, ~] = system([cli ' exec ' name ' sh -c ''true''']);
end

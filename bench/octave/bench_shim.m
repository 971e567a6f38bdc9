function bench_shim(phase, containerName, runs, cli)
% The shim's part of npm run bench, in the Octave session that bench/run.ts drives; it prints
% 'samples <name>: <ms> ...' and 'cpu <name>: <% of one core>' lines that bench/run.ts reads.
% 'quick': GetContainerInfo through the shim; beside it, a bare Java line round trip to cat in
% this same Octave (the floor on this side of the pipe). 'seed': ExecInContainer `true` through
% the shim, and the seed's CLI sequences (`cli`: docker or podman). Octave's calls into Java get
% fast once the JVM has compiled its side of them, after a few hundred: the shim and the Java
% floor are measured after 300, as Node is after its own warm-up. 'wait': this Octave's CPU time (utime + stime of
% /proc/self/stat) over a 10 s ExecInContainer, then over 10 s blocked in Java (the JVM and
% Octave alone, the floor).
switch phase
    case 'quick'
        bst_containers('GetEngine');
        Samples('warm-up', 300, @() bst_containers('GetContainerInfo', containerName));
        Samples('shim GetContainerInfo', runs, @() bst_containers('GetContainerInfo', containerName));
        catProcess = javaObject('java.lang.ProcessBuilder', {'cat'}).start();
        reader = javaObject('java.io.BufferedReader', javaObject('java.io.InputStreamReader', catProcess.getInputStream(), 'UTF-8'));
        line = typecast(uint8(['{"jsonrpc":"2.0","id":1,"method":"GetContainerInfo","params":["', containerName, '"]}', char(10)]), 'int8');
        output = catProcess.getOutputStream();
        Samples('warm-up', 300, @() RoundTrip(output, reader, line));
        Samples('java line round trip', runs, @() RoundTrip(output, reader, line));
        catProcess.destroy();
    case 'seed'
        Samples('shim ExecInContainer true', min(runs, 30), @() bst_containers('ExecInContainer', containerName, 'true'));
        Samples('seed GetContainerInfo', min(runs, 30), @() SeedGetContainerInfo(containerName, cli));
        Samples('seed ExecInContainer true', min(runs, 30), @() SeedExec(containerName, cli));
    case 'wait'
        cpuStart = CpuSeconds();
        waitStart = tic;
        bst_containers('ExecInContainer', containerName, 'sleep 10');
        fprintf('cpu wait: %.4f\n', (CpuSeconds() - cpuStart) / toc(waitStart) * 100);
        cpuStart = CpuSeconds();
        waitStart = tic;
        javaMethod('sleep', 'java.lang.Thread', int64(10000));
        fprintf('cpu idle: %.4f\n', (CpuSeconds() - cpuStart) / toc(waitStart) * 100);
end
end

function Samples(name, runs, call)
samples = zeros(1, runs);
for iRun = 1:runs
    runStart = tic;
    call();
    samples(iRun) = toc(runStart) * 1000;
end
fprintf('samples %s:%s\n', name, sprintf(' %.4f', samples));
end

function RoundTrip(output, reader, line)
output.write(line);
output.flush();
reader.readLine();
end

function seconds = CpuSeconds()
stat = fileread('/proc/self/stat');
fields = strsplit(stat(find(stat == ')', 1, 'last') + 2:end), ' ');
seconds = (str2double(fields{12}) + str2double(fields{13})) / 100;  % utime + stime, in clock ticks
end

function SeedGetContainerInfo(name, cli)
[~, ~] = system(['which ' cli]);
[~, ~] = system([cli ' info']);
[~, ~] = system([cli ' inspect ' name ' --format "{{.Name}}"']);
[~, ~] = system([cli ' inspect ' name ' --format "{{.State.Status}} # {{.HostConfig.Binds}} # {{.Image}}"']);
end

function SeedExec(name, cli)
SeedGetContainerInfo(name, cli);  % the seed checks the container is running first
[~, ~] = system([cli ' exec ' name ' sh -c ''true''']);
end

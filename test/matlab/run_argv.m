function [status, output] = run_argv(argv)
% Runs a program with an argument list, no shell: for checks from outside the shim (docker CLI).
builder = javaObject('java.lang.ProcessBuilder', argv);
builder.redirectErrorStream(true);
process = builder.start();
reader = javaObject('java.io.BufferedReader', javaObject('java.io.InputStreamReader', process.getInputStream(), 'UTF-8'));
lines = {};
line = reader.readLine();
while ~(isnumeric(line) && isempty(line))  % Java null ends the output
    lines{end+1} = char(line); %#ok<AGROW>
    line = reader.readLine();
end
status = process.waitFor();
output = strjoin(lines, "\n");
end

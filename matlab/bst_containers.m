function varargout = bst_containers(method, varargin)
% BST_CONTAINERS: Manage containers for container-based plugins in Brainstorm
%
% USAGE:
% [errMsg, engineName] = bst_containers('GetEngine', [engineName])
% [errMsg, imageList] = bst_containers('GetImages')          % N×3 cell {Name:Tag, ImageSHA, ManifestSHA}
% [errMsg, imageSha] = bst_containers('ImportImage', imageSource, [imageTag])
% [errMsg, cmdout] = bst_containers('RunContainer', containerName, imageSha, [volumes], [isDaemon], [containerArgs])
% [errMsg, cmdout] = bst_containers('ExecInContainer', containerName, cmdStr)
% [errMsg, containerInfo] = bst_containers('GetContainerInfo', containerName)
% errMsg = bst_containers('StopContainer', containerName, [isForced=0])
% errMsg = bst_containers('RemoveImage', imageSha/Name, [isForced=0])
% [errMsg, manifestSha] = bst_containers('GetOnlineManifest', imageSource)
%
% This version forwards every call to the bst-containers bridge, started once per MATLAB session
% and kept running: the single executable for this computer, bin/bst-containers-<os>-<arch>
% (os linux|darwin|win, arch x64|arm64, .exe on Windows) next to this file, else
% ../dist/bin/ (a clone of the repository, after npm run dist); else the bundle
% ../dist/bst-containers.js run by Node.js 22.19 or newer. On macOS a binary the system refuses
% to start for want of a valid signature is signed once for this Mac (codesign --sign -).
% The bridge must be version 0.1.0 or newer (checked once at start).
%
% SETTINGS:
% bst_containers('SetBridge', bridgePath, [nodePath])  % Use another bridge, or node and the bundle
%    Environment variables BST_CONTAINERS_BRIDGE and BST_CONTAINERS_NODE do the same ('': default).
%    A bridgePath ending in .js runs under node ('node' from the PATH unless nodePath is given);
%    any other path is run as the executable itself; a nodePath alone means node and the bundle.
% bridgePath = bst_containers('BridgePath')           % The bridge the next start runs
% bst_containers('StopBridge')                         % End the bridge (the next call starts it)
% logPath = bst_containers('BridgeLog')                % File that receives the bridge's stderr

% @=============================================================================
% This function is part of the Brainstorm software:
% https://neuroimage.usc.edu/brainstorm
%
% Copyright (c) University of Southern California & McGill University
% This software is distributed under the terms of the GNU General Public License
% as published by the Free Software Foundation. Further details on the GPLv3
% license can be found at http://www.gnu.org/copyleft/gpl.html.
%
% FOR RESEARCH PURPOSES ONLY. THE SOFTWARE IS PROVIDED "AS IS," AND THE
% UNIVERSITY OF SOUTHERN CALIFORNIA AND ITS COLLABORATORS DO NOT MAKE ANY
% WARRANTY, EXPRESS OR IMPLIED, INCLUDING BUT NOT LIMITED TO WARRANTIES OF
% MERCHANTABILITY AND FITNESS FOR A PARTICULAR PURPOSE, NOR DO THEY ASSUME ANY
% LIABILITY OR RESPONSIBILITY FOR THE USE OF THIS SOFTWARE.
%
% For more information type "brainstorm license" at command prompt.
% =============================================================================@
%
% Authors: Raymundo Cassani, 2026
% Takfarinas Medani, 2026

% Each method: its output besides errMsg, that output when the call fails, what it shows while it runs.
% The arguments go to the bridge by position, as they came: the bridge applies the defaults.
persistent methodTable
if isempty(methodTable)
    methodTable = {
        'GetEngine',         'engineName',    '',          ''
        'GetImages',         'imageList',     cell(0, 3),  ''
        'ImportImage',       'imageSha',      '',          'progress'
        'RunContainer',      'cmdout',        '',          'output'
        'ExecInContainer',   'cmdout',        '',          'output'
        'GetContainerInfo',  'containerInfo', struct('name', '', 'isRunning', 0, 'volumes', [], 'imageSha', ''), ''
        'StopContainer',     '',              [],          ''
        'RemoveImage',       '',              [],          ''
        'GetOnlineManifest', 'manifestSha',   '',          ''};
end
switch method
    case {'SetBridge', 'StopBridge'}
        % SetBridge sets the environment variables the next bridge starts with ('': the default)
        names = {'BST_CONTAINERS_BRIDGE', 'BST_CONTAINERS_NODE'};
        for iArg = 1:numel(varargin)
            setenv(names{iArg}, varargin{iArg});
        end
        StopBridge();
        return;
    case 'BridgeLog'
        varargout{1} = BridgeLogPath();
        return;
    case 'BridgePath'
        [command, varargout{1}] = BridgeCommand();
        return;
end
iMethod = find(strcmp(methodTable(:, 1), method));
if isempty(iMethod)
    error('bst_containers: unknown method %s; see help bst_containers', method);
end
[field, value, feedback] = methodTable{iMethod, 2:4};
[id, bridge, isBrainstorm] = State('newRequest');
named = struct();
if ~isempty(feedback)
    named.progressToken = id;
end
if isBrainstorm
    named.engine = bst_get('ContainerEngine');
    if strcmp(method, 'RunContainer')
        named.useGpu = bst_get('ContainerUseGpu');
    end
end
[errMsg, result] = CallBridge(method, varargin, named, feedback, id, bridge);
if isempty(errMsg) && isfield(result, field)
    value = result.(field);
    if strcmp(field, 'imageList')
        value = ToCellMatrix(value, 3);
    elseif strcmp(field, 'containerInfo')
        value = struct('name', value.name, 'isRunning', double(value.isRunning), ...
            'volumes', {ToCellMatrix(value.volumes, 2)}, 'imageSha', value.imageSha);
    end
end
% The engine found by auto-detection becomes Brainstorm's choice, as Brainstorm's own version does
if strcmp(method, 'GetEngine') && isempty(errMsg) && isBrainstorm ...
        && (nargin < 2 || isempty(varargin{1}) || strcmpi(varargin{1}, 'auto-detect'))
    bst_set('ContainerEngine', value);
end
varargout = {errMsg, value};
varargout = varargout(1:1 + ~isempty(field));
end

function [errMsg, result] = CallBridge(method, args, named, feedback, id, bridge)
% Sends one request and waits for its answer; Ctrl+C (or an error) while it waits cancels it.
result = struct();
% MATLAB's [] and '' mean "not given": null, and the bridge applies the default
args(cellfun('isempty', args)) = {[]};
if numfields(named) > 0
    args{end + 1} = named;
end
request = ['{"jsonrpc":"2.0","id":', sprintf('%d', id), ',"method":"', method, '","params":', ToJson(args), '}'];
errMsg = WriteLine(bridge, request);
if ~isempty(errMsg)
    % No bridge yet, or it stopped since the last call: start one, once, and send it the request
    StopBridge();
    [errMsg, bridge] = StartBridge(request);
end
if ~isempty(errMsg)
    return;
end
cleanupObj = onCleanup(@() Interrupted(id, method, args));
progress = struct('lastPercent', -1, 'isStarted', 0);
wait = 0.005;
while true
    [line, wait] = NextLine(bridge, wait);
    if ~ischar(line) && ~isempty(line)
        errMsg = ['The bst-containers bridge stopped unexpectedly. ', BridgeLogTail(bridge)];
        break;
    elseif isempty(line)
        continue;
    end
    message = jsondecode(line);
    if isfield(message, 'method')
        progress = ShowFeedback(message, id, feedback, progress);
    elseif isfield(message, 'id') && isscalar(message.id) && message.id == id
        if isfield(message, 'error')
            errMsg = message.error.message;
            % Internal error: the bridge is going down; the next call starts a fresh one
            if message.error.code == -32603
                StopBridge();
            end
        else
            result = message.result;
        end
        break;
    end
    % Anything else is the late answer of a cancelled request: skip it
end
State('pendingId', 0);
if progress.isStarted
    bst_progress('stop');
end
end

function [line, wait] = NextLine(bridge, wait)
% The next line the bridge wrote, else [] or 0 if it has stopped. A new wait polls the pipe for the
% time given, yielding the core in between: a handoff between threads costs more than a quick call.
% Then a pool thread reads: for 0.5 s the wait sleeps in Java, waking when the line is read, then
% checks less and less often (up to every 0.5 s), pausing in between, but at least every 80 ms.
line = [];
if ~isstruct(wait)
    wait = struct('start', tic, 'spin', wait, 'future', bridge.pending.get());
end
if isempty(wait.future)
    isReady = bridge.reader.ready();
    while ~isReady && toc(wait.start) < wait.spin
        javaMethod('yield', 'java.lang.Thread');  % on few cores, the bridge and the engine need this one
        isReady = bridge.reader.ready();
    end
    if isReady
        line = char(bridge.reader.readLine());
        wait = 0;
        return;
    end
    % One statement, so that an interrupt cannot leave a read going that nobody knows of
    bridge.pending.set(bridge.reads.submit(bridge.readLine));
    wait.future = bridge.pending.get();
end
elapsed = toc(wait.start);
if elapsed < 0.5
    bridge.lines.poll(int64(50), bridge.milliseconds);
elseif ~wait.future.isDone()
    delay = min(0.5, elapsed / 4);
    nSteps = ceil(delay / 0.08);
    for iStep = 1:nSteps
        pause(delay / nSteps);
    end
end
if wait.future.isDone()
    line = wait.future.get();
    bridge.pending.set([]);
    wait = 0;
    if isnumeric(line)  % Java null: the end of the stream
        line = 0;
    end
end
end

function progress = ShowFeedback(message, id, feedback, progress)
if ~isfield(message, 'params') || ~isfield(message.params, 'token') || ~isequal(message.params.token, id)
    return;
elseif strcmp(message.method, 'bst/output') && strcmp(feedback, 'output')
    fprintf('%s', message.params.text);
elseif strcmp(message.method, '$/progress')
    value = message.params.value;
    isPercent = isfield(value, 'percentage');
    if strcmp(value.kind, 'begin') && State('isBrainstorm')
        bst_progress('start', 'Container image', value.title, 0, 100);
        progress.isStarted = 1;
    elseif strcmp(value.kind, 'begin')
        fprintf('BST> %s\n', value.title);
    elseif isPercent && State('isBrainstorm')
        bst_progress('set', value.percentage);
    elseif isPercent && value.percentage >= progress.lastPercent + 10
        fprintf('BST> %d%%\n', value.percentage);
        progress.lastPercent = value.percentage;
    end
end
end

function Interrupted(id, method, args)
% Runs when the call ends; it still waits for its answer only after Ctrl+C or an error.
[pendingId, bridge, isBrainstorm] = State('pendingId');
if pendingId ~= id
    return;
end
State('pendingId', 0);
try
    WriteLine(bridge, ['{"jsonrpc":"2.0","method":"$/cancelRequest","params":{"id":', sprintf('%d', id), '}}']);
    % Wait for the bridge to confirm, so the work has stopped in the engine
    [wait, waitStart] = deal(0, tic);
    while toc(waitStart) < 5
        [line, wait] = NextLine(bridge, wait);
        if ~isempty(line) && (~ischar(line) || ~isempty(regexp(line, sprintf('"id":%d[,}]', id), 'once')))
            break;
        end
    end
catch
end
% What Brainstorm's own version does when a process in a container is interrupted
if strcmp(method, 'ExecInContainer') && isBrainstorm
    bst_plugin('Unload', regexprep(args{1}, '^bst_', ''));
    bst_error('The process running in the container was interrupted', 'Container', 0);
end
end

function [errMsg, bridge] = StartBridge(request)
% Starts the bridge, checks its version, then sends it the request. On macOS a binary killed at
% once (SIGKILL: exit code 137) lacks a valid signature: it is signed for this Mac and started again.
minVersion = '0.1.0';  % the oldest bridge this shim works with: the one that answers GetVersion
[command, bridgePath] = BridgeCommand();
bridge = [];
if exist(bridgePath, 'file') ~= 2
    errMsg = ['The bst-containers bridge was not found at ', bridgePath, '. Reinstall bst_containers ', ...
        'with its bin folder, build it (npm run dist), or set its path with bst_containers(''SetBridge'', path) or BST_CONTAINERS_BRIDGE.'];
    return;
end
isBinary = isscalar(command);
platform = Platform();
bridgeFile = javaObject('java.io.File', bridgePath);
if isBinary && ~strcmp(platform, 'win') && ~bridgeFile.canExecute()
    bridgeFile.setExecutable(true);  % an unzip may have dropped the execute bit
end
for attempt = 1:2
    [errMsg, bridge, exitCode] = StartProcess(command, isBinary);
    if ~isempty(errMsg) || exitCode ~= 137 || ~isBinary || ~strcmp(platform, 'darwin') || attempt > 1
        break;
    end
    fprintf('BST> macOS refused to run %s (no valid signature): signing it for this Mac (codesign --sign - --force)\n', bridgePath);
    errMsg = RunProgram({'codesign', '--sign', '-', '--force', bridgePath});
    if ~isempty(errMsg)
        break;
    end
end
version = 'no version';
if isempty(errMsg) && isstruct(bridge.answer) && isfield(bridge.answer, 'result') && isfield(bridge.answer.result, 'version')
    version = bridge.answer.result.version;
end
if isempty(errMsg) && exitCode >= 0
    errMsg = ['The bst-containers bridge ', bridgePath, ' stopped before answering (exit code ', sprintf('%d', exitCode), ').'];
    if isBinary
        errMsg = [errMsg, ' The file may be damaged or built for another system: reinstall bst_containers with its bin folder.'];
    end
    errMsg = [errMsg, ' ', BridgeLogTail(bridge)];
elseif isempty(errMsg) && [1e6, 1e3, 1] * (VersionParts(version) - VersionParts(minVersion)) < 0
    errMsg = ['The bst-containers bridge ', bridgePath, ' is older than this shim expects (', ...
        minVersion, ' or newer; it reports ', version, '): install the bridge that comes with this bst_containers.m.'];
end
if ~isempty(errMsg)
    try
        bridge.process.destroy();
    catch
    end
    bridge = [];
    return;
end
State('bridge', bridge);
errMsg = WriteLine(bridge, request);
end

function [errMsg, bridge, exitCode] = StartProcess(command, isBinary)
% Starts the bridge and asks its version (bridge.answer: the decoded answer). exitCode: -1 while it
% runs, else the code it exited with before answering (128 + N after signal N).
[errMsg, bridge, exitCode] = deal('', [], -1);
logFile = javaObject('java.io.File', BridgeLogPath());
logStart = logFile.length();
try
    builder = javaObject('java.lang.ProcessBuilder', command);
    builder.redirectError(javaMethod('appendTo', 'java.lang.ProcessBuilder$Redirect', logFile));
    process = builder.start();
catch err
    if isBinary && strcmp(Platform(), 'win')
        errMsg = ['The bst-containers bridge ', command{1}, ' cannot be started: reinstall bst_containers with its bin folder. (', strtrim(err.message), ')'];
    elseif isBinary
        errMsg = ['The bst-containers bridge ', command{1}, ' cannot be started: make it executable (chmod +x ', command{1}, ...
            ') or reinstall bst_containers with its bin folder. (', strtrim(err.message), ')'];
    else
        errMsg = ['Node.js was not found (', command{1}, '): install Node.js 22.19 or newer (https://nodejs.org), ', ...
            'or give its path with bst_containers(''SetBridge'', bundlePath, nodePath) or BST_CONTAINERS_NODE. (', ...
            strtrim(err.message), ')'];
    end
    return;
end
reader = javaObject('java.io.BufferedReader', javaObject('java.io.InputStreamReader', process.getInputStream(), 'UTF-8'));
% A pool thread (a daemon: it never keeps MATLAB from exiting) reads a line when asked, and its
% future lands in 'lines'; EventHandler makes reader.readLine() a Callable without a compiled class.
lines = javaObject('java.util.concurrent.LinkedBlockingQueue');
output = process.getOutputStream();
bridge = struct('process', process, 'output', output, 'reader', reader, 'logStart', logStart, 'lines', lines, ...
    'reads', javaObject('java.util.concurrent.ExecutorCompletionService', javaObject('java.util.concurrent.ForkJoinPool', 1), lines), ...
    'readLine', javaMethod('create', 'java.beans.EventHandler', javaMethod('forName', 'java.lang.Class', 'java.util.concurrent.Callable'), reader, 'readLine'), ...
    'pending', javaObject('java.util.concurrent.atomic.AtomicReference'), ...
    'milliseconds', javaMethod('valueOf', 'java.util.concurrent.TimeUnit', 'MILLISECONDS'), ...
    ... % Closing the bridge's stdin ends it: on 'clear bst_containers', 'clear all' after munlock,
    ... % and when MATLAB exits (an anonymous function: Octave cannot call a subfunction at exit)
    'closer', onCleanup(@() output.close()), 'answer', []);
% Once, before any engine is looked for; a bridge older than GetVersion answers -32601. A binary
% that cannot run exits at once; one that hangs is given up after 20 s.
WriteLine(bridge, '{"jsonrpc":"2.0","id":0,"method":"GetVersion"}');
[wait, waitStart, line] = deal(0.005, tic, []);
while isempty(line) && toc(waitStart) < 20
    [line, wait] = NextLine(bridge, wait);
end
if ischar(line)
    try
        bridge.answer = jsondecode(line);
    catch
    end
elseif ~isempty(line) && process.waitFor(int64(2000), bridge.milliseconds)
    exitCode = process.exitValue();
end
if ~ischar(line) && exitCode < 0  % still running, and no answer within 20 s (or its output closed)
    errMsg = ['The bst-containers bridge ', command{end}, ' did not answer within 20 s: ', ...
        'reinstall bst_containers with its bin folder. ', BridgeLogTail(bridge)];
end
end

function [command, bridgePath] = BridgeCommand()
% What the next start runs: the path set (a .js under node), else the single executable for this
% platform in bin/ then ../dist/bin/, else the bundle under node. A node set alone means the bundle.
[bridgePath, nodePath] = deal(getenv('BST_CONTAINERS_BRIDGE'), getenv('BST_CONTAINERS_NODE'));
shimFolder = fileparts(mfilename('fullpath'));
[os, arch] = Platform();
name = ['bst-containers-', os, '-', arch, repmat('.exe', 1, strcmp(os, 'win'))];
folders = {fullfile(shimFolder, 'bin'), fullfile(fileparts(shimFolder), 'dist', 'bin')};
for iFolder = 1:numel(folders)
    if isempty(bridgePath) && isempty(nodePath) && ~isempty(os) && ~isempty(arch) ...
            && exist(fullfile(folders{iFolder}, name), 'file') == 2
        bridgePath = fullfile(folders{iFolder}, name);
    end
end
if isempty(bridgePath)
    bridgePath = fullfile(fileparts(shimFolder), 'dist', 'bst-containers.js');
end
command = {bridgePath};
if numel(bridgePath) > 3 && strcmpi(bridgePath(end-2:end), '.js')
    command = {nodePath, bridgePath};
    if isempty(nodePath)
        command{1} = 'node';
    end
end
end

function [os, arch] = Platform()
% os and arch of the binaries' names, from MATLAB's computer('arch') (glnxa64, maci64, maca64,
% win64) or Octave's computer() triplet (x86_64-pc-linux-gnu, aarch64-apple-darwin23, ...); '' if unknown
if exist('OCTAVE_VERSION', 'builtin')
    name = computer();
else
    name = computer('arch');
end
names = {'linux', 'glnx|linux'; 'darwin', '^mac|apple|darwin'; 'win', '^win|mingw|cygwin|msys|windows'};
iOs = find(~cellfun('isempty', regexp(name, names(:, 2), 'once')), 1);
os = [names{iOs, 1}, ''];
names = {'arm64', 'maca64|aarch64|arm64'; 'x64', 'glnxa64|maci64|win64|x86_64|amd64'};
iArch = find(~cellfun('isempty', regexp(name, names(:, 2), 'once')), 1);
arch = [names{iArch, 1}, ''];
end

function parts = VersionParts(version)
% [major, minor, patch]' of 'major.minor.patch[-pre]', missing parts 0
parts = [sscanf(version, '%d.%d.%d'); 0; 0; 0];
parts = parts(1:3);
end

function errMsg = RunProgram(argv)
% Runs a program (no shell), its output into the bridge's log; '' when it succeeds
errMsg = '';
logFile = javaObject('java.io.File', BridgeLogPath());
logStart = logFile.length();
try
    builder = javaObject('java.lang.ProcessBuilder', argv);
    builder.redirectErrorStream(true);
    builder.redirectOutput(javaMethod('appendTo', 'java.lang.ProcessBuilder$Redirect', logFile));
    exitCode = builder.start().waitFor();
catch err
    exitCode = strtrim(err.message);
end
if ~isequal(exitCode, 0)
    errMsg = [argv{1}, ' failed (', num2str(exitCode), '): ', BridgeLogTail(struct('logStart', logStart))];
end
end

function StopBridge()
bridge = State('bridge');
try
    % The bridge exits by itself within 1 s once its stdin is closed (and if there is none, this fails)
    bridge.output.close();
    bridge.process.waitFor(int64(2000), bridge.milliseconds);
    bridge.process.destroy();
catch
end
State('bridge', []);
end

function logPath = BridgeLogPath()
logPath = fullfile(tempdir, 'bst-containers-bridge.log');
end

function text = BridgeLogTail(bridge)
% What the bridge wrote on stderr since it started (the reason it stopped), and where
text = '';
try
    fid = fopen(BridgeLogPath(), 'r');
    fseek(fid, bridge.logStart, 'bof');
    text = strtrim(fread(fid, [1, Inf], '*char'));
    fclose(fid);
catch
end
text = [text(max(1, end - 1999):end), ' (', BridgeLogPath(), ')'];
end

function [value, bridge, isBrainstorm] = State(name, newValue)
% What this session keeps, locked in memory against 'clear all': the bridge (2nd output), the last
% request's number, the one waited for (0: none; Ctrl+C cancels only that one), whether Brainstorm
% runs (3rd output; exist() is slow: asked once)
persistent state
if isempty(state)
    mlock;
    state = struct('bridge', [], 'lastId', 0, 'pendingId', 0, ...
        'isBrainstorm', exist('bst_get', 'file') > 0 && exist('bst_set', 'file') > 0);
end
if nargin >= 2
    state.(name) = newValue;
elseif strcmp(name, 'newRequest')  % numbers it, and it becomes the one waited for
    state.lastId = state.lastId + 1;
    state.pendingId = state.lastId;
    name = 'lastId';
end
value = state.(name);
bridge = state.bridge;
isBrainstorm = state.isBrainstorm;
end

function errMsg = WriteLine(bridge, line)
errMsg = '';
try
    bytes = uint8(line);  % Octave's char arrays already hold UTF-8
    if ~exist('OCTAVE_VERSION', 'builtin')
        bytes = unicode2native(line, 'UTF-8');
    end
    bridge.output.write(typecast([bytes, uint8(10)], 'int8'));
    bridge.output.flush();
catch err
    errMsg = ['Cannot write to the bst-containers bridge: ', strtrim(err.message)];
end
end

function json = ToJson(value)
% Encodes what the shim sends the same way in MATLAB and Octave: a cell is a JSON array (a 2-D
% cell, such as N×2 volumes, an array of its rows), a struct an object, [] null.
if ischar(value)
    json = strrep(strrep(value, '\', '\\'), '"', '\"');
    controls = find(json < 32);
    for iChar = controls(end:-1:1)
        json = [json(1:iChar-1), sprintf('\\u%04x', double(json(iChar))), json(iChar+1:end)];
    end
    json = ['"', json, '"'];
elseif (isnumeric(value) || islogical(value)) && isscalar(value)
    json = sprintf('%.17g', value);  % the bridge takes 1 and 0 for true and false
elseif iscellstr(value) && isrow(value) && ~isempty(value) && ~any([value{:}] < 32)  % the usual arguments, at once
    json = strrep(strrep(value, '\', '\\'), '"', '\"');
    json = sprintf(',"%s"', json{:});
    json = ['[', json(2:end), ']'];
elseif iscell(value)
    if size(value, 1) > 1 && size(value, 2) > 1
        value = num2cell(value, 2);
    end
    parts = cellfun(@ToJson, value(:)', 'UniformOutput', false);
    json = sprintf(',%s', parts{:});
    json = ['[', json(2:end), ']'];
elseif isstruct(value) && isscalar(value)
    pairs = [fieldnames(value)'; cellfun(@ToJson, struct2cell(value)', 'UniformOutput', false)];
    json = sprintf(',"%s":%s', pairs{:});
    json = ['{', json(2:end), '}'];
elseif isempty(value)
    json = 'null';
else
    error('bst_containers: cannot encode a %s of size %s', class(value), mat2str(size(value)));
end
end

function matrix = ToCellMatrix(decoded, nColumns)
% jsondecode gives each row as a cell of strings (in MATLAB and Octave, row or column), [] for none
matrix = cell(0, nColumns);
if iscellstr(decoded)
    matrix = reshape(decoded, nColumns, [])';
elseif ~isempty(decoded)
    matrix = reshape([decoded{:}], nColumns, [])';
end
end

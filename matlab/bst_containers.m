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
% and kept running: bin/bst-containers-<os>-<arch> next to this file (os linux|darwin|win, arch
% x64|arm64, .exe on Windows), else ../dist/bin/ (a clone, after npm run dist), else the bundle
% ../dist/bst-containers.js under Node.js 22.19 or newer. On macOS, a binary refused for want of a
% valid signature is signed for this Mac (codesign --sign -). The bridge must be 0.1.0 or newer.
%
% SETTINGS:
% bst_containers('SetBridge', bridgePath, [nodePath])  % Use another bridge, or node and the bundle
%    Environment variables BST_CONTAINERS_BRIDGE and BST_CONTAINERS_NODE do the same ('': default).
%    A .js runs under node (nodePath, else 'node' from the PATH), any other path as the executable
%    itself; a nodePath alone means node and the bundle.
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
% Something the user should know once, such as a GPU asked for on a computer without one
if isempty(errMsg) && isfield(result, 'notice')
    fprintf('BST> %s\n', result.notice);
end
if isempty(errMsg) && isfield(result, field)
    value = result.(field);
    if strcmp(field, 'imageList')
        value = ToCellMatrix(value, 3);
    elseif strcmp(field, 'containerInfo')
        value = struct('name', value.name, 'isRunning', double(value.isRunning), ...
            'volumes', {ToCellMatrix(value.volumes, 2)}, 'imageSha', value.imageSha);
    end
end
% The engine found by auto-detection becomes Brainstorm's choice, as Brainstorm's own version does,
% if it is one Brainstorm offers: its options panel breaks on other names
if strcmp(method, 'GetEngine') && isempty(errMsg) && isBrainstorm ...
        && (nargin < 2 || isempty(varargin{1}) || strcmpi(varargin{1}, 'auto-detect'))
    [~, offered] = bst_get('ContainerEngine');
    if iscellstr(offered) && any(strcmp(offered, value))
        bst_set('ContainerEngine', value);
    end
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
        % A bar already open (the plugin manager's, a process's) is updated and left open, with its
        % title; only a bar of its own is opened and closed, as Brainstorm's download helper does
        progress.isStarted = ~bst_progress('isVisible');
        if progress.isStarted
            bst_progress('start', 'Container image', value.title, 0, 100);
        else
            bst_progress('text', value.title);
        end
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

function [errMsg, bridge] = StartBridge(request, isSigned)
% The version is asked once, before any engine is looked for (a bridge older than GetVersion
% answers -32601); versions compare as strings of zero-padded parts.
minVersion = '0.1.0';  % the oldest bridge this shim works with: the one that answers GetVersion
versionKey = @(version) sprintf('%06d', sscanf([version, '.0.0'], '%d.%d.%d', 3));
[command, bridgePath, os] = BridgeCommand();
[bridge, isBinary] = deal([], isscalar(command));
[bad, reinstall] = deal(['The bst-containers bridge ', bridgePath], 'reinstall bst_containers with its bin folder');
if exist(bridgePath, 'file') ~= 2
    errMsg = ['The bst-containers bridge was not found at ', bridgePath, ': ', reinstall, ', build it (npm run dist), ', ...
        'or set its path with bst_containers(''SetBridge'', path) or BST_CONTAINERS_BRIDGE.'];
    return;
end
[bridgeFile, logFile] = deal(javaObject('java.io.File', bridgePath), javaObject('java.io.File', BridgeLogPath()));
if isBinary && ~strcmp(os, 'win') && ~bridgeFile.canExecute()
    bridgeFile.setExecutable(true);  % an unzip may have dropped the execute bit
end
logStart = logFile.length();
try
    builder = javaObject('java.lang.ProcessBuilder', command);
    builder.redirectError(javaMethod('appendTo', 'java.lang.ProcessBuilder$Redirect', logFile));
    process = builder.start();
catch err
    if ~isBinary
        errMsg = ['Node.js was not found (', command{1}, '): install Node.js 22.19 or newer (https://nodejs.org), ', ...
            'or give its path with bst_containers(''SetBridge'', bundlePath, nodePath) or BST_CONTAINERS_NODE.'];
    elseif strcmp(os, 'win')
        errMsg = [bad, ' cannot be started: ', reinstall, '.'];
    else
        errMsg = [bad, ' cannot be started: make it executable (chmod +x ', bridgePath, ') or ', reinstall, '.'];
    end
    errMsg = [errMsg, ' (', strtrim(err.message), ')'];
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
    'closer', onCleanup(@() output.close()));
WriteLine(bridge, '{"jsonrpc":"2.0","id":0,"method":"GetVersion"}');
[wait, waitStart, line, exitCode, errMsg] = deal(0.005, tic, [], -1, '');
while isempty(line) && toc(waitStart) < 20  % a binary that cannot run exits at once; one that hangs is given up
    [line, wait] = NextLine(bridge, wait);
end
if ~ischar(line) && ~isempty(line) && process.waitFor(int64(2000), bridge.milliseconds)
    exitCode = process.exitValue();  % 128 + N after signal N
end
try
    answer = jsondecode(line);
    version = answer.result.version;
catch
    version = 'no version';
end
% macOS kills a binary without a valid signature at once (SIGKILL): it is signed for this Mac, once
if exitCode == 137 && isBinary && strcmp(os, 'darwin') && nargin < 2
    fprintf('BST> macOS refused to run %s (no valid signature): signing it for this Mac (codesign --sign - --force)\n', bridgePath);
    try  % no shell; its messages go to the log too
        builder.command({'codesign', '--sign', '-', '--force', bridgePath});
        signed = builder.start().waitFor();
    catch err
        signed = strtrim(err.message);
    end
    if isequal(signed, 0)
        [errMsg, bridge] = StartBridge(request, true);
        return;
    end
    errMsg = ['codesign failed (', num2str(signed), '): ', BridgeLogTail(bridge)];
elseif exitCode >= 0
    errMsg = [bad, ' stopped before answering (exit code ', sprintf('%d', exitCode), ').'];
    if isBinary
        errMsg = [errMsg, ' The file may be damaged or built for another system: ', reinstall, '.'];
    end
    errMsg = [errMsg, ' ', BridgeLogTail(bridge)];
elseif ~ischar(line)  % still running, and no answer within 20 s (or its output closed)
    errMsg = [bad, ' did not answer within 20 s: ', reinstall, '. ', BridgeLogTail(bridge)];
elseif ~issorted({versionKey(minVersion), versionKey(version)})
    errMsg = [bad, ' is older than this shim expects (', minVersion, ' or newer; it reports ', version, ...
        '): install the bridge that comes with this bst_containers.m.'];
end
if ~isempty(errMsg)
    process.destroy();
    bridge = [];
    return;
end
State('bridge', bridge);
errMsg = WriteLine(bridge, request);
end

function [command, bridgePath, os] = BridgeCommand()
% os and arch name the binaries, from MATLAB's computer('arch') (glnxa64, maci64, maca64, win64) or
% Octave's computer() triplet (x86_64-pc-linux-gnu, aarch64-apple-darwin23, ...); '' if unknown.
[bridgePath, nodePath, platform] = deal(getenv('BST_CONTAINERS_BRIDGE'), getenv('BST_CONTAINERS_NODE'), computer());
if ~exist('OCTAVE_VERSION', 'builtin')
    platform = computer('arch');
end
names = {'linux', 'glnx|linux'; 'darwin', '^mac|apple|darwin'; 'win', '^win|mingw|cygwin|msys|windows'};
os = [names{find(~cellfun('isempty', regexp(platform, names(:, 2), 'once')), 1), 1}, ''];
names = {'arm64', 'maca64|aarch64|arm64'; 'x64', 'glnxa64|maci64|win64|x86_64|amd64'};
arch = [names{find(~cellfun('isempty', regexp(platform, names(:, 2), 'once')), 1), 1}, ''];
[shimFolder, name] = deal(fileparts(mfilename('fullpath')), ['bst-containers-', os, '-', arch, repmat('.exe', 1, strcmp(os, 'win'))]);
dist = fullfile(fileparts(shimFolder), 'dist');
if isempty(bridgePath) && isempty(nodePath) && ~isempty(os) && ~isempty(arch)  % a node set alone means the bundle
    binaries = {fullfile(shimFolder, 'bin', name), fullfile(dist, 'bin', name)};
    bridgePath = [binaries{find(cellfun(@(path) exist(path, 'file') == 2, binaries), 1)}, ''];
end
if isempty(bridgePath)
    bridgePath = fullfile(dist, 'bst-containers.js');
end
command = {bridgePath};
if numel(bridgePath) > 3 && strcmpi(bridgePath(end-2:end), '.js')
    command = {nodePath, bridgePath};
end
command(cellfun('isempty', command)) = {'node'};  % from the PATH, unless set
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
% The user's own: in a shared temp folder another user's log of that name would refuse this bridge
folder = getenv('XDG_RUNTIME_DIR');
if isempty(folder) || ~exist(folder, 'dir')
    folder = tempdir;
end
user = char(javaMethod('getProperty', 'java.lang.System', 'user.name'));
logPath = fullfile(folder, ['bst-containers-bridge-', user, '.log']);
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

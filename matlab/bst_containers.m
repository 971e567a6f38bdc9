function varargout = bst_containers(varargin)
% BST_CONTAINERS: Manage containers for container-based plugins in Brainstorm
%
% USAGE:
% [errMsg, engineName] = bst_containers('GetEngine')
% [errMsg, imageList] = bst_containers('GetImages')
% [errMsg, imageSha] = bst_containers('ImportImage', imageSource, [imageTag])
% errMsg = bst_containers('RunContainer', containerName, imageSha, [volumes], [isDaemon], [containerArgs])
% [errMsg, cmdout] = bst_containers('ExecInContainer', containerName, cmdStr)
% [errMsg, containerInfo] = bst_containers('GetContainerInfo', containerName)
% errMsg = bst_containers('StopContainer', containerName, [isForced=0])
% errMsg = bst_containers('RemoveImage', imageSha/Name, [isForced=0])
% [errMsg, manifestSha] = bst_containers('GetOnlineManifest', imageSource)
%
% This version forwards every call to the bst-containers bridge (dist/bst-containers.js, run by
% Node.js 22.19 or newer), started once per MATLAB session and kept running.
%
% SETTINGS:
% bst_containers('SetBridge', bundlePath, [nodePath])  % Use another bridge bundle or node
%    Environment variables BST_CONTAINERS_BRIDGE and BST_CONTAINERS_NODE do the same.
%    Defaults: ../dist/bst-containers.js next to this file, and 'node' from the PATH.
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

if nargin < 1 || ~ischar(varargin{1})
    error('Usage: bst_containers(''Method'', ...); see help bst_containers');
end
args = varargin(2:end);
switch varargin{1}
    case 'GetEngine',         [varargout{1:max(nargout,1)}] = GetEngine(args{:});
    case 'GetImages',         [varargout{1:max(nargout,1)}] = GetImages(args{:});
    case 'ImportImage',       [varargout{1:max(nargout,1)}] = ImportImage(args{:});
    case 'RunContainer',      [varargout{1:max(nargout,1)}] = RunContainer(args{:});
    case 'ExecInContainer',   [varargout{1:max(nargout,1)}] = ExecInContainer(args{:});
    case 'GetContainerInfo',  [varargout{1:max(nargout,1)}] = GetContainerInfo(args{:});
    case 'StopContainer',     [varargout{1:max(nargout,1)}] = StopContainer(args{:});
    case 'RemoveImage',       [varargout{1:max(nargout,1)}] = RemoveImage(args{:});
    case 'GetOnlineManifest', [varargout{1:max(nargout,1)}] = GetOnlineManifest(args{:});
    case 'SetBridge',         SetBridge(args{:});
    case 'StopBridge',        StopBridge();
    case 'BridgeLog',         varargout{1} = BridgeLogPath();
    case 'TestHook',          [varargout{1:nargout}] = TestHook(args{:});
    otherwise
        error('bst_containers: unknown method %s', varargin{1});
end
end


%% ===== GET CONTAINER ENGINE =====
function [errMsg, engineName] = GetEngine(engineName)
% USAGE: [errMsg, engineName] = bst_containers('GetEngine')           % Find an engine; saved as the default
%        [errMsg, engineName] = bst_containers('GetEngine', engineName) % Test the requested engine
if nargin < 1 || isempty(engineName)
    engineName = 'auto-detect';
end
isAutoDetect = strcmpi(engineName, 'auto-detect');
[errMsg, result] = CallBridge('GetEngine', struct('engineName', engineName));
if ~isempty(errMsg)
    engineName = '';
    return;
end
engineName = result.engineName;
% Save the engine found as the default, as Brainstorm's own version does
if isAutoDetect && IsBrainstormRunning()
    bst_set('ContainerEngine', engineName);
end
end


%% ===== GET AVAILABLE IMAGES =====
function [errMsg, imageList] = GetImages()
% USAGE: [errMsg, imageList] = bst_containers('GetImages')  % imageList: N×3 {Name:Tag, ImageSHA, ManifestSHA}
imageList = cell(0, 3);
[errMsg, result] = CallBridge('GetImages', struct());
if isempty(errMsg)
    imageList = ToCellMatrix(result.imageList, 3);
end
end


%% ===== IMPORT IMAGE =====
function [errMsg, imageSha] = ImportImage(imageSource, imageTag)
% USAGE: [errMsg, imageSha] = bst_containers('ImportImage', imageSource, [imageTag])
imageSha = '';
params = struct('imageSource', imageSource);
if nargin >= 2 && ~isempty(imageTag)
    params.imageTag = imageTag;
end
[errMsg, result] = CallBridge('ImportImage', params, 'progress');
if isempty(errMsg)
    imageSha = result.imageSha;
end
end


%% ===== RUN CONTAINER =====
function [errMsg, cmdout] = RunContainer(containerName, imageSha, volumes, isDaemon, containerArgs)
% USAGE: errMsg = bst_containers('RunContainer', containerName, imageSha, volumes, isDaemon, containerArgs)
%        [errMsg, cmdout] = ...  % Output of a non-daemon run
cmdout = '';
params = struct('containerName', containerName, 'imageSha', imageSha);
if nargin >= 3 && iscell(volumes) && size(volumes, 2) == 2 && ~isempty(volumes)
    pairs = cell(1, size(volumes, 1));
    for iPair = 1:size(volumes, 1)
        pairs{iPair} = {volumes{iPair, 1}, volumes{iPair, 2}};
    end
    params.volumes = pairs;
end
params.isDaemon = nargin >= 4 && ~isempty(isDaemon) && logical(isDaemon);
if nargin >= 5 && ~isempty(containerArgs)
    params.containerArgs = containerArgs;
end
params.useGpu = IsGpuWanted();
[errMsg, result] = CallBridge('RunContainer', params, 'output');
if isempty(errMsg) && isfield(result, 'cmdout')
    cmdout = result.cmdout;
end
end


%% ===== EXECUTE COMMAND IN CONTAINER =====
function [errMsg, cmdout] = ExecInContainer(containerName, cmdStr)
% USAGE: [errMsg, cmdout] = bst_containers('ExecInContainer', containerName, cmdStr)
% The command's output is printed while it runs, and returned in cmdout.
cmdout = '';
% Ctrl+C (or an error) before the call returns: unload the plugin, as Brainstorm does
processState = containers.Map({'isInterruptCleanup'}, {1});
cleanupObj = onCleanup(@() ProcessInterrupted(containerName, processState));
[errMsg, result] = CallBridge('ExecInContainer', struct('containerName', containerName, 'cmdStr', cmdStr), 'output');
if isempty(errMsg)
    cmdout = result.cmdout;
end
processState('isInterruptCleanup') = 0;
end


%% ===== CHECK CONTAINER STATUS =====
function [errMsg, containerInfo] = GetContainerInfo(containerName)
% USAGE: [errMsg, containerInfo] = bst_containers('GetContainerInfo', containerName)
% containerInfo: struct with name, isRunning (0/1), volumes (N×2 cell {host, container}), imageSha
containerInfo = struct('name', '', 'isRunning', 0, 'volumes', [], 'imageSha', '');
[errMsg, result] = CallBridge('GetContainerInfo', struct('containerName', containerName));
if isempty(errMsg)
    info = result.containerInfo;
    containerInfo.name = info.name;
    containerInfo.isRunning = double(info.isRunning);
    containerInfo.volumes = ToCellMatrix(info.volumes, 2);
    containerInfo.imageSha = info.imageSha;
end
end


%% ===== STOP CONTAINER =====
function errMsg = StopContainer(containerName, isForced)
% USAGE: errMsg = bst_containers('StopContainer', containerName, [isForced=0])
if nargin < 2 || isempty(isForced)
    isForced = 0;
end
errMsg = CallBridge('StopContainer', struct('containerName', containerName, 'isForced', logical(isForced)));
end


%% ===== REMOVE IMAGE =====
function errMsg = RemoveImage(imageSha, isForced)
% USAGE: errMsg = bst_containers('RemoveImage', imageSha/Name, [isForced=0])
if nargin < 2 || isempty(isForced)
    isForced = 0;
end
errMsg = CallBridge('RemoveImage', struct('imageSha', imageSha, 'isForced', logical(isForced)));
end


%% ===== GET ONLINE MANIFEST DIGEST =====
function [errMsg, manifestSha] = GetOnlineManifest(imageSource)
% USAGE: [errMsg, manifestSha] = bst_containers('GetOnlineManifest', imageSource)
manifestSha = '';
[errMsg, result] = CallBridge('GetOnlineManifest', struct('imageSource', imageSource));
if isempty(errMsg)
    manifestSha = result.manifestSha;
end
end


%% ===== PROCESS INTERRUPTED =====
function ProcessInterrupted(containerName, processState)
if processState('isInterruptCleanup') && IsBrainstormRunning()
    bst_plugin('Unload', regexprep(containerName, '^bst_', ''));
    bst_error('The process running in the container was interrupted', 'Container', 0);
end
end


%% ===========================================================================
%  ===== THE BRIDGE ==========================================================
%  ===========================================================================

%% ===== CALL THE BRIDGE =====
function [errMsg, result] = CallBridge(method, params, feedback)
% Sends one request and waits for its answer, polling so that Ctrl+C can interrupt the wait.
% feedback: 'output' echoes the command's output live; 'progress' shows download/pull progress.
result = struct();
if nargin < 3
    feedback = '';
end
[errMsg, bridge] = GetBridge();
if ~isempty(errMsg)
    return;
end
if IsBrainstormRunning()
    params.engine = bst_get('ContainerEngine');
end
id = bridge.nextId;
bridge.nextId = id + 1;
BridgeStore(bridge);
if ~isempty(feedback)
    params.progressToken = id;
end
request = ['{"jsonrpc":"2.0","id":', sprintf('%d', id), ',"method":"', method, '","params":', ToJson(params), '}'];
errMsg = WriteLine(bridge, request);
if ~isempty(errMsg)
    % The bridge died since the last call: start it again, once
    StopBridge();
    [errMsg, bridge] = GetBridge();
    if ~isempty(errMsg)
        return;
    end
    errMsg = WriteLine(bridge, request);
    if ~isempty(errMsg)
        return;
    end
end
% Until the answer arrives, an interrupt (Ctrl+C) or an error cancels the request in the bridge
PendingRequest(id);
cancelObj = onCleanup(@() CancelIfPending(bridge, id));
[errMsg, result] = WaitForAnswer(bridge, id, feedback);
PendingRequest(0);
end


%% ===== WAIT FOR THE ANSWER =====
function [errMsg, result] = WaitForAnswer(bridge, id, feedback)
errMsg = '';
result = struct();
reader = bridge.reader;
process = bridge.process;
progressState = struct('lastPercent', -1, 'isStarted', 0);
idleLoops = 0;
while true
    if ~reader.ready()
        % Spin briefly for quick answers, then sleep: MATLAB handles Ctrl+C during pause
        idleLoops = idleLoops + 1;
        if idleLoops > 200 || mod(idleLoops, 20) == 0
            if ~process.isAlive()
                errMsg = ['The bst-containers bridge stopped unexpectedly. ', BridgeLogTail(bridge)];
                return;
            end
            CheckTestInterrupt();
        end
        if idleLoops > 200
            pause(0.002);
        end
        continue;
    end
    idleLoops = 0;
    line = char(reader.readLine());
    if isempty(line)
        continue;
    end
    message = jsondecode(line);
    if isfield(message, 'method')
        progressState = ShowFeedback(message, id, feedback, progressState);
    elseif isfield(message, 'id') && isequal(message.id, id)
        if progressState.isStarted && IsBrainstormRunning()
            bst_progress('stop');
        end
        if isfield(message, 'error')
            errMsg = message.error.message;
            if isempty(errMsg)
                errMsg = sprintf('bst-containers error %d', message.error.code);
            end
            % Internal error: the bridge may be going down (a fault it cannot recover from); the next call starts a fresh one
            if message.error.code == -32603
                StopBridge();
            end
        else
            result = message.result;
        end
        return;
    end
    % Anything else is the late answer of a cancelled request: skip it
end
end


%% ===== SHOW OUTPUT AND PROGRESS =====
function state = ShowFeedback(message, id, feedback, state)
if ~isfield(message, 'params') || ~isfield(message.params, 'token') || ~isequal(message.params.token, id)
    return;
end
switch message.method
    case 'bst/output'
        if strcmp(feedback, 'output')
            fprintf('%s', message.params.text);
        end
    case '$/progress'
        value = message.params.value;
        percent = -1;
        if isfield(value, 'percentage')
            percent = value.percentage;
        end
        if IsBrainstormRunning()
            if strcmp(value.kind, 'begin')
                bst_progress('start', 'Container image', value.title, 0, 100);
                state.isStarted = 1;
            elseif percent >= 0
                bst_progress('set', percent);
            end
        elseif strcmp(value.kind, 'begin')
            fprintf('BST> %s\n', value.title);
        elseif percent >= 0 && percent >= state.lastPercent + 10
            fprintf('BST> %d%%\n', percent);
            state.lastPercent = percent;
        end
end
end


%% ===== CANCEL A PENDING REQUEST =====
function CancelIfPending(bridge, id)
if PendingRequest() ~= id
    return;
end
PendingRequest(0);
try
    WriteLine(bridge, ['{"jsonrpc":"2.0","method":"$/cancelRequest","params":{"id":', sprintf('%d', id), '}}']);
    % Wait briefly for the bridge to confirm, so the work has stopped in the engine
    reader = bridge.reader;
    deadline = tic;
    while toc(deadline) < 5
        if reader.ready()
            message = jsondecode(char(reader.readLine()));
            if isfield(message, 'id') && isequal(message.id, id)
                break;
            end
        else
            pause(0.005);
        end
    end
catch
end
end


%% ===== GET OR START THE BRIDGE =====
function [errMsg, bridge] = GetBridge()
errMsg = '';
bridge = BridgeStore();
if ~isempty(bridge) && bridge.process.isAlive()
    return;
end
[errMsg, bridge] = StartBridge();
end


%% ===== START THE BRIDGE =====
function [errMsg, bridge] = StartBridge()
bridge = [];
[bundlePath, nodePath] = BridgePaths();
if ~exist(bundlePath, 'file')
    errMsg = ['The bst-containers bridge was not found at ', bundlePath, '. ', ...
        'Build it (npm run build), or set its path with bst_containers(''SetBridge'', path) or BST_CONTAINERS_BRIDGE.'];
    return;
end
logPath = BridgeLogPath();
logFile = javaObject('java.io.File', logPath);
logStart = logFile.length();
try
    builder = javaObject('java.lang.ProcessBuilder', {nodePath, bundlePath});
    builder.redirectError(javaMethod('appendTo', 'java.lang.ProcessBuilder$Redirect', logFile));
    process = builder.start();
catch err
    errMsg = ['Node.js was not found (', nodePath, '): install Node.js 22.19 or newer (https://nodejs.org), ', ...
        'or give its path with bst_containers(''SetBridge'', bundlePath, nodePath) or BST_CONTAINERS_NODE. (', ...
        strtrim(err.message), ')'];
    return;
end
output = process.getOutputStream();
bridge = struct( ...
    'process', process, ...
    'output', output, ...
    'reader', javaObject('java.io.BufferedReader', javaObject('java.io.InputStreamReader', process.getInputStream(), 'UTF-8')), ...
    'nextId', 1, ...
    'logPath', logPath, ...
    'logStart', logStart, ...
    ... % Closing the bridge's stdin ends it: on 'clear bst_containers', 'clear all' after munlock,
    ... % and when MATLAB exits (an anonymous function: Octave cannot call a subfunction at exit)
    'closer', onCleanup(@() output.close()));
BridgeStore(bridge);
errMsg = '';
end


%% ===== STOP THE BRIDGE =====
function StopBridge()
bridge = BridgeStore();
if ~isempty(bridge)
    process = bridge.process;
    try
        bridge.output.close();
        % The bridge exits by itself within 1 s once its stdin is closed
        waitStart = tic;
        while process.isAlive() && toc(waitStart) < 2
            pause(0.01);
        end
        process.destroy();
    catch
    end
end
BridgeStore('clear');
end


%% ===== PERSISTENT STATE =====
function bridge = BridgeStore(newBridge)
% The one bridge of this session: locked in memory so that 'clear all' does not drop it
persistent storedBridge
mlock;
if nargin >= 1
    if ischar(newBridge)
        storedBridge = [];
    else
        storedBridge = newBridge;
    end
end
bridge = storedBridge;
end


function id = PendingRequest(newId)
% The request being waited for (0: none), so that an interrupt cancels only that one
persistent pendingId
if nargin >= 1
    pendingId = newId;
end
id = pendingId;
end


function varargout = Overrides(varargin)
persistent stored
if isempty(stored)
    stored = struct('bundlePath', '', 'nodePath', '', 'interruptAfter', 0);
end
if nargin >= 2
    stored.(varargin{1}) = varargin{2};
end
varargout{1} = stored;
end


%% ===== PATHS =====
function [bundlePath, nodePath] = BridgePaths()
settings = Overrides();
bundlePath = settings.bundlePath;
if isempty(bundlePath)
    bundlePath = getenv('BST_CONTAINERS_BRIDGE');
end
if isempty(bundlePath)
    bundlePath = fullfile(fileparts(fileparts(mfilename('fullpath'))), 'dist', 'bst-containers.js');
end
nodePath = settings.nodePath;
if isempty(nodePath)
    nodePath = getenv('BST_CONTAINERS_NODE');
end
if isempty(nodePath)
    nodePath = 'node';
end
end


function SetBridge(bundlePath, nodePath)
% USAGE: bst_containers('SetBridge', bundlePath, [nodePath]); empty values restore the defaults
Overrides('bundlePath', bundlePath);
if nargin >= 2
    Overrides('nodePath', nodePath);
end
StopBridge();
end


function logPath = BridgeLogPath()
logPath = fullfile(tempdir, 'bst-containers-bridge.log');
end


function text = BridgeLogTail(bridge)
% What the bridge wrote on stderr since it started: the reason it stopped
text = '';
try
    fid = fopen(bridge.logPath, 'r');
    fseek(fid, bridge.logStart, 'bof');
    text = strtrim(fread(fid, [1, Inf], '*char'));
    fclose(fid);
catch
end
if numel(text) > 2000
    text = text(end-1999:end);
end
if isempty(text)
    text = ['See ', bridge.logPath, '.'];
end
end


%% ===== WRITE ONE LINE =====
function errMsg = WriteLine(bridge, line)
errMsg = '';
try
    bridge.output.write(typecast(ToUtf8([line, char(10)]), 'int8'));
    bridge.output.flush();
catch err
    errMsg = ['Cannot write to the bst-containers bridge: ', strtrim(err.message)];
end
end


function bytes = ToUtf8(text)
if exist('OCTAVE_VERSION', 'builtin')
    bytes = uint8(text);  % Octave's char arrays already hold UTF-8
else
    bytes = unicode2native(text, 'UTF-8');
end
end


%% ===== JSON =====
function json = ToJson(value)
% Encodes what the shim sends (strings, numbers, logicals, cells, structs) the same way in
% MATLAB and Octave: a cell is always a JSON array, whatever its shape.
if ischar(value)
    json = ['"', EscapeJson(value), '"'];
elseif islogical(value) && isscalar(value)
    if value
        json = 'true';
    else
        json = 'false';
    end
elseif isnumeric(value) && isscalar(value)
    json = sprintf('%.17g', value);
elseif iscell(value)
    parts = cellfun(@ToJson, value(:)', 'UniformOutput', false);
    json = ['[', strjoin(parts, ','), ']'];
elseif isstruct(value) && isscalar(value)
    names = fieldnames(value);
    parts = cell(1, numel(names));
    for iField = 1:numel(names)
        parts{iField} = ['"', names{iField}, '":', ToJson(value.(names{iField}))];
    end
    json = ['{', strjoin(parts, ','), '}'];
elseif isempty(value)
    json = 'null';
else
    error('bst_containers: cannot encode a %s of size %s', class(value), mat2str(size(value)));
end
end


function text = EscapeJson(text)
text = strrep(text, '\', '\\');
text = strrep(text, '"', '\"');
controls = find(text < 32);
for iChar = fliplr(controls)
    text = [text(1:iChar-1), sprintf('\\u%04x', double(text(iChar))), text(iChar+1:end)];
end
end


function matrix = ToCellMatrix(decoded, nColumns)
% jsondecode gives nested arrays of strings in shapes that differ with their count and between
% MATLAB and Octave; the flat list of strings, in order, is always the same.
strings = FlattenStrings(decoded);
if isempty(strings)
    matrix = cell(0, nColumns);
else
    matrix = reshape(strings, nColumns, [])';
end
end


function strings = FlattenStrings(value)
if ischar(value)
    strings = {value};
elseif iscell(value)
    strings = {};
    for iValue = 1:numel(value)
        strings = [strings, FlattenStrings(value{iValue})]; %#ok<AGROW>
    end
else
    strings = {};
end
end


%% ===== BRAINSTORM =====
function isRunning = IsBrainstormRunning()
% Looked up once per session: exist() searches the whole path and costs more than a call
persistent isFound
if isempty(isFound)
    isFound = exist('bst_get', 'file') > 0 && exist('bst_set', 'file') > 0;
end
isRunning = isFound;
end


function isGpu = IsGpuWanted()
isGpu = false;
if IsBrainstormRunning()
    isGpu = logical(bst_get('ContainerUseGpu'));
end
end


%% ===== TESTS =====
function varargout = TestHook(action, value)
% For the shim's tests: 'InterruptAfter', seconds makes the next wait end as an interrupt would
% (same cancel path as Ctrl+C); 'Process' gives the Java Process of the bridge.
switch action
    case 'InterruptAfter'
        Overrides('interruptAfter', now + value / 86400);
    case 'Process'
        bridge = BridgeStore();
        varargout{1} = [];
        if ~isempty(bridge)
            varargout{1} = bridge.process;
        end
end
end


function CheckTestInterrupt()
settings = Overrides();
if settings.interruptAfter > 0 && now >= settings.interruptAfter
    Overrides('interruptAfter', 0);
    error('bst_containers:interrupted', 'Interrupted by the test hook');
end
end

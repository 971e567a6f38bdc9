function pBar = bst_progress(action, varargin)
% Stand-in for Brainstorm's bst_progress: records the call, and keeps one bar (visible, title, text,
% position) in a global the test reads and sets. Like Brainstorm, it takes the command in any case,
% and without an open bar 'isVisible' answers 0 and the other commands (but 'start') do nothing.
global BST_STUB_PROGRESS
record_stub_call('bst_progress', action, varargin{:});
if ~isstruct(BST_STUB_PROGRESS)
    BST_STUB_PROGRESS = struct('isVisible', 0, 'title', '', 'text', '', 'value', 0);
end
pBar = [];
command = lower(action);
if ~BST_STUB_PROGRESS.isVisible && ~strcmp(command, 'start')
    if strcmp(command, 'isvisible')
        pBar = 0;
    end
    return;
end
switch command
    case 'start'
        BST_STUB_PROGRESS = struct('isVisible', 1, 'title', varargin{1}, 'text', varargin{2}, 'value', 0);
        if numel(varargin) >= 3
            BST_STUB_PROGRESS.value = varargin{3};
        end
    case 'stop'
        BST_STUB_PROGRESS.isVisible = 0;
    case 'text'
        BST_STUB_PROGRESS.text = varargin{1};
    case 'set'
        BST_STUB_PROGRESS.value = varargin{1};
    case 'inc'
        BST_STUB_PROGRESS.value = BST_STUB_PROGRESS.value + varargin{1};
    case 'get'
        pBar = BST_STUB_PROGRESS.value;
    case 'isvisible'
        pBar = 1;
    case {'show', 'hide'}
    otherwise
        error('bst_progress stand-in: unknown command %s', action);
end
end

function record_stub_call(varargin)
global BST_STUB_CALLS
if ~iscell(BST_STUB_CALLS)
    BST_STUB_CALLS = {};
end
BST_STUB_CALLS{end+1} = varargin;
end

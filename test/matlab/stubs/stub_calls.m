function calls = stub_calls(name)
% The recorded calls of one stand-in, each a cell of its arguments.
global BST_STUB_CALLS
calls = {};
if ~iscell(BST_STUB_CALLS)
    return;
end
for iCall = 1:numel(BST_STUB_CALLS)
    if strcmp(BST_STUB_CALLS{iCall}{1}, name)
        calls{end+1} = BST_STUB_CALLS{iCall}(2:end); %#ok<AGROW>
    end
end
end

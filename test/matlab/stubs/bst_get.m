function [value, options] = bst_get(name, varargin)
% Stand-in for Brainstorm's bst_get: the settings the shim reads, from a global the test sets.
global BST_STUB_SETTINGS
options = {};
switch name
    case 'ContainerEngine'
        value = 'auto-detect';
        options = {'auto-detect', 'docker'};
    case 'ContainerUseGpu'
        value = 0;
    otherwise
        error('bst_get stand-in: unexpected setting %s', name);
end
if isstruct(BST_STUB_SETTINGS) && isfield(BST_STUB_SETTINGS, name)
    value = BST_STUB_SETTINGS.(name);
end
end

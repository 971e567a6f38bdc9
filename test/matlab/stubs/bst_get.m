function [value, options] = bst_get(name, varargin)
% Stand-in for Brainstorm's bst_get: the settings the shim reads, from a global the test sets
% (ContainerEngineOptions: the engines bst_get('ContainerEngine') offers as its second output).
global BST_STUB_SETTINGS
options = {};
switch name
    case 'ContainerEngine'
        value = 'auto-detect';
        options = {'auto-detect', 'docker'};
        if isstruct(BST_STUB_SETTINGS) && isfield(BST_STUB_SETTINGS, 'ContainerEngineOptions')
            options = BST_STUB_SETTINGS.ContainerEngineOptions;
        end
    case 'ContainerUseGpu'
        value = 0;
    otherwise
        error('bst_get stand-in: unexpected setting %s', name);
end
if isstruct(BST_STUB_SETTINGS) && isfield(BST_STUB_SETTINGS, name)
    value = BST_STUB_SETTINGS.(name);
end
end

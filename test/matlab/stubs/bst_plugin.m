function varargout = bst_plugin(action, name)
% Stand-in for Brainstorm's bst_plugin: records the call.
record_stub_call('bst_plugin', action, name);
varargout = cell(1, nargout);
end

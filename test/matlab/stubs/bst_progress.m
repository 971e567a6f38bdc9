function bst_progress(action, varargin)
% Stand-in for Brainstorm's bst_progress: records the call.
record_stub_call('bst_progress', action, varargin{:});
end

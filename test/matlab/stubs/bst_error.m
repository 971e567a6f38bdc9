function bst_error(message, varargin)
% Stand-in for Brainstorm's bst_error: records the call.
record_stub_call('bst_error', message, varargin{:});
end

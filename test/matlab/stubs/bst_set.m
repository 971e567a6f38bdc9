function bst_set(name, value)
% Stand-in for Brainstorm's bst_set: records the call.
record_stub_call('bst_set', name, value);
end

function name = computer(varargin)
% Stand-in for computer() in the tests of the shim's platforms: the platform named by
% BST_TEST_PLATFORM (a MATLAB computer('arch') or an Octave triplet), so that this Linux runs the
% shim's macOS and Windows branches. Only on the path of those tests.
name = getenv('BST_TEST_PLATFORM');
if isempty(name)
    error('computer stand-in: set BST_TEST_PLATFORM');
end
end

function [status, output] = engine_cli(varargin)
% The CLI of the engine under test (BST_TEST_ENGINE: docker or podman), no shell.
engine = test_engine();
[status, output] = run_argv([{engine}, varargin]);
end

function check(condition, varargin)
% Fails the test with a message when condition is false; prints what passed otherwise.
if ~condition
    error('shim-test:failed', ['FAILED: ', varargin{1}], varargin{2:end});
end
fprintf(['ok - ', varargin{1}, '\n'], varargin{2:end});
end

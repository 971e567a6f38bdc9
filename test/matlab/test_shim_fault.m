function test_shim_fault()
% The bridge stops on a fault nothing can catch (injected while the file BST_TEST_FAULT_FILE
% exists): the call's errMsg says so, and the next call starts a fresh bridge that works.
faultFile = getenv('BST_TEST_FAULT_FILE');
check(exist(faultFile, 'file') == 2, 'the fault is armed');
[errMsg, info] = bst_containers('GetContainerInfo', 'bst_shim-fault');
check(~isempty(strfind(errMsg, 'stopped on an internal fault')) && ~isempty(strfind(errMsg, 'started again on the next call')), ...
    'the internal fault as errMsg: %s', errMsg);
check(isequal(info, struct('name', '', 'isRunning', 0, 'volumes', [], 'imageSha', '')), 'the default containerInfo');
delete(faultFile);
[errMsg, info] = bst_containers('GetContainerInfo', 'bst_shim-fault');
check(strcmp(errMsg, 'No container named bst_shim-fault exists.'), 'a fresh bridge answers the next call: %s', errMsg);
disp('ALL PASSED');
end

function isEnded = wait_until_ended(pid)
% Waits up to 5 s for a process to end and be reaped (its zombie still holds the pipes while its
% other threads exit); true if it did.
waitStart = tic;
while exist(sprintf('/proc/%d', pid), 'dir') && toc(waitStart) < 5
    pause(0.02);
end
isEnded = ~exist(sprintf('/proc/%d', pid), 'dir');
end

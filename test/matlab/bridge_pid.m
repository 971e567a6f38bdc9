function pid = bridge_pid()
% The process ID of the bridge the shim started (0: none): the child of this Octave that runs the
% bundle. A bridge that has exited (a zombie until Java reaps it) has no command line.
pid = 0;
entries = dir('/proc');
for iEntry = 1:numel(entries)
    name = entries(iEntry).name;
    if ~all(isstrprop(name, 'digit'))
        continue;
    end
    try
        stat = fileread(['/proc/', name, '/stat']);
        fields = strsplit(stat(find(stat == ')', 1, 'last') + 2:end), ' ');
        if str2double(fields{2}) == getpid() && ~isempty(strfind(fileread(['/proc/', name, '/cmdline']), 'bst-containers'))
            pid = str2double(name);
            return;
        end
    catch
        % The process ended while it was being read
    end
end
end

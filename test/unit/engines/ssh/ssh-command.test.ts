import { describe, expect, it } from 'vitest';
import { sshArgs } from '../../../../src/engines/ssh/ssh-command.js';

const optionValue = (args: string[], name: string) =>
  args.flatMap((arg, index) =>
    args[index - 1] === '-o' && arg.startsWith(`${name}=`) ? [arg.slice(name.length + 1)] : [],
  );

describe('the ssh command line', () => {
  it('never asks, never takes an unseen host key, never leaves a master behind', () => {
    const args = sshArgs({ user: 'me', host: 'lab' }, { kind: 'dial-stdio' });
    expect(optionValue(args, 'BatchMode')).toEqual(['yes']);
    expect(optionValue(args, 'StrictHostKeyChecking')).toEqual(['yes']);
    expect(optionValue(args, 'ControlMaster')).toEqual(['no']);
  });

  it("runs Docker's dial-stdio after `--` and the host, as the Docker CLI does", () => {
    const args = sshArgs({ user: 'me', host: 'lab', port: 2222 }, { kind: 'dial-stdio' });
    expect(args.slice(args.indexOf('--'))).toEqual(['--', 'lab', 'docker', 'system', 'dial-stdio']);
    expect(args).toContain('-T');
    expect(args.slice(args.indexOf('-l'), args.indexOf('-l') + 2)).toEqual(['-l', 'me']);
    expect(args.slice(args.indexOf('-p'), args.indexOf('-p') + 2)).toEqual(['-p', '2222']);
    const withPath = sshArgs({ host: 'lab', path: '/run/docker.sock' }, { kind: 'dial-stdio' });
    expect(withPath.slice(withPath.indexOf('--'))).toEqual([
      '--',
      'lab',
      'docker',
      '--host',
      'unix:///run/docker.sock',
      'system',
      'dial-stdio',
    ]);
  });

  it("forwards Podman's remote socket to the local one, with a session that ends on stdin's end", () => {
    const args = sshArgs(
      { host: 'lab', path: '/run/user/1000/podman/podman.sock', identity: '/k/id' },
      { kind: 'forward', localSocket: '/tmp/bst-ssh-x/engine.sock' },
    );
    expect(args.slice(args.indexOf('-L'), args.indexOf('-L') + 2)).toEqual([
      '-L',
      '/tmp/bst-ssh-x/engine.sock:/run/user/1000/podman/podman.sock',
    ]);
    expect(optionValue(args, 'ExitOnForwardFailure')).toEqual(['yes']);
    expect(args.slice(args.indexOf('-i'), args.indexOf('-i') + 2)).toEqual(['-i', '/k/id']);
    expect(args.slice(args.indexOf('--'))).toEqual(['--', 'lab', 'cat']);
  });
});

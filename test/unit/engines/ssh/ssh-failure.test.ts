import { describe, expect, it } from 'vitest';
import { sshFailureFrom } from '../../../../src/engines/ssh/ssh-failure.js';

// What OpenSSH 9.2p1 (Debian 12) and the remote's programs printed here, case by case.
const PRINTED: [string, string, number][] = [
  [
    'host-key-unknown',
    'No ED25519 host key is known for [127.0.0.1]:2298 and you have requested strict checking.\nHost key verification failed.\n',
    255,
  ],
  [
    'host-key-changed',
    '@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@\n@    WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED!     @\n@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@\nIT IS POSSIBLE THAT SOMEONE IS DOING SOMETHING NASTY!\nHost key for [127.0.0.1]:2298 has changed and you have requested strict checking.\nHost key verification failed.\n',
    255,
  ],
  ['auth', 'nobody@127.0.0.1: Permission denied (publickey).\n', 255],
  ['refused', 'ssh: connect to host 127.0.0.1 port 2297: Connection refused\n', 255],
  ['unreachable', 'ssh: connect to host 169.254.214.3 port 22: No route to host\n', 255],
  ['unreachable', 'ssh: connect to host 10.1.2.3 port 22: Connection timed out\n', 255],
  ['no-docker', 'bash: line 1: docker: command not found\n', 127],
  [
    'no-daemon',
    'failed to open the raw stream connection: dial unix /nonexistent.sock: connect: no such file or directory\n',
    1,
  ],
  ['no-socket', 'channel 2: open failed: connect failed: open failed\n', 255],
  ['dropped', 'Connection to 169.254.214.2 closed by remote host.\n', 255],
];

describe('why ssh failed', () => {
  it.each(PRINTED)('%s', (reason, stderr, exitCode) => {
    const failure = sshFailureFrom({ user: 'me', host: 'lab', port: 2298 }, stderr, exitCode, null);
    expect(failure.sshReason).toBe(reason);
    expect(failure.code).toBe('ERR_BST_SSH');
    expect(failure.sshHost).toBe('me@lab port 2298');
    // The line that says it, not the banner of @ signs.
    expect(failure.detail).not.toMatch(/^@/);
    expect(stderr).toContain(failure.detail);
  });

  it('says how ssh ended when it printed nothing', () => {
    expect(sshFailureFrom({ host: 'lab' }, '', null, 'SIGKILL').detail).toBe('ssh was ended by SIGKILL');
    expect(sshFailureFrom({ host: 'lab' }, '', 255, null)).toMatchObject({ sshReason: 'other' });
  });
});

import { describe, expect, it } from 'vitest';
import { describeSsh, parseSshUrl } from '../../../../src/engines/ssh/ssh-destination.js';

describe('ssh:// addresses', () => {
  it('reads user, host, port and path as the Docker CLI and Podman write them', () => {
    expect(parseSshUrl('ssh://me@lab-gpu.example.org')).toEqual({ user: 'me', host: 'lab-gpu.example.org' });
    expect(parseSshUrl('ssh://lab:2222')).toEqual({ host: 'lab', port: 2222 });
    expect(
      parseSshUrl('ssh://me@10.0.0.5:22/run/user/1000/podman/podman.sock', '/home/me/.ssh/id_ed25519'),
    ).toEqual({
      user: 'me',
      host: '10.0.0.5',
      port: 22,
      path: '/run/user/1000/podman/podman.sock',
      identity: '/home/me/.ssh/id_ed25519',
    });
    expect(parseSshUrl('ssh://me@[fe80::1]:22')).toEqual({ user: 'me', host: 'fe80::1', port: 22 });
  });

  it('refuses what could reach ssh as an option or a shell as a command', () => {
    for (const bad of [
      'ssh://-oProxyCommand=touch@host',
      'ssh://me@-oProxyCommand=x',
      'ssh://me@host/run/x;touch /tmp/y',
      'ssh://me@host/run/$(id)',
      'ssh://me@host/run/a b',
      'ssh://me:secret@host',
      'ssh://me@host?x=1',
      'ssh://me@host#frag',
      'ssh://',
      'tcp://host:2375',
    ])
      expect(() => parseSshUrl(bad), bad).toThrow();
    expect(() => parseSshUrl('ssh://me@host', 'relative/key')).toThrow(/absolute/);
  });

  it('names the remote as ssh://user@host[:port][path]', () => {
    expect(describeSsh({ user: 'me', host: 'lab' })).toBe('ssh://me@lab');
    expect(describeSsh({ host: 'fe80::1', port: 2222, path: '/run/podman/podman.sock' })).toBe(
      'ssh://[fe80::1]:2222/run/podman/podman.sock',
    );
  });
});

import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { hostname } from 'node:os';
import { describe, expect, it } from 'vitest';
import { currentSession, sessionState } from '../../../src/leftovers/session.js';
import { endedSession, sessionOf } from '../../helpers/sessions.js';

describe('sessions', () => {
  it('names this process by host, PID and start time', () => {
    expect(currentSession()).toBe(sessionOf(process.pid).session);
  });

  it('a process that runs is alive', async () => {
    const running = spawn('sleep', ['600'], { stdio: 'ignore' });
    await once(running, 'spawn');
    try {
      expect(sessionState(sessionOf(running.pid as number).session)).toBe('alive');
      expect(sessionState(`${hostname()}/${running.pid}/-`)).toBe('alive');
    } finally {
      running.kill('SIGKILL');
    }
  });

  it('a process that ended is dead', async () => {
    const { session, pid } = await endedSession();
    expect(sessionState(session)).toBe('dead');
    expect(sessionState(`${hostname()}/${pid}/-`)).toBe('dead');
  });

  it('a reused PID (same PID, another start time) is dead', () => {
    expect(sessionState(`${hostname()}/${process.pid}/1`)).toBe('dead');
  });

  it("another host's session, or no session at all, cannot be told", () => {
    expect(sessionState(`not-${hostname()}/${process.pid}/1`)).toBe('unknown');
    expect(sessionState(undefined)).toBe('unknown');
    expect(sessionState('garbage')).toBe('unknown');
  });
});

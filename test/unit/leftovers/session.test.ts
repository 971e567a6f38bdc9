import { spawnSync } from 'node:child_process';
import { hostname } from 'node:os';
import { describe, expect, it } from 'vitest';
import { currentSession, sessionState } from '../../../src/leftovers/session.js';

describe('sessions', () => {
  it('names this process by host, PID and start time, and finds it alive', () => {
    expect(currentSession()).toMatch(new RegExp(`^${hostname()}/${process.pid}/\\d+$`));
    expect(sessionState(currentSession())).toBe('alive');
  });

  it('a process that ended is dead', () => {
    const { pid } = spawnSync('true');
    expect(sessionState(`${hostname()}/${pid}/1`)).toBe('dead');
  });

  it('a reused PID (same PID, another start time) is dead', () => {
    const [host, pid] = currentSession().split('/');
    expect(sessionState(`${host}/${pid}/1`)).toBe('dead');
  });

  it("another host's session, or no session at all, cannot be told", () => {
    expect(sessionState(`not-${hostname()}/1/1`)).toBe('unknown');
    expect(sessionState(undefined)).toBe('unknown');
    expect(sessionState('garbage')).toBe('unknown');
  });
});

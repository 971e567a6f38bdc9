import { spawn } from 'node:child_process';
import { setTimeout as delay } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { bundlePath } from '../../helpers/paths.js';
import { isRunning } from '../../helpers/processes.js';

/** A parent (standing in for MATLAB) that starts the bridge on pipes, makes a call, and prints the bridge's PID. */
const PARENT = `
const { spawn } = require('node:child_process');
const bridge = spawn(process.execPath, [${JSON.stringify(bundlePath)}], { stdio: ['pipe', 'pipe', 'ignore'] });
bridge.stdout.once('data', () => console.log(bridge.pid));
bridge.stdin.write('{"jsonrpc":"2.0","id":1,"method":"GetEngine"}\\n');
setInterval(() => {}, 1000);
`;

describe('parent death', () => {
  it('the bridge exits within 1 s when its parent is killed with SIGKILL', async () => {
    const parent = spawn(process.execPath, ['-e', PARENT], { stdio: ['ignore', 'pipe', 'inherit'] });
    const bridgePid = await new Promise<number>((resolve) =>
      parent.stdout.once('data', (chunk: Buffer) => resolve(Number(chunk.toString().trim()))),
    );
    expect(isRunning(bridgePid)).toBe(true);
    parent.kill('SIGKILL');
    const killed = Date.now();
    while (isRunning(bridgePid) && Date.now() - killed < 3000) await delay(20);
    expect(isRunning(bridgePid)).toBe(false);
    expect(Date.now() - killed).toBeLessThan(1000);
  });
});

import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { EXIT_WITHIN_MS, MARGIN_MS } from '../../helpers/margins.js';
import { bridgeArgv } from '../../helpers/paths.js';
import { isRunning } from '../../helpers/processes.js';
import { waitUntil } from '../../helpers/wait-until.js';

/** A parent (standing in for MATLAB) that starts the bridge on pipes, makes a call, and prints the bridge's PID. */
const PARENT = `
const { spawn } = require('node:child_process');
const bridge = spawn(...${JSON.stringify(bridgeArgv())}, { stdio: ['pipe', 'pipe', 'ignore'] });
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
    await waitUntil(() => !isRunning(bridgePid), {
      timeoutMs: EXIT_WITHIN_MS + MARGIN_MS,
      what: 'the bridge to exit after its parent was killed',
    });
  });
});

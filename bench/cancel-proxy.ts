// Stands in for the bridge bundle in the bench's Ctrl+C measure (run as `node cancel-proxy.ts`, as
// the shim runs the bundle): it runs the real bundle with the same stdout and stderr, passes the
// shim's lines on, and notes the time (process.hrtime, the monotonic clock bench/run.ts reads
// too) at which each $/cancelRequest arrives.
import { spawn } from 'node:child_process';
import { appendFileSync } from 'node:fs';

const bundle = process.env.BENCH_BRIDGE_BUNDLE as string;
const log = process.env.BENCH_CANCEL_LOG as string;
const bridge = spawn(process.execPath, [bundle], { stdio: ['pipe', 'inherit', 'inherit'] });
process.stdin.on('data', (chunk: Buffer) => {
  if (chunk.includes('$/cancelRequest')) appendFileSync(log, `${process.hrtime.bigint()}\n`);
  bridge.stdin.write(chunk);
});
process.stdin.on('end', () => bridge.stdin.end());
bridge.on('exit', (code) => process.exit(code ?? 1));

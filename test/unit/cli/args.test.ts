import { describe, expect, it } from 'vitest';
import { parseArgs } from '../../../src/cli/args.js';

describe('command line', () => {
  it('prune takes --dry-run, --json and --engine', () => {
    expect(parseArgs(['prune'])).toEqual({ kind: 'prune', dryRun: false, engine: undefined, json: false });
    expect(parseArgs(['prune', '--dry-run', '--engine', 'podman', '--json'])).toEqual({
      kind: 'prune',
      dryRun: true,
      engine: 'podman',
      json: true,
    });
    expect(parseArgs(['prune', '--engine=docker'])).toMatchObject({ engine: 'docker' });
  });

  it('prune refuses what it does not know', () => {
    expect(parseArgs(['prune', '--all'])).toEqual({
      kind: 'usage-error',
      message: 'unexpected argument for prune: --all',
    });
    expect(parseArgs(['prune', '--engine'])).toMatchObject({ kind: 'usage-error' });
  });

  it('call takes params or - for stdin, and --progress=plain or --quiet', () => {
    expect(parseArgs(['call', 'GetImages'])).toEqual({
      kind: 'call',
      method: 'GetImages',
      params: undefined,
      verbose: false,
      feedback: 'auto',
    });
    expect(parseArgs(['call', 'ExecInContainer', '-', '--progress=plain'])).toMatchObject({
      params: '-',
      feedback: 'plain',
    });
    expect(parseArgs(['call', '-q', 'GetImages', '{}'])).toMatchObject({ params: '{}', feedback: 'quiet' });
    expect(parseArgs(['call', 'GetImages', '--progress=fancy'])).toMatchObject({ kind: 'usage-error' });
    expect(parseArgs(['call', 'GetImages', '{}', 'extra'])).toMatchObject({ kind: 'usage-error' });
  });

  it('openrpc takes nothing more', () => {
    expect(parseArgs(['openrpc'])).toEqual({ kind: 'openrpc' });
    expect(parseArgs(['openrpc', '--json'])).toMatchObject({ kind: 'usage-error' });
  });
});

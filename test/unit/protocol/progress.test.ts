import { describe, expect, it } from 'vitest';
import { createProgress } from '../../../src/protocol/progress.js';

describe('createProgress', () => {
  it('sends begin, reports with a percentage, and one end, for the caller token', () => {
    const sent: unknown[] = [];
    const progress = createProgress('t', (token, value) => sent.push({ token, value }));
    progress.report({ bytes: 1 });
    progress.begin('Downloading', { bytes: 0, totalBytes: 200 });
    progress.report({ bytes: 50, totalBytes: 200 });
    progress.report({ bytes: 50, totalBytes: 200 });
    progress.end('done');
    progress.end('again');
    expect(sent).toEqual([
      {
        token: 't',
        value: {
          kind: 'begin',
          title: 'Downloading',
          cancellable: true,
          bytes: 0,
          totalBytes: 200,
          percentage: 0,
        },
      },
      { token: 't', value: { kind: 'report', bytes: 50, totalBytes: 200, percentage: 25 } },
      { token: 't', value: { kind: 'end', message: 'done' } },
    ]);
  });

  it('sends nothing without a token', () => {
    const sent: unknown[] = [];
    const progress = createProgress(undefined, (token, value) => sent.push({ token, value }));
    progress.begin('x');
    progress.end();
    expect(sent).toEqual([]);
  });
});

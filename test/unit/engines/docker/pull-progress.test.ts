import { describe, expect, it } from 'vitest';
import { PullProgress } from '../../../../src/engines/docker/pull-progress.js';

describe('PullProgress', () => {
  it('sums the bytes of every layer', () => {
    const progress = new PullProgress();
    progress.update({ status: 'Pulling fs layer', id: 'a' });
    progress.update({ status: 'Downloading', id: 'a', progressDetail: { current: 10, total: 100 } });
    const update = progress.update({
      status: 'Downloading',
      id: 'b',
      progressDetail: { current: 30, total: 100 },
    });
    expect(update).toMatchObject({ bytes: 40, totalBytes: 200 });
    expect(progress.update({ status: 'Download complete', id: 'a' })).toMatchObject({
      bytes: 130,
      totalBytes: 200,
    });
  });
});

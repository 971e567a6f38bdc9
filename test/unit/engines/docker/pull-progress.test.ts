import { afterEach, describe, expect, it, vi } from 'vitest';
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

  describe('whether every layer has arrived (what a stall watch may wait for)', () => {
    const MB = 1_000_000;
    const report = (progress: PullProgress, id: string, current: number, total: number) =>
      progress.update({ status: 'Downloading', id, progressDetail: { current, total } });

    afterEach(() => {
      vi.useRealTimers();
    });

    it('not before any layer is announced, nor while one is on its way', () => {
      const progress = new PullProgress();
      expect(progress.allDownloaded()).toBe(false);
      progress.update({ status: 'Already exists', id: 'a' });
      report(progress, 'b', 10 * MB, 100 * MB);
      expect(progress.allDownloaded()).toBe(false);
      progress.update({ status: 'Download complete', id: 'b' });
      expect(progress.allDownloaded()).toBe(true);
    });

    it("counts a layer whose last rate brings the rest within the projection (Podman's reports)", () => {
      vi.useFakeTimers();
      const progress = new PullProgress();
      progress.update({ status: 'Pulling fs layer', id: 'big' });
      report(progress, 'big', 200 * MB, 1000 * MB);
      vi.advanceTimersByTime(1000);
      report(progress, 'big', 600 * MB, 1000 * MB); // 400 MB/s: the rest within ~1 s
      expect(progress.allDownloaded()).toBe(false);
      expect(progress.allDownloaded(2000)).toBe(true);
    });

    it('not a layer that slowed down far from its end', () => {
      vi.useFakeTimers();
      const progress = new PullProgress();
      report(progress, 'big', 200 * MB, 1000 * MB);
      vi.advanceTimersByTime(1000);
      report(progress, 'big', 210 * MB, 1000 * MB);
      expect(progress.allDownloaded(2000)).toBe(false);
    });
  });
});

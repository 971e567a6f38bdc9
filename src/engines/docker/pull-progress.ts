import type { ProgressUpdate } from '../../shared/work-context.js';

interface LayerBytes {
  current: number;
  total: number;
  /** Bytes per millisecond between its last two reports. */
  rate: number;
  reportedAt: number;
}

/** Sums the per-layer progress lines of a pull into one byte count. */
export class PullProgress {
  private readonly layers = new Map<string, LayerBytes>();
  private readonly downloaded = new Set<string>();

  /**
   * Every layer announced so far has arrived: what remains (extracting, storing) is local work.
   * With `projectMs`, a layer also counts once its last rate would have brought the rest within
   * that time after its last report (for engines that report bytes only now and then).
   */
  allDownloaded(projectMs = 0): boolean {
    if (this.layers.size === 0) return false;
    for (const [id, layer] of this.layers) {
      if (this.downloaded.has(id)) continue;
      if (!(layer.total > 0 && layer.current + layer.rate * projectMs >= layer.total)) return false;
    }
    return true;
  }

  update(line: Record<string, unknown>): ProgressUpdate {
    const id = typeof line.id === 'string' ? line.id : undefined;
    const status = typeof line.status === 'string' ? line.status : '';
    const detail = line.progressDetail as { current?: number; total?: number } | undefined;
    if (id) {
      const layer = this.layers.get(id) ?? { current: 0, total: 0, rate: 0, reportedAt: Date.now() };
      if (status === 'Downloading' && detail?.total) {
        const now = Date.now();
        const current = detail.current ?? layer.current;
        if (now > layer.reportedAt) layer.rate = (current - layer.current) / (now - layer.reportedAt);
        layer.current = current;
        layer.reportedAt = now;
        layer.total = detail.total;
      } else if (
        status === 'Download complete' ||
        status === 'Pull complete' ||
        status === 'Already exists'
      ) {
        layer.current = layer.total;
        this.downloaded.add(id);
      }
      if (status !== 'Pulling fs layer' || !this.layers.has(id)) this.layers.set(id, layer);
    }
    let bytes = 0;
    let totalBytes = 0;
    for (const layer of this.layers.values()) {
      bytes += layer.current;
      totalBytes += layer.total;
    }
    return {
      message: id ? `${status} ${id}` : status,
      ...(totalBytes > 0 ? { bytes, totalBytes } : {}),
    };
  }
}

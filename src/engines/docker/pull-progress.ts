import type { ProgressUpdate } from '../../protocol/progress.js';

interface LayerBytes {
  current: number;
  total: number;
}

/** Sums the per-layer progress lines of a pull into one byte count. */
export class PullProgress {
  private readonly layers = new Map<string, LayerBytes>();
  private readonly downloaded = new Set<string>();

  /**
   * Every layer announced so far has arrived (or, with `nearly` < 1, has reported at least that
   * share of its bytes): what remains (extracting, storing) is local work.
   */
  allDownloaded(nearly = 1): boolean {
    if (this.layers.size === 0) return false;
    for (const [id, layer] of this.layers) {
      if (!this.downloaded.has(id) && !(layer.total > 0 && layer.current >= layer.total * nearly))
        return false;
    }
    return true;
  }

  update(line: Record<string, unknown>): ProgressUpdate {
    const id = typeof line.id === 'string' ? line.id : undefined;
    const status = typeof line.status === 'string' ? line.status : '';
    const detail = line.progressDetail as { current?: number; total?: number } | undefined;
    if (id) {
      const layer = this.layers.get(id) ?? { current: 0, total: 0 };
      if (status === 'Downloading' && detail?.total) {
        layer.current = detail.current ?? layer.current;
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

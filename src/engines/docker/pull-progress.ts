import type { ProgressUpdate } from '../../protocol/progress.js';

interface LayerBytes {
  current: number;
  total: number;
}

/** Sums the per-layer progress lines of a pull into one byte count. */
export class PullProgress {
  private readonly layers = new Map<string, LayerBytes>();

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

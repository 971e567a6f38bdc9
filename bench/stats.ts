export interface Summary {
  runs: number;
  median: number;
  p95: number;
}

const quantile = (sorted: number[], q: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;

export const summarize = (samples: number[]): Summary => {
  const sorted = [...samples].sort((a, b) => a - b);
  return { runs: sorted.length, median: quantile(sorted, 0.5), p95: quantile(sorted, 0.95) };
};

/** Times `work` `runs` times, one after another, in milliseconds; `prepare` runs untimed before each. */
export const measure = async (
  runs: number,
  work: (index: number) => Promise<unknown>,
  prepare?: (index: number) => Promise<unknown>,
): Promise<Summary> => {
  const samples: number[] = [];
  for (let index = 0; index < runs; index++) {
    await prepare?.(index);
    const started = process.hrtime.bigint();
    await work(index);
    samples.push(Number(process.hrtime.bigint() - started) / 1e6);
  }
  return summarize(samples);
};

export const formatMs = (ms: number) =>
  ms >= 100 ? ms.toFixed(0) : ms >= 10 ? ms.toFixed(1) : ms.toFixed(2);

/** Parses a body of newline-delimited JSON (pull and load progress) as it arrives. */
export async function* ndjsonLines(
  body: AsyncIterable<Buffer | string>,
): AsyncGenerator<Record<string, unknown>> {
  let pending = '';
  const decoder = new TextDecoder();
  for await (const chunk of body) {
    pending += typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
    let newline = pending.indexOf('\n');
    while (newline !== -1) {
      const line = pending.slice(0, newline).trim();
      pending = pending.slice(newline + 1);
      if (line) yield parseLine(line);
      newline = pending.indexOf('\n');
    }
  }
  if (pending.trim()) yield parseLine(pending.trim());
}

const parseLine = (line: string): Record<string, unknown> => {
  try {
    const value: unknown = JSON.parse(line);
    return typeof value === 'object' && value !== null
      ? (value as Record<string, unknown>)
      : { stream: line };
  } catch {
    return { stream: line };
  }
};

import { parseParams } from '../protocol/params.js';
import { noProgress } from '../protocol/progress.js';
import { toResponseError } from '../protocol/response-error.js';
import { createLogger } from '../shared/logger.js';
import { createRuntime } from './runtime.js';

/** `bst-containers call METHOD '{json}'`: one call without the protocol, for shells and scripts. */
export const callOnce = async (
  method: string,
  paramsText: string | undefined,
  verbose: boolean,
  render: (result: unknown) => string = (result) => `${JSON.stringify(result)}\n`,
): Promise<number> => {
  const runtime = createRuntime();
  const abort = new AbortController();
  process.once('SIGINT', () => abort.abort());
  try {
    const compiled = runtime.methods.get(method);
    if (!compiled)
      throw new Error(`Unknown method ${method}. Methods: ${[...runtime.methods.keys()].join(', ')}`);
    let raw: unknown;
    try {
      raw = paramsText === undefined ? {} : JSON.parse(paramsText);
    } catch (error) {
      throw new Error(`The params are not JSON: ${(error as Error).message}`);
    }
    const params = parseParams(compiled, raw);
    const result = await compiled.definition.handler(params as never, {
      engines: runtime.engines,
      log: createLogger(verbose),
      signal: abort.signal,
      tempRoot: runtime.tempRoot,
      progress: noProgress,
      output: (stream, text) => {
        if (stream === 'stderr' || verbose) process.stderr.write(text);
        return undefined;
      },
    });
    process.stdout.write(render(result));
    return 0;
  } catch (error) {
    process.stderr.write(`${toResponseError(error, abort.signal.aborted).message}\n`);
    return 1;
  } finally {
    await runtime.engines.close();
  }
};

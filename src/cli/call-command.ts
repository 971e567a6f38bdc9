import { createLogger } from '../shared/logger.js';
import { noProgress } from '../shared/work-context.js';
import { createRuntime } from './runtime.js';

/** `bst-containers call METHOD '{json}'`: one call without the protocol, for shells and scripts. */
export const callOnce = async (
  method: string,
  paramsText: string | undefined,
  verbose: boolean,
  render: (result: unknown) => string = (result) => `${JSON.stringify(result)}\n`,
): Promise<number> => {
  const runtime = createRuntime(createLogger(verbose));
  const abort = new AbortController();
  process.once('SIGINT', () => abort.abort());
  try {
    let params: unknown;
    try {
      params = paramsText === undefined ? {} : JSON.parse(paramsText);
    } catch (error) {
      throw new Error(`The params are not JSON: ${(error as Error).message}`);
    }
    const result = await runtime.dispatcher.invoke(method, params, {
      signal: abort.signal,
      get cancelled() {
        return abort.signal.aborted;
      },
      progress: () => noProgress,
      output: () => (stream, text) => {
        if (stream === 'stderr' || verbose) process.stderr.write(text);
        return undefined;
      },
    });
    process.stdout.write(render(result));
    return 0;
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
    return 1;
  } finally {
    await runtime.engines.close();
  }
};

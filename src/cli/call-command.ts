import { text } from 'node:stream/consumers';
import { ErrorCode } from '../shared/error-codes.js';
import { createLogger } from '../shared/logger.js';
import { createFeedback, type FeedbackMode } from './call-feedback.js';
import { createRuntime } from './runtime.js';

/** What `call` shows on stderr: `auto` is a terminal's bar and live output, else only errors. */
export type FeedbackChoice = 'auto' | 'plain' | 'quiet';

export interface CallOptions {
  verbose: boolean;
  feedback: FeedbackChoice;
}

/** A shell's exit code for a command ended by Ctrl+C (128 + SIGINT). */
const INTERRUPTED_EXIT_CODE = 130;

const modeOf = (choice: FeedbackChoice): FeedbackMode =>
  choice === 'auto' ? (process.stderr.isTTY ? 'tty' : 'errors') : choice;

/** `-` reads the params from stdin, so that a shell needs no quoting (a here-document). */
const readParams = async (paramsText: string | undefined): Promise<unknown> => {
  const source = paramsText === '-' ? await text(process.stdin) : paramsText;
  if (source === undefined || source.trim() === '') return {};
  try {
    return JSON.parse(source);
  } catch (error) {
    throw new Error(`The params are not JSON: ${(error as Error).message}`);
  }
};

/**
 * `bst-containers call METHOD ['{json}' | -]`: one call without the protocol, for shells and
 * scripts. The result is the only thing on stdout; Ctrl+C cancels the call (the work stops in the
 * engine, as `$/cancelRequest` does) and exits 130.
 */
export const callOnce = async (
  method: string,
  paramsText: string | undefined,
  options: CallOptions,
  render: (result: unknown) => string = (result) => `${JSON.stringify(result)}\n`,
): Promise<number> => {
  const runtime = createRuntime(createLogger(options.verbose));
  const feedback = createFeedback(modeOf(options.feedback), (chunk) => process.stderr.write(chunk));
  const abort = new AbortController();
  // The first Ctrl+C cancels and waits for the work to stop; a second one does not wait.
  const onInterrupt = () => {
    if (abort.signal.aborted) process.exit(INTERRUPTED_EXIT_CODE);
    abort.abort();
  };
  process.on('SIGINT', onInterrupt);
  try {
    const params = await readParams(paramsText);
    const result = await runtime.dispatcher.invoke(method, params, {
      signal: abort.signal,
      get cancelled() {
        return abort.signal.aborted;
      },
      progress: () => feedback.progress,
      output: () => feedback.output,
    });
    feedback.finish();
    process.stdout.write(render(result));
    return 0;
  } catch (error) {
    feedback.finish();
    process.stderr.write(`${(error as Error).message}\n`);
    const cancelled = (error as { code?: number }).code === ErrorCode.RequestCancelled;
    return cancelled && abort.signal.aborted ? INTERRUPTED_EXIT_CODE : 1;
  } finally {
    process.off('SIGINT', onInterrupt);
    await runtime.engines.close();
  }
};

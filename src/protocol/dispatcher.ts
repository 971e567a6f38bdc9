import type { Method } from '../methods/define-method.js';
import type { MethodServices } from '../methods/method-context.js';
import { isMethodName, METHOD_NAMES, type MethodName } from '../schemas/method-names.js';
import { unknownMethod } from '../shared/failures.js';
import type { Progress, WorkContext } from '../shared/work-context.js';
import { parseParams } from './params.js';
import type { ProgressToken } from './progress.js';
import { toResponseError } from './response-error.js';

/** How one call reaches its caller: the server's notifications, or the `call` command's terminal. */
export interface CallChannel {
  /** Read only when a handler needs it (making one costs more than a quick call's work). */
  readonly signal: AbortSignal;
  readonly cancelled: boolean;
  progress(token: ProgressToken | undefined): Progress;
  output(token: ProgressToken | undefined): WorkContext['output'];
}

export interface Dispatcher {
  /** Runs one call: the result, or a ResponseError that says what went wrong. */
  invoke(name: string, rawParams: unknown, channel: CallChannel): Promise<unknown>;
}

/** The one way a call is made, for the server and for `bst-containers call` alike. */
export const createDispatcher = (
  loadMethod: (name: MethodName) => Promise<Method>,
  services: MethodServices,
): Dispatcher => {
  const loaded = new Map<MethodName, Method>();
  const methodOf = async (name: string): Promise<Method> => {
    if (!isMethodName(name)) throw unknownMethod(name, METHOD_NAMES);
    const known = loaded.get(name);
    if (known) return known;
    const method = await loadMethod(name);
    loaded.set(name, method);
    return method;
  };
  return {
    async invoke(name, rawParams, channel) {
      try {
        const method = await methodOf(name);
        const params = parseParams(method, rawParams);
        const token = params.progressToken as ProgressToken | undefined;
        return await method.handler(params as never, {
          ...services,
          get signal() {
            return channel.signal;
          },
          progress: channel.progress(token),
          output: channel.output(token),
        });
      } catch (error) {
        throw toResponseError(error, channel.cancelled);
      }
    },
  };
};

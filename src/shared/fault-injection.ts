import { existsSync } from 'node:fs';
import type { Socket } from 'node:net';
import type { buildConnector } from 'undici';
import buildUndiciConnector from 'undici/lib/core/connect.js';

const KIND = 'engine-socket';

/**
 * For tests only: `BST_CONTAINERS_TEST_FAULT=engine-socket` makes the engine connection throw from
 * its socket's first `data` handler, where nothing can catch it, as a library bug would (undici
 * 7's parser assertion did); `engine-socket:FILE` does so only while FILE exists, so that a test
 * can let the next bridge work. Its only effect; the bridge must then answer every call in
 * flight and exit (src/cli/serve.ts).
 */
export const faultInjectingConnector = (
  options: buildConnector.BuildOptions,
): buildConnector.connector | undefined => {
  const setting = process.env.BST_CONTAINERS_TEST_FAULT ?? '';
  if (setting !== KIND && !setting.startsWith(`${KIND}:`)) return undefined;
  const onlyWhile = setting.slice(KIND.length + 1);
  const connect = buildUndiciConnector(options);
  return (connectOptions, callback) =>
    connect(connectOptions, (error, socket) => {
      (socket as Socket | null)?.once('data', () => {
        if (onlyWhile && !existsSync(onlyWhile)) return;
        throw new Error(`fault injected by BST_CONTAINERS_TEST_FAULT=${setting}`);
      });
      (callback as (error: Error | null, socket: Socket | null) => void)(error, socket as Socket | null);
    });
};

import type { Socket } from 'node:net';
import type { buildConnector } from 'undici';
import buildUndiciConnector from 'undici/lib/core/connect.js';

/**
 * For tests only: `BST_CONTAINERS_TEST_FAULT=engine-socket` makes the engine connection throw from
 * its socket's first `data` handler, where nothing can catch it, as a library bug would (undici
 * 7's parser assertion did). Its only effect; the bridge must then answer every call in flight
 * and exit (src/cli/serve.ts).
 */
export const faultInjectingConnector = (
  options: buildConnector.BuildOptions,
): buildConnector.connector | undefined => {
  if (process.env.BST_CONTAINERS_TEST_FAULT !== 'engine-socket') return undefined;
  const connect = buildUndiciConnector(options);
  return (connectOptions, callback) =>
    connect(connectOptions, (error, socket) => {
      (socket as Socket | null)?.once('data', () => {
        throw new Error('fault injected by BST_CONTAINERS_TEST_FAULT=engine-socket');
      });
      (callback as (error: Error | null, socket: Socket | null) => void)(error, socket as Socket | null);
    });
};

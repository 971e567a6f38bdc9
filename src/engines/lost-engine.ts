import { BridgeError, isBridgeError } from '../shared/bridge-error.js';
import { ErrorCode } from '../shared/error-codes.js';
import { type ContainerEngine, ENGINE_LABELS } from './container-engine.js';

const CONNECTION_LOST = new Set(['UND_ERR_SOCKET', 'UND_ERR_CLOSED', 'ECONNRESET', 'EPIPE']);

/** The engine's connection broke mid-answer: it was stopped or crashed under a running call. */
export const isConnectionLost = (error: unknown): boolean =>
  // A BridgeError already says what failed (a cut download's cause is a socket error too).
  !isBridgeError(error) &&
  (CONNECTION_LOST.has((error as NodeJS.ErrnoException)?.code ?? '') ||
    CONNECTION_LOST.has((error as { cause?: NodeJS.ErrnoException })?.cause?.code ?? ''));

export const engineLost = (engine: ContainerEngine, error: unknown): BridgeError => {
  const label = ENGINE_LABELS[engine.name];
  return new BridgeError(
    ErrorCode.EngineNotAnswering,
    `${label} stopped answering at ${engine.location} during the call (${(error as Error).message}). Start ${label} again, then retry.`,
    { data: { engineMessage: (error as Error).message }, cause: error },
  );
};

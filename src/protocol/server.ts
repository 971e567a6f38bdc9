import type { Readable, Writable } from 'node:stream';
import {
  type CancellationToken,
  createMessageConnection,
  type MessageConnection,
  ResponseError,
} from 'vscode-jsonrpc/node.js';
import type { EngineSelector } from '../engines/engine-selector.js';
import type { CompiledMethod } from '../methods/define-method.js';
import type { MethodContext } from '../methods/method-context.js';
import { ErrorCode } from '../shared/error-codes.js';
import type { Logger } from '../shared/logger.js';
import { NdjsonReader } from '../transport/ndjson-reader.js';
import { NdjsonWriter } from '../transport/ndjson-writer.js';
import { LazyAbort } from './lazy-abort.js';
import { parseParams } from './params.js';
import { createProgress, type ProgressToken } from './progress.js';
import { toResponseError } from './response-error.js';

export interface ServerOptions {
  input: Readable;
  output: Writable;
  methods: Map<string, CompiledMethod>;
  engines: EngineSelector;
  log: Logger;
  tempRoot: string;
  maxLineBytes?: number;
  /** How long calls in flight may still finish once the input has ended. */
  drainMs?: number;
}

export interface Server {
  connection: MessageConnection;
  /** Settles when the input has ended and every request in flight has been answered or cancelled. */
  closed: Promise<void>;
  /**
   * Answers every request in flight with -32603 and `message` (the bridge is going down on a
   * fault it cannot recover from), settling once those answers have been written.
   */
  failAll(message: string): Promise<void>;
}

export const OUTPUT_NOTIFICATION = 'bst/output';
const DRAIN_MS = 300;
/** Output waiting for a slow client beyond this pauses the command's stream. */
const OUTPUT_ROOM_BYTES = 1024 * 1024;

const safely = (send: () => void) => {
  try {
    send();
  } catch {}
};

/** Serves the method set over one newline-delimited JSON-RPC 2.0 stream pair. */
export const startServer = (options: ServerOptions): Server => {
  const writer = new NdjsonWriter(options.output);
  const reader = new NdjsonReader(options.input, (reply) => void writer.write(reply), options.maxLineBytes);
  const connection = createMessageConnection(
    reader,
    writer,
    {
      error: (message) => options.log.debug(message),
      warn: (message) => options.log.debug(message),
      info: (message) => options.log.debug(message),
      log: (message) => options.log.debug(message),
    },
    {
      messageStrategy: {
        handleMessage: (message, next) => {
          reader.taken(message);
          next(message);
        },
      },
    },
  );
  const inFlight = new Set<LazyAbort>();
  let requestsHandled = 0;
  let fail: (error: ResponseError<unknown>) => void = () => {};
  const failed = new Promise<never>((_, reject) => {
    fail = reject;
  });
  failed.catch(() => {});

  const handle = async (method: string, rawParams: unknown, token: CancellationToken) => {
    try {
      return await Promise.race([handleRequest(method, rawParams, token), failed]);
    } finally {
      requestsHandled++;
    }
  };

  const handleRequest = async (method: string, rawParams: unknown, token: CancellationToken) => {
    const compiled = options.methods.get(method);
    if (!compiled) {
      throw new ResponseError(
        ErrorCode.MethodNotFound,
        `Unknown method ${method}. Methods: ${[...options.methods.keys()].join(', ')}`,
      );
    }
    const abort = new LazyAbort();
    inFlight.add(abort);
    const onCancel = token.onCancellationRequested(() => abort.abort());
    try {
      const params = parseParams(compiled, rawParams);
      const progressToken = params.progressToken as ProgressToken | undefined;
      const notify = (method: string, params: object) => {
        // Once the input has ended the connection refuses notifications; the answer still goes out.
        connection.sendNotification(method, params).catch(() => {});
      };
      const send = (progress: ProgressToken, value: Record<string, unknown>) =>
        safely(() => notify('$/progress', { token: progress, value }));
      const context: MethodContext = {
        engines: options.engines,
        log: options.log,
        get signal() {
          return abort.signal;
        },
        tempRoot: options.tempRoot,
        progress: createProgress(progressToken, send),
        output: (stream, text) => {
          if (progressToken === undefined) return undefined;
          safely(() => notify(OUTPUT_NOTIFICATION, { token: progressToken, stream, text }));
          return writer.room(OUTPUT_ROOM_BYTES);
        },
      };
      return await compiled.definition.handler(params as never, context);
    } catch (error) {
      throw toResponseError(error, abort.aborted);
    } finally {
      onCancel.dispose();
      inFlight.delete(abort);
    }
  };

  connection.onRequest((method, params, token) => handle(method, params, token));
  connection.onNotification((method) => options.log.debug(`notification ${method} ignored`));

  const closed = new Promise<void>((resolve) => {
    connection.onClose(() => {
      // Quick calls already in flight still get their answer; long ones are cancelled.
      const cancelRest = setTimeout(() => {
        for (const abort of inFlight) abort.abort();
      }, options.drainMs ?? DRAIN_MS);
      const waitForAll = async () => {
        while (requestsHandled < reader.requestsRead) await new Promise((next) => setTimeout(next, 2));
        // The answer of the last call is written a tick after its handler settles.
        await new Promise((next) => setImmediate(next));
        await writer.idle();
      };
      void waitForAll().then(() => {
        clearTimeout(cancelRest);
        resolve();
      });
    });
  });
  connection.listen();
  const failAll = async (message: string) => {
    fail(new ResponseError(ErrorCode.InternalError, message));
    // The answers are written a tick after their handlers settle.
    await new Promise((next) => setImmediate(next));
    await writer.idle();
  };
  return { connection, closed, failAll };
};

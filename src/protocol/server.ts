import {
  type CancellationToken,
  createMessageConnection,
  type Message,
  type MessageConnection,
  type MessageReader,
  type MessageWriter,
  ResponseError,
} from 'vscode-jsonrpc/lib/common/api.js';
import NodeRuntime from 'vscode-jsonrpc/lib/node/ril.js';
import { internalFault } from '../shared/failures.js';
import type { Logger } from '../shared/logger.js';
import { CallsInFlight } from './calls-in-flight.js';
import type { CallChannel, Dispatcher } from './dispatcher.js';
import type { LineIntake } from './line-intake.js';
import { createProgress, type ProgressToken } from './progress.js';
import { DRAIN_MS } from './shutdown-timing.js';

// vscode-jsonrpc's Node entry would also load what its socket and pipe transports need (crypto, net,
// os), which the bridge does not use, on every start; its common part runs on the Node runtime
// layer installed here, as that entry does.
// A CommonJS module's default: Node's loader gives module.exports, a test runner's interop its
// `default` property; either way the same runtime layer.
(NodeRuntime.default ?? (NodeRuntime as unknown as typeof NodeRuntime.default)).install();

/** A transport's reader that holds messages until the connection takes them (its flow control). */
export interface QueueingReader extends MessageReader {
  taken(message: Message): void;
}

/** A transport's writer that tells when its output has room, and when all has left. */
export interface DrainingWriter extends MessageWriter {
  /** Settles once fewer than `bytes` wait to leave (undefined when they already do). */
  room(bytes: number): Promise<void> | undefined;
  idle(): Promise<void>;
}

export interface ServerOptions {
  reader: QueueingReader;
  writer: DrainingWriter;
  intake: LineIntake;
  dispatcher: Dispatcher;
  log: Logger;
  /** How long calls in flight may still finish once the input has ended. */
  drainMs?: number;
}

export interface Server {
  connection: MessageConnection;
  /** Settles when the input has ended and every request read has been answered or cancelled. */
  closed: Promise<void>;
  /**
   * Answers every request in flight with -32603 and what the fault was (the bridge is going down
   * on a fault it cannot recover from), settling once those answers have been written.
   */
  failAll(fault: unknown): Promise<void>;
}

const OUTPUT_NOTIFICATION = 'bst/output';
/** Output waiting for a slow client beyond this pauses the command's stream. */
const OUTPUT_ROOM_BYTES = 1024 * 1024;

const openConnection = (reader: QueueingReader, writer: DrainingWriter, log: Logger) =>
  createMessageConnection(
    reader,
    writer,
    {
      error: (message) => log.debug(message),
      warn: (message) => log.debug(message),
      info: (message) => log.debug(message),
      log: (message) => log.debug(message),
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

/** Serves the method set over one newline-delimited JSON-RPC 2.0 stream pair. */
export const startServer = (options: ServerOptions): Server => {
  const { writer, dispatcher } = options;
  const connection = openConnection(options.reader, writer, options.log);
  const calls = new CallsInFlight();

  // Once the input has ended the connection refuses notifications; the answer still goes out.
  const notify = (method: string, params: object) => {
    try {
      connection.sendNotification(method, params).catch(() => {});
    } catch {}
  };

  const channelFor = (token: CancellationToken) => {
    const call = calls.start();
    const { abort } = call;
    const onCancel = token.onCancellationRequested(() => abort.abort());
    const channel: CallChannel = {
      get signal() {
        return abort.signal;
      },
      get cancelled() {
        return abort.aborted;
      },
      progress: (progressToken) =>
        createProgress(progressToken, (to, value) => notify('$/progress', { token: to, value })),
      output: (progressToken: ProgressToken | undefined) => (stream, text) => {
        if (progressToken === undefined) return undefined;
        notify(OUTPUT_NOTIFICATION, { token: progressToken, stream, text });
        return writer.room(OUTPUT_ROOM_BYTES);
      },
    };
    const done = () => {
      onCancel.dispose();
      calls.finish(call);
    };
    return { channel, failed: call.failed, done };
  };

  const answer = async (method: string, rawParams: unknown, token: CancellationToken) => {
    const { channel, failed, done } = channelFor(token);
    try {
      return await Promise.race([dispatcher.invoke(method, rawParams, channel), failed]);
    } finally {
      done();
    }
  };

  connection.onRequest((method, params, token) => answer(method, params, token));
  connection.onNotification((method) => options.log.debug(`notification ${method} ignored`));

  const closed = new Promise<void>((resolve) => {
    connection.onClose(() => {
      // Quick calls already in flight still get their answer; long ones are cancelled.
      const cancelRest = setTimeout(() => calls.cancelAll(), options.drainMs ?? DRAIN_MS);
      void calls
        .allAnswered(() => options.intake.requestsRead)
        .then(() => writtenOut(writer))
        .then(() => {
          clearTimeout(cancelRest);
          resolve();
        });
    });
  });
  connection.listen();
  const failAll = async (fault: unknown) => {
    const { code, message } = internalFault(fault);
    calls.failAll(new ResponseError(code, message));
    await writtenOut(writer);
  };
  return { connection, closed, failAll };
};

/** Answers are written a tick after their handlers settle; then the output drains. */
const writtenOut = async (writer: DrainingWriter) => {
  await new Promise((next) => setImmediate(next));
  await writer.idle();
};

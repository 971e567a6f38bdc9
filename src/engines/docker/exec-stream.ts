import type { OutputStream } from '../../shared/work-context.js';
import { Demultiplexer } from './multiplex.js';

export interface ExecStreamEvents {
  /** The PID line has arrived: from now on the command can be killed. */
  onPid(pid: string): void;
  /** Output of the command. Settles when the client has room for more. */
  onOutput(stream: OutputStream, data: Buffer): Promise<void> | undefined;
}

const EXIT_LINE = /^exit (\d+)$/m;

/**
 * Reads the exec's multiplexed stream of a `commandReportingPidAndExit` command: stdout is the
 * command's output, stderr the wrapper's two lines. Answers the exit status, or undefined when
 * the stream ended without it (the wrapper was killed, or the stream was closed early).
 */
export const readExecStream = async (
  body: AsyncIterable<Buffer>,
  events: ExecStreamEvents,
): Promise<number | undefined> => {
  const demux = new Demultiplexer();
  let report = '';
  let pidSeen = false;
  for await (const chunk of body) {
    for (const frame of demux.push(chunk)) {
      if (frame.stream === 'stdout') {
        await events.onOutput('stdout', frame.data);
        continue;
      }
      report += frame.data.toString('latin1');
      const newline = report.indexOf('\n');
      if (!pidSeen && newline !== -1) {
        pidSeen = true;
        events.onPid(report.slice(0, newline).trim());
        report = report.slice(newline + 1);
      }
    }
  }
  const exit = EXIT_LINE.exec(report)?.[1];
  return exit === undefined ? undefined : Number(exit);
};

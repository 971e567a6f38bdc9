import { describe, expect, it } from 'vitest';
import { readExecStream } from '../../../../src/engines/docker/exec-stream.js';

const frame = (stream: number, text: string) => {
  const header = Buffer.alloc(8);
  header[0] = stream;
  header.writeUInt32BE(Buffer.byteLength(text), 4);
  return Buffer.concat([header, Buffer.from(text)]);
};

async function* chunks(...parts: Buffer[]) {
  yield* parts;
}

const read = async (...parts: Buffer[]) => {
  const pids: string[] = [];
  const output: string[] = [];
  const exitCode = await readExecStream(chunks(...parts), {
    onPid: (pid) => pids.push(pid),
    onOutput: (stream, data) => {
      output.push(`${stream}:${data.toString()}`);
      return undefined;
    },
  });
  return { pids, output, exitCode };
};

describe("the exec wrapper's stream", () => {
  it('gives the PID first, the output as it comes, and the exit status from the last line', async () => {
    const bytes = Buffer.concat([
      frame(2, '4321\n'),
      frame(1, 'hello\n'),
      frame(1, 'world\n'),
      frame(2, 'exit 3\n'),
    ]);
    // Cut anywhere, even inside a header or the PID line.
    expect(await read(bytes.subarray(0, 3), bytes.subarray(3, 10), bytes.subarray(10))).toEqual({
      pids: ['4321'],
      output: ['stdout:hello\n', 'stdout:world\n'],
      exitCode: 3,
    });
  });

  it('answers no exit status when the stream ends without the report', async () => {
    expect(await read(frame(2, '77\n'), frame(1, 'partial'))).toEqual({
      pids: ['77'],
      output: ['stdout:partial'],
      exitCode: undefined,
    });
  });

  it('takes a PID line that arrives in pieces, and the report in the same frame as the PID', async () => {
    expect(await read(frame(2, '12'), frame(2, '34\nexit 0\n'))).toEqual({
      pids: ['1234'],
      output: [],
      exitCode: 0,
    });
  });
});

import type { OutputStream, WorkContext } from '../../shared/work-context.js';
import { containerPath } from './containers.js';
import type { DockerApi } from './docker-api.js';
import { Demultiplexer } from './multiplex.js';

const demultiplexed = async (
  body: AsyncIterable<Buffer>,
  onFrame: (stream: OutputStream, data: Buffer) => Promise<void> | undefined,
): Promise<Buffer> => {
  const demux = new Demultiplexer();
  const chunks: Buffer[] = [];
  for await (const chunk of body) {
    for (const frame of demux.push(chunk)) {
      chunks.push(frame.data);
      await onFrame(frame.stream, frame.data);
    }
  }
  return Buffer.concat(chunks);
};

const wholeLog = async (api: DockerApi, id: string): Promise<Buffer> => {
  const response = await api.request({
    path: containerPath(id, '/logs'),
    query: { stdout: true, stderr: true },
  });
  return demultiplexed(response.body, () => undefined);
};

/** How long a followed log may lag behind the container's exit before it is read again whole. */
const LOG_GRACE_MS = 1000;

/**
 * Echoes a running container's output as it comes and answers all of it with the exit code.
 * Podman 4 may never end a followed log of a container that exited before the request, so the
 * wait decides; the log is read again, whole, when following it did not end in time or was cut
 * (it ended while the container still ran).
 */
export const outputAndExit = async (api: DockerApi, id: string, context: WorkContext) => {
  const follow = new AbortController();
  const signal = AbortSignal.any([context.signal, follow.signal]);
  let exited = false;
  let endedEarly = false;
  const followed = api
    .request({
      path: containerPath(id, '/logs'),
      query: { follow: true, stdout: true, stderr: true },
      signal,
    })
    .then((response) =>
      demultiplexed(response.body, (stream, data) => context.output(stream, data.toString('utf8'))),
    )
    .finally(() => {
      endedEarly = !exited;
    });
  followed.catch(() => {});
  const { StatusCode } = await api.json<{ StatusCode: number }>({
    method: 'POST',
    path: containerPath(id, '/wait'),
    signal: context.signal,
  });
  exited = true;
  const timer = setTimeout(() => follow.abort(), LOG_GRACE_MS);
  let output: Buffer;
  try {
    output = await followed;
    if (endedEarly) output = await wholeLog(api, id);
  } catch (error) {
    if (context.signal.aborted) throw error;
    output = await wholeLog(api, id);
  } finally {
    clearTimeout(timer);
  }
  return { exitCode: StatusCode, cmdout: output.toString('utf8') };
};

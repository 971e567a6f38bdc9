import { gzipSync } from 'node:zlib';
import { chunked, finish, head, KEEP, type Play, reset, send, trickle } from './http-peer.js';
import { STALL_SECONDS } from './margins.js';

/**
 * What a case must end in: the body arrives whole (`whole`), the transfer fails (`failed`), or
 * the transfer looked whole and only what reads the body can tell it was cut (`cut-unseen`:
 * a close-delimited body that ended early).
 */
export type Outcome = 'whole' | 'failed' | 'cut-unseen';

export interface PeerCase {
  name: string;
  play: Play;
  outcome: Outcome;
  /** The body is `small` (trickled) rather than the suite's usual one. */
  small?: boolean;
}

const ok = (headers: Record<string, string | number> = {}) => head('200 OK', headers);

/** Where a redirect case sends the client: another peer, on another port, that answers whole. */
export const wholeAnswer =
  (body: Buffer): Play =>
  async (socket) => {
    await send(socket, ok({ 'content-length': body.length, 'content-type': 'application/octet-stream' }));
    await send(socket, body);
    return KEEP;
  };

/**
 * Every way an HTTP peer can behave, for a GET of `body`. `small` is a body under 1 KiB for the
 * byte-by-byte trickle; `elsewhere` is the URL of a peer that answers `wholeAnswer`.
 */
export const peerCases = (body: Buffer, small: Buffer, elsewhere: string): PeerCase[] => {
  const half = Math.floor(body.length / 2);
  const length = { 'content-length': body.length };
  const redirect = (status: string): PeerCase => ({
    name: `redirect ${status} to another port`,
    outcome: 'whole',
    play: async (socket) => {
      await send(socket, head(status, { location: elsewhere, 'content-length': 0 }));
      return KEEP;
    },
  });
  return [
    {
      name: 'a close-delimited body with no length (HTTP/1.0)',
      outcome: 'whole',
      play: async (socket) => {
        await send(socket, head('200 OK', {}, '1.0'));
        await send(socket, body);
        await finish(socket);
        return undefined;
      },
    },
    {
      name: 'Connection: close with a Content-Length',
      outcome: 'whole',
      play: async (socket) => {
        await send(socket, ok({ ...length, connection: 'close' }));
        await send(socket, body);
        await finish(socket);
        return undefined;
      },
    },
    {
      name: 'chunked',
      outcome: 'whole',
      play: async (socket) => {
        await send(socket, ok({ 'transfer-encoding': 'chunked' }));
        await send(socket, chunked(body, 40_000));
        return KEEP;
      },
    },
    {
      name: 'chunked, FIN in the middle of a chunk',
      outcome: 'failed',
      play: async (socket) => {
        await send(socket, ok({ 'transfer-encoding': 'chunked' }));
        const coded = chunked(body, 40_000);
        await send(socket, coded.subarray(0, Math.floor(coded.length / 2)));
        await finish(socket);
        return undefined;
      },
    },
    {
      name: 'FIN right after the headers, with a Content-Length',
      outcome: 'failed',
      play: async (socket) => {
        await send(socket, ok(length));
        await finish(socket);
        return undefined;
      },
    },
    {
      name: 'FIN right after the headers, close-delimited (an empty body)',
      outcome: 'cut-unseen',
      play: async (socket) => {
        await send(socket, head('200 OK', {}, '1.0'));
        await finish(socket);
        return undefined;
      },
    },
    {
      name: 'FIN in the middle of the body, with a Content-Length',
      outcome: 'failed',
      play: async (socket) => {
        await send(socket, ok(length));
        await send(socket, body.subarray(0, half));
        await finish(socket);
        return undefined;
      },
    },
    {
      name: 'FIN in the middle of a close-delimited body',
      outcome: 'cut-unseen',
      play: async (socket) => {
        await send(socket, head('200 OK', {}, '1.0'));
        await send(socket, body.subarray(0, half));
        await finish(socket);
        return undefined;
      },
    },
    {
      name: 'RST in the middle of the body, with a Content-Length',
      outcome: 'failed',
      play: async (socket) => {
        await send(socket, ok(length));
        await send(socket, body.subarray(0, half));
        reset(socket);
        return undefined;
      },
    },
    {
      // A reset after a close-delimited body has begun ends it for undici, as a FIN would.
      name: 'RST in the middle of a close-delimited body',
      outcome: 'cut-unseen',
      play: async (socket) => {
        await send(socket, head('200 OK', {}, '1.0'));
        await send(socket, body.subarray(0, half));
        reset(socket);
        return undefined;
      },
    },
    {
      name: 'a body shorter than its Content-Length, the connection left open',
      outcome: 'failed',
      play: async (socket) => {
        await send(socket, ok({ 'content-length': body.length + 1000 }));
        await send(socket, body);
        return undefined;
      },
    },
    {
      name: 'a body longer than its Content-Length',
      outcome: 'whole',
      play: async (socket) => {
        await send(socket, ok({ ...length, connection: 'close' }));
        await send(socket, Buffer.concat([body, Buffer.alloc(4096, 0x41)]));
        await finish(socket);
        return undefined;
      },
    },
    {
      name: 'a small body trickled byte by byte, with a pause shorter than the stall time',
      outcome: 'whole',
      small: true,
      play: async (socket) => {
        await send(socket, ok({ 'content-length': small.length }));
        const middle = Math.floor(small.length / 2);
        await trickle(socket, small.subarray(0, middle), 1);
        await new Promise((resolve) => setTimeout(resolve, (STALL_SECONDS * 1000 * 3) / 4));
        await trickle(socket, small.subarray(middle), 1);
        return KEEP;
      },
    },
    {
      name: 'headers that never finish (a byte every 200 ms)',
      outcome: 'failed',
      play: async (socket) => {
        await trickle(socket, Buffer.from(`HTTP/1.1 200 OK\r\nx-slow: ${'a'.repeat(200)}`), 200);
        return undefined;
      },
    },
    {
      name: 'no byte for the stall time after the headers',
      outcome: 'failed',
      play: async (socket) => {
        await send(socket, ok(length));
        await send(socket, body.subarray(0, 1000));
        return undefined;
      },
    },
    { name: 'no answer at all', outcome: 'failed', play: () => undefined },
    redirect('301 Moved Permanently'),
    redirect('302 Found'),
    redirect('307 Temporary Redirect'),
    redirect('308 Permanent Redirect'),
    {
      name: 'a redirect loop',
      outcome: 'failed',
      play: async (socket, request) => {
        await send(socket, head('302 Found', { location: request.path, 'content-length': 0 }));
        return KEEP;
      },
    },
    {
      name: 'a redirect to a non-http scheme',
      outcome: 'failed',
      play: async (socket) => {
        await send(socket, head('302 Found', { location: 'ftp://127.0.0.1/image.tar', 'content-length': 0 }));
        return KEEP;
      },
    },
    {
      name: 'Content-Encoding: gzip on the body',
      outcome: 'whole',
      play: async (socket) => {
        const encoded = gzipSync(body);
        await send(socket, ok({ 'content-length': encoded.length, 'content-encoding': 'gzip' }));
        await send(socket, encoded);
        return KEEP;
      },
    },
    {
      name: 'Content-Encoding: gzip, damaged',
      outcome: 'failed',
      play: async (socket) => {
        const encoded = gzipSync(body);
        // The gzip header and trailer stay; the deflate data between them is garbage.
        encoded.fill(0x55, 10, encoded.length - 8);
        await send(socket, ok({ 'content-length': encoded.length, 'content-encoding': 'gzip' }));
        await send(socket, encoded);
        return KEEP;
      },
    },
    {
      name: 'large headers (12 KiB)',
      outcome: 'whole',
      play: async (socket) => {
        await send(socket, ok({ ...length, 'x-large': 'b'.repeat(12 * 1024) }));
        await send(socket, body);
        return KEEP;
      },
    },
    {
      name: 'huge headers (64 KiB)',
      outcome: 'failed',
      play: async (socket) => {
        await send(socket, ok({ ...length, 'x-huge': 'c'.repeat(64 * 1024) }));
        await send(socket, body);
        return KEEP;
      },
    },
    {
      name: 'a slow consumer: the whole body at once, then FIN (HTTP/1.0 with a length)',
      outcome: 'whole',
      play: async (socket) => {
        socket.write(head('200 OK', length, '1.0'));
        socket.end(body);
        return undefined;
      },
    },
  ];
};

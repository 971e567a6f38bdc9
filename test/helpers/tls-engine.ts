import { chown, copyFile, mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { type AddressInfo, connect, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer as createTlsServer, type TLSSocket } from 'node:tls';
import { execa } from 'execa';
import { AS_USER, testUser } from './test-user.js';

const DOCKER_SOCKET = '/var/run/docker.sock';

/** A key and its certificate, as files. */
export interface KeyPair {
  cert: string;
  key: string;
}

/**
 * What `makeCertificates` writes: certificate folders as the Docker CLI reads them
 * (DOCKER_CERT_PATH: ca.pem, cert.pem, key.pem), and the servers' certificates.
 */
export interface Certificates {
  root: string;
  /** The CA that signs the good server and client certificates. */
  ca: KeyPair;
  /** A good folder: the CA, and a client certificate it signed. */
  clientFolder: string;
  /** The CA alone: no client certificate. */
  caOnlyFolder: string;
  /** The CA, and a client certificate signed by the other CA. */
  foreignClientFolder: string;
  /** For 127.0.0.1 and localhost, signed by the CA. */
  server: KeyPair;
  /** For 127.0.0.1 and localhost, signed by an unrelated CA. */
  otherCaServer: KeyPair;
  /** Signed by the CA, for another name only. */
  wrongNameServer: KeyPair;
  /** Signed by the CA, for 127.0.0.1 and localhost, expired. */
  expiredServer: KeyPair;
  /** For 127.0.0.1 and localhost, signed by itself. */
  selfSignedServer: KeyPair;
}

const openssl = (...args: string[]) => execa('openssl', args);

const EC_KEY = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
const SERVER_NAMES = 'subjectAltName=DNS:localhost,IP:127.0.0.1';

const makeCa = async (folder: string, name: string): Promise<KeyPair> => {
  const pair = { cert: join(folder, `${name}.pem`), key: join(folder, `${name}-key.pem`) };
  await openssl(
    ...['req', '-x509', '-new', ...EC_KEY, '-keyout', pair.key, '-out', pair.cert],
    ...['-days', '2', '-subj', `/CN=${name}`],
    ...['-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign'],
  );
  return pair;
};

let serial = 1;
/** A certificate `ca` signs; `days` below 0 makes one that expired. */
const makeSigned = async (
  folder: string,
  name: string,
  ca: KeyPair,
  options: { names: string; usage: 'serverAuth' | 'clientAuth'; days?: number },
): Promise<KeyPair> => {
  const pair = { cert: join(folder, `${name}.pem`), key: join(folder, `${name}-key.pem`) };
  const request = join(folder, `${name}.csr`);
  await openssl(
    ...['req', '-new', ...EC_KEY, '-keyout', pair.key, '-out', request, '-subj', `/CN=${name}`],
    ...['-addext', options.names, '-addext', `extendedKeyUsage=${options.usage}`],
  );
  await openssl(
    ...['x509', '-req', '-in', request, '-CA', ca.cert, '-CAkey', ca.key, '-copy_extensions', 'copyall'],
    ...['-set_serial', String(serial++), '-days', String(options.days ?? 2), '-out', pair.cert],
  );
  return pair;
};

const certificateFolder = async (folder: string, files: Record<string, string>) => {
  await mkdir(folder);
  for (const [name, from] of Object.entries(files)) await copyFile(from, join(folder, name));
  return folder;
};

/** Gives a folder, and everything in it, to the test user. */
const giveToUser = async (folder: string) => {
  const { uid, gid } = testUser();
  await chown(folder, uid, gid);
  for (const entry of await readdir(folder, { recursive: true })) await chown(join(folder, entry), uid, gid);
};

/**
 * Generates every certificate with openssl (argv, no shell) in a temp folder that belongs to the
 * bridge's user (`forUser`: the test user; by default, as this run's BST_TEST_USER says), whose
 * bridge reads the client folders.
 */
export const makeCertificates = async ({ forUser = AS_USER } = {}): Promise<Certificates> => {
  const root = await mkdtemp(join(tmpdir(), 'bst-tls-'));
  const issued = join(root, 'issued');
  await mkdir(issued);
  const ca = await makeCa(issued, 'bst-test-ca');
  const otherCa = await makeCa(issued, 'bst-other-ca');
  const server = await makeSigned(issued, 'server', ca, { names: SERVER_NAMES, usage: 'serverAuth' });
  const otherCaServer = await makeSigned(issued, 'other-ca-server', otherCa, {
    names: SERVER_NAMES,
    usage: 'serverAuth',
  });
  const wrongNameServer = await makeSigned(issued, 'wrong-name-server', ca, {
    names: 'subjectAltName=DNS:elsewhere.invalid',
    usage: 'serverAuth',
  });
  // Valid until a day before it was made: expired from its first second.
  const expiredServer = await makeSigned(issued, 'expired-server', ca, {
    names: SERVER_NAMES,
    usage: 'serverAuth',
    days: -1,
  });
  const selfSignedServer = {
    cert: join(issued, 'self-signed.pem'),
    key: join(issued, 'self-signed-key.pem'),
  };
  await openssl(
    ...['req', '-x509', '-new', ...EC_KEY, '-keyout', selfSignedServer.key, '-out', selfSignedServer.cert],
    ...['-days', '2', '-subj', '/CN=localhost', '-addext', SERVER_NAMES],
  );
  const client = await makeSigned(issued, 'client', ca, {
    names: 'subjectAltName=DNS:client',
    usage: 'clientAuth',
  });
  const foreignClient = await makeSigned(issued, 'foreign-client', otherCa, {
    names: 'subjectAltName=DNS:client',
    usage: 'clientAuth',
  });
  const certificates: Certificates = {
    root,
    ca,
    clientFolder: await certificateFolder(join(root, 'client'), {
      'ca.pem': ca.cert,
      'cert.pem': client.cert,
      'key.pem': client.key,
    }),
    caOnlyFolder: await certificateFolder(join(root, 'ca-only'), { 'ca.pem': ca.cert }),
    foreignClientFolder: await certificateFolder(join(root, 'foreign-client'), {
      'ca.pem': ca.cert,
      'cert.pem': foreignClient.cert,
      'key.pem': foreignClient.key,
    }),
    server,
    otherCaServer,
    wrongNameServer,
    expiredServer,
    selfSignedServer,
  };
  if (forUser) await giveToUser(root);
  return certificates;
};

export const removeCertificates = (certificates: Certificates) =>
  rm(certificates.root, { recursive: true, force: true });

/** What a plain HTTP server answers to bytes that are not HTTP (Go's net/http, as dockerd). */
const BAD_REQUEST =
  'HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\n400 Bad Request';
const HTTP_REQUEST_LINE = /^[A-Z]+ \S+ HTTP\/1\.[01]\r\n/;

export type TlsEngineKind =
  /** TLS with `server`'s certificate, and a client certificate signed by the CA required. */
  | { tls: KeyPair; ca: string }
  /** Plain TCP, as an unencrypted dockerd: HTTP is forwarded, anything else gets a 400. */
  | { plaintext: true };

/**
 * An engine endpoint of the tests' own on a free port of 127.0.0.1, in front of the real
 * dockerd's socket: over TLS (Node's server, verifying client certificates against the CA), or
 * plain. It forwards to the engine only what a real engine would serve (an accepted TLS
 * connection; plain HTTP), and counts it: "nothing reaches the engine" is `forwarded() === 0`.
 */
export class TlsEngine {
  private accepted = 0;
  private forwardedConnections = 0;
  private forwardedBytes = 0;
  private readonly sockets = new Set<Socket>();

  private constructor(private readonly server: Server) {}

  static async start(kind: TlsEngineKind, target = DOCKER_SOCKET): Promise<TlsEngine> {
    let engine: TlsEngine;
    if ('tls' in kind) {
      const server = createTlsServer({
        cert: await readFile(kind.tls.cert),
        key: await readFile(kind.tls.key),
        ca: await readFile(kind.ca),
        requestCert: true,
        rejectUnauthorized: true,
      });
      engine = new TlsEngine(server);
      // Only once the handshake succeeded, the client certificate verified.
      server.on('secureConnection', (socket: TLSSocket) => engine.forward(socket, target));
      // A refused handshake: what the client is told is the TLS alert, if any.
      server.on('tlsClientError', (_error, socket) => socket.destroy());
    } else {
      const server = createServer();
      engine = new TlsEngine(server);
      server.on('connection', (socket) => {
        socket.once('data', (first) => {
          if (HTTP_REQUEST_LINE.test(first.toString('latin1'))) engine.forward(socket, target, first);
          else socket.end(BAD_REQUEST);
        });
      });
    }
    engine.server.on('connection', (socket: Socket) => {
      engine.accepted++;
      engine.sockets.add(socket);
      socket.on('close', () => engine.sockets.delete(socket));
      socket.on('error', () => {});
    });
    await new Promise<void>((resolve) => engine.server.listen(0, '127.0.0.1', resolve));
    return engine;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  /** What the bridge is given as DOCKER_HOST. */
  get host(): string {
    return `tcp://127.0.0.1:${this.port}`;
  }

  /** TCP connections that reached the endpoint: the bridge did try. */
  connections(): number {
    return this.accepted;
  }

  /** Connections passed on to the engine. */
  forwarded(): number {
    return this.forwardedConnections;
  }

  /** Bytes passed on to the engine. */
  bytesForwarded(): number {
    return this.forwardedBytes;
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private forward(client: Socket, target: string, first?: Buffer): void {
    this.forwardedConnections++;
    this.sockets.add(client);
    const engine = connect(target);
    this.sockets.add(engine);
    if (first) {
      this.forwardedBytes += first.length;
      engine.write(first);
    }
    client.on('data', (chunk: Buffer) => {
      this.forwardedBytes += chunk.length;
    });
    client.pipe(engine).pipe(client);
    const end = () => {
      client.destroy();
      engine.destroy();
    };
    client.on('error', end).on('close', end);
    engine.on('error', end).on('close', end);
  }
}

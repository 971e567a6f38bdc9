import { readFileSync } from 'node:fs';
import type { Socket } from 'node:net';
import type { buildConnector } from 'undici';
import buildUndiciConnector from 'undici/lib/core/connect.js';
import { tlsFileInvalid, tlsFileUnreadable } from '../../shared/failures.js';
import type { TlsSettings } from './tls-settings.js';

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g;
const ENCRYPTED_KEY = /-----BEGIN ENCRYPTED PRIVATE KEY-----|Proc-Type: 4,ENCRYPTED/;

interface TlsMaterial {
  ca?: string | string[];
  cert?: string;
  key?: string;
}

/**
 * The files' contents, checked here so that a wrong file is named before anything is sent, as
 * the Docker CLI checks them before it connects (cli/context/docker/load.go@v29.7.2): a CA file
 * needs one certificate, and a client certificate the key that is its own.
 */
const readMaterial = (location: string, tls: TlsSettings): TlsMaterial => {
  const read = (path: string) => {
    try {
      return readFileSync(path, 'utf8');
    } catch (error) {
      throw tlsFileUnreadable(location, path, tls, error);
    }
  };
  // Loaded here, not at start: only TLS endpoints need them.
  const crypto = process.getBuiltinModule('node:crypto');
  const parses = (pem: string) => {
    try {
      return new crypto.X509Certificate(pem);
    } catch {
      return undefined;
    }
  };
  const material: TlsMaterial = {};
  if (tls.ca) {
    const ca = read(tls.ca);
    if (![...ca.matchAll(PEM_CERTIFICATE)].some(([block]) => parses(block)))
      throw tlsFileInvalid(location, tls.ca, tls, 'no-certificate');
    material.ca = ca;
  } else if (tls.verify) {
    // As Go's TLS client with no RootCAs: the system's CAs, not the ones Node carries.
    material.ca = process.getBuiltinModule('node:tls').getCACertificates('system');
  }
  if (tls.cert && tls.key) {
    const cert = read(tls.cert);
    const key = read(tls.key);
    const certificate = parses(cert);
    if (!certificate) throw tlsFileInvalid(location, tls.cert, tls, 'no-certificate');
    if (ENCRYPTED_KEY.test(key)) throw tlsFileInvalid(location, tls.key, tls, 'encrypted-key');
    let privateKey: ReturnType<typeof crypto.createPrivateKey>;
    try {
      privateKey = crypto.createPrivateKey(key);
    } catch (error) {
      throw tlsFileInvalid(location, tls.key, tls, 'not-a-key', error);
    }
    if (!certificate.checkPrivateKey(privateKey))
      throw tlsFileInvalid(location, tls.key, tls, 'key-mismatch');
    material.cert = cert;
    material.key = key;
  }
  return material;
};

/**
 * A server's alert after the handshake (in TLS 1.3, a client certificate missing or refused)
 * reaches undici as a socket error that its own "other side closed" replaces at once (undici
 * 8.13.1, client-h1.js onHttpSocketEnd): the alert is kept as that error's cause, so that the
 * message can say what the server refused. Listens before undici, which adds its handlers once
 * the connector has answered.
 */
const keepTlsAlert = (socket: Socket) => {
  let alert: Error | undefined;
  socket.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code?.startsWith('ERR_SSL_')) alert ??= error;
    else if (alert && error.cause === undefined) error.cause = alert;
  });
};

/**
 * TLS as the Docker CLI speaks it: the server verified (unless encrypt-only), the client
 * certificate when there is one, HTTP/1.1 only (as Go's transport with a TLS config of its own),
 * and the server's name checked against its certificate (undici sends a host name as SNI, an
 * address not).
 */
export const tlsTransport = (
  origin: string,
  location: string,
  tls: TlsSettings,
): { origin: string; connect: buildConnector.connector } => {
  const connect = buildUndiciConnector({
    ...readMaterial(location, tls),
    rejectUnauthorized: tls.verify,
    allowH2: false,
  });
  return {
    origin: origin.replace(/^http:/, 'https:'),
    connect: (options, callback) =>
      connect(options, (error, socket) => {
        if (socket) keepTlsAlert(socket as Socket);
        (callback as (error: Error | null, socket: Socket | null) => void)(error, socket as Socket | null);
      }),
  };
};

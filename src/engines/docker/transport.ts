import type { buildConnector } from 'undici';
import { faultInjectingConnector } from '../../shared/fault-injection.js';
import { dialStdioConnector } from '../ssh/dial-stdio-connector.js';
import { SocketTunnel } from '../ssh/socket-tunnel.js';
import type { DockerEndpoint } from './endpoint.js';
import { tlsTransport } from './tls-transport.js';

/** How a connection pool reaches an endpoint: the origin its requests name, and how it connects. */
export interface EngineTransport {
  origin: string;
  connect: buildConnector.BuildOptions | buildConnector.connector;
  /** A failed connection's cause, when the transport knows more than the socket said. */
  explain?: (error: unknown) => Promise<unknown>;
  close?: () => void;
}

export const transportFor = (endpoint: DockerEndpoint): EngineTransport => {
  switch (endpoint.kind) {
    case 'socket': {
      const connect = { socketPath: endpoint.socketPath };
      return { origin: 'http://localhost', connect: faultInjectingConnector(connect) ?? connect };
    }
    case 'tcp':
      if (endpoint.tls) return tlsTransport(endpoint.origin, endpoint.description, endpoint.tls);
      return { origin: endpoint.origin, connect: {} };
    case 'ssh': {
      // Requests still name a host; the stream is ssh's.
      if (endpoint.through === 'dial-stdio')
        return { origin: 'http://localhost', connect: dialStdioConnector(endpoint.ssh) };
      const tunnel = new SocketTunnel(endpoint.ssh);
      return {
        origin: 'http://localhost',
        connect: tunnel.connector,
        explain: (error) => tunnel.explain(error),
        close: () => tunnel.close(),
      };
    }
  }
};

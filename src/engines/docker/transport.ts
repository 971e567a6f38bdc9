import type { buildConnector } from 'undici';
import { faultInjectingConnector } from '../../shared/fault-injection.js';
import type { DockerEndpoint } from './endpoint.js';
import { tlsTransport } from './tls-transport.js';

/** How a connection pool reaches an endpoint: the origin its requests name, and how it connects. */
export interface EngineTransport {
  origin: string;
  connect: buildConnector.BuildOptions | buildConnector.connector;
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
    case 'ssh':
      throw new Error('ssh transport: not yet');
  }
};

import type { TestProject } from 'vitest/node';
import { makeCertificates, removeCertificates, TlsEngine } from './tls-engine.js';

/**
 * For BST_TEST_REMOTE=tls (remote-engine.ts): certificates, and one TLS endpoint in front of the
 * real dockerd that requires a client certificate, for the whole project.
 */
export default async function setup(project: TestProject) {
  const forUser = project.config.env?.BST_TEST_USER === '1';
  const certificates = await makeCertificates({ forUser });
  const engine = await TlsEngine.start({ tls: certificates.server, ca: certificates.ca.cert });
  project.provide('tlsEngine', { host: engine.host, certPath: certificates.clientFolder });
  return async () => {
    await engine.stop();
    await removeCertificates(certificates);
  };
}

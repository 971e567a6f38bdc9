import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TlsSettings } from '../../../../src/engines/docker/tls-settings.js';
import { transportFor } from '../../../../src/engines/docker/transport.js';
import { type Certificates, makeCertificates, removeCertificates } from '../../../helpers/tls-engine.js';

// The files are checked before anything is sent, as the Docker CLI checks them before it
// connects (cli/context/docker/load.go@v29.7.2); each wrong one is named.
describe('TLS files', () => {
  let certificates: Certificates;
  let folder: string;
  const settings = (files: Record<string, string>): TlsSettings => ({
    verify: true,
    ca: join(folder, 'ca.pem'),
    cert: join(folder, 'cert.pem'),
    key: join(folder, 'key.pem'),
    folder,
    ...files,
  });
  const transportError = (tls: TlsSettings) => {
    try {
      transportFor({
        kind: 'tcp',
        origin: 'http://engine.example:2376',
        description: 'tcp://engine.example:2376',
        tls,
      });
    } catch (error) {
      return error as Error & { code: number };
    }
    throw new Error('no error');
  };

  beforeAll(async () => {
    certificates = await makeCertificates({ forUser: false });
    folder = certificates.clientFolder;
    const bad = join(certificates.root, 'bad');
    await mkdir(bad);
    await copyFile(certificates.ca.key, join(bad, 'a-key-as-ca.pem'));
    await writeFile(join(bad, 'not-a-key.pem'), 'not a key\n');
    await execa('openssl', [
      ...['pkey', '-in', join(folder, 'key.pem'), '-aes256', '-passout', 'pass:secret'],
      ...['-out', join(bad, 'encrypted-key.pem')],
    ]);
  });

  afterAll(async () => {
    if (certificates) await removeCertificates(certificates);
  });

  it('good files: an https:// origin, the port kept', () => {
    const transport = transportFor({
      kind: 'tcp',
      origin: 'http://engine.example:2376',
      description: 'tcp://engine.example:2376',
      tls: settings({}),
    });
    expect(transport.origin).toBe('https://engine.example:2376');
    expect(typeof transport.connect).toBe('function');
  });

  it('a CA file with no certificate, a key that is not one, an encrypted key, the key of another certificate', () => {
    const bad = join(certificates.root, 'bad');
    const noCa = transportError(settings({ ca: join(bad, 'a-key-as-ca.pem') }));
    expect(noCa.code).toBe(-32002);
    expect(noCa.message).toBe(
      `Docker cannot be reached at tcp://engine.example:2376 over TLS: ${bad}/a-key-as-ca.pem holds no PEM certificate. DOCKER_TLS_VERIFY or DOCKER_TLS asks for TLS with ca.pem (and cert.pem, key.pem) from the certificate folder ${folder} (DOCKER_CERT_PATH, else ~/.docker): put the engine's files there, or point DOCKER_CERT_PATH at the folder that has them.`,
    );
    expect(transportError(settings({ key: join(bad, 'not-a-key.pem') })).message).toContain(
      `${bad}/not-a-key.pem is not a PEM private key (`,
    );
    expect(transportError(settings({ key: join(bad, 'encrypted-key.pem') })).message).toContain(
      `${bad}/encrypted-key.pem is an encrypted private key, which the Docker CLI no longer reads`,
    );
    expect(transportError(settings({ key: certificates.server.key })).message).toContain(
      `${certificates.server.key} is not the key of ${folder}/cert.pem.`,
    );
  });
});

import { describe, expect, it } from 'vitest';
import { engineNotAnswering, nameInUse, type TlsFiles } from '../../../src/shared/failures.js';

const failure = (code: string) => Object.assign(new Error(`connect ${code} /x.sock`), { code });

describe('an engine that does not answer, in one voice', () => {
  it("names Docker's remedies for Docker and Podman's for Podman", () => {
    expect(engineNotAnswering('docker', 'unix:///x.sock', failure('ENOENT')).message).toBe(
      'Docker is not answering at unix:///x.sock: its socket does not exist. Start Docker (Docker Desktop, or `sudo systemctl start docker`).',
    );
    expect(engineNotAnswering('podman', 'unix:///x.sock', failure('ECONNREFUSED')).message).toBe(
      'Podman is not answering at unix:///x.sock: nothing answers on its socket. Start its service (`systemctl --user enable --now podman.socket`, or as root `sudo systemctl enable --now podman.socket`).',
    );
    expect(engineNotAnswering('docker', 'unix:///x.sock', failure('EACCES')).message).toBe(
      'Docker is not answering at unix:///x.sock: permission denied on its socket: your user is not in the docker group that may use it. Add your user to the docker group (`sudo usermod -aG docker $USER`) and log in again, or use Podman, which runs as your own user without any group.',
    );
    expect(engineNotAnswering('podman', 'unix:///x.sock', failure('EACCES')).message).toBe(
      'Podman is not answering at unix:///x.sock: permission denied on its socket: it belongs to another user. Check who owns it, or use your own (rootless) Podman.',
    );
  });

  it('says the same for a connection cut in the middle of a call, and keeps the system words in data', () => {
    const cut = engineNotAnswering('docker', 'unix:///x.sock', failure('UND_ERR_SOCKET'));
    expect(cut.message).toBe(
      'Docker is not answering at unix:///x.sock: it closed the connection (it may have stopped). Start it again, then retry.',
    );
    expect(cut.code).toBe(-32002);
    expect(cut.data).toEqual({
      engine: 'docker',
      location: 'unix:///x.sock',
      engineMessage: 'connect UND_ERR_SOCKET /x.sock',
      code: 'UND_ERR_SOCKET',
    });
  });
});

describe('an engine over TLS that does not answer', () => {
  const withCertificate: TlsFiles = {
    verify: true,
    ca: '/certs/ca.pem',
    cert: '/certs/cert.pem',
    key: '/certs/key.pem',
    folder: '/certs',
  };
  const alert = (code: string, reason: string) =>
    Object.assign(new Error(`SSL routines::${reason}`), { code, reason });

  // What a Go server (dockerd) sends, which the tests' Node server does not: an alert for a
  // client certificate it refuses; undici reports it as "other side closed", the alert as cause.
  it('names the client certificate a server refused, from the alert kept as cause', () => {
    const closed = Object.assign(new Error('other side closed'), {
      code: 'UND_ERR_SOCKET',
      cause: alert('ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE', 'sslv3 alert bad certificate'),
    });
    expect(engineNotAnswering('docker', 'tcp://e:2376', closed, withCertificate).message).toBe(
      'Docker is not answering at tcp://e:2376: it refused the client certificate /certs/cert.pem (sslv3 alert bad certificate, ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE). Use a client certificate signed by the CA the engine trusts (its --tlscacert), not expired, as cert.pem with its key.pem in the certificate folder /certs (DOCKER_CERT_PATH, else ~/.docker).',
    );
    const { cert: _cert, key: _key, ...withoutCertificate } = withCertificate;
    expect(
      engineNotAnswering('docker', 'tcp://e:2376', closed, { ...withoutCertificate, context: 'lab' }).message,
    ).toContain(
      'it requires a client certificate and none was sent (sslv3 alert bad certificate, ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE). Put a client certificate signed by the engine\'s CA, and its key, as cert.pem and key.pem in the TLS folder of Docker context "lab" (/certs).',
    );
  });

  it("takes Node's older EPROTO by its reason, and leaves errors that are not TLS to the usual words", () => {
    const eproto = Object.assign(
      new Error('write EPROTO 1234:error:0A00010B:SSL routines:ssl3_get_record:wrong version number'),
      {
        code: 'EPROTO',
      },
    );
    expect(engineNotAnswering('docker', 'tcp://e:2376', eproto, withCertificate).message).toContain(
      'it does not speak TLS on this port',
    );
    expect(
      engineNotAnswering('docker', 'tcp://e:2376', failure('ECONNREFUSED'), withCertificate).message,
    ).toContain('nothing answers on its socket');
    // Without TLS settings, a TLS code is not read as one.
    expect(engineNotAnswering('docker', 'tcp://e:2375', eproto).message).toContain('it did not answer');
  });
});

describe('a name in use', () => {
  it("tells Brainstorm's next step, whatever the engine", () => {
    const error = nameInUse('bst_x', 'Conflict. The container name "/bst_x" is already in use');
    expect(error.code).toBe(-32012);
    expect(error.message).toBe(
      "A container named bst_x already exists: remove it first with StopContainer('bst_x', 1).",
    );
    expect(error.data).toEqual({ engineMessage: 'Conflict. The container name "/bst_x" is already in use' });
  });
});

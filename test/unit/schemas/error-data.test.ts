import { describe, expect, it } from 'vitest';
import { ERRORS } from '../../../src/schemas/errors.js';
import type { BridgeError } from '../../../src/shared/bridge-error.js';
import { ErrorCode } from '../../../src/shared/error-codes.js';
import * as failures from '../../../src/shared/failures.js';

const socketError = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });

// Each failure that carries data, as the engines make it: its data must have the shape the
// OpenRPC document states for its code.
const MADE: BridgeError[] = [
  failures.engineNotFound('podman', '/usr/bin/podman'),
  failures.engineNotFound('docker'),
  failures.engineNotAnswering('docker', '/var/run/docker.sock', socketError),
  failures.engineNotAnswering('docker', 'tcp://x:2376', socketError, { verify: true, folder: '/certs' }),
  failures.tlsFileUnreadable(
    'tcp://x:2376',
    '/certs/ca.pem',
    { verify: true, folder: '/certs' },
    socketError,
  ),
  failures.tlsFileInvalid(
    'tcp://x:2376',
    '/certs/key.pem',
    { verify: true, folder: '/certs' },
    'encrypted-key',
  ),
  failures.variableAddressNotAnswering('podman', 'unix:///x.sock', 'CONTAINER_HOST'),
  failures.engineUnreachable('docker', 'tcp://x', 'bad host'),
  failures.connectionNotAnswering('unix:///x.sock', 'connection lab, ~/.config/containers/containers.conf'),
  failures.podmanConfigUnreadable('/etc/containers/containers.conf', 'line 2: a value is missing'),
  failures.unknownPodmanConnection('gpu', ['lab'], ['~/.config/containers/containers.conf']),
  failures.badPodmanConnection('lab', '~/.config/containers/containers.conf', 'no-uri'),
  failures.serviceNotStarted('podman', '/usr/bin/podman', 'no socket'),
  failures.programFailed('apptainer', 'apptainer', 'boom'),
  failures.outputStreamCut('docker', '/var/run/docker.sock', 'bst_x'),
  failures.apptainerUnsupported('singularity', 'singularity version 2.6'),
  failures.engineRefused('Could not start', 'no', { statusCode: 500 }),
  failures.apptainerNoSpace('Could not build', 'no space', 1),
  failures.instanceHidepid('bst_x', 'hidepid', 255),
  failures.argumentsWouldBeEvaluated('1.0.0', ['$HOME']),
  failures.containerNotFound('bst_x', 'No such container'),
  failures.containerNotFound('bst_x'),
  failures.imageNotFound('busybox', 'docker', 'No such image'),
  failures.nameInUse('bst_x', 'Conflict'),
  failures.imageInUse('busybox', 'in use', ['bst_x']),
  failures.containerNotRunning('bst_x'),
  failures.containerExited('bst_x', 3, 'out'),
  failures.commandFailed('bst_x', 1, 'out', true),
  failures.pullFailed('busybox', 'denied'),
  failures.manifestFailed('busybox', 'no digest'),
  failures.downloadFailed('http://x', 'reset'),
  failures.notAnImageArchive('http://x', 'unexpected EOF', socketError),
  failures.fileUnreadable('/x.tar', Object.assign(new Error('ENOENT'), { code: 'ENOENT' })),
];

describe('error data', () => {
  it.each(MADE.map((error) => [error.code, error.message, error] as const))(
    '%i has the shape the document states: %s',
    (code, _message, error) => {
      const shape = ERRORS[code].data;
      if (error.data === undefined) return expect(code).toBe(ErrorCode.EngineNotFound);
      expect(shape).toBeDefined();
      expect(shape?.safeParse(error.data).error?.issues).toBeUndefined();
    },
  );

  it('finds data of another shape', () => {
    expect(ERRORS[ErrorCode.CommandFailed].data?.safeParse({ exitCode: 'one' }).success).toBe(false);
  });
});

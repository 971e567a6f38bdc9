import { describe, expect, it } from 'vitest';
import { loadMethod } from '../../../src/methods/index.js';
import { parseParams } from '../../../src/protocol/params.js';
import { METHOD_NAMES } from '../../../src/schemas/method-names.js';

const methods = new Map(
  await Promise.all(METHOD_NAMES.map(async (name) => [name, await loadMethod(name)] as const)),
);
const parse = (name: string, params: unknown) => parseParams(methods.get(name as never) as never, params);

describe('parseParams', () => {
  it('maps params by position in the MATLAB order and applies defaults', () => {
    expect(parse('RunContainer', ['bst_x', 'img:1', [['/a', '/data']], 1])).toEqual({
      containerName: 'bst_x',
      imageSha: {
        kind: 'reference',
        reference: { text: 'img:1', name: 'img', domain: 'docker.io', path: 'library/img', tag: '1' },
      },
      volumes: [['/a', '/data']],
      isDaemon: true,
      containerArgs: [],
      useGpu: false,
      engine: 'auto-detect',
    });
  });

  it('accepts a single volume pair and an empty volume list as MATLAB sends them', () => {
    expect(
      parse('RunContainer', { containerName: 'c', imageSha: 'i', volumes: ['/a', '/b'] }).volumes,
    ).toEqual([['/a', '/b']]);
    expect(parse('RunContainer', { containerName: 'c', imageSha: 'i', volumes: [] }).volumes).toEqual([]);
  });

  it('names every bad parameter in one message', () => {
    expect(() =>
      parse('RunContainer', { containerName: '-x', imageSha: 'i', volumes: [['a', 'b']] }),
    ).toThrow(
      /containerName must match.*volumes\.0\.0 must be an absolute host path.*volumes\.0\.1 must be an absolute path inside/,
    );
  });

  it("takes a null by position as MATLAB's [] (not given): the default applies", () => {
    expect(parse('StopContainer', ['bst_x', null])).toEqual({
      containerName: 'bst_x',
      isForced: false,
      engine: 'auto-detect',
    });
    expect(() => parse('StopContainer', [null])).toThrow('containerName is required');
  });

  it('takes params by name after those by position, in an object at the end of the list', () => {
    expect(parse('ExecInContainer', ['bst_x', 'ls', { engine: 'podman', progressToken: 7 }])).toEqual({
      containerName: 'bst_x',
      cmdStr: 'ls',
      engine: 'podman',
      progressToken: 7,
    });
    expect(parse('RunContainer', ['bst_x', 'img:1', null, 1, { useGpu: 1 }])).toMatchObject({
      volumes: [],
      isDaemon: true,
      useGpu: true,
    });
    expect(parse('GetImages', [{ engine: 'docker' }])).toEqual({ engine: 'docker' });
    expect(() => parse('StopContainer', ['a', 1, 'extra', { engine: 'docker' }])).toThrow(
      'takes at most 2 params by position (containerName, isForced), got 3',
    );
  });

  it('refuses a param given both by position and by name, and unknown names', () => {
    expect(() => parse('StopContainer', ['a', { containerName: 'b' }])).toThrow(
      'containerName given both by position and by name',
    );
    expect(() => parse('StopContainer', ['a', { constructor: 1 }])).toThrow(
      'unknown parameter "constructor"',
    );
  });

  it('refuses too many params by position', () => {
    expect(() => parse('StopContainer', ['a', 1, 'extra'])).toThrow('takes at most 2 params by position');
  });
});

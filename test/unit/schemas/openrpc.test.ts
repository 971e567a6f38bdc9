import { MethodCallValidator, validateOpenRPCDocument } from '@open-rpc/schema-utils-js';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import packageJson from '../../../package.json' with { type: 'json' };
import { loadMethod } from '../../../src/methods/index.js';
import { createDispatcher } from '../../../src/protocol/dispatcher.js';
import { parseParams } from '../../../src/protocol/params.js';
import { METHOD_NAMES, type MethodName } from '../../../src/schemas/method-names.js';
import { openRpcDocument } from '../../../src/schemas/openrpc.js';
import { noProgress } from '../../../src/shared/work-context.js';

const document = openRpcDocument(packageJson.version);
type Method = (typeof document.methods)[number];
interface Param {
  name: string;
  description?: string;
  required: boolean;
  schema: Record<string, unknown>;
}

const methodNamed = (name: string): Method => {
  const method = document.methods.find((each) => each.name === name);
  if (!method) throw new Error(`${name} is not in the document`);
  return method;
};

/** A call's params by name as the document states them: what a client's validator would check. */
const byNameSchema = (method: Method) => {
  const params = method.params as Param[];
  return {
    type: 'object',
    properties: Object.fromEntries(params.map((param) => [param.name, param.schema])),
    required: params.filter((param) => param.required).map((param) => param.name),
    additionalProperties: false,
  };
};

const ajv = new Ajv({ strict: true, allErrors: true });
const schemaAccepts = (name: string, params: unknown) =>
  ajv.validate(byNameSchema(methodNamed(name)), params);
const bridgeAccepts = async (name: MethodName, params: unknown) => {
  try {
    parseParams(await loadMethod(name), params);
    return true;
  } catch {
    return false;
  }
};

const ID = `sha256:${'a'.repeat(64)}`;
/** For every method: params both accept, and params both refuse (a bad name, an unknown param, a wrong type). */
const EXAMPLES: Record<MethodName, { valid: object[]; invalid: object[] }> = {
  GetEngine: {
    valid: [{}, { engineName: 'docker' }, { engineName: '' }, { engine: 'podman', progressToken: 'p1' }],
    invalid: [{ engineName: 'lxc' }, { engineName: 3 }, { unknown: 1 }, { engine: 'lxc' }],
  },
  GetImages: {
    valid: [{}, { engine: 'apptainer', progressToken: 7 }],
    invalid: [{ all: true }, { progressToken: 1.5 }, { progressToken: 'x'.repeat(257) }],
  },
  ImportImage: {
    valid: [
      { imageSource: 'localhost:5000/bst/busybox:1' },
      { imageSource: 'https://example.org/image.tar', imageTag: 'brainstorm_x:1' },
      { imageSource: '/data/image.tar.gz', imageTag: '' },
      { imageSource: 'C:\\images\\image.tar' },
    ],
    invalid: [
      { imageSource: 'Not A Reference' },
      { imageSource: 'busybox', imageTag: `busybox@${ID}` },
      { imageSource: 'busybox\nrm' },
      {},
      { imageSource: 5 },
      { imageSource: 'busybox', tag: 'x' },
    ],
  },
  RunContainer: {
    valid: [
      { containerName: 'bst_x', imageSha: ID, volumes: [['/data', '/in']], isDaemon: 1 },
      {
        containerName: 'bst.x-1',
        imageSha: 'bst-test/busybox:1',
        volumes: ['/data', '/in'],
        containerArgs: 'a "b c"',
      },
      { containerName: 'x', imageSha: '0123456789ab', volumes: null, useGpu: false, containerArgs: ['a'] },
    ],
    invalid: [
      { containerName: '-bad', imageSha: ID },
      { containerName: 'a b', imageSha: ID },
      { containerName: 'x', imageSha: ID, isDaemon: 2 },
      { containerName: 'x', imageSha: ID, volumes: [['/a']] },
      { containerName: 'x', imageSha: ID, volumes: 'a:b' },
      { containerName: 'x' },
      { containerName: 'x', imageSha: ID, ports: [80] },
    ],
  },
  ExecInContainer: {
    valid: [{ containerName: 'bst_x', cmdStr: 'ls -l' }],
    invalid: [
      { containerName: 'bad/name', cmdStr: 'ls' },
      { containerName: 'x', cmdStr: '' },
      { containerName: 'x', cmdStr: ['ls'] },
      { containerName: 'x' },
      { containerName: 'x', cmdStr: 'ls', user: 'root' },
    ],
  },
  GetContainerInfo: {
    valid: [{ containerName: 'bst_x' }],
    invalid: [{ containerName: '' }, { containerName: 'x'.repeat(129) }, { containerName: 1 }, {}],
  },
  StopContainer: {
    valid: [
      { containerName: 'x', isForced: true },
      { containerName: 'x', isForced: 0 },
    ],
    invalid: [{ containerName: 'x', isForced: 'yes' }, { name: 'x' }, { containerName: '_x' }],
  },
  RemoveImage: {
    valid: [{ imageSha: '0123456789ab' }, { imageSha: 'busybox:1', isForced: 1 }, { imageSha: ID }],
    invalid: [{ imageSha: 'Not A Reference' }, { imageSha: null }, { imageSha: ID, force: true }],
  },
  GetOnlineManifest: {
    valid: [{ imageSource: 'localhost:5000/bst/busybox:1' }, { imageSource: `busybox@${ID}` }],
    invalid: [{ imageSource: '/data/image.tar' }, { imageSource: 'https://example.org/x' }, {}],
  },
  Prune: {
    valid: [{}, { dryRun: true }, { dryRun: 1 }],
    invalid: [{ dryRun: 'no' }, { dryRun: 2 }, { all: true }],
  },
  GetVersion: { valid: [{}], invalid: [{ verbose: true }] },
  'rpc.discover': { valid: [{}], invalid: [{ methods: ['GetImages'] }] },
};

/**
 * What JSON Schema cannot say (refine()s, a parse): accepted by the schema, refused by the bridge.
 * Each must be stated in its param's description.
 */
const BRIDGE_ONLY: { method: MethodName; param: string; params: object; stated: string }[] = [
  {
    method: 'RunContainer',
    param: 'volumes',
    params: { containerName: 'x', imageSha: ID, volumes: [['relative/path', '/in']] },
    stated: 'must be an absolute host path',
  },
  {
    method: 'RunContainer',
    param: 'volumes',
    params: { containerName: 'x', imageSha: ID, volumes: [['/data', '/in:ro']] },
    stated: 'must not contain ":"',
  },
  {
    method: 'RunContainer',
    param: 'containerArgs',
    params: { containerName: 'x', imageSha: ID, containerArgs: 'a "b' },
    stated: 'an unclosed quote is refused',
  },
  {
    method: 'ExecInContainer',
    param: 'cmdStr',
    params: { containerName: 'x', cmdStr: 'ls\u0000' },
    stated: 'must not contain NUL bytes',
  },
  {
    method: 'ImportImage',
    param: 'imageSource',
    params: { imageSource: 'https://[bad' },
    stated: 'A URL must also parse as a URL',
  },
];

/** Every string of a descriptor, its schema's descriptions included. */
const allText = (value: unknown): string =>
  typeof value === 'string'
    ? value
    : typeof value === 'object' && value !== null
      ? Object.values(value).map(allText).join('\n')
      : '';

describe('the OpenRPC document', () => {
  it('is a valid OpenRPC 1.3.2 document', () => {
    expect(validateOpenRPCDocument(document as never)).toBe(true);
    expect(document.openrpc).toBe('1.3.2');
    expect(document.info.version).toBe(packageJson.version);
  });

  it('has every method of the bridge, and no other', async () => {
    const names = document.methods.map((method) => method.name as string);
    expect(names).toEqual([...METHOD_NAMES]);
    expect(names).toContain('rpc.discover');
    const dispatcher = createDispatcher(loadMethod, {} as never);
    const channel = {
      signal: new AbortController().signal,
      cancelled: false,
      progress: () => noProgress,
      output: () => () => undefined,
    };
    const codeOf = (name: string) =>
      dispatcher.invoke(name, { unknownParam: 1 }, channel).then(
        () => 0,
        (error: { code: number }) => error.code,
      );
    // The bridge has each method of the document (it checks the params: -32602)...
    for (const name of names) expect(await codeOf(name)).toBe(-32602);
    // ...and answers -32601 for what the document lacks.
    expect(await codeOf('rpc.describe')).toBe(-32601);
  });

  it('says for every method how params are given, and every param with a schema', () => {
    for (const method of document.methods) {
      expect(method.paramStructure).toBe('either');
      expect(method.summary).toBeTruthy();
      const params = method.params as Param[];
      expect(params.map((param) => param.name).slice(-2)).toEqual(['engine', 'progressToken']);
      for (const param of params) expect(param.schema).toBeTypeOf('object');
    }
  });

  it('states the patterns, lengths and enums that JSON Schema can express', () => {
    const run = methodNamed('RunContainer').params as Param[];
    const named = (name: string) => run.find((param) => param.name === name)?.schema;
    expect(named('containerName')).toMatchObject({ pattern: '^[a-zA-Z0-9][a-zA-Z0-9_.-]*$', maxLength: 128 });
    expect(named('imageSha')).toHaveProperty('pattern');
    expect(named('engine')).toMatchObject({ enum: ['auto-detect', 'docker', 'podman', 'apptainer'] });
    const exec = methodNamed('ExecInContainer').params as Param[];
    expect(exec.find((param) => param.name === 'cmdStr')?.schema).toMatchObject({ minLength: 1 });
  });

  it('lists the errors of each method with the shape of their data', () => {
    const exec = methodNamed('ExecInContainer');
    const codes = (exec.errors as { code: number }[]).map((error) => error.code);
    expect(codes).toEqual(expect.arrayContaining([-32001, -32002, -32010, -32012, -32020, -32602, -32800]));
    const commandFailed = (exec.errors as { code: number; data: unknown }[]).find((e) => e.code === -32020);
    expect(commandFailed?.data).toMatchObject({
      properties: { exitCode: { type: 'integer' }, output: { type: 'string' } },
      required: ['exitCode', 'output'],
    });
    const manifest = (methodNamed('GetOnlineManifest').errors as { code: number }[]).map((e) => e.code);
    expect(manifest).toContain(-32030);
    expect(manifest).not.toContain(-32001);
  });

  it('describes $/progress and bst/output in x-notifications, and which methods send them', () => {
    expect(document['x-notifications'].map((notification) => notification.name)).toEqual([
      '$/progress',
      'bst/output',
    ]);
    expect(methodNamed('ImportImage')['x-notifications']).toEqual(['$/progress']);
    expect(methodNamed('ExecInContainer')['x-notifications']).toEqual(['bst/output']);
    const progressParams = document['x-notifications'][0]?.params as Param[];
    const value = progressParams.find((param) => param.name === 'value');
    const progress = ajv.compile(value?.schema ?? {});
    expect(progress({ kind: 'report', bytes: 10, totalBytes: 20, percentage: 50 })).toBe(true);
    expect(progress({ kind: 'middle' })).toBe(false);
  });

  it.each([...METHOD_NAMES])(
    '%s: a JSON Schema validator accepts and refuses what the bridge does',
    async (name) => {
      const { valid, invalid } = EXAMPLES[name];
      expect(valid.length).toBeGreaterThan(0);
      expect(invalid.length).toBeGreaterThan(0);
      for (const params of valid) {
        expect({ params, schema: schemaAccepts(name, params) }).toEqual({ params, schema: true });
        expect({ params, bridge: await bridgeAccepts(name, params) }).toEqual({ params, bridge: true });
      }
      for (const params of invalid) {
        expect({ params, schema: schemaAccepts(name, params) }).toEqual({ params, schema: false });
        expect({ params, bridge: await bridgeAccepts(name, params) }).toEqual({ params, bridge: false });
      }
    },
  );

  it("OpenRPC's own call validator takes the valid examples by position and by name", () => {
    const validator = new MethodCallValidator(document as never);
    for (const name of METHOD_NAMES) {
      for (const params of EXAMPLES[name].valid) {
        expect(validator.validate(name, params as never)).toEqual([]);
        const ownNames = (methodNamed(name).params as Param[]).map((param) => param.name).slice(0, -2);
        const byPosition = ownNames.map((param) => (params as Record<string, unknown>)[param]);
        while (byPosition.length > 0 && byPosition.at(-1) === undefined) byPosition.pop();
        expect(validator.validate(name, byPosition as never)).toEqual([]);
      }
    }
  });

  it.each(BRIDGE_ONLY)('states what only the bridge checks: $method $param ($stated)', async (example) => {
    expect(schemaAccepts(example.method, example.params)).toBe(true);
    expect(await bridgeAccepts(example.method, example.params)).toBe(false);
    const param = (methodNamed(example.method).params as Param[]).find((each) => each.name === example.param);
    expect(allText(param)).toContain(example.stated);
  });
});

import { describe, expect, it } from 'vitest';
import { loadMethod } from '../../../src/methods/index.js';
import { METHOD_SCHEMAS } from '../../../src/schemas/index.js';
import { METHOD_NAMES } from '../../../src/schemas/method-names.js';

describe('the method table', () => {
  it('loads, for every name, the handler of the schema of that name', async () => {
    for (const name of METHOD_NAMES) {
      const method = await loadMethod(name);
      expect(method.schema.name).toBe(name);
      expect(method.schema).toBe(METHOD_SCHEMAS[METHOD_NAMES.indexOf(name)]);
    }
  });

  it('lists the schemas in the order of the names: the MATLAB subfunctions, then Prune, GetVersion and rpc.discover', () => {
    expect(METHOD_SCHEMAS.map((schema) => schema.name)).toEqual([...METHOD_NAMES]);
    expect(METHOD_NAMES.slice(-3)).toEqual(['Prune', 'GetVersion', 'rpc.discover']);
  });
});

import { describe, expect, it } from 'vitest';
import packageJson from '../../../package.json' with { type: 'json' };
import { helpText } from '../../../src/cli/help.js';
import { loadMethod } from '../../../src/methods/index.js';
import { parseParams } from '../../../src/protocol/params.js';
import { METHOD_SCHEMAS } from '../../../src/schemas/index.js';

const method = await loadMethod('GetVersion');

describe('GetVersion', () => {
  it("answers the package's version, the one --version prints, without an engine", async () => {
    expect(packageJson.version).toMatch(/^\d+\.\d+\.\d+/);
    // No engine, log or signal is touched: a context of nothing must do.
    const result = await method?.handler(parseParams(method, []) as never, {} as never);
    expect(result).toEqual({ version: packageJson.version });
    expect(method?.schema.result.parse(result)).toEqual({ version: packageJson.version });
  });

  it('takes no params of its own and refuses unknown ones', () => {
    expect(parseParams(method as never, {})).toEqual({ engine: 'auto-detect' });
    expect(() => parseParams(method as never, { version: '1' })).toThrow(/version/);
  });

  it('is listed by --help', () => {
    expect(helpText('9.9.9', METHOD_SCHEMAS)).toMatch(/GetVersion/);
  });
});

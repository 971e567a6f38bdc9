import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BridgeClient } from '../helpers/bridge-client.js';
import { bridgeCommand, repoRoot } from '../helpers/paths.js';

// The README's client examples, run as they are written: a reader copies them.
const readme = await readFile(`${repoRoot}README.md`, 'utf8');
const example = (language: string) => {
  const clients = readme.slice(readme.indexOf('## Clients'), readme.indexOf('## Single executables'));
  const match = clients.match(new RegExp(`\`\`\`${language}\\n([\\s\\S]*?)\`\`\``));
  if (!match?.[1]) throw new Error(`README.md has no ${language} example under "## Clients"`);
  return match[1];
};

describe('the README examples', () => {
  let bin: string;
  const env = () => ({
    PATH: `${bin}:${process.env.PATH}`,
    BST_CONTAINERS_BRIDGE: bridgeCommand.length === 1 ? bridgeCommand[0] : bridgeCommand[1],
    BST_CONTAINERS_NODE: process.execPath,
    PYTHONPATH: `${repoRoot}clients/python`,
  });
  const cleanUp = async () => {
    const bridge = new BridgeClient();
    await bridge.request('StopContainer', { containerName: 'bst_demo', isForced: true });
    await bridge.request('RemoveImage', { imageSha: 'brainstorm_demo:1' });
    await bridge.close();
  };

  beforeAll(async () => {
    bin = await mkdtemp(join(tmpdir(), 'bst-readme-'));
    // `bst-containers` on the PATH, as an npm install gives it.
    await writeFile(
      join(bin, 'bst-containers'),
      `#!/bin/sh\nexec ${bridgeCommand.map((word) => `'${word}'`).join(' ')} "$@"\n`,
    );
    await chmod(join(bin, 'bst-containers'), 0o755);
    await cleanUp();
  });
  afterAll(async () => {
    await cleanUp();
    await rm(bin, { recursive: true, force: true });
  });

  it('the shell one', async () => {
    const result = await execa('sh', ['-e', '-c', example('sh')], { env: env(), all: true, reject: false });
    expect({ exitCode: result.exitCode, all: result.all }).toEqual({
      exitCode: 0,
      // RunContainer's and StopContainer's results are {}.
      all: '{}\n{"cmdout":"it\'s all quoted 42\\n"}\n{}',
    });
  });

  it('the Python one', async () => {
    const result = await execa('python3', ['-c', example('python')], {
      env: env(),
      all: true,
      reject: false,
    });
    expect(result.exitCode).toBe(0);
    expect(result.all).toContain('-32020 Command failed with exit code 3 in container bst_demo');
    expect(result.all).toContain("{'exitCode': 3, 'output': ''}");
    expect(result.all).toContain('brainstorm_demo:1');
    await cleanUp();
  });

  it('the TypeScript one, importing bst-containers/client', async () => {
    const file = join(repoRoot, '.test-runtime', 'readme-example.mjs');
    await writeFile(file, example('ts'));
    const result = await execa(process.execPath, [file], { env: env(), all: true, reject: false });
    await rm(file);
    expect({ exitCode: result.exitCode, all: result.all }).toMatchObject({ exitCode: 0 });
    expect(result.all).toMatch(/^begin\n(report\n)*end\n/);
    expect(result.all).toContain('bin\n');
  });
});

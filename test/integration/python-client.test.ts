import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { asCaller, BASE_IMAGE, bridgeCommand, REGISTRY_IMAGE, shimRoot } from '../helpers/paths.js';
import { withRemoteEngine } from '../helpers/remote-engine.js';

const PYTHON_TESTS = 15;

// The Python client's own unittest suite, run as the caller (the test user with BST_TEST_USER=1),
// against the bridge these suites start and the engine of this run (BST_CONTAINERS_ENGINE).
describe('the Python client (clients/python)', () => {
  it('passes its unittest suite against the real engine', async () => {
    const { file, args, env } = asCaller(
      [
        'python3',
        '-W',
        'error::ResourceWarning',
        '-m',
        'unittest',
        'discover',
        '-v',
        '-s',
        'tests',
        '-t',
        '.',
      ],
      withRemoteEngine({
        BST_TEST_BRIDGE_COMMAND: JSON.stringify(bridgeCommand),
        BST_TEST_REGISTRY_IMAGE: REGISTRY_IMAGE,
        BST_TEST_BASE_IMAGE: BASE_IMAGE,
        PYTHONDONTWRITEBYTECODE: '1',
      }),
    );
    const result = await execa(file, args, {
      cwd: `${shimRoot}clients/python`,
      env,
      extendEnv: false,
      reject: false,
      all: true,
    });
    expect(result.all).toContain(`Ran ${PYTHON_TESTS} tests`);
    expect(result.all).not.toMatch(/skipped|expected failure/);
    expect({ exitCode: result.exitCode, output: result.all }).toMatchObject({ exitCode: 0 });
  }, 300_000);
});

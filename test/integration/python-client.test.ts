import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { BASE_IMAGE, bridgeCommand, REGISTRY_IMAGE, repoRoot } from '../helpers/paths.js';

const PYTHON_TESTS = 15;

// The Python client's own unittest suite, against the bridge these suites start (bundle or single
// executable) and the engine of this run (BST_CONTAINERS_ENGINE in the Podman project).
describe('the Python client (clients/python)', () => {
  it('passes its unittest suite against the real engine', async () => {
    const result = await execa(
      'python3',
      ['-W', 'error::ResourceWarning', '-m', 'unittest', 'discover', '-v', '-s', 'tests', '-t', '.'],
      {
        cwd: `${repoRoot}clients/python`,
        env: {
          BST_TEST_BRIDGE_COMMAND: JSON.stringify(bridgeCommand),
          BST_TEST_REGISTRY_IMAGE: REGISTRY_IMAGE,
          BST_TEST_BASE_IMAGE: BASE_IMAGE,
          PYTHONDONTWRITEBYTECODE: '1',
        },
        reject: false,
        all: true,
      },
    );
    expect(result.all).toContain(`Ran ${PYTHON_TESTS} tests`);
    expect(result.all).not.toMatch(/skipped|expected failure/);
    expect({ exitCode: result.exitCode, output: result.all }).toMatchObject({ exitCode: 0 });
  }, 300_000);
});

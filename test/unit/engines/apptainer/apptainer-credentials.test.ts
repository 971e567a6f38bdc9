import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ApptainerEngine } from '../../../../src/engines/apptainer/apptainer-engine.js';
import { connectApptainer } from '../../../../src/engines/apptainer/connect-apptainer.js';
import { type ProcessRunner, runProcess } from '../../../../src/engines/apptainer/process-runner.js';
import { parseReference } from '../../../../src/registry/reference.js';
import { isBridgeError } from '../../../../src/shared/bridge-error.js';
import { noProgress, type WorkContext } from '../../../../src/shared/work-context.js';
import { DOCKER_HUB_LIMIT, FakeApptainer, type FakeRelease } from '../../../helpers/apptainer-fake.js';

// Issue 18: Apptainer's registry credentials are its own. Against the fake, which answers a
// registry's 401 and 429 as Apptainer's source prints them (test/fixtures/apptainer/README.md).
const context = (): WorkContext => ({
  signal: new AbortController().signal,
  progress: noProgress,
  output: () => undefined,
});
const REGISTRY = 'registry.example.org';
const PRIVATE = `${REGISTRY}/bst/private:1`;
const LOGIN = { username: 'bst-user', password: 'S3cret-pa55word' };
const WRONG = 'not-the-Pa55word';

describe('Apptainer pulls from registries that ask for a login', () => {
  let folder: string;
  let fake: FakeApptainer;
  let engine: ApptainerEngine;
  /** What a real program started for each pull finds in its environment, and its argv. */
  let seen: { env: string; args: string[] }[];

  /** The bridge's environment is this process's: the child gets it, plus what the engine adds. */
  const connect = async (release: FakeRelease = 'apptainer 1.5.3', env: Record<string, string> = {}) => {
    for (const [name, value] of Object.entries(env)) vi.stubEnv(name, value);
    fake = new FakeApptainer(release);
    fake.logins.set(REGISTRY, LOGIN);
    const bin = join(folder, 'bin');
    await mkdir(bin, { recursive: true });
    await writeFile(join(bin, 'apptainer'), '', { mode: 0o755 });
    seen = [];
    const runner: ProcessRunner = async (file, args, options) => {
      if (args.includes('pull')) {
        const printed = await runProcess('sh', ['-c', 'env'], options);
        seen.push({ env: printed.stdout, args });
      }
      return fake.run(file, args, options);
    };
    engine = await connectApptainer(
      {
        ...process.env,
        PATH: bin,
        BST_CONTAINERS_APPTAINER_CACHE: join(folder, 'store'),
        BST_CONTAINERS_TMPDIR: folder,
      },
      runner,
    );
  };

  const pullError = async (reference = PRIVATE) => {
    const error = await engine.pullImage(parseReference(reference), context()).then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    if (!isBridgeError(error)) throw new Error(`expected a BridgeError, got ${String(error)}`);
    return error;
  };

  beforeEach(async () => {
    folder = await mkdtemp(join(tmpdir(), 'bst-apptainer-auth-'));
    // No login file of the test user's own may answer for the fake's registry.
    vi.stubEnv('HOME', folder);
    for (const name of ['DOCKER_USERNAME', 'DOCKER_PASSWORD', 'APPTAINER_CONFIGDIR', 'APPTAINER_AUTH_FILE'])
      vi.stubEnv(name, undefined);
    for (const prefix of ['APPTAINER', 'SINGULARITY']) {
      vi.stubEnv(`${prefix}_DOCKER_USERNAME`, undefined);
      vi.stubEnv(`${prefix}_DOCKER_PASSWORD`, undefined);
    }
  });

  afterEach(async () => {
    vi.unstubAllEnvs();
    await rm(folder, { recursive: true, force: true });
  });

  it.each<[FakeRelease, string]>([
    ['apptainer 1.5.3', 'APPTAINER'],
    ['singularity-ce 4.5.1', 'SINGULARITY'],
  ])(
    'on %s, passes %s_DOCKER_USERNAME and _PASSWORD through its environment untouched, never on a command line',
    async (release, prefix) => {
      await connect(release, {
        [`${prefix}_DOCKER_USERNAME`]: LOGIN.username,
        [`${prefix}_DOCKER_PASSWORD`]: LOGIN.password,
      });
      await engine.pullImage(parseReference(PRIVATE), context());
      expect(await engine.listImages()).toEqual([[PRIVATE, expect.stringMatching(/^sha256:/), '<none>']]);
      expect(seen).toHaveLength(1);
      expect(seen[0]?.env).toContain(`\n${prefix}_DOCKER_PASSWORD=${LOGIN.password}\n`);
      expect(seen[0]?.env).toContain(`\n${prefix}_DOCKER_USERNAME=${LOGIN.username}\n`);
      // Not set, removed or rewritten by the bridge: only its cache and temp folders are added.
      for (const added of fake.envs)
        expect(Object.keys(added).filter((name) => /DOCKER/.test(name))).toEqual([]);
      for (const args of fake.calls) expect(args.join(' ')).not.toMatch(/S3cret|bst-user|--docker/);
    },
  );

  it('uses what `apptainer registry login` stored in docker-config.json', async () => {
    const configDir = join(folder, '.apptainer');
    await mkdir(configDir);
    const auth = Buffer.from(`${LOGIN.username}:${LOGIN.password}`).toString('base64');
    await writeFile(
      join(configDir, 'docker-config.json'),
      JSON.stringify({ auths: { [REGISTRY]: { auth } } }),
    );
    await connect();
    await engine.pullImage(parseReference(PRIVATE), context());
    expect(await engine.listImages()).toHaveLength(1);
  });

  it('a wrong password is -32030 naming the registry and a refused login, without the password', async () => {
    await connect('apptainer 1.5.3', {
      APPTAINER_DOCKER_USERNAME: LOGIN.username,
      APPTAINER_DOCKER_PASSWORD: WRONG,
    });
    const error = await pullError();
    expect(error.code).toBe(-32030);
    expect(error.message).toBe(
      `Could not pull ${PRIVATE}: ${REGISTRY} refused the login (wrong or missing credentials). Log in with \`apptainer registry login --username NAME docker://${REGISTRY}\` or set APPTAINER_DOCKER_USERNAME and APPTAINER_DOCKER_PASSWORD, then retry.`,
    );
    expect(error.data).toEqual({
      reason: `${REGISTRY} refused the login (wrong or missing credentials). Log in with \`apptainer registry login --username NAME docker://${REGISTRY}\` or set APPTAINER_DOCKER_USERNAME and APPTAINER_DOCKER_PASSWORD, then retry`,
      registry: REGISTRY,
    });
    // Apptainer's own words, kept as the cause, are containers/image's and hold no secret either.
    expect(String((error.cause as Error).message)).toBe(
      `FATAL:   While making image from oci registry: error fetching image to cache: failed to get checksum for docker://${PRIVATE}: reading manifest 1 in ${REGISTRY}/bst/private: authentication required`,
    );
    for (const text of [error.message, JSON.stringify(error.data), String(error.cause)])
      expect(text).not.toContain(WRONG);
    expect(await engine.listImages()).toEqual([]);
  });

  it('missing credentials are the same refused login; on SingularityCE too, with its own advice', async () => {
    await connect();
    const missing = await pullError();
    expect(missing).toMatchObject({
      code: -32030,
      data: {
        reason: `${REGISTRY} refused the login (wrong or missing credentials). Log in with \`apptainer registry login --username NAME docker://${REGISTRY}\` or set APPTAINER_DOCKER_USERNAME and APPTAINER_DOCKER_PASSWORD, then retry`,
        registry: REGISTRY,
      },
    });
    await connect('singularity-ce 4.5.1', {
      SINGULARITY_DOCKER_USERNAME: LOGIN.username,
      SINGULARITY_DOCKER_PASSWORD: WRONG,
    });
    const wrong = await pullError();
    expect(wrong.message).toContain(`${REGISTRY} refused the login (wrong or missing credentials)`);
    expect(wrong.message).toContain('set SINGULARITY_DOCKER_USERNAME and SINGULARITY_DOCKER_PASSWORD');
    expect(String((wrong.cause as Error).message)).toContain(
      `GET https://${REGISTRY}/v2/bst/private/manifests/1: UNAUTHORIZED: authentication required`,
    );
    expect(JSON.stringify([wrong.message, wrong.data])).not.toContain(WRONG);
  });

  it('a registry whose pull limit is reached says so, with its words', async () => {
    await connect();
    fake.pullLimited.add('docker.io');
    const error = await pullError('busybox:1');
    expect(error.code).toBe(-32030);
    expect(error.message).toMatch(
      /^Could not pull docker\.io\/library\/busybox:1: docker\.io answered that a pull limit was reached \(HTTP 429 Too Many Requests\)\. The registry did not say when it resets\. Logging in raises it \(`apptainer registry login --username NAME docker:\/\/docker\.io` or set APPTAINER_DOCKER_USERNAME and APPTAINER_DOCKER_PASSWORD;/,
    );
    expect(error.data).toMatchObject({
      registry: 'docker.io',
      engineMessage: `FATAL:   While making image from oci registry: error fetching image to cache: failed to get checksum for docker://docker.io/library/busybox:1: reading manifest 1 in docker.io/library/busybox: toomanyrequests: ${DOCKER_HUB_LIMIT}`,
    });
  });
});

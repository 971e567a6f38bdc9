import { execa } from 'execa';
import { asCaller, BASE_IMAGE } from './paths.js';
import { REMOTE_ENGINE } from './remote-engine.js';
import { AS_USER, testUser } from './test-user.js';

/** The engine under test: the integration suites run once on Docker and once on Podman. */
export const ENGINE = process.env.BST_TEST_ENGINE === 'podman' ? 'podman' : 'docker';

/**
 * Where the bridge finds it, and answers GetEngine with: the remote endpoint (BST_TEST_REMOTE)
 * when there is one; for the test user, rootful Docker through the `docker` group, and its own
 * rootless Podman's service (scripts/start-engines.sh).
 */
export const ENGINE_LOCATION =
  REMOTE_ENGINE?.location ??
  (ENGINE === 'docker'
    ? 'unix:///var/run/docker.sock'
    : AS_USER
      ? `unix://${testUser().runtimeDir}/podman/podman.sock`
      : 'unix:///run/podman/podman.sock');

/**
 * The engine's own CLI as the bridge's caller runs it, to check from outside what the bridge did
 * (and for test setup): for the test user, its rootless Podman's store, not root's.
 */
const cli = (args: string[], reject = true) => {
  const { file, args: argv, env, cwd } = asCaller([ENGINE, ...args]);
  return execa(file, argv, { env, extendEnv: false, cwd, reject });
};

export const engineCli = async (...args: string[]): Promise<string> => {
  const { stdout } = await cli(args);
  return stdout.trim();
};

export const engineCliOk = async (...args: string[]): Promise<boolean> => {
  const { exitCode } = await cli(args, false);
  return exitCode === 0;
};

export const removeContainer = (name: string) => cli(['rm', '-f', name], false);
export const removeImageQuietly = (name: string) => cli(['rmi', '-f', name], false);

/** Podman's CLI prints image IDs without `sha256:`; the bridge always answers with it. */
export const imageIdOf = async (image: string): Promise<string> => {
  const id = await engineCli('image', 'inspect', '--format', '{{.Id}}', image);
  return id.startsWith('sha256:') ? id : `sha256:${id}`;
};

/**
 * Pushes to the loopback registry an image whose layer the engine does not have, then drops it
 * locally: pulling it must fetch a blob (for cancellation and fault tests).
 */
export const pushUniqueImage = async (
  baseImage: string,
  reference: string,
  layerBytes = 262_144,
): Promise<void> => {
  await removeContainer('bst_unique-layer');
  await engineCli(
    'run',
    '--name',
    'bst_unique-layer',
    '--entrypoint',
    'sh',
    baseImage,
    '-c',
    // Random bytes do not compress: the layer's blob is larger than any first chunk a proxy lets through.
    `head -c ${layerBytes} /dev/urandom > /unique`,
  );
  await engineCli('commit', 'bst_unique-layer', reference);
  await engineCli('rm', 'bst_unique-layer');
  await engineCli('push', reference);
  // By ID: Podman's `rmi NAME` may only untag it, and the layer would stay local.
  await engineCli('rmi', '-f', await imageIdOf(reference));
};

interface EngineEvent {
  /** Docker's */
  Action?: string;
  Actor?: { Attributes?: { name?: string; exitCode?: string } };
  /** Podman's */
  Status?: string;
  Name?: string;
  ContainerExitCode?: number;
}

/** The exit codes the engine's event log holds for container `name` since `since` (Unix seconds). */
export const exitCodesSince = async (name: string, since: number): Promise<number[]> => {
  const until = Math.ceil(Date.now() / 1000) + 1;
  const log = await engineCli(
    'events',
    '--since',
    String(since),
    '--until',
    String(until),
    '--format',
    '{{json .}}',
  );
  return log
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as EngineEvent)
    .flatMap((event) => {
      if (event.Action === 'die' && event.Actor?.Attributes?.name === name)
        return [Number(event.Actor.Attributes.exitCode)];
      if (event.Status === 'died' && event.Name === name) return [event.ContainerExitCode as number];
      return [];
    });
};

/** A container that sleeps, made with the engine's CLI (not a bridge) with these labels. */
export const labelledSleeper = (name: string, labels: Record<string, string>) =>
  engineCli(
    'run',
    '-d',
    '--init',
    '--name',
    name,
    ...Object.entries(labels).flatMap(([key, value]) => ['--label', `${key}=${value}`]),
    '--entrypoint',
    'sleep',
    BASE_IMAGE,
    '600',
  );

import { readFileSync } from 'node:fs';

/**
 * BST_TEST_USER=1 runs the bridge, Octave and the engine's CLI as the normal user that
 * scripts/test-user.sh creates (no sudo, in the `docker` group, rootless Podman of its own), as
 * Brainstorm's users run it; the test runner itself stays root.
 */
export const AS_USER = process.env.BST_TEST_USER === '1';
export const TEST_USER_NAME = 'bst-tester';

export interface TestUser {
  name: string;
  uid: number;
  gid: number;
  home: string;
  /** Its XDG_RUNTIME_DIR, made by scripts/start-engines.sh. */
  runtimeDir: string;
}

const lookUp = (): TestUser => {
  const line = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((entry) => entry.startsWith(`${TEST_USER_NAME}:`));
  if (!line) throw new Error(`No user ${TEST_USER_NAME}: run scripts/test-user.sh (npm run setup) first`);
  const [, , uid, gid, , home] = line.split(':');
  return {
    name: TEST_USER_NAME,
    uid: Number(uid),
    gid: Number(gid),
    home: home as string,
    runtimeDir: `/run/user/${uid}`,
  };
};

let user: TestUser | undefined;
/** The test user (looked up on first use: the other projects need no such user). */
export const testUser = (): TestUser => {
  user ??= lookUp();
  return user;
};

/** The environment a login gives the user, with the BST_ variables of the test run (engine, bridge). */
export const userEnv = (path: string, extra: NodeJS.ProcessEnv = {}): Record<string, string> => {
  const { name, home, runtimeDir } = testUser();
  const env: Record<string, string> = {
    HOME: home,
    USER: name,
    LOGNAME: name,
    XDG_RUNTIME_DIR: runtimeDir,
    PATH: path,
  };
  for (const [key, value] of Object.entries({ ...process.env, ...extra }))
    if (value !== undefined && (key.startsWith('BST_') || key in extra)) env[key] = value;
  return env;
};

/** setpriv's argv prefix that runs a command as the user, with its groups. */
export const setprivArgs = (): string[] => {
  const { uid, gid } = testUser();
  return ['--reuid', String(uid), '--regid', String(gid), '--init-groups', '--'];
};

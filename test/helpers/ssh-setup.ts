import { chmod, mkdir } from 'node:fs/promises';
import { REMOTE_BINDS } from './remote-engine.js';

/**
 * For the projects over SSH (BST_TEST_REMOTE=ssh), after user-setup.ts: the folder the bridge
 * sees as an empty tmpfs (its private mount namespace) and the engine's side as this machine's,
 * writable by the test user as its own folders would be. scripts/start-ssh-host.sh started the host.
 */
export default async function setup() {
  await mkdir(REMOTE_BINDS, { recursive: true });
  await chmod(REMOTE_BINDS, 0o1777);
}

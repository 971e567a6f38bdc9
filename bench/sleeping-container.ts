import { execa } from 'execa';
import { BASE_IMAGE } from '../test/helpers/paths.js';

/** A container that only sleeps, for quick calls to look at: whatever had its name is replaced. */
export const startSleepingContainer = async (engine: 'docker' | 'podman', name: string): Promise<void> => {
  await execa(engine, ['rm', '-f', name], { reject: false });
  await execa(engine, [
    'run',
    '-d',
    '--init',
    '--name',
    name,
    '--entrypoint',
    'sleep',
    BASE_IMAGE,
    'infinity',
  ]);
};

import { slurmAnswers, startSlurm, stopSlurm } from './slurm.js';

/**
 * For the projects on Slurm, after user-setup.ts: the tests' own one-node cluster
 * (scripts/slurm.sh; Debian's munge and slurm-wlm come with scripts/install-packages.sh), started
 * and, with whatever jobs are left, stopped afterwards. One already running (a developer's, from
 * `bash scripts/slurm.sh start`) is used and left running.
 */
export default async function setup() {
  if (await slurmAnswers()) return;
  await startSlurm();
  return async () => {
    await stopSlurm();
  };
}

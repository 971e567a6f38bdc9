/**
 * The one margin every timed behaviour contract gets on top of the bound the bridge documents:
 * generous, for two cores shared with other suites. What fails by more is a fault (a call that
 * waits out an engine's timeout, a process that never exits), not a slow machine. Speed itself
 * is measured by `npm run bench`, never asserted.
 */
export const MARGIN_MS = 5000;

/** README: when stdin closes, or its parent dies, the bridge exits within 1 s. */
export const EXIT_WITHIN_MS = 1000;

/** The stall time the suites give the bridge (BST_CONTAINERS_STALL_SECONDS), to keep them short. */
export const STALL_SECONDS = 2;

/** How long a wait for what a test set off may last before the test gives up: a hang, not a measure. */
export const GIVE_UP_MS = 30_000;

/**
 * README ("Slurm"): inside a job, once ended (SIGTERM, its client gone), the bridge removes what it
 * started and exits within 3 s, before Slurm's SIGKILL.
 */
export const JOB_END_WITHIN_MS = 3000;

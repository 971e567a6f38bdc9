// When stdin closes (the client is gone) or the bridge is told to stop: calls in flight get
// DRAIN_MS to finish and answer; the rest are cancelled (an exec is killed in its container, a
// download's temp data removed), and the process exits once all are answered, or EXIT_GRACE_MS
// after the close at the latest. Together: the bridge is gone within 1 s (README, "Protocol").

export const DRAIN_MS = 300;
export const EXIT_GRACE_MS = 900;

// Inside a Slurm job the bridge's end is the job's: scancel, the time limit and the end of the
// batch script send SIGTERM to every process of the job, then SIGKILL KillWait later (30 s by
// default; sites set less). Before it exits, the bridge removes what it started (forced, all at
// once) and answers the calls in flight, within JOB_END_MS in all.
export const JOB_END_MS = 3000;

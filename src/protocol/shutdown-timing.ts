// When stdin closes (the client is gone) or the bridge is told to stop: calls in flight get
// DRAIN_MS to finish and answer; the rest are cancelled (an exec is killed in its container, a
// download's temp data removed), and the process exits once all are answered, or EXIT_GRACE_MS
// after the close at the latest. Together: the bridge is gone within 1 s (README, "Protocol").

export const DRAIN_MS = 300;
export const EXIT_GRACE_MS = 900;

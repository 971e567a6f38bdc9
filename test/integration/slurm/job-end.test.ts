import { readFileSync } from 'node:fs';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BridgeClient } from '../../helpers/bridge-client.js';
import { ENGINE, engineCli, engineCliOk, removeContainer } from '../../helpers/engine-cli.js';
import { EXIT_WITHIN_MS, GIVE_UP_MS, JOB_END_WITHIN_MS, MARGIN_MS } from '../../helpers/margins.js';
import { BASE_IMAGE, bridgeCommand, bridgeNode, callerTempDir, userCopy } from '../../helpers/paths.js';
import {
  jobState,
  KILL_WAIT_MS,
  processesOfJob,
  sbatch,
  scancel,
  waitForJobState,
} from '../../helpers/slurm.js';
import { waitUntil } from '../../helpers/wait-until.js';

// A batch job as Brainstorm's users run one: its script starts a client (here the TypeScript
// client, as the test user's copy has it), which starts the bridge, runs a daemon container, and
// then works (sleeps) until the job ends; nothing of it may outlive the job.
const NAMES = ['bst_job-cancelled', 'bst_job-sigterm', 'bst_job-crashed', 'bst_job-closed', 'bst_no-job'];

/** What the job's client does once its daemon runs: sleep, sleep ignoring SIGTERM, or close the bridge and end. */
type ClientPlan = 'sleeps' | 'ignores-sigterm' | 'closes';

const clientScript = `
import { connectBridge } from ${JSON.stringify(`${userCopy}/dist/client.js`)};
const [plan, name] = process.argv.slice(2);
const say = (text) => console.log('client: ' + text);
if (plan === 'ignores-sigterm') process.on('SIGTERM', () => say('SIGTERM ignored'));
say('job ' + process.env.SLURM_JOB_ID + ' of cluster ' + process.env.SLURM_CLUSTER_NAME);
const bridge = await connectBridge({ command: ${JSON.stringify([...bridgeCommand, '--verbose'])} });
bridge.process.stderr.pipe(process.stderr);
bridge.process.on('exit', (code, signal) => say('bridge exited with code ' + code + ', signal ' + signal));
await bridge.call('RunContainer', { containerName: name, imageSha: ${JSON.stringify(BASE_IMAGE)}, isDaemon: true });
say('daemon running');
if (plan === 'closes') {
  await bridge.close();
  say('bridge closed');
} else {
  // A call in flight when the job ends.
  bridge.call('ExecInContainer', { containerName: name, cmdStr: 'sleep 600' }).then(
    () => say('exec answered: done'),
    (error) => say('exec answered: ' + (error.code ?? 'nothing') + ' ' + error.message),
  );
  setInterval(() => {}, 60_000);
}
`;

const commandLine = (pid: number) => {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    return '';
  }
};

describe(`a Slurm job's bridge on ${ENGINE}`, () => {
  let folder: string;
  let client: string;
  const jobs: string[] = [];

  beforeAll(async () => {
    for (const name of NAMES) await removeContainer(name);
    folder = await callerTempDir('bst-job-end-');
    client = join(folder, 'client.mjs');
    await writeFile(client, clientScript, { mode: 0o644 });
  });

  afterAll(async () => {
    for (const job of jobs) await scancel(job).catch(() => {});
    for (const name of NAMES) await removeContainer(name);
    await rm(folder, { recursive: true, force: true });
  });

  const output = (name: string) => join(folder, `${name}.out`);
  /**
   * The job's script runs the client, then `afterwards` (the rest of the script), else becomes
   * the client: an orphan of a script that ended escapes Slurm's proctrack/linuxproc.
   */
  const submit = async (plan: ClientPlan, name: string, afterwards?: string) => {
    const runClient = `${bridgeNode} ${client} "$1" "$2"\n`;
    const job = await sbatch(
      `#!/bin/sh\n${afterwards ? `${runClient}${afterwards}` : `exec ${runClient}`}`,
      [`--output=${output(name)}`, `--job-name=${name}`],
      [plan, name],
    );
    jobs.push(job);
    return job;
  };
  const running = async (name: string) =>
    (await engineCliOk('container', 'inspect', name)) &&
    (await engineCli('container', 'inspect', '--format', '{{.State.Running}}', name)) === 'true';
  const gone = async (name: string) => !(await engineCliOk('container', 'inspect', name));
  /** Slurm's SIGKILL comes KillWait after its SIGTERM: by then every process of the job has ended. */
  const jobProcessesEnded = (job: string) =>
    waitUntil(() => processesOfJob(job).length === 0, {
      timeoutMs: KILL_WAIT_MS + MARGIN_MS,
      what: `the processes of job ${job} to end`,
    });
  const waitForDaemon = (name: string) =>
    waitUntil(() => running(name), { timeoutMs: GIVE_UP_MS, what: `${name} to run` });

  it('labels the containers it creates with the job and its cluster', async () => {
    const job = await submit('sleeps', 'bst_job-cancelled');
    await waitForDaemon('bst_job-cancelled');
    const labels = JSON.parse(
      await engineCli('container', 'inspect', '--format', '{{json .Config.Labels}}', 'bst_job-cancelled'),
    ) as Record<string, string>;
    const cluster = /client: job \d+ of cluster (\S+)/.exec(
      await readFile(output('bst_job-cancelled'), 'utf8'),
    )?.[1];
    expect(cluster).toBeTruthy();
    expect(labels).toMatchObject({
      'org.brainstorm.bst-containers.slurm-job': job,
      'org.brainstorm.bst-containers.slurm-cluster': cluster,
    });
  });

  it('scancel: the daemon its bridge started is gone within KillWait', async () => {
    const [job] = jobs.slice(-1) as [string];
    const cancelled = performance.now();
    await scancel(job);
    // After SIGKILL nothing is left to remove it: gone means the bridge removed it before.
    await waitUntil(() => gone('bst_job-cancelled'), {
      timeoutMs: KILL_WAIT_MS + MARGIN_MS,
      what: 'the cancelled job’s daemon to be removed',
    });
    console.log(`scancel → container gone: ${Math.round(performance.now() - cancelled)} ms on ${ENGINE}`);
    await waitForJobState(job, ['CANCELLED']);
    await jobProcessesEnded(job);
  });

  it('SIGTERM with its client still there: the bridge removes the daemon, answers the call in flight, and exits by itself', async () => {
    const job = await submit('ignores-sigterm', 'bst_job-sigterm');
    await waitForDaemon('bst_job-sigterm');
    const cancelled = performance.now();
    await scancel(job);
    await waitUntil(() => gone('bst_job-sigterm'), {
      timeoutMs: KILL_WAIT_MS + MARGIN_MS,
      what: 'the daemon of the job whose client ignores SIGTERM to be removed',
    });
    console.log(
      `scancel → container gone (client ignoring SIGTERM): ${Math.round(performance.now() - cancelled)} ms on ${ENGINE}`,
    );
    // The client outlives its SIGTERM, to be killed after KillWait: it saw all of the bridge's end.
    await waitForJobState(job, ['CANCELLED']);
    await jobProcessesEnded(job);
    const said = await readFile(output('bst_job-sigterm'), 'utf8');
    expect(said).toContain('client: SIGTERM ignored');
    expect(said).toContain(`job end: removed on ${ENGINE}: bst_job-sigterm`);
    expect(said).toMatch(/client: exec answered: -32\d{3} /);
    expect(said).toContain('client: bridge exited with code 0, signal null');
  });

  it('its client killed outright (MATLAB crashed) in a job that goes on: the bridge removes the daemon', async () => {
    // The script goes on after its client.
    const job = await submit('sleeps', 'bst_job-crashed', 'sleep 600\n');
    await waitForDaemon('bst_job-crashed');
    const [clientPid] = processesOfJob(job).filter((pid) => commandLine(pid).includes(client));
    expect(clientPid).toBeDefined();
    process.kill(clientPid as number, 'SIGKILL');
    await waitUntil(() => gone('bst_job-crashed'), {
      timeoutMs: JOB_END_WITHIN_MS + MARGIN_MS,
      what: 'the daemon of the crashed client’s bridge to be removed',
    });
    expect(await jobState(job)).toBe('RUNNING');
    await waitUntil(
      () => processesOfJob(job).every((pid) => !commandLine(pid).includes(bridgeCommand.at(-1) as string)),
      {
        timeoutMs: JOB_END_WITHIN_MS + MARGIN_MS,
        what: 'the crashed client’s bridge to exit',
      },
    );
    await scancel(job);
  });

  it('the batch script ends: a client that closes its bridge leaves nothing, and the job completes', async () => {
    const job = await submit('closes', 'bst_job-closed');
    expect(await waitForJobState(job, ['COMPLETED', 'FAILED', 'CANCELLED'])).toBe('COMPLETED');
    expect(await gone('bst_job-closed')).toBe(true);
    const said = await readFile(output('bst_job-closed'), 'utf8');
    expect(said).toContain('client: daemon running');
    expect(said).toContain(`job end: removed on ${ENGINE}: bst_job-closed`);
    expect(said).toContain('client: bridge closed');
  });

  it('outside a job, SIGTERM ends the bridge as before and its daemon stays', async () => {
    const bridge = new BridgeClient();
    await bridge.call('RunContainer', { containerName: 'bst_no-job', imageSha: BASE_IMAGE, isDaemon: true });
    const killed = performance.now();
    bridge.child.kill('SIGTERM');
    expect(await bridge.exited).toEqual({ code: 0, signal: null });
    expect(performance.now() - killed).toBeLessThan(EXIT_WITHIN_MS + MARGIN_MS);
    expect(await running('bst_no-job')).toBe(true);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SessionJudge, type SlurmCommand } from '../../../src/leftovers/session-judge.js';
import { endedSession, liveSession, type SessionParts } from '../../helpers/sessions.js';

// The rules that combine a session and its job; what squeue answers is the real Slurm's, in the
// integration tests (test/integration/slurm/). Here the commands' answers are given as squeue
// printed them, and each command asked is counted.
const ELSEWHERE = 'other-node/4242/123456';
const INVALID = 'slurm_load_jobs error: Invalid job id specified\n';

const answers = (byJob: Record<string, { exitCode: number; stdout: string; stderr: string } | undefined>) => {
  const asked: string[] = [];
  const slurm: SlurmCommand = async (program, args) => {
    asked.push(`${program} ${args.join(' ')}`);
    if (program === 'scontrol')
      return { exitCode: 0, stdout: 'ClusterName             = here\n', stderr: '' };
    return byJob[args[args.indexOf('-j') + 1] as string];
  };
  return { slurm, asked };
};
const state = (id: string, word: string) => ({ exitCode: 0, stdout: `${id} ${word}\n`, stderr: '' });

describe('whether the bridge of a session still runs', () => {
  let live: Awaited<ReturnType<typeof liveSession>>;
  let ended: SessionParts & { session: string };

  beforeAll(async () => {
    ended = await endedSession();
    live = await liveSession();
  });

  afterAll(() => {
    live.stop();
  });

  it("this host's sessions: its processes tell, whatever the job, and squeue is not asked", async () => {
    const { slurm, asked } = answers({ '7': state('7', 'RUNNING'), '8': state('8', 'COMPLETED') });
    const judge = new SessionJudge(slurm, {});
    expect(await judge.state(live.session, { id: '8' })).toBe('alive');
    expect(await judge.state(ended.session, { id: '7' })).toBe('dead');
    expect(await judge.state(ended.session, undefined)).toBe('dead');
    expect(asked).toEqual([]);
  });

  it("another host's session of a job: over is dead, running alive, squeue failing unknown", async () => {
    const { slurm } = answers({
      '7': state('7', 'RUNNING'),
      '8': state('8', 'COMPLETED'),
      '9': { exitCode: 1, stdout: '', stderr: INVALID },
      '10': undefined,
    });
    const judge = new SessionJudge(slurm, {});
    expect(await judge.state(ELSEWHERE, { id: '7' })).toBe('alive');
    expect(await judge.state(ELSEWHERE, { id: '8' })).toBe('dead');
    expect(await judge.state(ELSEWHERE, { id: '9' })).toBe('dead');
    expect(await judge.state(ELSEWHERE, { id: '10' })).toBe('unknown');
    expect(await judge.state(ELSEWHERE, undefined)).toBe('unknown');
  });

  it('asks squeue once per job, and scontrol once for the cluster, however many things name them', async () => {
    const { slurm, asked } = answers({ '7': state('7', 'COMPLETED'), '8': state('8', 'RUNNING') });
    const judge = new SessionJudge(slurm, {});
    const judged = await Promise.all(
      [
        { id: '7', cluster: 'here' },
        { id: '7', cluster: 'here' },
        { id: '8', cluster: 'here' },
        { id: '7' },
      ].map((job) => judge.state(ELSEWHERE, job)),
    );
    expect(judged).toEqual(['dead', 'dead', 'alive', 'dead']);
    expect(asked.sort()).toEqual([
      'scontrol show config',
      'squeue -h -t all -j 7 -o %A %T',
      'squeue -h -t all -j 8 -o %A %T',
    ]);
  });

  it("another cluster's job: unknown, whatever squeue says of that id here", async () => {
    const { slurm } = answers({ '7': { exitCode: 1, stdout: '', stderr: INVALID } });
    expect(await new SessionJudge(slurm, {}).state(ELSEWHERE, { id: '7', cluster: 'there' })).toBe('unknown');
  });

  it('inside a job, its cluster is the one squeue asks: scontrol is not needed', async () => {
    const { slurm, asked } = answers({ '7': state('7', 'COMPLETED') });
    const judge = new SessionJudge(slurm, { SLURM_JOB_ID: '99', SLURM_CLUSTER_NAME: 'there' });
    expect(await judge.state(ELSEWHERE, { id: '7', cluster: 'there' })).toBe('dead');
    expect(asked).toEqual(['squeue -h -t all -j 7 -o %A %T']);
  });
});

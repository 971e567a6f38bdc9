import { readFileSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  isLeftoverContainer,
  isOwnSessionContainer,
  ownerLabels,
} from '../../../src/leftovers/container-labels.js';
import { SessionJudge } from '../../../src/leftovers/session-judge.js';
import { repoRoot } from '../../helpers/paths.js';
import {
  endedSession,
  fill,
  liveSession,
  type SessionParts,
  sessionOf,
  sessionPlaceholders,
} from '../../helpers/sessions.js';

/** The labels as the bridge set them before it declared a format. */
const todaysLabels = (parts: SessionParts) =>
  JSON.parse(
    fill(
      readFileSync(`${repoRoot}test/fixtures/leftovers/container-labels.json`, 'utf8'),
      sessionPlaceholders(parts),
    ),
  ) as Record<string, string>;

describe('container labels', async () => {
  let ended: SessionParts & { session: string };
  let live: Awaited<ReturnType<typeof liveSession>>;

  beforeAll(async () => {
    ended = await endedSession();
    live = await liveSession();
  });

  afterAll(() => {
    live.stop();
  });

  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it('labels a container with its owner, this process as its session, and format 1', async () => {
    expect(ownerLabels()).toEqual({
      'org.brainstorm.bst-containers': 'owner',
      'org.brainstorm.bst-containers.session': sessionOf(process.pid).session,
      'org.brainstorm.bst-containers.format': '1',
      'org.brainstorm.bst-containers.user': String(process.getuid?.()),
    });
  });

  it("another user's container of a bridge that no longer runs: left alone", async () => {
    const labels = { ...todaysLabels(ended), 'org.brainstorm.bst-containers.format': '1' };
    expect(
      await isLeftoverContainer({
        ...labels,
        'org.brainstorm.bst-containers.user': String(process.getuid?.()),
      }),
    ).toBe(true);
    expect(await isLeftoverContainer({ ...labels, 'org.brainstorm.bst-containers.user': '4242' })).toBe(
      false,
    );
  });

  it("today's labels (no format) of a bridge that no longer runs: a leftover", async () => {
    expect(todaysLabels(ended)).toEqual({
      'org.brainstorm.bst-containers': 'owner',
      'org.brainstorm.bst-containers.session': ended.session,
    });
    expect(await isLeftoverContainer(todaysLabels(ended))).toBe(true);
  });

  it('format 1 labels of a bridge that no longer runs: a leftover', async () => {
    expect(
      await isLeftoverContainer({ ...todaysLabels(ended), 'org.brainstorm.bst-containers.format': '1' }),
    ).toBe(true);
  });

  it('a newer format is left alone, even of a bridge that no longer runs', async () => {
    for (const format of ['2', '17', 'v2', ''])
      expect(
        await isLeftoverContainer({ ...todaysLabels(ended), 'org.brainstorm.bst-containers.format': format }),
      ).toBe(false);
  });

  it("a running bridge's, another host's, or no owner: not a leftover", async () => {
    expect(await isLeftoverContainer(todaysLabels(live))).toBe(false);
    expect(await isLeftoverContainer(todaysLabels({ ...ended, host: `not-${ended.host}` }))).toBe(false);
    expect(await isLeftoverContainer({ 'org.brainstorm.bst-containers.session': ended.session })).toBe(false);
    expect(
      await isLeftoverContainer({ ...todaysLabels(ended), 'org.brainstorm.bst-containers': 'someone' }),
    ).toBe(false);
    expect(await isLeftoverContainer(null)).toBe(false);
    expect(await isLeftoverContainer(undefined)).toBe(false);
  });

  it('inside a Slurm job, also labels it with the job and its cluster', () => {
    vi.stubEnv('SLURM_JOB_ID', '4242');
    vi.stubEnv('SLURM_CLUSTER_NAME', 'bst-test');
    expect(ownerLabels()).toEqual({
      'org.brainstorm.bst-containers': 'owner',
      'org.brainstorm.bst-containers.session': sessionOf(process.pid).session,
      'org.brainstorm.bst-containers.format': '1',
      'org.brainstorm.bst-containers.user': String(process.getuid?.()),
      'org.brainstorm.bst-containers.slurm-job': '4242',
      'org.brainstorm.bst-containers.slurm-cluster': 'bst-test',
    });
  });

  it("another host's container of a job: a leftover once squeue says the job is over", async () => {
    const labels = {
      ...todaysLabels({ ...ended, host: `not-${ended.host}` }),
      'org.brainstorm.bst-containers.slurm-job': '7',
    };
    const says = (stdout: string) => new SessionJudge(async () => ({ exitCode: 0, stdout, stderr: '' }), {});
    expect(await isLeftoverContainer(labels, says('7 COMPLETED\n'))).toBe(true);
    expect(await isLeftoverContainer(labels, says('7 RUNNING\n'))).toBe(false);
    expect(await isLeftoverContainer(labels, new SessionJudge(async () => undefined, {}))).toBe(false);
  });

  it("this bridge's own containers: its session, its user", () => {
    expect(isOwnSessionContainer(ownerLabels())).toBe(true);
    expect(isOwnSessionContainer(todaysLabels(live))).toBe(false);
    expect(isOwnSessionContainer({ ...ownerLabels(), 'org.brainstorm.bst-containers.user': '4242' })).toBe(
      false,
    );
    expect(isOwnSessionContainer(null)).toBe(false);
  });
});

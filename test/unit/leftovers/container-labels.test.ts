import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isLeftoverContainer, ownerLabels } from '../../../src/leftovers/container-labels.js';
import { repoRoot } from '../../helpers/paths.js';
import {
  endedSession,
  fill,
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

describe('container labels', () => {
  let ended: SessionParts & { session: string };
  let running: ChildProcess;
  let live: SessionParts & { session: string };

  beforeAll(async () => {
    ended = await endedSession();
    running = spawn('sleep', ['600'], { stdio: 'ignore' });
    await once(running, 'spawn');
    live = sessionOf(running.pid as number);
  });

  afterAll(() => {
    running.kill('SIGKILL');
  });

  it('labels a container with its owner, this process as its session, and format 1', () => {
    expect(ownerLabels()).toEqual({
      'org.brainstorm.bst-containers': 'owner',
      'org.brainstorm.bst-containers.session': sessionOf(process.pid).session,
      'org.brainstorm.bst-containers.format': '1',
      'org.brainstorm.bst-containers.user': String(process.getuid?.()),
    });
  });

  it("another user's container of a bridge that no longer runs: left alone", () => {
    const labels = { ...todaysLabels(ended), 'org.brainstorm.bst-containers.format': '1' };
    expect(
      isLeftoverContainer({ ...labels, 'org.brainstorm.bst-containers.user': String(process.getuid?.()) }),
    ).toBe(true);
    expect(isLeftoverContainer({ ...labels, 'org.brainstorm.bst-containers.user': '4242' })).toBe(false);
  });

  it("today's labels (no format) of a bridge that no longer runs: a leftover", () => {
    expect(todaysLabels(ended)).toEqual({
      'org.brainstorm.bst-containers': 'owner',
      'org.brainstorm.bst-containers.session': ended.session,
    });
    expect(isLeftoverContainer(todaysLabels(ended))).toBe(true);
  });

  it('format 1 labels of a bridge that no longer runs: a leftover', () => {
    expect(isLeftoverContainer({ ...todaysLabels(ended), 'org.brainstorm.bst-containers.format': '1' })).toBe(
      true,
    );
  });

  it('a newer format is left alone, even of a bridge that no longer runs', () => {
    for (const format of ['2', '17', 'v2', ''])
      expect(
        isLeftoverContainer({ ...todaysLabels(ended), 'org.brainstorm.bst-containers.format': format }),
      ).toBe(false);
  });

  it("a running bridge's, another host's, or no owner: not a leftover", () => {
    expect(isLeftoverContainer(todaysLabels(live))).toBe(false);
    expect(isLeftoverContainer(todaysLabels({ ...ended, host: `not-${ended.host}` }))).toBe(false);
    expect(isLeftoverContainer({ 'org.brainstorm.bst-containers.session': ended.session })).toBe(false);
    expect(isLeftoverContainer({ ...todaysLabels(ended), 'org.brainstorm.bst-containers': 'someone' })).toBe(
      false,
    );
    expect(isLeftoverContainer(null)).toBe(false);
    expect(isLeftoverContainer(undefined)).toBe(false);
  });
});

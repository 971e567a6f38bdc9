import {
  isLeftoverContainer,
  isOwnSessionContainer,
  OWNER_FILTER,
  sessionFilter,
} from '../../leftovers/container-labels.js';
import type { SessionJudge } from '../../leftovers/session-judge.js';
import { removeQuietly } from './containers.js';
import type { DockerApi } from './docker-api.js';

interface ContainerSummary {
  Id: string;
  Names?: string[];
  Labels?: Record<string, string> | null;
}

const labelled = (api: DockerApi, labels: string[]) =>
  api.json<ContainerSummary[]>({
    path: '/containers/json',
    query: { all: true, filters: JSON.stringify({ label: labels }) },
  });

const nameOf = ({ Id, Names }: ContainerSummary) => Names?.[0]?.replace(/^\//, '') ?? Id;

/** The containers that bridges no longer running created; removed (forced) unless `dryRun`. */
export const pruneContainers = async (
  api: DockerApi,
  dryRun: boolean,
  judge: SessionJudge,
): Promise<string[]> => {
  const containers = await labelled(api, [OWNER_FILTER]);
  // The filter is the engine's; the check is ours, so a filter an engine ignores removes nothing.
  // Judged together: each job's squeue runs once, and all of them at the same time.
  const judged = await Promise.all(containers.map(({ Labels }) => isLeftoverContainer(Labels, judge)));
  const leftovers = containers.filter((_, index) => judged[index]);
  if (!dryRun) {
    for (const { Id } of leftovers) {
      await api.call({ method: 'DELETE', path: `/containers/${Id}`, query: { force: true } });
    }
  }
  return leftovers.map(nameOf);
};

/**
 * Removes at once every container this bridge process created (a Slurm job is ending): all
 * DELETEs leave together, and the engine finishes each even if the bridge is killed meanwhile.
 */
export const removeSessionContainers = async (api: DockerApi): Promise<string[]> => {
  const own = (await labelled(api, [sessionFilter()])).filter(({ Labels }) => isOwnSessionContainer(Labels));
  await Promise.all(own.map(({ Id }) => removeQuietly(api, Id)));
  return own.map(nameOf);
};

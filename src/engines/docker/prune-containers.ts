import { isLeftoverContainer, OWNER_FILTER } from '../../leftovers/container-labels.js';
import type { DockerApi } from './docker-api.js';

interface ContainerSummary {
  Id: string;
  Names?: string[];
  Labels?: Record<string, string> | null;
}

/** The containers that bridges no longer running created; removed (forced) unless `dryRun`. */
export const pruneContainers = async (api: DockerApi, dryRun: boolean): Promise<string[]> => {
  const labelled = await api.json<ContainerSummary[]>({
    path: '/containers/json',
    query: { all: true, filters: JSON.stringify({ label: [OWNER_FILTER] }) },
  });
  // The filter is the engine's; the check is ours, so a filter an engine ignores removes nothing.
  const leftovers = labelled.filter(({ Labels }) => isLeftoverContainer(Labels));
  if (!dryRun) {
    for (const { Id } of leftovers) {
      await api.call({ method: 'DELETE', path: `/containers/${Id}`, query: { force: true } });
    }
  }
  return leftovers.map(({ Id, Names }) => Names?.[0]?.replace(/^\//, '') ?? Id);
};

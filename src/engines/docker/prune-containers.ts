import { sessionState } from '../../leftovers/session.js';
import { OWNER_LABEL, OWNER_VALUE, SESSION_LABEL } from '../owner-label.js';
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
    query: { all: true, filters: JSON.stringify({ label: [`${OWNER_LABEL}=${OWNER_VALUE}`] }) },
  });
  const leftovers = labelled.filter(
    // The filter is the engine's; the check is ours, so a filter an engine ignores removes nothing.
    ({ Labels }) => Labels?.[OWNER_LABEL] === OWNER_VALUE && sessionState(Labels[SESSION_LABEL]) === 'dead',
  );
  if (!dryRun) {
    for (const { Id } of leftovers) {
      await api.call({ method: 'DELETE', path: `/containers/${Id}`, query: { force: true } });
    }
  }
  return leftovers.map(({ Id, Names }) => Names?.[0]?.replace(/^\//, '') ?? Id);
};

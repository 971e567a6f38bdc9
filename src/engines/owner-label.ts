import { currentSession } from '../leftovers/session.js';

/** Marks what the bridge creates, so leftovers can be found and nothing else is touched. */
export const OWNER_LABEL = 'org.brainstorm.bst-containers';
export const OWNER_VALUE = 'owner';
/** Which bridge created it: `prune` removes only what bridges that no longer run left. */
export const SESSION_LABEL = 'org.brainstorm.bst-containers.session';

export const ownerLabels = (): Record<string, string> => ({
  [OWNER_LABEL]: OWNER_VALUE,
  [SESSION_LABEL]: currentSession(),
});

import { ownUid } from '../shared/user-places.js';
import { CONTAINER_LABELS_FORMAT, readsFormat } from './format.js';
import { currentSession, sessionState } from './session.js';

/** Marks what the bridge creates, so leftovers can be found and nothing else is touched. */
const OWNER_LABEL = 'org.brainstorm.bst-containers';
const OWNER_VALUE = 'owner';
/** Which bridge created it: `prune` removes only what bridges that no longer run left. */
const SESSION_LABEL = 'org.brainstorm.bst-containers.session';
/**
 * The uid of the bridge's user: on an engine several users share (rootful Docker), `prune` leaves
 * another user's containers alone. Absent where the system has no uid, and on earlier containers.
 */
const USER_LABEL = 'org.brainstorm.bst-containers.user';
/** Absent on containers of bridges that predate it: they are format 1. */
const FORMAT_LABEL = 'org.brainstorm.bst-containers.format';

/** The engine-side filter for containers the bridge created, of any format. */
export const OWNER_FILTER = `${OWNER_LABEL}=${OWNER_VALUE}`;

export const ownerLabels = (): Record<string, string> => ({
  [OWNER_LABEL]: OWNER_VALUE,
  [SESSION_LABEL]: currentSession(),
  [FORMAT_LABEL]: String(CONTAINER_LABELS_FORMAT),
  ...(ownUid() === undefined ? {} : { [USER_LABEL]: String(ownUid()) }),
});

/**
 * Whether a container with these labels is a leftover: created by a bridge that no longer runs,
 * in a format this bridge reads (a newer bridge's container is left alone, whatever its session).
 */
export const isLeftoverContainer = (labels: Record<string, string> | null | undefined): boolean =>
  labels?.[OWNER_LABEL] === OWNER_VALUE &&
  readsFormat(labels[FORMAT_LABEL], CONTAINER_LABELS_FORMAT) &&
  (labels[USER_LABEL] === undefined || labels[USER_LABEL] === String(ownUid())) &&
  sessionState(labels[SESSION_LABEL]) === 'dead';

import { ownUid } from '../shared/user-places.js';
import { CONTAINER_LABELS_FORMAT, readsFormat } from './format.js';
import { currentSession } from './session.js';
import { SessionJudge } from './session-judge.js';
import { currentSlurmJob, readSlurmJob, type SlurmJob } from './slurm-job.js';

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
/**
 * The Slurm job the bridge ran in, and its cluster: on an engine several nodes share, `prune`
 * asks squeue whether that job is over, where the process check cannot see another node's bridge.
 * Absent outside a job. New fields an older bridge may ignore: the format stays 1.
 */
const SLURM_JOB_LABEL = 'org.brainstorm.bst-containers.slurm-job';
const SLURM_CLUSTER_LABEL = 'org.brainstorm.bst-containers.slurm-cluster';

/** The engine-side filter for containers the bridge created, of any format. */
export const OWNER_FILTER = `${OWNER_LABEL}=${OWNER_VALUE}`;

/** The engine-side filter for the containers this bridge process created. */
export const sessionFilter = (): string => `${SESSION_LABEL}=${currentSession()}`;

const jobLabels = (job: SlurmJob | undefined): Record<string, string> => ({
  ...(job ? { [SLURM_JOB_LABEL]: job.id } : {}),
  ...(job?.cluster ? { [SLURM_CLUSTER_LABEL]: job.cluster } : {}),
});

export const ownerLabels = (): Record<string, string> => ({
  [OWNER_LABEL]: OWNER_VALUE,
  [SESSION_LABEL]: currentSession(),
  [FORMAT_LABEL]: String(CONTAINER_LABELS_FORMAT),
  ...(ownUid() === undefined ? {} : { [USER_LABEL]: String(ownUid()) }),
  ...jobLabels(currentSlurmJob()),
});

type Labels = Record<string, string> | null | undefined;

/** Created by a bridge of this user, in a format this bridge reads (a newer bridge's is left alone). */
const isOwnKnownContainer = (labels: Labels): labels is Record<string, string> =>
  labels?.[OWNER_LABEL] === OWNER_VALUE &&
  readsFormat(labels[FORMAT_LABEL], CONTAINER_LABELS_FORMAT) &&
  (labels[USER_LABEL] === undefined || labels[USER_LABEL] === String(ownUid()));

/** Created by this very bridge process. */
export const isOwnSessionContainer = (labels: Labels): boolean =>
  isOwnKnownContainer(labels) && labels[SESSION_LABEL] === currentSession();

/** Whether a container with these labels is a leftover: one of ours whose bridge no longer runs. */
export const isLeftoverContainer = async (labels: Labels, judge = new SessionJudge()): Promise<boolean> =>
  isOwnKnownContainer(labels) &&
  (await judge.state(
    labels[SESSION_LABEL],
    readSlurmJob(labels[SLURM_JOB_LABEL], labels[SLURM_CLUSTER_LABEL]),
  )) === 'dead';

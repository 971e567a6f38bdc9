import type { Readable } from 'node:stream';
import type { SessionJudge } from '../leftovers/session-judge.js';
import type { ImageSpec } from '../registry/image-spec.js';
import type { ImageReference } from '../registry/reference.js';
import type { EngineName } from '../shared/engine-names.js';
import type { VolumePair } from '../shared/volume-pair.js';
import type { WorkContext } from '../shared/work-context.js';
import type { GpuSelection } from './gpu-selection.js';

// The SIF store names volumes by this module.
export type { VolumePair };

/** One row of GetImages: `[name:tag, image ID, manifest digest]`, `<none>` where empty. */
export type ImageRow = [nameTag: string, imageId: string, manifestDigest: string];

export interface ContainerInfo {
  name: string;
  isRunning: boolean;
  volumes: VolumePair[];
  imageSha: string;
}

export interface ArrivedImage {
  imageId: string;
  /** The `name:tag` names the image arrived with (empty for an untagged or digest-only image). */
  names: string[];
}

/** What RunContainer asks of an engine. */
export interface ContainerSpec {
  containerName: string;
  image: ImageSpec;
  volumes: VolumePair[];
  isDaemon: boolean;
  containerArgs: string[];
  /** The GPUs to ask for: none when absent. */
  gpus?: GpuSelection;
  /**
   * Run as the image's user even where the bridge would run it as the caller (rootful Docker on
   * Linux, bridge not root) so that files written in binds are the caller's.
   */
  asImageUser: boolean;
}

/**
 * Where a loaded archive without RepoTags gets its name, for engines that must name what they
 * load (Apptainer keeps one SIF per name): the caller's imageTag, else the URL it came from.
 */
export interface ArchiveOrigin {
  imageTag?: ImageReference;
  url?: string;
}

export interface ContainerEngine {
  readonly name: EngineName;
  /** Where the engine was found, for messages and `GetEngine`'s verbose output. */
  readonly location: string;
  /** What chose the location when a setting did (`CONTAINER_HOST`, `connection lab, ~/.config/…`), for doctor. */
  readonly locationSource?: string;
  /** On another machine (ssh://, a remote tcp://): bind paths are that machine's, not this one's. */
  readonly isRemote: boolean;
  /**
   * Engines that can be asked about their machine's NVIDIA GPU: true when the engine reports one,
   * false when it reports none, undefined when it reports nothing of GPUs.
   */
  reportsGpu?(): Promise<boolean | undefined>;
  /** The engine's own version, for `bst-containers doctor`. */
  version(): Promise<string>;
  listImages(signal?: AbortSignal): Promise<ImageRow[]>;
  /** Pulls a reference (the default tag when it has neither tag nor digest) and answers the image ID. */
  pullImage(reference: ImageReference, context: WorkContext): Promise<string>;
  loadImage(tarballPath: string, context: WorkContext, origin?: ArchiveOrigin): Promise<ArrivedImage>;
  /** Engines that load an archive as it arrives (a download, with no temp file) have this. */
  loadArchive?(archive: Readable, source: string, context: WorkContext): Promise<ArrivedImage>;
  tagImage(imageId: string, name: ImageReference): Promise<void>;
  /** Removes one name (as the engine lists it) from an image; the image stays while it has another. */
  untagImage(nameTag: string): Promise<void>;
  runContainer(spec: ContainerSpec, context: WorkContext): Promise<{ cmdout?: string }>;
  execInContainer(containerName: string, command: string, context: WorkContext): Promise<string>;
  getContainerInfo(containerName: string): Promise<ContainerInfo>;
  stopContainer(containerName: string, isForced: boolean): Promise<void>;
  removeImage(image: ImageSpec, isForced: boolean): Promise<void>;
  /** Engines whose containers carry labels: removes those of bridges that no longer run. */
  pruneContainers?(dryRun: boolean, judge: SessionJudge): Promise<string[]>;
  /**
   * Removes, forced and all at once, every container (instance) this bridge process started and
   * that still exists, daemons included: its Slurm job is ending. Answers their names.
   */
  removeStarted(): Promise<string[]>;
  close(): Promise<void>;
}

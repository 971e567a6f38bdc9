import type { Readable } from 'node:stream';
import type { Progress } from '../protocol/progress.js';

export const ENGINE_NAMES = ['docker', 'podman', 'apptainer'] as const;
export type EngineName = (typeof ENGINE_NAMES)[number];
/** How messages name each engine. */
export const ENGINE_LABELS: Record<EngineName, string> = {
  docker: 'Docker',
  podman: 'Podman',
  apptainer: 'Apptainer',
};
export type EngineChoice = EngineName | 'auto-detect';

/** One row of GetImages: `[name:tag, image ID, manifest digest]`, `<none>` where empty. */
export type ImageRow = [nameTag: string, imageId: string, manifestDigest: string];
export type VolumePair = [hostPath: string, containerPath: string];

export interface ContainerInfo {
  name: string;
  isRunning: boolean;
  volumes: VolumePair[];
  imageSha: string;
}

export type OutputStream = 'stdout' | 'stderr';

export interface WorkContext {
  signal: AbortSignal;
  progress: Progress;
  /**
   * Output of a command as it arrives, for clients that echo it live. Settles when the client
   * has room for more: a reader of engine output waits for it, so a slow client slows the
   * stream rather than filling the bridge's memory.
   */
  output: (stream: OutputStream, text: string) => Promise<void> | undefined;
}

export interface ArrivedImage {
  imageId: string;
  /** The `name:tag` names the image arrived with (empty for an untagged or digest-only image). */
  names: string[];
}

export interface RunOptions {
  containerName: string;
  image: string;
  volumes: VolumePair[];
  isDaemon: boolean;
  containerArgs: string[];
  useGpu: boolean;
}

export interface ContainerEngine {
  readonly name: EngineName;
  /** Where the engine was found, for messages and `GetEngine`'s verbose output. */
  readonly location: string;
  /** The engine's own version, for `bst-containers doctor`. */
  version(): Promise<string>;
  listImages(signal?: AbortSignal): Promise<ImageRow[]>;
  /** Pulls a fully qualified reference (with a tag or digest) and answers the image ID. */
  pullImage(reference: string, context: WorkContext): Promise<string>;
  loadImage(tarballPath: string, context: WorkContext): Promise<ArrivedImage>;
  /** Engines that load an archive as it arrives (a download, with no temp file) have this. */
  loadArchive?(archive: Readable, source: string, context: WorkContext): Promise<ArrivedImage>;
  tagImage(image: string, nameTag: string): Promise<void>;
  /** Removes one name from an image; the image stays while it has another name. */
  untagImage(nameTag: string): Promise<void>;
  runContainer(options: RunOptions, context: WorkContext): Promise<{ cmdout?: string }>;
  execInContainer(containerName: string, command: string, context: WorkContext): Promise<string>;
  getContainerInfo(containerName: string): Promise<ContainerInfo>;
  stopContainer(containerName: string, isForced: boolean): Promise<void>;
  removeImage(image: string, isForced: boolean): Promise<void>;
  /** Engines whose containers carry labels: removes those of bridges that no longer run. */
  pruneContainers?(dryRun: boolean): Promise<string[]>;
  close(): Promise<void>;
}

import type { Readable } from 'node:stream';
import {
  type ArrivedImage,
  type ContainerEngine,
  type ContainerInfo,
  ENGINE_LABELS,
  type EngineName,
  type ImageRow,
  type RunOptions,
  type WorkContext,
} from '../container-engine.js';
import { inspectContainer, runContainer, stopContainer } from './containers.js';
import { DockerApi } from './docker-api.js';
import type { DockerEndpoint } from './endpoint.js';
import { execInContainer } from './exec.js';
import { listImages, loadArchive, loadImage, pullImage, removeImage, tagImage } from './images.js';
import { pruneContainers } from './prune-containers.js';

/** The API version the bridge speaks: old enough for Docker 20.10 and Podman's compat API. */
const PREFERRED_API_VERSION = '1.41';

const olderVersion = (a: string, b: string) => {
  const [aMajor = 0, aMinor = 0] = a.split('.').map(Number);
  const [bMajor = 0, bMinor = 0] = b.split('.').map(Number);
  return aMajor !== bMajor ? (aMajor < bMajor ? a : b) : aMinor <= bMinor ? a : b;
};

/** Docker, or any engine serving the Docker Engine API (Podman's compat API). */
export class DockerEngine implements ContainerEngine {
  readonly location: string;
  private readonly api: DockerApi;

  private constructor(
    readonly name: EngineName,
    endpoint: DockerEndpoint,
    private readonly onClose?: () => Promise<void>,
  ) {
    this.api = new DockerApi(endpoint, ENGINE_LABELS[name]);
    this.location = endpoint.description;
  }

  /** Connects and checks the engine answers; the API version is fixed from its `_ping` answer. */
  static async connect(
    name: EngineName,
    endpoint: DockerEndpoint,
    onClose?: () => Promise<void>,
  ): Promise<DockerEngine> {
    const engine = new DockerEngine(name, endpoint, onClose);
    try {
      const response = await engine.api.request({ path: '/_ping' });
      await response.body.dump();
      const serverVersion = response.headers['api-version'];
      engine.api.useApiVersion(
        typeof serverVersion === 'string'
          ? olderVersion(serverVersion, PREFERRED_API_VERSION)
          : PREFERRED_API_VERSION,
      );
      return engine;
    } catch (error) {
      await engine.close();
      throw error;
    }
  }

  async version(): Promise<string> {
    const { Version, ApiVersion } = await this.api.json<{ Version?: string; ApiVersion?: string }>({
      path: '/version',
    });
    return `${Version ?? 'unknown'} (API ${ApiVersion ?? 'unknown'})`;
  }

  listImages(signal?: AbortSignal): Promise<ImageRow[]> {
    return listImages(this.api, this.name === 'docker', signal);
  }

  pullImage(reference: string, context: WorkContext): Promise<string> {
    return pullImage(this.api, reference, context, this.name);
  }

  loadImage(tarballPath: string, context: WorkContext): Promise<ArrivedImage> {
    return loadImage(this.api, tarballPath, context);
  }

  loadArchive(archive: Readable, source: string, context: WorkContext): Promise<ArrivedImage> {
    return loadArchive(this.api, archive, source, context);
  }

  tagImage(image: string, nameTag: string): Promise<void> {
    return tagImage(this.api, image, nameTag);
  }

  untagImage(nameTag: string): Promise<void> {
    return removeImage(this.api, nameTag, false);
  }

  runContainer(options: RunOptions, context: WorkContext): Promise<{ cmdout?: string }> {
    return runContainer(this.api, this.name, options, context);
  }

  execInContainer(containerName: string, command: string, context: WorkContext): Promise<string> {
    return execInContainer(this.api, containerName, command, context);
  }

  getContainerInfo(containerName: string): Promise<ContainerInfo> {
    return inspectContainer(this.api, containerName);
  }

  stopContainer(containerName: string, isForced: boolean): Promise<void> {
    return stopContainer(this.api, containerName, isForced);
  }

  removeImage(image: string, isForced: boolean): Promise<void> {
    return removeImage(this.api, image, isForced);
  }

  pruneContainers(dryRun: boolean): Promise<string[]> {
    return pruneContainers(this.api, dryRun);
  }

  async close(): Promise<void> {
    await this.api.close();
    await this.onClose?.();
  }
}

import { downloadToTemp } from '../download/download-to-temp.js';
import { openDownload } from '../download/open-download.js';
import type { ArrivedImage, ContainerEngine } from '../engines/container-engine.js';
import { withNameLock } from '../leftovers/name-lock.js';
import { familiarNameTag, type ImageReference, nameTag } from '../registry/reference.js';
import type { ImageSource } from '../schemas/image-source.js';
import { importImage as schema } from '../schemas/import-image.js';
import { isBridgeError } from '../shared/bridge-error.js';
import { ErrorCode } from '../shared/error-codes.js';
import { notAnImageArchive } from '../shared/failures.js';
import { defineMethod } from './define-method.js';
import type { MethodContext } from './method-context.js';

/** Docker and Podman load the archive as it downloads: no temp file, download and load overlap. */
const loadDownload = async (
  engine: ContainerEngine & Required<Pick<ContainerEngine, 'loadArchive'>>,
  url: string,
  context: MethodContext,
): Promise<ArrivedImage> => {
  const download = await openDownload(url, context.progress, context.signal);
  try {
    return await engine.loadArchive(download, url, context);
  } catch (error) {
    // The transfer looked whole (a close-delimited body has no length to check), but the engine
    // found the archive cut or not an image: that is the download's failure.
    if (isBridgeError(error) && error.code === ErrorCode.EngineFailed) {
      throw notAnImageArchive(url, (error.data as { engineMessage: string }).engineMessage, error);
    }
    throw error;
  }
};

/** Engines that need a file (Apptainer builds a SIF from it) get the download in a temp folder. */
const loadDownloadedFile = async (
  engine: ContainerEngine,
  url: string,
  imageTag: ImageReference | undefined,
  context: MethodContext,
) => {
  const file = await downloadToTemp(url, context.progress, context.signal, context.tempRoot);
  try {
    return await engine.loadImage(file.path, context, { imageTag, url });
  } finally {
    await file.remove();
  }
};

const receiveImage = async (
  engine: ContainerEngine,
  source: ImageSource,
  imageTag: ImageReference | undefined,
  context: MethodContext,
): Promise<ArrivedImage> => {
  switch (source.kind) {
    case 'reference': {
      const imageId = await engine.pullImage(source.reference, context);
      const name = familiarNameTag(source.reference);
      return { imageId, names: name ? [name] : [] };
    }
    case 'file':
      return engine.loadImage(source.path, context, { imageTag });
    case 'url':
      return engine.loadArchive
        ? loadDownload(engine as Parameters<typeof loadDownload>[0], source.url, context)
        : loadDownloadedFile(engine, source.url, imageTag, context);
  }
};

/**
 * What two imports must not interleave over, on one engine: the name a pulled reference arrives
 * with (one import's "did I add it?" must not be another's name), else the name given.
 */
const lockKey = (engine: ContainerEngine, source: ImageSource, target: ImageReference | undefined) => {
  const name = source.kind === 'reference' ? familiarNameTag(source.reference) : undefined;
  const subject = name ?? (target ? nameTag(target) : undefined);
  return subject === undefined ? undefined : `import ${engine.name} ${engine.location} ${subject}`;
};

/** Removes a name this import added; another's removal of it already did the work. */
const removeAddedName = async (engine: ContainerEngine, name: string) => {
  try {
    await engine.untagImage(name);
  } catch (error) {
    if (!(isBridgeError(error) && error.code === ErrorCode.ImageNotFound)) throw error;
  }
};

export const importImage = defineMethod(schema, async (params, context) =>
  context.engines.run(params.engine, async (engine) => {
    const target = params.imageTag;
    const importOnce = async () => {
      const namesBefore = target
        ? new Set((await engine.listImages(context.signal)).map(([name]) => name))
        : undefined;
      const arrived = await receiveImage(engine, params.imageSource, target, context);
      if (target && namesBefore) {
        await engine.tagImage(arrived.imageId, target);
        // Brainstorm's rule: the name the image arrived with goes only if this call added it.
        for (const name of arrived.names) {
          if (name !== nameTag(target) && !namesBefore.has(name)) await removeAddedName(engine, name);
        }
      }
      return { imageSha: arrived.imageId };
    };
    // Many Brainstorm processes (a job array) import the same image at once: one at a time per
    // name, so that the rule holds across them and the last leaves what one import would.
    const key = lockKey(engine, params.imageSource, target);
    return key === undefined ? importOnce() : withNameLock(key, context.signal, importOnce);
  }),
);

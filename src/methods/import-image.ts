import * as z from 'zod';
import { downloadToTemp } from '../download/download-to-temp.js';
import { downloadFailed, openDownload } from '../download/open-download.js';
import type { ContainerEngine } from '../engines/container-engine.js';
import { familiarNameTag, parseReference, pullReference } from '../registry/reference.js';
import { isBridgeError } from '../shared/bridge-error.js';
import { ErrorCode } from '../shared/error-codes.js';
import { imageReference } from '../shared/validators.js';
import { defineMethod } from './define-method.js';
import { classifyImageSource, type ImageSource } from './image-source.js';
import type { MethodContext } from './method-context.js';

const imageSource = z
  .string()
  .max(8192)
  .refine(
    (value) => classifyImageSource(value) !== undefined,
    'must be an image reference (registry/name:tag), an http(s) URL or an absolute path to an image tarball',
  )
  .describe(
    'Registry reference (registry/name:tag), http(s) URL of an image tarball, or absolute path to one.',
  );

const imageTag = imageReference
  .refine((value) => !value.includes('@'), 'must be name[:tag] without a digest')
  .or(z.literal(''))
  .optional()
  .describe(
    'Name given to the image, e.g. brainstorm_<Name>; the name it arrived with is removed if this call added it.',
  );

const withTag = (nameTag: string) =>
  nameTag.lastIndexOf(':') > nameTag.lastIndexOf('/') ? nameTag : `${nameTag}:latest`;

const arrive = async (engine: ContainerEngine, source: ImageSource, context: MethodContext) => {
  switch (source.kind) {
    case 'reference': {
      const ref = parseReference(source.reference);
      const imageId = await engine.pullImage(pullReference(ref), context);
      const name = familiarNameTag(ref);
      return { imageId, names: name ? [name] : [] };
    }
    case 'file':
      return engine.loadImage(source.path, context);
    case 'url': {
      // Docker and Podman load the archive as it downloads: no temp file, download and load overlap.
      if (engine.loadArchive) {
        const download = await openDownload(source.url, context.progress, context.signal);
        return engine.loadArchive(download, source.url, context).catch((error: unknown) => {
          // The transfer looked whole (a close-delimited body has no length to check), but the
          // engine found the archive cut or not an image: that is the download's failure.
          if (isBridgeError(error) && error.code === ErrorCode.EngineFailed) {
            const { engineMessage } = error.data as { engineMessage: string };
            throw downloadFailed(
              source.url,
              `what arrived is not a whole image archive (the engine said: ${engineMessage})`,
              error,
              error.data,
            );
          }
          throw error;
        });
      }
      const file = await downloadToTemp(source.url, context.progress, context.signal, context.tempRoot);
      try {
        return await engine.loadImage(file.path, context);
      } finally {
        await file.remove();
      }
    }
  }
};

export const importImage = defineMethod({
  name: 'ImportImage',
  summary:
    'Pulls a registry reference, or downloads and loads an image tarball, or loads a local one; answers the image ID.',
  params: { imageSource, imageTag },
  result: z.object({ imageSha: z.string() }),
  handler: async (params, context) =>
    context.engines.run(params.engine, async (engine) => {
      const source = classifyImageSource(params.imageSource) as ImageSource;
      const target = params.imageTag ? withTag(params.imageTag) : undefined;
      const namesBefore = target
        ? new Set((await engine.listImages(context.signal)).map(([name]) => name))
        : undefined;
      const arrived = await arrive(engine, source, context);
      if (target && namesBefore) {
        await engine.tagImage(arrived.imageId, target);
        // The seed's rule: the name the image arrived with goes only if this call added it.
        for (const name of arrived.names) {
          if (name !== target && !namesBefore.has(name)) await engine.untagImage(name);
        }
      }
      return { imageSha: arrived.imageId };
    }),
});

import * as z from 'zod';
import { ErrorCode } from '../shared/error-codes.js';
import { splitWords } from '../shared/split-words.js';
import type { VolumePair } from '../shared/volume-pair.js';
import { defineSchema, ENGINE_ERRORS } from './define-schema.js';
import {
  absoluteContainerPath,
  absoluteHostPath,
  containerName,
  flag,
  imageIdOrReference,
} from './fields.js';

const volumePair = z.tuple([absoluteHostPath, absoluteContainerPath]);

const containerArgs = z
  .union([z.array(z.string().max(65536)).max(1024), z.string().max(65536)])
  .default([])
  .transform((value, context) => {
    if (Array.isArray(value)) return value;
    try {
      return splitWords(value);
    } catch (error) {
      context.addIssue({ code: 'custom', message: (error as Error).message });
      return z.NEVER;
    }
  })
  .describe(
    'Arguments for the image entrypoint (non-daemon runs): an array, or one string split like a shell would (no expansion; an unclosed quote is refused).',
  );

export const runContainer = defineSchema({
  name: 'RunContainer',
  summary:
    "Starts a container. isDaemon: it stays up, without the image's ENTRYPOINT, for ExecInContainer. Otherwise it runs the entrypoint to the end, is removed, and its output is answered as cmdout.",
  params: {
    containerName,
    imageSha: imageIdOrReference,
    volumes: z
      .union([z.array(volumePair).max(256), volumePair])
      .nullish()
      .transform((value): VolumePair[] => {
        if (!value) return [];
        return typeof value[0] === 'string' ? [value as VolumePair] : (value as VolumePair[]);
      })
      .describe('Bind mounts as [[hostPath, containerPath], ...]; host paths are absolute.'),
    isDaemon: flag.default(false).describe('true/1: keep it running for ExecInContainer (default false).'),
    containerArgs,
    useGpu: flag
      .default(false)
      .describe(
        'Ask for every GPU when the host has an NVIDIA GPU; without one, start without (and say so once).',
      ),
    asImageUser: flag
      .optional()
      .describe(
        "true/1: run as the image's own user (root for most), for images that need it; files written in binds are then that user's. Default: BST_CONTAINERS_IMAGE_USER=1, else false: on rootful Docker on Linux, with a bridge that is not root, the container runs as the caller's uid:gid.",
      ),
  },
  result: z.object({
    cmdout: z.string().optional(),
    notice: z
      .string()
      .optional()
      .describe('Said once per engine when useGpu was asked and the host has no GPU: the shim prints it.'),
  }),
  resultText: 'daemon: `{}`; otherwise `{cmdout}`; `notice` once',
  errors: [...ENGINE_ERRORS, ErrorCode.ImageNotFound, ErrorCode.Conflict, ErrorCode.CommandFailed],
  notifications: ['bst/output'],
});

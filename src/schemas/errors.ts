import * as z from 'zod';
import { ENGINE_NAMES } from '../shared/engine-names.js';
import { ErrorCode } from '../shared/error-codes.js';

const engineMessage = z.string().describe("The engine's own words.");

/**
 * Each code's meaning and the shape of its `data` (`src/shared/failures.ts` builds them; a unit test
 * checks that what it builds has these shapes). The OpenRPC document and the README's table read it.
 */
export const ERRORS: Record<ErrorCode, { name: string; meaning: string; data?: z.ZodType }> = {
  [ErrorCode.ParseError]: { name: 'ParseError', meaning: 'Parse error: the line is not JSON, or not UTF-8.' },
  [ErrorCode.InvalidRequest]: {
    name: 'InvalidRequest',
    meaning: 'Invalid request: not JSON-RPC 2.0, a batch, or a line over 16 MiB.',
  },
  [ErrorCode.MethodNotFound]: {
    name: 'MethodNotFound',
    meaning: 'Unknown method; the message lists the methods.',
  },
  [ErrorCode.InvalidParams]: {
    name: 'InvalidParams',
    meaning: 'Bad params; the message names each bad parameter and what is wrong.',
  },
  [ErrorCode.InternalError]: {
    name: 'InternalError',
    meaning:
      'A fault of the bridge, which says so; on a fault it cannot recover from it answers every call in flight and exits.',
  },
  [ErrorCode.RequestCancelled]: {
    name: 'RequestCancelled',
    meaning: 'The request was cancelled ($/cancelRequest).',
  },
  [ErrorCode.EngineNotFound]: {
    name: 'EngineNotFound',
    meaning: 'No container engine found (auto-detect), or the engine named is not installed.',
    data: z
      .strictObject({
        engine: z.enum(ENGINE_NAMES).optional(),
        looked: z.string().optional().describe('Where it was looked for.'),
      })
      .describe('Absent when auto-detect found no engine.'),
  },
  [ErrorCode.EngineNotAnswering]: {
    name: 'EngineNotAnswering',
    meaning:
      'The engine is installed but does not answer, or stopped answering during the call; the message says what to do.',
    data: z.strictObject({
      engine: z.enum(ENGINE_NAMES),
      location: z.string().describe('Its socket, address or program.'),
      engineMessage,
      code: z.string().optional().describe('The system error code, e.g. ECONNREFUSED.'),
    }),
  },
  [ErrorCode.EngineFailed]: {
    name: 'EngineFailed',
    meaning: 'The engine refused or failed the call.',
    data: z.strictObject({
      engineMessage,
      statusCode: z.number().int().optional().describe('The Engine API status.'),
      exitCode: z.number().int().optional().describe("The engine program's exit code (Apptainer)."),
    }),
  },
  [ErrorCode.ContainerNotFound]: {
    name: 'ContainerNotFound',
    meaning: 'No such container.',
    data: z.strictObject({ engineMessage: engineMessage.optional() }),
  },
  [ErrorCode.ImageNotFound]: {
    name: 'ImageNotFound',
    meaning: 'No such image.',
    data: z.strictObject({ engineMessage: engineMessage.optional() }),
  },
  [ErrorCode.Conflict]: {
    name: 'Conflict',
    meaning:
      'Conflict: the name is in use, the image is used by a container, or the container is not running.',
    data: z.strictObject({ engineMessage: engineMessage.optional() }),
  },
  [ErrorCode.CommandFailed]: {
    name: 'CommandFailed',
    meaning:
      'The command in the container failed: its exit code and the tail of its output are in the message.',
    data: z.strictObject({
      exitCode: z.number().int(),
      output: z.string().describe("All of the command's output, stdout and stderr in order."),
    }),
  },
  [ErrorCode.RegistryFailed]: {
    name: 'RegistryFailed',
    meaning: 'The registry failed (pull or manifest).',
    data: z.strictObject({
      reason: z.string(),
      registry: z
        .string()
        .optional()
        .describe('The registry that refused the login, or whose pull limit was reached.'),
      engineMessage: z.string().optional(),
      rateLimit: z
        .strictObject({
          limit: z.number().optional(),
          windowSeconds: z.number().optional(),
          remaining: z.number().optional(),
          resetAt: z.string().optional().describe('ISO 8601, when the registry said.'),
        })
        .optional()
        .describe("A pull limit's figures, as the registry's rate-limit headers gave them."),
    }),
  },
  [ErrorCode.DownloadFailed]: {
    name: 'DownloadFailed',
    meaning: 'The download failed.',
    data: z.strictObject({
      reason: z.string(),
      engineMessage: engineMessage
        .optional()
        .describe("The engine's words when its load found the archive cut."),
    }),
  },
  [ErrorCode.FileNotFound]: {
    name: 'FileNotFound',
    meaning:
      "The image file cannot be read, or a bind's missing host folder cannot be created (or, on a remote engine, does not exist on the engine's machine).",
    data: z.strictObject({
      path: z.string(),
      code: z.string().describe('The system error code, e.g. ENOENT.'),
    }),
  },
};

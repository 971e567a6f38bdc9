import * as z from 'zod';
import { ENGINE_NAMES } from '../engines/container-engine.js';
import type { MethodContext } from './method-context.js';

/** Parameters every method takes besides its own. */
export const commonParams = {
  engine: z
    .enum(['auto-detect', ...ENGINE_NAMES])
    .default('auto-detect')
    .describe('Which engine to use: auto-detect (default), docker, podman or apptainer.'),
  progressToken: z
    .union([z.string().max(256), z.number().int()])
    .optional()
    .describe('When given, progress (`$/progress`) and live output (`bst/output`) carry this token.'),
};

export interface MethodDefinition<Shape extends z.ZodRawShape = z.ZodRawShape, Result = unknown> {
  name: string;
  summary: string;
  /** The method's own parameters, in MATLAB argument order (used for params by position). */
  params: Shape;
  result: z.ZodType<Result>;
  handler: (
    params: z.output<z.ZodObject<Shape & typeof commonParams>>,
    context: MethodContext,
  ) => Promise<Result>;
}

export interface CompiledMethod {
  definition: MethodDefinition;
  schema: z.ZodObject;
  positional: string[];
}

/** Keeps the params' types flowing from the schema into the handler: the schema is the one source. */
export const defineMethod = <Shape extends z.ZodRawShape, Result>(
  definition: MethodDefinition<Shape, Result>,
): MethodDefinition<Shape, Result> => definition;

export const compileMethod = (definition: MethodDefinition): CompiledMethod => ({
  definition,
  schema: z.strictObject({ ...definition.params, ...commonParams }),
  positional: Object.keys(definition.params),
});

import * as z from 'zod';
import { ENGINE_NAMES } from '../shared/engine-names.js';
import { ErrorCode } from '../shared/error-codes.js';
import type { MethodName } from './method-names.js';

/** Parameters every method takes besides its own, after its own when by position. */
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

/** What any method that talks to an engine can answer: none found, none answering, a refusal. */
export const ENGINE_ERRORS = [ErrorCode.EngineNotFound, ErrorCode.EngineNotAnswering, ErrorCode.EngineFailed];

/**
 * A method as a client sees it: its name, what it does, its params and its result. This is the
 * one source for validation, the handler's types, `--help` and the README's table; it imports no
 * handler and no engine, so a client can import the schemas alone.
 */
export interface MethodSchema<Shape extends z.ZodRawShape = z.ZodRawShape, Result = unknown> {
  name: MethodName;
  summary: string;
  /** The method's own parameters, in MATLAB argument order (used for params by position). */
  params: Shape;
  result: z.ZodType<Result>;
  /** The result in a few words, for the README's method table. */
  resultText: string;
  /**
   * The bridge's own codes this method can answer, besides those of any call (bad params, a fault
   * of the bridge, cancelled): the OpenRPC document lists them with their data.
   */
  errors: readonly ErrorCode[];
  /** The notifications it sends for a request with a progressToken. */
  notifications?: readonly ('$/progress' | 'bst/output')[];
}

export const defineSchema = <Name extends MethodName, Shape extends z.ZodRawShape, Result>(
  schema: MethodSchema<Shape, Result> & { name: Name },
): MethodSchema<Shape, Result> & { name: Name } => schema;

/** The params a handler receives: the method's own and the common ones, validated and transformed. */
export type ParamsOf<Schema extends MethodSchema> =
  Schema extends MethodSchema<infer Shape> ? z.output<z.ZodObject<Shape & typeof commonParams>> : never;

/** The params a client may send by name: before defaults and transforms. */
export type InputOf<Schema extends MethodSchema> =
  Schema extends MethodSchema<infer Shape> ? z.input<z.ZodObject<Shape & typeof commonParams>> : never;

export type ResultOf<Schema extends MethodSchema> =
  Schema extends MethodSchema<z.ZodRawShape, infer Result> ? Result : never;

/** The strict object a call's params are checked against. */
export const paramsSchema = (schema: MethodSchema): z.ZodObject =>
  z.strictObject({ ...schema.params, ...commonParams });

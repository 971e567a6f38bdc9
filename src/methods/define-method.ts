import type * as z from 'zod';
import { type MethodSchema, type ParamsOf, paramsSchema, type ResultOf } from '../schemas/define-schema.js';
import type { MethodContext } from './method-context.js';

export interface Method<Schema extends MethodSchema = MethodSchema> {
  schema: Schema;
  /** The params' strict object: the method's own and the common ones. */
  params: z.ZodObject;
  /** Param names in MATLAB argument order, for params by position. */
  positional: string[];
  handler: (params: ParamsOf<Schema>, context: MethodContext) => Promise<ResultOf<Schema>>;
}

/** A schema and its handler: the handler's param types flow from the schema, the one source. */
export const defineMethod = <Schema extends MethodSchema>(
  schema: Schema,
  handler: Method<Schema>['handler'],
): Method<Schema> => ({
  schema,
  params: paramsSchema(schema),
  positional: Object.keys(schema.params),
  handler,
});

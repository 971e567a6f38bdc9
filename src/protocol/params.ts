import type * as z from 'zod';
import type { CompiledMethod } from '../methods/define-method.js';
import { BridgeError } from '../shared/bridge-error.js';
import { ErrorCode } from '../shared/error-codes.js';
import { isPlainObject } from './messages.js';

const invalidParams = (method: string, why: string) =>
  new BridgeError(ErrorCode.InvalidParams, `Invalid params for ${method}: ${why}`);

/**
 * Params by position follow the MATLAB argument order; a missing `params` means none. A null in
 * that list is MATLAB's `[]`, "not given": the parameter takes its default.
 */
const byName = (method: CompiledMethod, params: unknown): Record<string, unknown> => {
  if (params === undefined || params === null) return {};
  if (isPlainObject(params)) return params;
  if (Array.isArray(params)) {
    if (params.length > method.positional.length) {
      throw invalidParams(
        method.definition.name,
        `takes at most ${method.positional.length} params by position (${method.positional.join(', ') || 'none'}), got ${params.length}`,
      );
    }
    return Object.fromEntries(
      params.flatMap((value, index) => (value === null ? [] : [[method.positional[index] as string, value]])),
    );
  }
  throw invalidParams(method.definition.name, 'params must be an object or an array');
};

const describeIssue = (issue: z.core.$ZodIssue): string => {
  const where = issue.path.length > 0 ? issue.path.join('.') : undefined;
  if (issue.code === 'unrecognized_keys')
    return `unknown parameter ${issue.keys.map((key) => `"${key}"`).join(', ')}`;
  if (issue.code === 'invalid_type' && issue.input === undefined) return `${where} is required`;
  return where ? `${where} ${issue.message}` : issue.message;
};

export const parseParams = (method: CompiledMethod, params: unknown): Record<string, unknown> => {
  const result = method.schema.safeParse(byName(method, params));
  if (!result.success)
    throw invalidParams(method.definition.name, result.error.issues.map(describeIssue).join('; '));
  return result.data;
};

import type * as z from 'zod';
import type { Method } from '../methods/define-method.js';
import { invalidParams } from '../shared/failures.js';
import { isPlainObject } from './messages.js';

/**
 * Params by position follow the MATLAB argument order; a missing `params` means none. A null in
 * that list is MATLAB's `[]`, "not given": the parameter takes its default.
 */
const byName = (method: Method, params: unknown): Record<string, unknown> => {
  if (params === undefined || params === null) return {};
  if (isPlainObject(params)) return params;
  if (Array.isArray(params)) {
    if (params.length > method.positional.length) {
      throw invalidParams(
        method.schema.name,
        `takes at most ${method.positional.length} params by position (${method.positional.join(', ') || 'none'}), got ${params.length}`,
      );
    }
    return Object.fromEntries(
      params.flatMap((value, index) => (value === null ? [] : [[method.positional[index] as string, value]])),
    );
  }
  throw invalidParams(method.schema.name, 'params must be an object or an array');
};

const describeIssue = (issue: z.core.$ZodIssue): string => {
  const where = issue.path.length > 0 ? issue.path.join('.') : undefined;
  if (issue.code === 'unrecognized_keys')
    return `unknown parameter ${issue.keys.map((key) => `"${key}"`).join(', ')}`;
  if (issue.code === 'invalid_type' && issue.input === undefined) return `${where} is required`;
  return where ? `${where} ${issue.message}` : issue.message;
};

export const parseParams = (method: Method, params: unknown): Record<string, unknown> => {
  const result = method.params.safeParse(byName(method, params));
  if (!result.success)
    throw invalidParams(method.schema.name, result.error.issues.map(describeIssue).join('; '));
  return result.data;
};

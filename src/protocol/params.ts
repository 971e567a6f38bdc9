import type * as z from 'zod';
import type { Method } from '../methods/define-method.js';
import { invalidParams } from '../shared/failures.js';
import { isPlainObject } from './messages.js';

/**
 * Params by position follow the MATLAB argument order; a missing `params` means none. A null in
 * that list is MATLAB's `[]`, "not given": the parameter takes its default. The list may end with
 * an object of params by name (`engine`, `progressToken`, or a parameter left out of the list), so
 * that a client forwarding MATLAB's arguments as they came can still add its own; no method takes
 * an object by position.
 */
const byName = (method: Method, params: unknown): Record<string, unknown> => {
  if (params === undefined || params === null) return {};
  if (isPlainObject(params)) return params;
  if (Array.isArray(params)) {
    const last: unknown = params.at(-1);
    const named = isPlainObject(last) ? last : {};
    const positional = named === last ? params.slice(0, -1) : params;
    if (positional.length > method.positional.length) {
      throw invalidParams(
        method.schema.name,
        `takes at most ${method.positional.length} params by position (${method.positional.join(', ') || 'none'}), got ${positional.length}`,
      );
    }
    const given = Object.fromEntries(
      positional.flatMap((value, index) =>
        value === null ? [] : [[method.positional[index] as string, value]],
      ),
    );
    const twice = Object.keys(named).filter((name) => Object.hasOwn(given, name));
    if (twice.length > 0)
      throw invalidParams(method.schema.name, `${twice.join(', ')} given both by position and by name`);
    return { ...given, ...named };
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

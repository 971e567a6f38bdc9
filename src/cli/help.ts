import type * as z from 'zod';
import type { MethodSchema } from '../schemas/define-schema.js';

const describeParam = (name: string, schema: z.ZodType): string => {
  const optional = schema.safeParse(undefined).success;
  const description = schema.description ? ` ${schema.description}` : '';
  return `      ${name}${optional ? '?' : ''}${description}`;
};

/** Method docs come from the same zod schemas that validate the calls. */
export const helpText = (version: string, methods: MethodSchema[]): string =>
  [
    `bst-containers ${version}: JSON-RPC 2.0 bridge to container engines, one JSON message per line on stdin/stdout.`,
    '',
    'Usage:',
    '  bst-containers [--verbose]                  serve JSON-RPC on stdin/stdout (logs on stderr)',
    "  bst-containers call METHOD ['{json params}'] one call; prints the result as JSON, exits 1 on error",
    '  bst-containers doctor [--json]              which engines are found and answer, and what to do (exit 0 if one does)',
    '  bst-containers prune [--dry-run] [--json] [--engine NAME]',
    '                                              remove containers and temp folders of bridges that no longer run',
    '  bst-containers --help | --version',
    '',
    'Methods (params by name, or by position in the order shown and then, optionally, an object of params by name;',
    'every method also takes engine and progressToken):',
    ...methods.flatMap((method) => [
      `  ${method.name}: ${method.summary}`,
      ...Object.entries(method.params).map(([name, schema]) => describeParam(name, schema as z.ZodType)),
    ]),
    '',
  ].join('\n');

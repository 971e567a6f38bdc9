import type * as z from 'zod';
import type { MethodSchema } from '../schemas/define-schema.js';
import { ERRORS } from '../schemas/errors.js';

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
    "  bst-containers call METHOD ['{json params}' | -] [--progress=plain] [--quiet]",
    '                                              one call; prints the result as JSON (params from stdin with -), exits 1 on',
    '                                              error and 130 on Ctrl+C, which cancels it; on a terminal, a progress bar and',
    "                                              the command's live output on stderr",
    '  bst-containers doctor [--json]              which engines are found and answer, and what to do (exit 0 if one does)',
    '  bst-containers prune [--dry-run] [--json] [--engine NAME]',
    '                                              remove containers and temp folders of bridges that no longer run',
    '  bst-containers openrpc                      print the OpenRPC document of the methods (what rpc.discover answers)',
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

const markdownTable = (header: string[], rows: string[][]): string => {
  const widths = header.map((_, column) =>
    Math.max(...[header, ...rows].map((row) => (row[column] as string).length)),
  );
  const line = (cells: string[]) =>
    `| ${cells.map((cell, column) => cell.padEnd(widths[column] as number)).join(' | ')} |`;
  return [line(header), line(widths.map((width) => '-'.repeat(width))), ...rows.map(line)].join('\n');
};

/** The README's method table ("### Methods"), from the same schemas as --help. */
export const methodTable = (methods: MethodSchema[]): string =>
  markdownTable(
    ['Method', 'Params', 'Result'],
    methods.map((method) => {
      const params = Object.entries(method.params).map(([name, schema]) =>
        (schema as z.ZodType).safeParse(undefined).success ? `${name}?` : name,
      );
      return [`\`${method.name}\``, params.length > 0 ? `\`${params.join(', ')}\`` : '', method.resultText];
    }),
  );

/** `{a, b?}`: the fields of an error's `data`, `?` where optional. */
const dataFields = (data: z.ZodType | undefined): string => {
  if (!data) return '';
  const fields = Object.entries((data as z.ZodObject).shape).map(([name, schema]) =>
    (schema as z.ZodType).safeParse(undefined).success ? `${name}?` : name,
  );
  return `\`{${fields.join(', ')}}\``;
};

/** The README's error table ("### Error codes"), from the meanings and data shapes the OpenRPC document has. */
export const errorTable = (): string =>
  markdownTable(
    ['Code', 'Meaning', '`data`'],
    Object.entries(ERRORS).map(([code, error]) => [code, error.meaning, dataFields(error.data)]),
  );

const README_TABLES = [
  { heading: 'Methods', pattern: /(### Methods\n\n)(\|[^\n]*\n)+/ },
  { heading: 'Error codes', pattern: /(### Error codes\n\n(?:[^|\n][^\n]*\n)*\n)(\|[^\n]*\n)+/ },
];

/**
 * The README's text with its method and error tables made from the schemas
 * (`npx tsx scripts/method-table.ts`).
 */
export const withMethodTable = (readme: string, methods: MethodSchema[]): string => {
  const tables = [methodTable(methods), errorTable()];
  return README_TABLES.reduce((text, { heading, pattern }, index) => {
    if (!pattern.test(text)) throw new Error(`README.md has no table under "### ${heading}"`);
    return text.replace(pattern, (_, before: string) => `${before}${tables[index]}\n`);
  }, readme);
};

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { helpText, withMethodTable } from '../../../src/cli/help.js';
import { METHOD_SCHEMAS } from '../../../src/schemas/index.js';
import { METHOD_NAMES } from '../../../src/schemas/method-names.js';
import { repoRoot } from '../../helpers/paths.js';

describe('--help and the README come from the method schemas', () => {
  it("the README's method table is the one the schemas make (else: npx tsx scripts/method-table.ts)", () => {
    const readme = readFileSync(`${repoRoot}README.md`, 'utf8');
    expect(withMethodTable(readme, METHOD_SCHEMAS)).toBe(readme);
    for (const name of METHOD_NAMES) expect(readme).toContain(`| \`${name}\``);
  });

  it('a table that differs is found', () => {
    const readme = readFileSync(`${repoRoot}README.md`, 'utf8');
    const edited = readme.replace('| `GetImages` ', '| `GetImage`  ');
    expect(withMethodTable(edited, METHOD_SCHEMAS)).not.toBe(edited);
    const errorEdited = readme.replace('| -32020 | The command', '| -32020 | A command  ');
    expect(errorEdited).not.toBe(readme);
    expect(withMethodTable(errorEdited, METHOD_SCHEMAS)).not.toBe(errorEdited);
  });

  it("the README's error table lists every code with its data's fields", () => {
    const readme = readFileSync(`${repoRoot}README.md`, 'utf8');
    expect(readme).toContain('| -32020 | The command in the container failed');
    expect(readme).toMatch(/\| -32001 \| .* \| `\{engine\?, looked\?\}` +\|/);
  });

  it('--help names every method', () => {
    const help = helpText('0.0.0', METHOD_SCHEMAS);
    for (const name of METHOD_NAMES) expect(help).toContain(`  ${name}: `);
  });
});

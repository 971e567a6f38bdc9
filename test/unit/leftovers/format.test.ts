import { describe, expect, it } from 'vitest';
import { readsFormat } from '../../../src/leftovers/format.js';

describe('leftover formats', () => {
  it('reads what declares no format (written before formats were declared) as format 1', () => {
    expect(readsFormat(undefined, 1)).toBe(true);
  });

  it('reads its own format and older ones, as a JSON number or as a label', () => {
    expect(readsFormat(1, 1)).toBe(true);
    expect(readsFormat('1', 1)).toBe(true);
    expect(readsFormat(1, 2)).toBe(true);
    expect(readsFormat('2', 2)).toBe(true);
  });

  it('does not read a newer format, nor one that is not a format', () => {
    expect(readsFormat(2, 1)).toBe(false);
    expect(readsFormat('2', 1)).toBe(false);
    expect(readsFormat('10', 1)).toBe(false);
    for (const declared of [0, -1, 1.5, '', '1.0', ' 1', 'one', null, true, [1], { format: 1 }])
      expect(readsFormat(declared, 1)).toBe(false);
  });
});

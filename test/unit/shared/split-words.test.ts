import { describe, expect, it } from 'vitest';
import { splitWords } from '../../../src/shared/split-words.js';

describe('splitWords', () => {
  it.each([
    ['a b  c', ['a', 'b', 'c']],
    [`'two words' "it's" x\\ y`, ['two words', "it's", 'x y']],
    ['"$(id)" `x` ; |', ['$(id)', '`x`', ';', '|']],
    ['""', ['']],
    ['', []],
  ])('splits %j with no expansion', (text, words) => {
    expect(splitWords(text)).toEqual(words);
  });

  it('refuses an unclosed quote', () => {
    expect(() => splitWords("'open")).toThrow('unclosed');
  });
});

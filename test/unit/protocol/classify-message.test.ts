import { describe, expect, it } from 'vitest';
import { classifyLine } from '../../../src/protocol/classify-message.js';

const classify = (text: string) => classifyLine(Buffer.from(text));

describe('classifyLine', () => {
  it('passes requests and notifications on', () => {
    expect(classify('{"jsonrpc":"2.0","id":1,"method":"GetEngine"}').kind).toBe('message');
    expect(classify('{"jsonrpc":"2.0","method":"$/cancelRequest","params":{"id":1}}').kind).toBe('message');
  });

  it('ignores blank lines and responses to requests the bridge never sent', () => {
    expect(classify('   ').kind).toBe('ignore');
    expect(classify('{"jsonrpc":"2.0","id":1,"result":{}}').kind).toBe('ignore');
  });

  it.each([
    ['{', -32700, null],
    ['[]', -32600, null],
    ['"text"', -32600, null],
    ['{"jsonrpc":"2.0","id":7}', -32600, 7],
    ['{"id":"a","method":"GetEngine"}', -32600, 'a'],
    ['{"jsonrpc":"2.0","id":true,"method":"GetEngine"}', -32600, null],
    ['{"jsonrpc":"2.0","id":2,"method":""}', -32600, 2],
    ['{"jsonrpc":"2.0","id":3,"method":"GetEngine","params":null}', -32600, 3],
  ])('answers %s with code %i and id %s', (text, code, id) => {
    const outcome = classify(text);
    expect(outcome.kind === 'reply' && outcome.reply).toMatchObject({ id, error: { code } });
  });

  it('answers invalid UTF-8 with a parse error', () => {
    const outcome = classifyLine(Buffer.from([0x22, 0xc3, 0x28, 0x22]));
    expect(outcome.kind === 'reply' && outcome.reply.error?.code).toBe(-32700);
  });
});

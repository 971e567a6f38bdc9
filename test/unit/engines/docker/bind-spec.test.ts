import { describe, expect, it } from 'vitest';
import { parseBindSpec } from '../../../../src/engines/docker/bind-spec.js';

describe('parseBindSpec', () => {
  it.each([
    ['/host:/data', ['/host', '/data']],
    ['/host with space:/data:ro', ['/host with space', '/data']],
    ['C:\\Users\\me\\tmp:/data', ['C:\\Users\\me\\tmp', '/data']],
    ['C:/Users/me:/data:rw', ['C:/Users/me', '/data']],
    ['named-volume:/cache', ['named-volume', '/cache']],
  ])('splits %s', (spec, expected) => {
    expect(parseBindSpec(spec)).toEqual(expected);
  });
});

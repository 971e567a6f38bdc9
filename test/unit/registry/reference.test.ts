import { describe, expect, it } from 'vitest';
import {
  familiarNameTag,
  isImageReference,
  parseReference,
  pullReference,
} from '../../../src/registry/reference.js';

describe('image references', () => {
  it.each([
    ['alpine', { name: 'alpine', domain: 'docker.io', path: 'library/alpine' }],
    [
      'brainstormtools/auto-resection-mask:latest',
      {
        name: 'brainstormtools/auto-resection-mask',
        domain: 'docker.io',
        path: 'brainstormtools/auto-resection-mask',
        tag: 'latest',
      },
    ],
    [
      'docker.io/brainstormtools/x:1',
      { name: 'docker.io/brainstormtools/x', domain: 'docker.io', path: 'brainstormtools/x', tag: '1' },
    ],
    [
      'localhost:5000/bst/tools/busybox:2',
      {
        name: 'localhost:5000/bst/tools/busybox',
        domain: 'localhost:5000',
        path: 'bst/tools/busybox',
        tag: '2',
      },
    ],
    [
      `ghcr.io/a/b@sha256:${'a'.repeat(64)}`,
      { name: 'ghcr.io/a/b', domain: 'ghcr.io', path: 'a/b', digest: `sha256:${'a'.repeat(64)}` },
    ],
  ])('parses %s', (text, expected) => {
    expect(parseReference(text)).toEqual({ text, ...expected });
  });

  it('gives the names Docker lists and pulls', () => {
    expect(familiarNameTag(parseReference('docker.io/library/alpine'))).toBe('alpine:latest');
    expect(familiarNameTag(parseReference('localhost:5000/bst/busybox:1'))).toBe(
      'localhost:5000/bst/busybox:1',
    );
    expect(pullReference(parseReference('alpine'))).toBe('docker.io/library/alpine:latest');
  });

  it.each(['--privileged', 'Upper', 'x/UPPER', 'a b', 'x;rm', '', 'name:', '../x', 'a//b'])(
    'rejects %j',
    (text) => {
      expect(isImageReference(text)).toBe(false);
    },
  );
});

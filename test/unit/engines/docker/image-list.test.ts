import { describe, expect, it } from 'vitest';
import { imageRows } from '../../../../src/engines/docker/image-list.js';

const id = `sha256:${'1'.repeat(64)}`;
const digest = `sha256:${'2'.repeat(64)}`;

describe('imageRows', () => {
  it('gives one row per name, with the digest of the same repository', () => {
    expect(
      imageRows([{ Id: id, RepoTags: ['a/b:1', 'brainstorm_x:latest'], RepoDigests: [`a/b@${digest}`] }]),
    ).toEqual([
      ['a/b:1', id, digest],
      ['brainstorm_x:latest', id, '<none>'],
    ]);
  });

  it('shows untagged and digest-only images as docker images does', () => {
    expect(imageRows([{ Id: id, RepoTags: null, RepoDigests: null }])).toEqual([
      ['<none>:<none>', id, '<none>'],
    ]);
    expect(imageRows([{ Id: id, RepoTags: [], RepoDigests: [`reg/x@${digest}`] }])).toEqual([
      ['reg/x:<none>', id, digest],
    ]);
  });

  it('adds the sha256: prefix when an engine leaves it out', () => {
    expect(imageRows([{ Id: '1'.repeat(64), RepoTags: ['a:1'] }])).toEqual([['a:1', id, '<none>']]);
  });
});

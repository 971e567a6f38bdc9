import { describe, expect, it } from 'vitest';
import { connectAdvice } from '../../../../src/engines/docker/docker-api.js';

describe('what to do when the socket does not answer', () => {
  it("names Docker's remedies for Docker and Podman's for Podman", () => {
    expect(connectAdvice('ENOENT', 'Docker')).toContain('sudo systemctl start docker');
    expect(connectAdvice('ENOENT', 'Podman')).toContain('podman.socket');
    expect(connectAdvice('EACCES', 'Docker')).toContain('docker group');
    expect(connectAdvice('EACCES', 'Podman')).not.toContain('docker group');
  });

  it('says a closed connection may be an engine that stopped, and has nothing for other codes', () => {
    expect(connectAdvice('ECONNRESET', 'Docker')).toContain('it may have stopped');
    expect(connectAdvice('EWHATEVER', 'Docker')).toBeUndefined();
  });
});

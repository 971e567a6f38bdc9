import { describe, expect, it } from 'vitest';
import { engineNotAnswering, nameInUse } from '../../../src/shared/failures.js';

const failure = (code: string) => Object.assign(new Error(`connect ${code} /x.sock`), { code });

describe('an engine that does not answer, in one voice', () => {
  it("names Docker's remedies for Docker and Podman's for Podman", () => {
    expect(engineNotAnswering('docker', 'unix:///x.sock', failure('ENOENT')).message).toBe(
      'Docker is not answering at unix:///x.sock: its socket does not exist. Start Docker (Docker Desktop, or `sudo systemctl start docker`).',
    );
    expect(engineNotAnswering('podman', 'unix:///x.sock', failure('ECONNREFUSED')).message).toBe(
      'Podman is not answering at unix:///x.sock: nothing answers on its socket. Start its service (`systemctl --user enable --now podman.socket`, or as root `sudo systemctl enable --now podman.socket`).',
    );
    expect(engineNotAnswering('docker', 'unix:///x.sock', failure('EACCES')).message).toBe(
      'Docker is not answering at unix:///x.sock: permission denied on its socket: your user is not in the docker group that may use it. Add your user to the docker group (`sudo usermod -aG docker $USER`) and log in again, or use Podman, which runs as your own user without any group.',
    );
    expect(engineNotAnswering('podman', 'unix:///x.sock', failure('EACCES')).message).toBe(
      'Podman is not answering at unix:///x.sock: permission denied on its socket: it belongs to another user. Check who owns it, or use your own (rootless) Podman.',
    );
  });

  it('says the same for a connection cut in the middle of a call, and keeps the system words in data', () => {
    const cut = engineNotAnswering('docker', 'unix:///x.sock', failure('UND_ERR_SOCKET'));
    expect(cut.message).toBe(
      'Docker is not answering at unix:///x.sock: it closed the connection (it may have stopped). Start it again, then retry.',
    );
    expect(cut.code).toBe(-32002);
    expect(cut.data).toEqual({
      engine: 'docker',
      location: 'unix:///x.sock',
      engineMessage: 'connect UND_ERR_SOCKET /x.sock',
      code: 'UND_ERR_SOCKET',
    });
  });
});

describe('a name in use', () => {
  it("tells Brainstorm's next step, whatever the engine", () => {
    const error = nameInUse('bst_x', 'Conflict. The container name "/bst_x" is already in use');
    expect(error.code).toBe(-32012);
    expect(error.message).toBe(
      "A container named bst_x already exists: remove it first with StopContainer('bst_x', 1).",
    );
    expect(error.data).toEqual({ engineMessage: 'Conflict. The container name "/bst_x" is already in use' });
  });
});

import type { DockerApi } from './docker-api.js';

/** The host user a container runs as so that what it writes in its binds is the caller's. */
export interface CallerIds {
  uid: number;
  gid: number;
}

/** The part of Docker's `/info` that tells whether a container's root is the host's root. */
export interface DockerInfo {
  OSType?: string;
  OperatingSystem?: string;
  SecurityOptions?: string[] | null;
}

/**
 * Rootful Docker on Linux: a container's root is the host's, and owns what it writes in a bind.
 * Rootless Docker says `name=rootless` among its security options (its root is the user); Docker
 * Desktop names itself in its operating system (files cross its VM as the user's).
 */
export const isRootfulDockerOnLinux = (info: DockerInfo): boolean =>
  info.OSType === 'linux' &&
  !(info.SecurityOptions ?? []).some((option) => option.split(',').includes('name=rootless')) &&
  !/docker desktop/i.test(info.OperatingSystem ?? '');

export const dockerRootIsHostRoot = async (api: DockerApi): Promise<boolean> =>
  isRootfulDockerOnLinux(await api.json<DockerInfo>({ path: '/info' }));

/** The bridge's own ids, when it runs on Linux as a user other than root. */
export const nonRootCaller = (): CallerIds | undefined => {
  if (process.platform !== 'linux' || !process.getuid || !process.getgid) return undefined;
  const uid = process.getuid();
  return uid === 0 ? undefined : { uid, gid: process.getgid() };
};

/** HOME inside a container run as the caller: the image's HOME (often /root or /) is not theirs to write. */
export const CALLER_HOME = '/tmp/bst-containers-home';

/** What runs the container as the caller, with a private writable HOME. */
export const callerUserConfig = ({ uid, gid }: CallerIds) => ({
  User: `${uid}:${gid}`,
  Env: [`HOME=${CALLER_HOME}`],
  Tmpfs: { [CALLER_HOME]: `uid=${uid},gid=${gid},mode=0700` },
});

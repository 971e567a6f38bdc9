export interface ApptainerInstance {
  instance: string;
  pid: number;
  img: string;
}

/** `apptainer instance list --json`: `{"instances": [{"instance", "pid", "img", "ip", "logErrPath", "logOutPath"}]}`. */
export const parseInstanceList = (stdout: string): ApptainerInstance[] => {
  const parsed = JSON.parse(stdout) as { instances?: Partial<ApptainerInstance>[] | null };
  return (parsed.instances ?? []).map((entry) => ({
    instance: String(entry.instance ?? ''),
    pid: Number(entry.pid ?? 0),
    img: String(entry.img ?? ''),
  }));
};

/** `apptainer --version` prints `apptainer version 1.3.4` (or `singularity-ce version 4.1.1`). */
export const parseVersion = (stdout: string): string | undefined => /version\s+(\S+)/.exec(stdout)?.[1];

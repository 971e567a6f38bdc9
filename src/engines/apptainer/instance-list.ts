export interface ApptainerInstance {
  instance: string;
  pid: number;
  img: string;
}

/**
 * `apptainer instance list --json`: `{"instances": [{"instance", "pid", "img", "ip", "logErrPath",
 * "logOutPath"}]}`, tab-indented (internal/app/apptainer/instance_linux.go@v1.5.3).
 */
export const parseInstanceList = (stdout: string): ApptainerInstance[] => {
  const parsed = JSON.parse(stdout) as { instances?: Partial<ApptainerInstance>[] | null };
  return (parsed.instances ?? []).map((entry) => ({
    instance: String(entry.instance ?? ''),
    pid: Number(entry.pid ?? 0),
    img: String(entry.img ?? ''),
  }));
};

export type VolumePair = [hostPath: string, containerPath: string];

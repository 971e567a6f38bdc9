export const ENGINE_NAMES = ['docker', 'podman', 'apptainer'] as const;
export type EngineName = (typeof ENGINE_NAMES)[number];
export type EngineChoice = EngineName | 'auto-detect';

/** How messages name each engine. */
export const ENGINE_LABELS: Record<EngineName, string> = {
  docker: 'Docker',
  podman: 'Podman',
  apptainer: 'Apptainer',
};

export const isEngineName = (value: unknown): value is EngineName =>
  ENGINE_NAMES.includes(value as EngineName);

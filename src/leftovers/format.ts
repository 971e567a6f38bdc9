/**
 * Each kind of thing the bridge leaves behind declares the format it was written in
 * (docs/leftover-state.md). A format is raised when a kind changes meaning, so that an older
 * bridge leaves alone what it cannot read instead of deleting it.
 */
export const CONTAINER_LABELS_FORMAT = 1;
export const TEMP_MARK_FORMAT = 1;
export const SIF_STORE_FORMAT = 1;

/** Bridges first wrote no format at all: the same fields with the same meaning, so format 1. */
const UNDECLARED = 1;

/** Whether a bridge that writes format `current` reads `declared` (a JSON number, or a label's digits). */
export const readsFormat = (declared: unknown, current: number): boolean => {
  const format =
    declared === undefined
      ? UNDECLARED
      : typeof declared === 'string' && /^\d+$/.test(declared)
        ? Number(declared)
        : declared;
  return typeof format === 'number' && Number.isInteger(format) && format >= 1 && format <= current;
};

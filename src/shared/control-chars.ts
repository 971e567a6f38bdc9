/** Paths, URLs and names never need C0 control characters or DEL; a newline in one is an attack. */
export const hasControlChars = (value: string): boolean => {
  for (let index = 0; index < value.length; index++) {
    const code = value.charCodeAt(index);
    if (code < 0x20 || code === 0x7f) return true;
  }
  return false;
};

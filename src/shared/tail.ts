/** The end of a command's output, for an error message: the last lines say what went wrong. */
export const tail = (text: string, maxLength = 2000): string => {
  const trimmed = text.trim();
  return trimmed.length <= maxLength ? trimmed : `...${trimmed.slice(-maxLength)}`;
};

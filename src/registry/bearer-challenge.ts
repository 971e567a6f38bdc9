/** Parses `WWW-Authenticate: Bearer realm="...",service="...",scope="..."`. */
export const parseBearerChallenge = (header: string | undefined): Record<string, string> | undefined => {
  if (!header || !/^bearer\s/i.test(header)) return undefined;
  const params: Record<string, string> = {};
  for (const match of header.slice(header.indexOf(' ') + 1).matchAll(/([a-zA-Z_]+)="([^"]*)"/g)) {
    const [, key, value] = match;
    if (key && value !== undefined) params[key.toLowerCase()] = value;
  }
  return params.realm ? params : undefined;
};

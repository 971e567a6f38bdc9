/** A `WWW-Authenticate` challenge: its scheme and parameters (`realm`, `service`, `scope`). */
export interface Challenge {
  scheme: 'bearer' | 'basic';
  params: Record<string, string>;
}

/** Parses `Bearer realm="...",service="...",scope="..."` and `Basic realm="..."`. */
export const parseChallenge = (header: string | undefined): Challenge | undefined => {
  const scheme = /^(bearer|basic)(?:\s|$)/i.exec(header ?? '')?.[1]?.toLowerCase() as
    | Challenge['scheme']
    | undefined;
  if (!header || !scheme) return undefined;
  const params: Record<string, string> = {};
  for (const match of header.slice(scheme.length).matchAll(/([a-zA-Z_]+)="([^"]*)"/g)) {
    const [, key, value] = match;
    if (key && value !== undefined) params[key.toLowerCase()] = value;
  }
  if (scheme === 'bearer' && !params.realm) return undefined;
  return { scheme, params };
};

// The distribution reference grammar (github.com/distribution/reference, regexp.go).
const alphanumeric = '[a-z0-9]+';
const separator = '(?:[._]|__|[-]+)';
const pathComponent = `${alphanumeric}(?:${separator}${alphanumeric})*`;
const domainComponent = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const domainName = `${domainComponent}(?:\\.${domainComponent})*`;
const ipv6 = '\\[(?:[a-fA-F0-9:]+)\\]';
const domain = `(?:${domainName}|${ipv6})(?::[0-9]+)?`;
const tag = '[\\w][\\w.-]{0,127}';
const digest = '[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}';
const name = `(?:${domain}/)?${pathComponent}(?:/${pathComponent})*`;

/** The grammar as an ECMA-262 pattern without anchors, for JSON Schema: name, then :tag, then @digest. */
export const REFERENCE_PATTERN = `(${name})(?::(${tag}))?(?:@(${digest}))?`;
/** The same without a digest: a name to give an image. */
export const NAME_PATTERN = `(${name})(?::(${tag}))?`;
const referencePattern = new RegExp(`^${REFERENCE_PATTERN}$`);

export const DEFAULT_DOMAIN = 'docker.io';
/** The tag a reference without one stands for: the one rule for it. */
export const DEFAULT_TAG = 'latest';
const MAX_NAME_LENGTH = 255;

export interface ImageReference {
  /** The reference as it was written, e.g. `alpine`, `localhost:5000/app:1`. */
  text: string;
  /** The name as it was written, without tag or digest, e.g. `alpine`, `localhost:5000/app`. */
  name: string;
  /** Registry host, e.g. `docker.io`, `localhost:5000`. */
  domain: string;
  /** Repository path inside the registry, e.g. `library/alpine`. */
  path: string;
  tag?: string;
  digest?: string;
}

export const isImageReference = (value: string): boolean =>
  referencePattern.test(value) && (referencePattern.exec(value)?.[1]?.length ?? 0) <= MAX_NAME_LENGTH;

/** Docker's rule: the first component names a registry when it looks like a host. */
const looksLikeDomain = (component: string): boolean =>
  component.includes('.') || component.includes(':') || component === 'localhost' || /[A-Z]/.test(component);

export const parseReference = (value: string): ImageReference => {
  const match = referencePattern.exec(value);
  if (!match?.[1]) throw new Error(`not an image reference: ${value}`);
  const [, fullName, tagPart, digestPart] = match;
  const slash = fullName.indexOf('/');
  const first = slash === -1 ? '' : fullName.slice(0, slash);
  let host = DEFAULT_DOMAIN;
  let path = fullName;
  if (slash !== -1 && looksLikeDomain(first)) {
    host = first;
    path = fullName.slice(slash + 1);
  }
  if (host === 'index.docker.io') host = DEFAULT_DOMAIN;
  if (host === DEFAULT_DOMAIN && !path.includes('/')) path = `library/${path}`;
  return {
    text: value,
    name: fullName,
    domain: host,
    path,
    ...(tagPart ? { tag: tagPart } : {}),
    ...(digestPart ? { digest: digestPart } : {}),
  };
};

/** The short name Docker shows in RepoTags: `alpine`, `user/app`, `localhost:5000/app`. */
const familiarName = (ref: ImageReference): string => {
  if (ref.domain !== DEFAULT_DOMAIN) return `${ref.domain}/${ref.path}`;
  return ref.path.startsWith('library/') ? ref.path.slice('library/'.length) : ref.path;
};

/** `name:tag` as Docker lists it, with the default tag when no tag and no digest were given. */
export const familiarNameTag = (ref: ImageReference): string | undefined => {
  if (ref.tag) return `${familiarName(ref)}:${ref.tag}`;
  return ref.digest ? undefined : `${familiarName(ref)}:${DEFAULT_TAG}`;
};

/** `name:tag` as it was written, with the default tag when none was given. */
export const nameTag = (ref: ImageReference): string => `${ref.name}:${ref.tag ?? DEFAULT_TAG}`;

/** A registry on this machine, which the engines (and Apptainer's pull) reach over plain http. */
export const isLoopbackRegistry = (domain: string): boolean =>
  /^(localhost|127(?:\.\d+){3}|\[::1\])(?::\d+)?$/.test(domain);

/** The reference to pull: a tag or digest is always explicit, so a pull never fetches every tag. */
export const pullReference = (ref: ImageReference): string => {
  const base = `${ref.domain}/${ref.path}`;
  if (ref.digest) return `${base}${ref.tag ? `:${ref.tag}` : ''}@${ref.digest}`;
  return `${base}:${ref.tag ?? DEFAULT_TAG}`;
};

import { isIP } from 'node:net';

/** One NO_PROXY entry, as Go's golang.org/x/net/http/httpproxy reads it (config.go, ProxyFunc). */
type NoProxyRule =
  | { kind: 'all' }
  | { kind: 'cidr'; network: string; bits: number; family: 4 | 6 }
  | { kind: 'ip'; address: string; port?: number }
  | { kind: 'domain'; name: string; subdomainsOnly: boolean; port?: number };

export interface ProxyAddress {
  url: URL;
  /** The variable it came from, as set: `HTTPS_PROXY` or `https_proxy`. */
  variable: string;
  /** Why the value is no address the bridge can use: requests that would go through it fail. */
  problem?: string;
}

export interface ProxySettings {
  http?: ProxyAddress;
  https?: ProxyAddress;
  noProxy: NoProxyRule[];
  /** The NO_PROXY value and its variable, for doctor. */
  noProxyText?: { value: string; variable: string };
}

/** Go's getEnvAny: the upper-case name first, then the lower-case one. */
const firstSet = (env: NodeJS.ProcessEnv, names: string[]) => {
  for (const name of names) {
    const value = env[name];
    if (value) return { value, variable: name };
  }
  return undefined;
};

/**
 * A proxy's address as Go's parseProxy takes it: without a scheme it is `http://`. An address
 * that does not parse is an error the caller words (it names the variable).
 */
const proxyAddress = (value: string, variable: string): ProxyAddress => {
  const withScheme = /^[a-zA-Z][a-zA-Z0-9+.-]*:\/\//.test(value) ? value : `http://${value}`;
  if (!URL.canParse(withScheme)) {
    return { url: new URL('http://invalid.invalid'), variable, problem: 'it is not an address' };
  }
  const url = new URL(withScheme);
  if (!['http:', 'https:'].includes(url.protocol)) {
    return { url, variable, problem: `the bridge takes http:// and https:// proxies, not ${url.protocol}//` };
  }
  return { url, variable };
};

const parsePort = (text: string | undefined) => {
  const port = Number(text);
  return text && Number.isInteger(port) && port > 0 && port < 65536 ? port : undefined;
};

const parseRule = (entry: string): NoProxyRule | undefined => {
  if (entry === '*') return { kind: 'all' };
  const slash = entry.indexOf('/');
  if (slash !== -1) {
    const network = entry.slice(0, slash);
    const bits = Number(entry.slice(slash + 1));
    const family = isIP(network);
    if (family === 0 || !Number.isInteger(bits)) return undefined;
    return { kind: 'cidr', network, bits, family: family as 4 | 6 };
  }
  let host = entry;
  let port: number | undefined;
  const withPort = /^(.*):(\d+)$/.exec(entry);
  if (withPort && isIP(entry) !== 6) {
    host = withPort[1] as string;
    port = parsePort(withPort[2]);
  }
  host = host.replace(/^\[(.*)\]$/, '$1');
  if (isIP(host)) return { kind: 'ip', address: host, ...(port ? { port } : {}) };
  // Go: "*.example.com" is ".example.com"; a leading dot matches subdomains only.
  const name = host.replace(/^\*\./, '.').toLowerCase();
  if (name === '' || name === '.') return undefined;
  return {
    kind: 'domain',
    name: name.replace(/^\./, ''),
    subdomainsOnly: name.startsWith('.'),
    ...(port ? { port } : {}),
  };
};

/**
 * HTTP_PROXY, HTTPS_PROXY and NO_PROXY (either case, upper first) as Go programs such as the
 * Docker CLI read them. As in Go, an https address uses HTTPS_PROXY only, never HTTP_PROXY, and
 * under CGI (REQUEST_METHOD set) HTTP_PROXY is ignored.
 */
export const proxySettingsFrom = (env: NodeJS.ProcessEnv): ProxySettings => {
  const http = env.REQUEST_METHOD ? undefined : firstSet(env, ['HTTP_PROXY', 'http_proxy']);
  const https = firstSet(env, ['HTTPS_PROXY', 'https_proxy']);
  const noProxy = firstSet(env, ['NO_PROXY', 'no_proxy']);
  return {
    ...(http ? { http: proxyAddress(http.value, http.variable) } : {}),
    ...(https ? { https: proxyAddress(https.value, https.variable) } : {}),
    noProxy: (noProxy?.value ?? '')
      .split(',')
      .map((entry) => entry.trim())
      .flatMap((entry) => {
        const rule = entry ? parseRule(entry) : undefined;
        return rule ? [rule] : [];
      }),
    ...(noProxy ? { noProxyText: noProxy } : {}),
  };
};

const ipv4Number = (address: string) =>
  address.split('.').reduce((value, part) => value * 256 + Number(part), 0);

const ipv6Bits = (address: string): bigint => {
  const [head = '', tail] = address.split('::');
  const groups = (text: string) => (text ? text.split(':') : []);
  const missing = 8 - groups(head).length - groups(tail ?? '').length;
  const all = [
    ...groups(head),
    ...(tail === undefined ? [] : Array(missing).fill('0')),
    ...groups(tail ?? ''),
  ];
  return all.reduce((value, group) => (value << 16n) + BigInt(Number.parseInt(group || '0', 16)), 0n);
};

const inNetwork = (address: string, family: number, rule: Extract<NoProxyRule, { kind: 'cidr' }>) => {
  if (family !== rule.family) return false;
  if (family === 4) {
    const mask = rule.bits === 0 ? 0 : (~0 << (32 - rule.bits)) >>> 0;
    return (ipv4Number(address) & mask) >>> 0 === (ipv4Number(rule.network) & mask) >>> 0;
  }
  const shift = BigInt(128 - rule.bits);
  return ipv6Bits(address) >> shift === ipv6Bits(rule.network) >> shift;
};

const isLoopback = (host: string, family: number) =>
  host === 'localhost' ||
  host.endsWith('.localhost') ||
  (family === 4 && host.startsWith('127.')) ||
  (family === 6 && ipv6Bits(host) === 1n);

/**
 * The proxy for a URL, or none. As Go's useProxy: loopback addresses and `localhost` never go
 * through a proxy, whatever NO_PROXY says; then NO_PROXY's IPs, networks and domains.
 */
export const proxyFor = (target: URL, settings: ProxySettings): ProxyAddress | undefined => {
  const proxy = target.protocol === 'https:' ? settings.https : settings.http;
  if (!proxy) return undefined;
  const host = target.hostname
    .replace(/^\[(.*)\]$/, '$1')
    .replace(/\.$/, '')
    .toLowerCase();
  const port = Number(target.port) || (target.protocol === 'https:' ? 443 : 80);
  const family = isIP(host);
  if (isLoopback(host, family)) return undefined;
  for (const rule of settings.noProxy) {
    switch (rule.kind) {
      case 'all':
        return undefined;
      case 'cidr':
        if (inNetwork(host, family, rule)) return undefined;
        break;
      case 'ip':
        if (family !== 0 && host === rule.address && (!rule.port || rule.port === port)) return undefined;
        break;
      case 'domain':
        if (rule.port && rule.port !== port) break;
        if (host.endsWith(`.${rule.name}`) || (!rule.subdomainsOnly && host === rule.name)) return undefined;
        break;
    }
  }
  return proxy;
};

/** The proxy's address for messages and doctor: its user name, never its password. */
export const proxyText = (proxy: ProxyAddress): string => {
  const { protocol, username, password, host } = proxy.url;
  const user = username ? `${username}${password ? ':***' : ''}@` : '';
  return `${protocol}//${user}${host} (${proxy.variable})`;
};

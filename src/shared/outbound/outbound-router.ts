import type { Dispatcher } from 'undici';
import Agent from 'undici/lib/dispatcher/agent.js';
import DispatcherBase from 'undici/lib/dispatcher/dispatcher.js';
import ProxyAgent from 'undici/lib/dispatcher/proxy-agent.js';
import { stallTimeoutMs } from '../stall-timeout.js';
import { type ProxyAddress, type ProxySettings, proxyFor } from './proxy-settings.js';
import { generalTrust, type HostTrust, trustFor } from './trust.js';

/** The way to one origin: directly or through a proxy, trusting what. */
export interface OutboundRoute {
  proxy?: ProxyAddress;
  trust?: HostTrust;
}

/**
 * Sends each request the way its origin needs: through the proxy the environment names for it
 * (none for loopback and NO_PROXY), trusting the system's CAs and the registry's certs.d. One
 * agent per distinct way, kept for the bridge's life, so connections are reused.
 */
export class OutboundRouter extends DispatcherBase {
  private readonly agents = new Map<string, Dispatcher>();
  private readonly trusts = new Map<string, HostTrust>();

  constructor(
    private readonly proxies: ProxySettings,
    private readonly env: NodeJS.ProcessEnv,
  ) {
    super();
  }

  routeFor(origin: string | URL): OutboundRoute {
    const url = new URL(origin);
    const proxy = proxyFor(url, this.proxies);
    const trust = url.protocol === 'https:' ? this.trustOf(url.host) : undefined;
    return { ...(proxy ? { proxy } : {}), ...(trust ? { trust } : {}) };
  }

  override dispatch(options: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler): boolean {
    return this.agentFor(this.routeFor(options.origin as string)).dispatch(options, handler);
  }

  override async close(): Promise<void> {
    await Promise.all([...this.agents.values()].map((agent) => agent.close()));
  }

  override async destroy(): Promise<void> {
    await Promise.all([...this.agents.values()].map((agent) => agent.destroy()));
  }

  private trustOf(hostPort: string): HostTrust {
    let trust = this.trusts.get(hostPort);
    if (!trust) {
      trust = trustFor(hostPort, this.env);
      this.trusts.set(hostPort, trust);
    }
    return trust;
  }

  private agentFor(route: OutboundRoute): Dispatcher {
    const trust = route.trust && route.trust.folders.length > 0 ? route.trust : undefined;
    const key = `${route.proxy?.url.href ?? 'direct'} ${trust?.folders.join(' ') ?? ''}`;
    let agent = this.agents.get(key);
    if (agent) return agent;
    // A peer that sends no header, or no body byte, for the stall time is given up; a slow but
    // moving one is not.
    const timeouts = { headersTimeout: stallTimeoutMs(), bodyTimeout: stallTimeoutMs() };
    const tls = {
      timeout: stallTimeoutMs(),
      ca: trust?.ca ?? generalTrust(),
      ...(trust?.cert && trust.key ? { cert: trust.cert, key: trust.key } : {}),
    };
    agent = route.proxy
      ? new ProxyAgent({
          ...timeouts,
          uri: route.proxy.url.href,
          connectTimeout: stallTimeoutMs(),
          requestTls: tls,
          proxyTls: { ca: generalTrust(), timeout: stallTimeoutMs() },
        })
      : new Agent({ ...timeouts, connect: tls });
    this.agents.set(key, agent);
    return agent;
  }
}

import { describe, expect, it } from 'vitest';
import { proxyFor, proxySettingsFrom, proxyText } from '../../../../src/shared/outbound/proxy-settings.js';

const via = (url: string, env: NodeJS.ProcessEnv) => proxyFor(new URL(url), proxySettingsFrom(env))?.url.href;

// Cases from golang.org/x/net/http/httpproxy's proxy_test.go, the rules the Docker CLI follows.
describe('proxy settings as Go programs read them', () => {
  it('takes the upper-case variable first, then the lower-case one; https uses HTTPS_PROXY only', () => {
    expect(via('http://example.org/', { HTTP_PROXY: 'http://up:1', http_proxy: 'http://low:2' })).toBe(
      'http://up:1/',
    );
    expect(via('http://example.org/', { http_proxy: 'low:2' })).toBe('http://low:2/');
    expect(via('https://example.org/', { HTTP_PROXY: 'http://up:1' })).toBeUndefined();
    expect(via('https://example.org/', { https_proxy: 'https://secure:3' })).toBe('https://secure:3/');
    // Under CGI, HTTP_PROXY may come from a request's Proxy header: ignored (httpoxy).
    expect(via('http://example.org/', { HTTP_PROXY: 'http://up:1', REQUEST_METHOD: 'GET' })).toBeUndefined();
  });

  it('never proxies loopback addresses or localhost, whatever NO_PROXY says', () => {
    const env = { HTTP_PROXY: 'http://proxy:1', HTTPS_PROXY: 'http://proxy:1' };
    for (const url of [
      'http://localhost:5000/',
      'http://127.0.0.1/',
      'http://127.3.4.5:80/',
      'https://[::1]:5000/',
      'http://app.localhost/',
    ])
      expect(via(url, env)).toBeUndefined();
    expect(via('http://169.254.216.1/', env)).toBe('http://proxy:1/');
  });

  it('reads NO_PROXY: names with their subdomains, a leading dot for subdomains only, IPs, networks, ports, *', () => {
    const env = (noProxy: string) => ({ HTTP_PROXY: 'http://proxy:1', NO_PROXY: noProxy });
    expect(via('http://foo.com/', env('foo.com'))).toBeUndefined();
    expect(via('http://bar.foo.com/', env('foo.com'))).toBeUndefined();
    expect(via('http://barfoo.com/', env('foo.com'))).toBe('http://proxy:1/');
    expect(via('http://foo.com/', env('.foo.com'))).toBe('http://proxy:1/');
    expect(via('http://x.foo.com/', env('*.foo.com'))).toBeUndefined();
    expect(via('http://10.1.2.3/', env('10.0.0.0/8'))).toBeUndefined();
    expect(via('http://11.1.2.3/', env('10.0.0.0/8'))).toBe('http://proxy:1/');
    expect(via('http://[2001:db8::5]/', env('2001:db8::/32'))).toBeUndefined();
    expect(via('http://192.168.1.1/', env('192.168.1.1'))).toBeUndefined();
    expect(via('http://foo.com:8080/', env('foo.com:8080'))).toBeUndefined();
    expect(via('http://foo.com/', env('foo.com:8080'))).toBe('http://proxy:1/');
    expect(via('http://anything.org/', env('a.b, *'))).toBeUndefined();
    expect(via('http://FOO.com./', env(' Foo.Com '))).toBeUndefined();
  });

  it('shows a proxy with its user and variable, never its password; an unusable one says why', () => {
    const settings = proxySettingsFrom({
      HTTPS_PROXY: 'http://lab:s3cret@proxy.lab:3128',
      HTTP_PROXY: 'socks5://x:1',
    });
    expect(proxyText(settings.https as never)).toBe('http://lab:***@proxy.lab:3128 (HTTPS_PROXY)');
    expect(settings.http?.problem).toBe('the bridge takes http:// and https:// proxies, not socks5://');
    expect(proxySettingsFrom({ HTTP_PROXY: 'http://[bad' }).http?.problem).toBe('it is not an address');
  });
});

/**
 * `host[:port]` split and joined the way Go's `net.SplitHostPort` / `net.JoinHostPort` do, which
 * docker and distribution use for registry hosts: IPv6 literals in brackets, brackets removed from
 * the host name and put back when a port follows.
 */

/** A `host[:port]` split: `port` is `''` when there is none. */
export type HostPort = {hostname: string; port: string}

/**
 * Splits `host[:port]`: `[::1]:5000` → `::1` and `5000`, `reg:5000` → `reg` and `5000`, `reg` →
 * `reg` and `''`. `undefined` when it is not a host and optional numeric port (`[::1`, `a:b`).
 */
export function splitHostPort(hostPort: string): HostPort | undefined {
  if (hostPort.startsWith('[')) {
    const close = hostPort.indexOf(']')
    if (close === -1) return undefined
    const rest = hostPort.slice(close + 1)
    if (rest !== '' && !/^:\d*$/.test(rest)) return undefined
    return {hostname: hostPort.slice(1, close), port: rest.slice(1)}
  }

  const colon = hostPort.lastIndexOf(':')
  if (colon === -1) return {hostname: hostPort, port: ''}
  const port = hostPort.slice(colon + 1)
  if (!/^\d*$/.test(port)) return undefined
  return {hostname: hostPort.slice(0, colon), port}
}

/** Joins a host name and a port, bracketing an IPv6 literal: `::1`, `5000` → `[::1]:5000`. */
export function joinHostPort(hostname: string, port: string): string {
  return hostname.includes(':') ? `[${hostname}]:${port}` : `${hostname}:${port}`
}

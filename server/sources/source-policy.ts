import { BlockList, isIP } from 'node:net';

/**
 * Which addresses a build may fetch from. A spec names free URLs, so without a policy a
 * submitter could make the build host fetch from its own loopback services or a cloud
 * metadata endpoint and read the answer back through the log (SSRF, port scanning).
 */
export interface SourcePolicy {
  /** Loopback sources (the Kubernetes stand-in, tests) are refused unless the operator allows them. */
  allowLoopback: boolean;
  /** When set, only these host names (lower case, exact) may be named by a spec. */
  allowedHosts: readonly string[] | null;
}

export const DEFAULT_SOURCE_POLICY: SourcePolicy = { allowLoopback: false, allowedHosts: null };

const truthy = (value: string | undefined): boolean => value !== undefined && /^(1|true|yes|on)$/i.test(value.trim());

/** STAMPER_ALLOW_LOOPBACK_SOURCES=1 and STAMPER_SOURCE_HOSTS=a.example,b.example. */
export function sourcePolicyFromEnvironment(env: NodeJS.ProcessEnv = process.env): SourcePolicy {
  const hosts = env.STAMPER_SOURCE_HOSTS?.split(',')
    .map((h) => h.trim().toLowerCase())
    .filter(Boolean);
  return { allowLoopback: truthy(env.STAMPER_ALLOW_LOOPBACK_SOURCES), allowedHosts: hosts && hosts.length > 0 ? hosts : null };
}

/**
 * Worded the same whatever the target's state: the check runs before any connection,
 * so the answer says nothing about whether something listens there.
 */
export class SourcePolicyError extends Error {
  override name = 'SourcePolicyError';
  constructor(
    readonly url: string,
    readonly reason: string,
  ) {
    super(`refused by policy: ${url} (${reason})`);
  }
}

const linkLocal = new BlockList();
linkLocal.addSubnet('169.254.0.0', 16, 'ipv4');
linkLocal.addSubnet('fe80::', 10, 'ipv6');

const metadata = new BlockList();
// AWS's IPv6 instance metadata endpoint; the IPv4 one (169.254.169.254) is link-local
metadata.addAddress('fd00:ec2::254', 'ipv6');

const loopback = new BlockList();
loopback.addSubnet('127.0.0.0', 8, 'ipv4');
loopback.addAddress('::1', 'ipv6');
// connecting to the unspecified address reaches this machine on Linux
loopback.addAddress('0.0.0.0', 'ipv4');
loopback.addAddress('::', 'ipv6');

/** ::ffff:169.254.169.254 is the IPv4 address in disguise. */
function unmapped(address: string): { address: string; family: 'ipv4' | 'ipv6' } {
  const bare = address.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(bare);
  if (mapped?.[1]) return { address: mapped[1], family: 'ipv4' };
  return { address: bare, family: isIP(bare) === 6 ? 'ipv6' : 'ipv4' };
}

/** Why the policy refuses this IP address, or null when it may be fetched from. */
export function addressRefusal(address: string, policy: SourcePolicy): string | null {
  const ip = unmapped(address);
  if (metadata.check(ip.address, ip.family)) return `${ip.address} is a cloud metadata address`;
  if (linkLocal.check(ip.address, ip.family)) return `${ip.address} is a link-local address`;
  if (!policy.allowLoopback && loopback.check(ip.address, ip.family)) {
    return `${ip.address} is a loopback address; the operator allows loopback sources with STAMPER_ALLOW_LOOPBACK_SOURCES=1`;
  }
  return null;
}

/**
 * Checks what can be checked without the network: the scheme, the host allowlist, and
 * the address when the URL names one. Throws SourcePolicyError.
 */
export function checkSourceUrl(url: string | URL, policy: SourcePolicy): URL {
  const text = String(url);
  let parsed: URL;
  try {
    parsed = new URL(text);
  } catch {
    throw new SourcePolicyError(text, 'not a URL');
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new SourcePolicyError(text, `scheme ${parsed.protocol} is not http or https`);
  const host = parsed.hostname.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  if (policy.allowedHosts && !policy.allowedHosts.includes(host)) throw new SourcePolicyError(text, `${host} is not in STAMPER_SOURCE_HOSTS`);
  if (isIP(host) !== 0) {
    const reason = addressRefusal(host, policy);
    if (reason) throw new SourcePolicyError(text, reason);
  }
  // names are checked on the addresses they resolve to, when the fetch connects
  return parsed;
}

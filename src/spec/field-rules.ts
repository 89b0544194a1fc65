import { z } from 'zod';
import { MAX_IMAGE_REFERENCE_LENGTH, parseImageReference } from './providers/image-reference';
import { objectPropertyKeyMessage, objectPropertyKeys } from './object-property-keys';

/**
 * Field grammars. These values end up in root commands on the build host, so every
 * rule is strict and every rejection says which rule the value broke.
 */

export const limits = {
  packages: 200,
  users: 32,
  groupsPerUser: 32,
  keysPerUser: 32,
  sshKeyLength: 16_384,
  files: 64,
  fileContentBytes: 256 * 1024,
  totalFileContentBytes: 2 * 1024 * 1024,
  sysctls: 128,
  kernelModules: 64,
  kernelArgs: 32,
  services: 64,
  labels: 32,
  outputs: 9,
  urlLength: 2048,
  pathLength: 1024,
  descriptionLength: 2000,
  repositories: 16,
  signingKeyLength: 64 * 1024,
} as const;

// Debian policy 5.6.1: lower-case letters, digits, + - . ; at least two chars, starting alphanumeric.
const debianPackageNamePattern = '[a-z0-9][a-z0-9+.-]+';
// Debian policy 5.6.12: [epoch:]upstream_version[-debian_revision].
const debianVersionPattern = '(?:[0-9]+:)?[0-9][A-Za-z0-9.+~-]*';

/**
 * "name" or "name=version", as apt-get accepts it. One regex (rather than a refinement)
 * so the JSON Schema the editor validates with carries the same rule.
 */
export const packageRequest = z
  .string()
  .max(260)
  .regex(
    new RegExp(`^${debianPackageNamePattern}(?:=${debianVersionPattern})?$`),
    'must be a Debian package name (a-z, 0-9, + - ., starting with a letter or digit), optionally "=version" ([epoch:]upstream[-revision])',
  );

const reservedUserNames = new Set(['root', 'daemon', 'bin', 'sys', 'sync', 'nobody', 'systemd-network', 'messagebus', 'sshd', '_apt']);

// useradd's default NAME_REGEX, without the trailing "$" that only Samba machine accounts need.
export const userName = z
  .string()
  .min(1, 'must not be empty')
  .max(32, 'must be at most 32 characters (useradd limit)')
  .regex(/^[a-z_][a-z0-9_-]*$/, 'must start with a lower-case letter or _ and contain only a-z, 0-9, _ and - (useradd rules)')
  .refine((name) => !reservedUserNames.has(name), { message: 'is a system account name and cannot be created' });

export const groupName = z
  .string()
  .min(1)
  .max(32, 'must be at most 32 characters (groupadd limit)')
  .regex(/^[a-z_][a-z0-9_-]*$/, 'must start with a lower-case letter or _ and contain only a-z, 0-9, _ and - (groupadd rules)');

export const sshAuthorizedKey = z
  .string()
  .max(limits.sshKeyLength)
  .regex(
    /^(?:ssh-(?:rsa|ed25519|dss)|ecdsa-sha2-nistp(?:256|384|521)|sk-(?:ssh-ed25519|ecdsa-sha2-nistp256)@openssh\.com) [A-Za-z0-9+/]+={0,3}(?: [^\r\n\0]{0,512})?$/,
    'must be one OpenSSH public key line: "<type> <base64> [comment]"',
  );

// crypt(3) hashes: $id$[params$]salt$hash — never a clear-text password.
export const passwordHash = z
  .string()
  .max(512)
  .regex(/^\$(?:1|5|6|y|gy|7|2[abxy])\$[./A-Za-z0-9$=,]+$/, 'must be a crypt(3) hash such as "$6$…" or "$y$…" (never a clear-text password)');

const forbiddenRoots = ['/proc', '/sys', '/dev', '/run', '/boot/efi'];

export const absoluteFilePath = z
  .string()
  .max(limits.pathLength)
  .superRefine((path, ctx) => {
    if (!path.startsWith('/')) {
      ctx.addIssue({ code: 'custom', message: 'must be an absolute path (start with /)' });
      return;
    }
    if (!/^[A-Za-z0-9._@+=,:/-]+$/.test(path)) {
      ctx.addIssue({ code: 'custom', message: 'may contain only letters, digits and . _ @ + = , : / -' });
      return;
    }
    const segments = path.slice(1).split('/');
    if (path === '/' || path.endsWith('/') || segments.some((s) => s === '' || s === '.' || s === '..')) {
      ctx.addIssue({ code: 'custom', message: 'must be a normalized file path (no "//", ".", ".." or trailing "/")' });
      return;
    }
    const root = forbiddenRoots.find((r) => path === r || path.startsWith(`${r}/`));
    if (root) ctx.addIssue({ code: 'custom', message: `must not be under ${root} (managed by the kernel or the boot process)` });
  });

export const fileMode = z.string().regex(/^0?[0-7]{3,4}$/, 'must be an octal mode such as "0644"');

/** (uid_t)-1 means "leave unchanged" to chown(2), so the largest id a file can be given is one less. */
export const MAX_OWNER_ID = 4_294_967_294;

export const fileOwner = z
  .string()
  .max(65)
  .regex(/^(?:[a-z_][a-z0-9_-]{0,31}|[0-9]{1,10}):(?:[a-z_][a-z0-9_-]{0,31}|[0-9]{1,10})$/, 'must be "user:group" (names or numeric ids)')
  // Here and not only in the configure stage, so such a spec fails at once instead of after the root filesystem.
  .refine((owner) => owner.split(':').every((part) => !/^[0-9]+$/.test(part) || Number(part) <= MAX_OWNER_ID), {
    message: `numeric ids must be at most ${MAX_OWNER_ID}`,
  });

export const sysctlKey = z
  .string()
  .max(128)
  .regex(/^[a-z0-9_]+(?:\.[a-z0-9_-]+)+$/, 'must be a dotted sysctl name such as "net.ipv4.ip_forward"');

export const sysctlValue = z
  .string()
  .min(1, 'must not be empty')
  .max(256)
  .regex(/^[A-Za-z0-9 _.,:/+-]+$/, 'may contain only letters, digits, spaces and _ . , : / + -');

export const kernelModuleName = z
  .string()
  .max(64)
  .regex(/^[A-Za-z0-9_-]+$/, 'must be a kernel module name (letters, digits, _ and -)');

export const kernelArg = z
  .string()
  .max(256)
  .regex(/^[A-Za-z0-9_.,:=/+-]+$/, 'must be a single kernel argument without spaces or quotes, such as "console=ttyS0"');

export const systemdUnitName = z
  .string()
  .max(128)
  .regex(/^[A-Za-z0-9:_.@-]+\.(?:service|socket|timer|target|path|mount)$/, 'must be a systemd unit name such as "chrony.service"');

/** C0 controls (NUL included), DEL and C1 controls. */
const hasControlCharacter = (value: string): boolean =>
  [...value].some((char) => {
    const code = char.charCodeAt(0);
    return code < 0x20 || (code >= 0x7f && code <= 0x9f);
  });

export const httpUrl = z
  .string()
  .max(limits.urlLength)
  .superRefine((value, ctx) => {
    // Checked before parsing: URL parsing strips or percent-encodes these, which would hide them.
    if (hasControlCharacter(value)) {
      ctx.addIssue({ code: 'custom', message: 'must not contain control characters (NUL, tab, newline, …)' });
      return;
    }
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      ctx.addIssue({ code: 'custom', message: 'must be an absolute http(s) URL' });
      return;
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      ctx.addIssue({ code: 'custom', message: 'must use http or https' });
    } else if (url.username || url.password) {
      ctx.addIssue({ code: 'custom', message: 'must not carry credentials' });
    } else if (/[\s"'`\\]/.test(value)) {
      ctx.addIssue({ code: 'custom', message: 'must not contain spaces, quotes or backslashes' });
    }
  });

/** apt suite names: "stable", "trixie-security", "jammy/updates"; a trailing "/" marks a flat repository ("/" alone for its root). */
export const aptSuite = z
  .string()
  .min(1)
  .max(128)
  .regex(
    /^(?:\/|[A-Za-z0-9][A-Za-z0-9._~+-]*(?:\/[A-Za-z0-9._~+-]+)*\/?)$/,
    'must be a suite name such as "stable" (letters, digits, . _ ~ + -, "/" between parts), or "/" for a flat repository',
  );

export const aptComponent = z
  .string()
  .max(64)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._+-]*(?:\/[A-Za-z0-9._+-]+)*$/, 'must be a component name such as "main"');

/** An ASCII-armored OpenPGP public key block, as `gpg --armor --export` writes it. */
export const armoredPublicKey = z
  .string()
  .max(limits.signingKeyLength, `must be at most ${limits.signingKeyLength} characters`)
  .regex(
    /^\s*-----BEGIN PGP PUBLIC KEY BLOCK-----\r?\n[A-Za-z0-9+/=:\s.,_()<>@-]*-----END PGP PUBLIC KEY BLOCK-----\s*$/,
    'must be an ASCII-armored public key (-----BEGIN PGP PUBLIC KEY BLOCK----- … -----END PGP PUBLIC KEY BLOCK-----)',
  );

export const sha256Hex = z.string().regex(/^[a-f0-9]{64}$/, 'must be a SHA-256 digest (64 lower-case hex characters)');

export const semver3 = z.string().regex(/^[0-9]+\.[0-9]+\.[0-9]+$/, 'must be a version "MAJOR.MINOR.PATCH" such as "1.35.3"');

export const dnsLabel = z
  .string()
  .min(1)
  .max(63, 'must be at most 63 characters')
  .regex(/^[a-z0-9](?:[-a-z0-9]*[a-z0-9])?$/, 'must be lower-case letters, digits and "-", starting and ending with a letter or digit');

export const labelKey = z
  .string()
  .max(128)
  .regex(/^(?:[a-z0-9.-]+\/)?[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?$/, 'must be a label key such as "team" or "example.com/owner"');

export const labelValue = z
  .string()
  .max(63)
  .regex(/^(?:[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)?$/, 'must be a label value (letters, digits, . _ -)');

export const awsRegion = z.string().regex(/^[a-z]{2}(?:-gov|-iso[a-z]?)?-[a-z]+-[0-9]$/, 'must be an AWS region such as "eu-west-1"');

// S3 bucket naming rules (general purpose buckets).
export const s3BucketName = z
  .string()
  .min(3)
  .max(63)
  .regex(/^[a-z0-9][a-z0-9.-]*[a-z0-9]$/, 'must be an S3 bucket name (3-63 chars: a-z, 0-9, . -)');

export const awsTagKey = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[A-Za-z0-9 _.:/=+@-]+$/, 'must be an AWS tag key');
export const awsTagValue = z
  .string()
  .max(256)
  .regex(/^[A-Za-z0-9 _.:/=+@-]*$/, 'must be an AWS tag value');

/**
 * A string-keyed record whose keys follow a rule. zod's own record key check reports
 * only "Invalid key in record"; this one says which rule the key broke.
 */
export function recordWithKeys<V extends z.ZodType<string>>(keyRule: z.ZodType<string>, valueRule: V, maxEntries: number) {
  return z.record(z.string(), valueRule).superRefine((record, ctx) => {
    const keys = Object.keys(record);
    if (keys.length > maxEntries) ctx.addIssue({ code: 'custom', message: `must have at most ${maxEntries} entries` });
    for (const key of keys) {
      // zod never hands a record's __proto__ to this check (parseSpecYaml catches it in the raw data).
      if (objectPropertyKeys.has(key)) {
        ctx.addIssue({ code: 'custom', path: [key], message: objectPropertyKeyMessage(key) });
        continue;
      }
      const result = keyRule.safeParse(key);
      if (!result.success) {
        ctx.addIssue({ code: 'custom', path: [key], message: `key "${key}" ${result.error.issues[0]?.message ?? 'is not allowed'}` });
      }
    }
  });
}

/**
 * Where a containerDisk is pushed: `host[:port]/repository[:tag]`, with the host required
 * (no implicit Docker Hub) and no digest (the registry answers with it).
 */
export const imageReference = z
  .string()
  .max(MAX_IMAGE_REFERENCE_LENGTH)
  .superRefine((value, ctx) => {
    // past the bound max() has said it; the parser's message would echo the whole text
    if (value.length > MAX_IMAGE_REFERENCE_LENGTH) return;
    try {
      parseImageReference(value, 'latest');
    } catch (err) {
      ctx.addIssue({ code: 'custom', message: err instanceof Error ? err.message : String(err) });
    }
  });

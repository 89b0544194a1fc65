import { parseArgs } from 'node:util';
import { verifyOutputs, type VerifyReport } from '../signing/verify-outputs.ts';
import { signingKeyDir } from '../signing/signing-key-dir.ts';
import { dataDirFromEnvironment, signingKeyDirFromEnvironment } from '../config/server-config.ts';

const usage = `usage: stamper verify <dir|file> [--key FILE]

Checks SHA256SUMS.sig (an SSH signature, namespace "stamper") and every SHA-256 in
SHA256SUMS. Given one file, checks the signature and that file only.

  --key FILE   trusted key: the server's public key or an allowed_signers file
               (from GET /api/signing/public-key). Without it, the key in
               $STAMPER_SIGNING_KEY_DIR, else $STAMPER_DATA_DIR/keys (default
               ./data/keys), is trusted.
`;

/** `stamper verify`: exit 0 when everything checks out, 1 on any mismatch, 2 on bad usage. */
export async function runVerifyCommand(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, options: { key: { type: 'string' }, help: { type: 'boolean', short: 'h' } } });
  } catch (error) {
    process.stderr.write(`stamper verify: ${error instanceof Error ? error.message : String(error)}\n\n${usage}`);
    return 2;
  }
  if (parsed.values.help) {
    process.stdout.write(usage);
    return 0;
  }
  const [target, ...extra] = parsed.positionals;
  if (!target || extra.length > 0) {
    process.stderr.write(usage);
    return 2;
  }
  let report: VerifyReport;
  try {
    const keys = signingKeyDir({ dataDir: dataDirFromEnvironment(), signingKeyDir: signingKeyDirFromEnvironment() }).path;
    report = await verifyOutputs(target, parsed.values.key ? { keyFile: parsed.values.key } : { keyDir: keys });
  } catch (error) {
    process.stderr.write(`stamper verify: ${error instanceof Error ? error.message : String(error)}\n`);
    return 2;
  }
  process.stdout.write(formatReport(report));
  return report.ok ? 0 : 1;
}

export function formatReport(report: VerifyReport): string {
  const lines = [`signature: ${report.signature.ok ? 'OK' : 'FAILED'} (${report.signature.detail})`];
  for (const file of report.files) lines.push(`${file.ok ? 'OK    ' : 'FAILED'} ${file.name}${file.ok ? '' : `: ${file.detail}`}`);
  for (const name of report.unlisted) lines.push(`note: ${name} is not listed in SHA256SUMS (not covered by the signature)`);
  for (const problem of report.problems.filter((p) => !report.files.some((f) => p.startsWith(`${f.name}:`)))) lines.push(`FAILED ${problem}`);
  lines.push(report.ok ? `verified ${report.files.length} file(s) in ${report.dir}` : `verification FAILED: ${report.problems.length} problem(s)`);
  return `${lines.join('\n')}\n`;
}

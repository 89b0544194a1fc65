import { spawn } from 'node:child_process';
import { createReadStream } from 'node:fs';

export interface SshKeygenResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs ssh-keygen with an argument array (no shell), optionally feeding a file to stdin,
 * which is how `-Y verify` and `-Y check-novalidate` read the signed message.
 */
export function runSshKeygen(args: readonly string[], stdinFile?: string): Promise<SshKeygenResult> {
  return new Promise((resolve, reject) => {
    const child = spawn('ssh-keygen', [...args], { shell: false, stdio: ['pipe', 'pipe', 'pipe'] });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    child.on('error', (error) => reject(new Error(`ssh-keygen could not start (${error.message}); install OpenSSH's client tools`)));
    child.stdin.on('error', () => undefined); // ssh-keygen may exit before reading all of stdin
    if (stdinFile) {
      const input = createReadStream(stdinFile);
      input.on('error', (error) => {
        child.kill();
        reject(error);
      });
      input.pipe(child.stdin);
    } else child.stdin.end();
    child.on('close', (code) => resolve({ code: code ?? -1, stdout: Buffer.concat(stdout).toString('utf8'), stderr: Buffer.concat(stderr).toString('utf8') }));
  });
}

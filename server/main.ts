/**
 * The one command-line entry: `stamper serve | build <spec.yaml> | worker | verify <dir|file>`.
 * Each command lives in its own module and is loaded only when asked for, so
 * `stamper build` does not pay for the HTTP server and the reverse.
 */

const usage = `usage: stamper <command> [options]

commands:
  serve                      run the web app and build service (default 127.0.0.1:8080)
  build <spec.yaml> [--out DIR] [--cache DIR]
                             build an image from a spec on this machine
  worker                     run builds from the shared queue (scale-out)
  verify <dir|file>          check artifacts against SHA256SUMS and its signature

\`stamper <command> --help\` lists a command's flags, environment variables and defaults.
`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'serve':
      return (await import('./cli/serve-command.ts')).runServeCommand(rest);
    case 'build':
      return (await import('./cli/build-command.ts')).runBuildCommand(rest);
    case 'worker':
      return (await import('./cli/worker-command.ts')).runWorkerCommand(rest);
    case 'verify':
      return (await import('./cli/verify-command.ts')).runVerifyCommand(rest);
    case undefined:
    case '-h':
    case '--help':
    case 'help':
      process.stdout.write(usage);
      return command === undefined ? 2 : 0;
    default:
      process.stderr.write(`stamper: unknown command "${command}"\n\n${usage}`);
      return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`stamper: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);

import { loadServerConfig } from '../config/server-config.ts';
import { startServer } from '../http/start-server.ts';
import { scriptedRunner } from './scripted-runner.ts';

/**
 * `stamper serve` with the scripted runner, as a real process that tests can kill -9.
 * Prints {"port": N} once listening.
 */
// the scripted runner fetches nothing, so there are no sources to preflight, unless a test
// asks for the preflight (STAMPER_PREFLIGHT=1) to drive the Build button a real server gates
const loaded = loadServerConfig(process.argv.slice(2));
const config = { ...loaded, preflight: process.env.STAMPER_PREFLIGHT === undefined ? false : loaded.preflight };
const server = await startServer(config, { runner: scriptedRunner(), pollMs: 200 });
process.stdout.write(`${JSON.stringify({ port: server.port, pid: process.pid })}\n`);
process.once('SIGTERM', () => void server.close().then(() => process.exit(0)));

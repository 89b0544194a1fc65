import { loadServerConfig } from '../config/server-config.ts';
import { createBuildSystem } from '../builds/build-system.ts';
import { scriptedRunner } from './scripted-runner.ts';

/** `stamper worker` with the scripted runner, as a separate process sharing a data dir. Prints "ready". */
const config = loadServerConfig(process.argv.slice(2));
const system = createBuildSystem(config, { runner: scriptedRunner(), pollMs: 100 });
await system.executor.start();
process.stdout.write('ready\n');
process.once('SIGTERM', () => void system.close().then(() => process.exit(0)));

import fs from 'node:fs';
import path from 'node:path';

/** The project root (the folder with package.json), whether running from source or dist/. */
export function projectRoot(): string {
  let dir = __dirname;
  while (!fs.existsSync(path.join(dir, 'package.json'))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error('package.json not found above ' + __dirname);
    dir = parent;
  }
  return dir;
}

/** The Temporal CLI installed by scripts/install-temporal.js, unless TEMPORAL_CLI_PATH names another. */
export function temporalCliPath(): string {
  return process.env.TEMPORAL_CLI_PATH ?? path.join(projectRoot(), '.tools', 'venv', 'bin', 'temporal');
}

/** The Java time-skipping test server, unless TEMPORAL_TEST_SERVER_PATH names another. */
export function temporalTestServerPath(): string {
  return (
    process.env.TEMPORAL_TEST_SERVER_PATH ?? path.join(projectRoot(), '.tools', 'venv', 'bin', 'temporal-test-server')
  );
}

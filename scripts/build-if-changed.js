#!/usr/bin/env node
// Builds what changed, and only that, before `npm start`, `npm run worker|api|migrate` and `npm test`.
//
//   node scripts/build-if-changed.js            the server (tsc → dist/) and the web UI (vite → web/dist/)
//   node scripts/build-if-changed.js server     only the server; `web` only the web UI
//   node scripts/build-if-changed.js --force    build even when nothing changed (`npm run build`)
//
// Each target keeps a stamp beside its output: a hash of every input file (sources, tsconfig,
// vite config, package-lock.json). When the hash and the outputs are as the stamp recorded, the
// build is skipped (a few milliseconds instead of seconds). tsc itself is incremental
// (dist/.tsbuildinfo), so a changed file rebuilds quickly too.
'use strict';
const { spawnSync } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..');
const STAMP_VERSION = 1;

const TARGETS = {
  server: {
    inputs: [
      'workflows',
      'activities',
      'workers',
      'api',
      'domain',
      'db',
      'lib',
      'scripts',
      'tsconfig.json',
      'tsconfig.build.json',
      'package-lock.json',
    ],
    skipDirs: [],
    outputs: ['dist/scripts/start.js', 'dist/api/server.js', 'dist/workers/main.js', 'dist/db/migrate-cli.js'],
    // Changed by a tsc run this script did not make (someone ran tsc by hand): then check again.
    witness: 'dist/.tsbuildinfo',
    stamp: 'dist/.build-stamp.json',
    command: [path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json'],
  },
  web: {
    inputs: ['web', 'package-lock.json'],
    skipDirs: ['web/dist'],
    outputs: ['web/dist/index.html'],
    witness: 'web/dist/index.html',
    // Inside web/dist: vite empties the folder, so a build made elsewhere never meets an old stamp.
    stamp: 'web/dist/.build-stamp.json',
    command: [
      path.join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js'),
      'build',
      '--config',
      'web/vite.config.ts',
      '--logLevel',
      'error',
    ],
  },
};

function listFiles(rel, skipDirs, out) {
  const abs = path.join(ROOT, rel);
  let stat;
  try {
    stat = fs.statSync(abs);
  } catch {
    return;
  }
  if (stat.isFile()) {
    out.push(rel);
    return;
  }
  if (!stat.isDirectory() || skipDirs.includes(rel) || path.basename(rel) === 'node_modules') return;
  for (const name of fs.readdirSync(abs).sort()) listFiles(path.posix.join(rel, name), skipDirs, out);
}

function inputHash(target) {
  const hash = crypto.createHash('sha256');
  hash.update(`v${STAMP_VERSION}\0${process.version}\0`);
  const files = [];
  for (const input of target.inputs) listFiles(input, target.skipDirs, files);
  for (const file of files) {
    hash.update(file + '\0');
    hash.update(fs.readFileSync(path.join(ROOT, file)));
    hash.update('\0');
  }
  return hash.digest('hex');
}

function witnessMtime(target) {
  try {
    return fs.statSync(path.join(ROOT, target.witness)).mtimeMs;
  } catch {
    return null;
  }
}

function upToDate(target, hash) {
  if (!target.outputs.every((o) => fs.existsSync(path.join(ROOT, o)))) return false;
  try {
    const stamp = JSON.parse(fs.readFileSync(path.join(ROOT, target.stamp), 'utf8'));
    return stamp.hash === hash && stamp.witness === witnessMtime(target);
  } catch {
    return false;
  }
}

function build(name, target, force) {
  const started = Date.now();
  const hash = inputHash(target);
  if (!force && upToDate(target, hash)) return;
  fs.rmSync(path.join(ROOT, target.stamp), { force: true });
  console.error(`build: ${name} ${force ? '(forced)' : 'sources changed'}, building…`);
  const result = spawnSync(process.execPath, target.command, { cwd: ROOT, stdio: 'inherit' });
  if (result.status !== 0) {
    console.error(`build: ${name} failed`);
    process.exit(result.status ?? 1);
  }
  // The hash of the sources as they were before the build: an edit made during it rebuilds next time.
  fs.mkdirSync(path.dirname(path.join(ROOT, target.stamp)), { recursive: true });
  fs.writeFileSync(
    path.join(ROOT, target.stamp),
    JSON.stringify({ hash, witness: witnessMtime(target), builtAt: new Date().toISOString() }) + '\n',
  );
  console.error(`build: ${name} done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

function main() {
  const args = process.argv.slice(2);
  const force = args.includes('--force');
  const names = args.filter((a) => !a.startsWith('--'));
  for (const name of names) {
    if (!TARGETS[name]) {
      console.error(`build: unknown target "${name}" (known: ${Object.keys(TARGETS).join(', ')})`);
      process.exit(2);
    }
  }
  for (const name of names.length ? names : Object.keys(TARGETS)) build(name, TARGETS[name], force);
}

main();

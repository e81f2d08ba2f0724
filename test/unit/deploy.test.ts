// deploy/compose.yaml cannot run here (no container engine): keep it in step with the code instead.
import fs from 'node:fs';
import path from 'node:path';
import { SEARCH_ATTRIBUTE_REGISTRATION } from '../../workflows/shared';

const root = path.join(__dirname, '..', '..');
const compose = fs.readFileSync(path.join(root, 'deploy', 'compose.yaml'), 'utf8');
const configSource = fs.readFileSync(path.join(root, 'lib', 'config.ts'), 'utf8');

describe('deployment files', () => {
  it('when the workflows set search attributes, then the compose setup job registers exactly those', () => {
    const loop = /for attribute in ([^;]+); do/.exec(compose);
    expect(loop).not.toBeNull();
    const registered = Object.fromEntries([...loop![1]!.matchAll(/(\w+)=(\w+)/g)].map((m) => [m[1]!, m[2]!] as const));
    expect(registered).toEqual(SEARCH_ATTRIBUTE_REGISTRATION);
  });

  it('when compose sets application variables, then lib/config.ts reads every one of them', () => {
    const block = /^x-app-env: &app-env\n((?:[ #].*\n)+)/m.exec(compose);
    expect(block).not.toBeNull();
    const names = [...block![1]!.matchAll(/^ {2}([A-Z][A-Z0-9_]*):/gm)].map((m) => m[1]!);
    expect(names).toEqual(expect.arrayContaining(['DATABASE_URL', 'TEMPORAL_ADDRESS', 'JWT_SECRET']));
    for (const name of names) expect(configSource).toMatch(new RegExp(`\\b${name}:`));
  });

  it('when the image runs the three processes, then their entry points are the ones npm runs', () => {
    const scripts = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')).scripts;
    const dockerfile = fs.readFileSync(path.join(root, 'Dockerfile'), 'utf8');
    expect(scripts.api).toContain('node dist/api/server.js');
    expect(dockerfile).toContain('CMD ["node", "dist/api/server.js"]');
    expect(scripts.worker).toContain('node dist/workers/main.js');
    expect(compose).toContain("command: ['node', 'dist/workers/main.js']");
    expect(scripts.migrate).toContain('node dist/db/migrate-cli.js');
    expect(compose).toContain("command: ['node', 'dist/db/migrate-cli.js']");
  });
});

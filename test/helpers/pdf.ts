// Reading PDFs as a user's PDF reader would: pdftotext for the text, pdftoppm for a picture of the
// first page, zbarimg for a QR code on it (installed by scripts/ensure-pdf-tools.sh when missing).
import { execFile, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { projectRoot } from '../../lib/paths';

const run = promisify(execFile);
let ensured = false;

function ensureTools(): void {
  if (ensured) return;
  execFileSync('bash', [path.join(projectRoot(), 'scripts', 'ensure-pdf-tools.sh')], { stdio: 'inherit' });
  ensured = true;
}

/** Whitespace removed: pdftotext breaks lines where the page does, inside Chinese phrases too. */
export const squash = (s: string): string => s.replace(/\s+/g, '');

/** The text a PDF reader extracts from `pdf`, whitespace removed (compare with `squash(expected)`). */
export async function pdfText(pdf: Buffer): Promise<string> {
  ensureTools();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pdf-'));
  try {
    const file = path.join(dir, 'doc.pdf');
    fs.writeFileSync(file, pdf);
    const { stdout } = await run('pdftotext', ['-enc', 'UTF-8', file, '-']);
    return squash(stdout);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Renders the first page of `pdf` to `<outDir>/<name>.png` at 60 dpi; returns the PNG's path. */
export async function firstPagePng(pdf: Buffer, outDir: string, name: string): Promise<string> {
  ensureTools();
  fs.mkdirSync(outDir, { recursive: true });
  const file = path.join(outDir, `${name}.pdf`);
  fs.writeFileSync(file, pdf);
  await run('pdftoppm', ['-png', '-r', '60', '-f', '1', '-l', '1', '-singlefile', file, path.join(outDir, name)]);
  return path.join(outDir, `${name}.png`);
}

/** The QR codes on the first page of `pdf`, decoded from a 150 dpi picture of it. */
export async function qrCodesOnFirstPage(pdf: Buffer): Promise<string[]> {
  ensureTools();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qr-'));
  try {
    const file = path.join(dir, 'doc.pdf');
    fs.writeFileSync(file, pdf);
    await run('pdftoppm', ['-png', '-r', '150', '-f', '1', '-l', '1', '-singlefile', file, path.join(dir, 'page')]);
    const { stdout } = await run('zbarimg', [
      '--quiet',
      '--raw',
      '-Sdisable',
      '-Sqrcode.enable',
      path.join(dir, 'page.png'),
    ]);
    return stdout.split('\n').filter(Boolean);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

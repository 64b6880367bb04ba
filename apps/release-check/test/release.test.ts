/**
 * The release dry run: every published package packed with pnpm, as `pnpm publish` would, and its
 * tarball checked for what a registry user or a dependency audit looks at.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { publint } from 'publint';
import { formatMessage } from 'publint/utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkLicense, checkNoLocalRanges, checkNoTestFiles, checkSourceMaps } from './checks.js';
import { checkInstallLines } from './install-lines.js';
import { packPackage, publishedPackages, repoRoot, text, type Tarball } from './tarballs.js';

const published = publishedPackages();
const tarballs = new Map<string, Tarball>();
const out = mkdtempSync(join(tmpdir(), 'release-check-'));
const attwBin = join(dirname(createRequire(import.meta.url).resolve('@arethetypeswrong/cli/package.json')), 'dist', 'index.js');

beforeAll(async () => {
  for (const pkg of published) tarballs.set(pkg.manifest.name, await packPackage(pkg, out));
});
afterAll(() => rmSync(out, { recursive: true, force: true }));

const tarball = (name: string) => tarballs.get(name)!;

describe('the release', () => {
  it('publishes the six packages and nothing else (apps are private)', () => {
    expect(published.map((p) => p.dir)).toEqual(['packages/core', 'packages/element', 'packages/emulator', 'packages/koa', 'packages/nestjs', 'packages/protocol']);
  });

  it('has the MIT licence at the root of the repository', () => {
    const root = { files: new Map([['LICENSE', readFileSync(join(repoRoot, 'LICENSE'))]]) };
    expect(checkLicense(root.files, JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')))).toEqual([]);
  });
});

describe.each(published.map((p) => p.manifest.name))('%s tarball', (name) => {
  it('carries the MIT licence (LICENSE file and "license" field)', () => {
    expect(checkLicense(tarball(name).files, tarball(name).manifest)).toEqual([]);
  });

  it('ships no test code, fixtures or test-only helpers', () => {
    expect(checkNoTestFiles(tarball(name).files)).toEqual([]);
  });

  it('has one sourceMappingURL per script, and every map resolves inside the tarball', () => {
    expect(checkSourceMaps(tarball(name).files)).toEqual([]);
  });

  it('has README install lines that cover what its examples import', () => {
    expect(checkInstallLines(text(tarball(name), 'README.md'), tarball(name).manifest)).toEqual([]);
  });

  it('names only ranges a registry user can install', () => {
    expect(checkNoLocalRanges(tarball(name).manifest)).toEqual([]);
  });

  it('passes publint --strict', async () => {
    const t = tarball(name);
    const { messages, pkg } = await publint({ pack: { tarball: t.bytes.slice().buffer }, strict: true });
    expect(messages.filter((m) => m.type !== 'suggestion').map((m) => formatMessage(m, pkg) ?? m.code)).toEqual([]);
  });

  it('passes are-the-types-wrong', () => {
    const t = tarball(name);
    // Element and emulator ship ESM only: no CommonJS resolution to check.
    const esmOnly = !JSON.stringify(t.manifest.exports ?? {}).includes('"require"') && !t.manifest.main?.endsWith('.cjs');
    const run = spawnSync(process.execPath, [attwBin, t.file, '--no-definitely-typed', '--no-color', '--no-emoji', ...(esmOnly ? ['--profile', 'esm-only'] : [])], { encoding: 'utf8' });
    expect({ status: run.status, output: run.status === 0 ? '' : `${run.stdout}${run.stderr}` }).toEqual({ status: 0, output: '' });
  });
});

/**
 * The changelogs a release writes are readable by someone who never saw the repository: the
 * changesets follow the rule (changesets.ts), and `changeset version`, run on a scratch copy of the
 * workspace with this repository's config, writes no dependency noise or commit hashes — at the
 * first release and at a later one.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { addChangeset, checkChangelog, lintChangesets, parseChangeset, readChangesets, runChangesetVersion, scratchWorkspace } from './changesets.js';
import { publishedPackages, workspacePackages } from './tarballs.js';

const published = new Map(publishedPackages().map((p) => [p.manifest.name, p.manifest.version]));
const privates = new Set(workspacePackages().filter((p) => p.manifest.private === true).map((p) => p.manifest.name));
const scratch = mkdtempSync(join(tmpdir(), 'release-check-changesets-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const version = (dir: string, pkg: string) => (JSON.parse(readFileSync(join(dir, pkg, 'package.json'), 'utf8')) as { version: string }).version;

describe('the changesets of this repository', () => {
  it('follow the rule', () => {
    expect(lintChangesets(readChangesets(), published, privates)).toEqual([]);
  });
});

describe('lintChangesets()', () => {
  const cs = (summary: string, releases: Record<string, string> = { '@tencent-captcha/core': 'patch' }) =>
    parseChangeset('x.md', `---\n${Object.entries(releases).map(([n, t]) => `"${n}": ${t}`).join('\n')}\n---\n\n${summary}\n`);
  const released = new Map([['@tencent-captcha/core', '0.1.0']]);

  it('accepts a present-tense summary, whatever its code spans say', () => {
    expect(lintChangesets([cs('The verifier takes a `now` option and refuses `fixed` as a mode.')], released)).toEqual([]);
  });

  it.each([
    ['A misconfigured server is now answered 503.', '"now"'],
    ['The header is no longer used.', '"no longer"'],
    ['It answers 503 instead of 500.', '"instead of"'],
    ['Fixed the multipart boundary.', '"Fixed"'],
    ['Updated dependencies', '"Updated dependencies"'],
    ['Verdicts carry the reason (3f2a9c1).', '"3f2a9c1"'],
  ])('rejects %j', (summary, word) => {
    expect(lintChangesets([cs(summary)], released).join('\n')).toContain(word);
  });

  it('rejects an unknown package and a bump that is not patch, minor or major, and lets a private app be named', () => {
    const apps = new Set(['@tencent-captcha/demo']);
    expect(lintChangesets([cs('It verifies.', { '@tencent-captcha/demo': 'patch', '@tencent-captcha/kao': 'patch', '@tencent-captcha/core': 'huge' })], released, apps)).toEqual([
      'x.md: @tencent-captcha/kao is not a package of this workspace',
      'x.md: @tencent-captcha/core: huge is not patch, minor or major',
    ]);
  });

  it('asks a package never released for a "First release" changeset', () => {
    expect(lintChangesets([cs('It verifies.')], new Map([['@tencent-captcha/core', '0.0.0']]))).toEqual([
      '@tencent-captcha/core was never released and no changeset starts with "First release" to say what it offers',
    ]);
  });
});

describe('changeset version on a scratch copy of the workspace', () => {
  const dir = join(scratch, 'workspace');
  let first: Map<string, string>;

  it('writes one readable CHANGELOG per published package and none for the apps', () => {
    first = runChangesetVersion(scratchWorkspace(dir));
    const changed = [...first.keys()];
    expect(changed.every((d) => d.startsWith('packages/'))).toBe(true);
    for (const [pkg, changelog] of first) expect({ pkg, problems: checkChangelog(changelog) }).toEqual({ pkg, problems: [] });
    // Every package that was never released gets an entry for its first version.
    for (const p of publishedPackages().filter((q) => q.manifest.version === '0.0.0')) {
      expect(first.get(p.dir)).toMatch(new RegExp(`^# ${p.manifest.name}\\n\\n## ${version(dir, p.dir).replaceAll('.', '\\.')}\\n`));
    }
  });

  it('releases no dependent for a patch of a dependency, and names a new minor in one line', () => {
    expect(first).toBeDefined();
    const koaBefore = version(dir, 'packages/koa');
    addChangeset(dir, 'core-patch', { '@tencent-captcha/core': 'patch' }, 'The doctor names the proxy it used.');
    const afterPatch = runChangesetVersion(dir);
    expect(version(dir, 'packages/koa')).toBe(koaBefore);
    expect(afterPatch.get('packages/koa')).toBe(first.get('packages/koa'));

    addChangeset(dir, 'core-minor', { '@tencent-captcha/core': 'minor' }, 'Verdicts carry the attempt count.');
    const afterMinor = runChangesetVersion(dir);
    const coreVersion = version(dir, 'packages/core');
    const koaEntry = afterMinor.get('packages/koa')!.split('\n## ')[1]!;
    expect(koaEntry).toBe(`${version(dir, 'packages/koa')}\n\n### Patch Changes\n\n- Depends on \`@tencent-captcha/core\` ${coreVersion}.\n`);
    for (const [pkg, changelog] of afterMinor) expect({ pkg, problems: checkChangelog(changelog) }).toEqual({ pkg, problems: [] });
  });
});

/**
 * The checks themselves, on small made-up tarballs: each catches the problem it is for (the ones the
 * first release audit found) and lets a correct package through.
 */
import { describe, expect, it } from 'vitest';
import { checkLicense, checkNoLocalRanges, checkNoTestFiles, checkSourceMaps, isTestFile } from './checks.js';
import type { PackageJson } from './tarballs.js';

const files = (entries: Record<string, string>) => new Map(Object.entries(entries).map(([k, v]) => [k, new TextEncoder().encode(v)]));
const manifest = (extra: Partial<PackageJson> = {}): PackageJson => ({ name: '@tencent-captcha/x', version: '0.0.0', license: 'MIT', ...extra });
const MIT = 'MIT License\n\nCopyright (c) 2026 someone\n\nPermission is hereby granted, free of charge, to any person obtaining a copy…\n';
const map = (sources: string[], sourcesContent?: (string | null)[]) => JSON.stringify({ version: 3, sources, sourcesContent, mappings: '', names: [] });

describe('checkLicense()', () => {
  it('accepts an MIT LICENSE file with "license": "MIT"', () => {
    expect(checkLicense(files({ LICENSE: MIT, 'package.json': '{}' }), manifest())).toEqual([]);
  });

  it('reports a tarball without a LICENSE file', () => {
    expect(checkLicense(files({ 'package.json': '{}' }), manifest())).toEqual(['no LICENSE file at the root of the tarball']);
  });

  it('reports a missing or different "license" field and a LICENSE that is not the MIT text', () => {
    expect(checkLicense(files({ LICENSE: 'All rights reserved.' }), manifest({ license: undefined }))).toEqual([
      'package.json "license" is undefined, not "MIT"',
      'LICENSE is not the MIT licence text',
    ]);
  });
});

describe('checkNoTestFiles()', () => {
  it.each(['src/signing.suite.ts', 'src/tc3.test.ts', 'src/form.browser.test.ts', 'src/test-support.ts', 'src/testing/harness.ts', 'test/emulator.ts', 'src/fixtures/a.json', 'dist/x.spec.js.map', 'src/a.test.d.ts'])(
    'finds %s',
    (path) => {
      expect(isTestFile(path)).toBe(true);
    },
  );

  it.each(['dist/index.js', 'src/tc3.ts', 'src/browser/automation.ts', 'src/contest.ts', 'src/attestation.ts', 'custom-elements.json'])('lets %s through', (path) => {
    expect(isTestFile(path)).toBe(false);
  });

  it('names each test file of a tarball', () => {
    expect(checkNoTestFiles(files({ 'src/index.ts': '', 'src/signing.suite.ts': '' }))).toEqual(['src/signing.suite.ts is test code and does not belong in the tarball']);
  });
});

describe('checkSourceMaps()', () => {
  it('accepts one comment per file naming a packed map whose sources are packed', () => {
    const tarball = files({ 'dist/index.js': 'x;\n//# sourceMappingURL=index.js.map', 'dist/index.js.map': map(['../src/index.ts']), 'src/index.ts': 'x' });
    expect(checkSourceMaps(tarball)).toEqual([]);
  });

  it('reports two sourceMappingURL comments (what tsup wrote with treeshake: true)', () => {
    const tarball = files({ 'dist/index.js': 'x;\n//# sourceMappingURL=index.js.map\n//# sourceMappingURL=index.js.map', 'dist/index.js.map': map(['../src/index.ts']), 'src/index.ts': 'x' });
    expect(checkSourceMaps(tarball)).toEqual(['dist/index.js has 2 sourceMappingURL comments (one at most)']);
  });

  it('reports sources outside the package even when their text is embedded (the element bundle before)', () => {
    const tarball = files({
      'dist/bundle.js': 'x;\n//# sourceMappingURL=bundle.js.map',
      'dist/bundle.js.map': map(['../../../node_modules/.pnpm/lit-html@3.3.3/node_modules/lit-html/src/lit-html.ts', '../../protocol/src/sdk.ts'], ['a', 'b']),
    });
    expect(checkSourceMaps(tarball)).toEqual([
      'dist/bundle.js.map: source ../../../node_modules/.pnpm/lit-html@3.3.3/node_modules/lit-html/src/lit-html.ts resolves outside the package (../../node_modules/.pnpm/lit-html@3.3.3/node_modules/lit-html/src/lit-html.ts)',
      'dist/bundle.js.map: source ../../protocol/src/sdk.ts resolves outside the package (../protocol/src/sdk.ts)',
    ]);
  });

  it('accepts package-relative sources that are not packed when sourcesContent embeds them, and reports them otherwise', () => {
    const js = 'x;\n//# sourceMappingURL=bundle.js.map';
    expect(checkSourceMaps(files({ 'dist/bundle.js': js, 'dist/bundle.js.map': map(['../node_modules/lit-html/src/lit-html.ts'], ['text']) }))).toEqual([]);
    expect(checkSourceMaps(files({ 'dist/bundle.js': js, 'dist/bundle.js.map': map(['../node_modules/lit-html/src/lit-html.ts'], [null]) }))).toEqual([
      'dist/bundle.js.map: source ../node_modules/lit-html/src/lit-html.ts is neither in the tarball nor embedded in sourcesContent',
    ]);
  });

  it('reports a comment naming a map that is not packed, and a packed map no comment names', () => {
    expect(checkSourceMaps(files({ 'dist/a.js': 'x;\n//# sourceMappingURL=a.js.map', 'dist/b.cjs': 'y;', 'dist/b.cjs.map': map([]) }))).toEqual([
      'dist/a.js: sourceMappingURL a.js.map is not in the tarball',
      'dist/b.cjs has no sourceMappingURL comment but dist/b.cjs.map is packed',
    ]);
  });

  it('reads inline data: maps and URL sources', () => {
    const inline = `data:application/json;base64,${Buffer.from(map(['webpack://x/src/a.ts'])).toString('base64')}`;
    expect(checkSourceMaps(files({ 'dist/a.js': `x;\n//# sourceMappingURL=${inline}` }))).toEqual(['dist/a.js: source webpack://x/src/a.ts is a URL, not a package-relative path']);
  });

  it('ignores scripts that have no map at all', () => {
    expect(checkSourceMaps(files({ 'dist/browser/tcaptcha.js': 'x;' }))).toEqual([]);
  });
});

describe('checkNoLocalRanges()', () => {
  it('reports a workspace: range left in a dependency', () => {
    expect(checkNoLocalRanges(manifest({ dependencies: { '@tencent-captcha/core': 'workspace:^', lit: '^3.3.3' } }))).toEqual(['dependencies.@tencent-captcha/core is workspace:^']);
  });
});

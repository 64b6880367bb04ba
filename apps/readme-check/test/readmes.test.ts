/**
 * The READMEs run as written. Every fenced block of every README is one of:
 * - TypeScript / JavaScript (```ts, ```tsx, ```js): a complete module, type-checked here in one program
 *   (`strict`, `skipLibCheck: false`, NodeNext) against the built packages' typings, as a user installs
 *   them — blocks that start with `// <file>.ts` are written under that name, so one block can import
 *   another (`./app.module.js`);
 * - or marked as a fragment on its first line (`// Fragment: …`, see `FRAGMENT_MARKER`);
 * - shell (```sh): every `npx`, install, `pnpm exec` and `pnpm <script>` names a real package, bin or
 *   script of this workspace (`npx @tencent-captcha/emulator`, never an unscoped name someone else owns);
 * - HTML: well-formed; JSON: parses. Other languages (text, promql, vue templates) are not code to run.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkHtml, checkShell, extractBlocks, findReadmes, inlineCommands, loadKnown, type ReadmeBlock } from './readme-blocks.js';

const outDir = join(import.meta.dirname, '..', 'test-output', 'readmes');
const CODE_LANGS: Record<string, string> = { ts: '.ts', typescript: '.ts', tsx: '.tsx', js: '.js', javascript: '.js', mjs: '.mjs' };
const SHELL_LANGS = new Set(['sh', 'bash', 'shell', 'console']);

/**
 * Sections whose blocks are checked elsewhere or being rewritten by other work: skipped here, each with
 * its reason (remove an entry once the section's blocks pass here; its test fails when the section is gone).
 */
const DEFERRED: readonly { readme: string; section: string; why: string }[] = [
  { readme: 'packages/element/README.md', section: 'Frameworks', why: 'its blocks are compiled with React, Angular and Vue types by packages/element/scripts/readme-snippets.mjs (its lint:pkg)' },
];
const isDeferred = (b: ReadmeBlock) => DEFERRED.some((d) => d.readme === b.readme && d.section === b.section);

const readmes = findReadmes();
const allBlocks = readmes.flatMap(extractBlocks);
const blocks = allBlocks.filter((b) => !isDeferred(b));
const codeBlocks = blocks.filter((b) => b.lang in CODE_LANGS && !b.fragment);

/** Where each checked block is written: `// app.module.ts` on its first line names it. */
function fileFor(block: ReadmeBlock, taken: Set<string>): string {
  const dir = join(outDir, dirname(block.readme));
  const named = /^\/\/ ([\w.-]+\.(?:ts|tsx|js|mjs))\b/.exec(block.code)?.[1];
  let file = join(dir, named ?? `line-${block.line}${CODE_LANGS[block.lang]}`);
  for (let n = 2; taken.has(file); n++) file = join(dir, `${(named ?? `line-${block.line}`).replace(/\.\w+$/, '')}.${n}${CODE_LANGS[block.lang]}`);
  taken.add(file);
  return file;
}

const files = new Map<ReadmeBlock, string>();
const known = loadKnown();
let diagnostics: readonly ts.Diagnostic[] = [];

function format(list: readonly ts.Diagnostic[]): string[] {
  return list.map((d) => {
    const text = ts.flattenDiagnosticMessageText(d.messageText, '\n');
    if (!d.file || d.start === undefined) return text;
    const { line } = d.file.getLineAndCharacterOfPosition(d.start);
    return `${d.file.fileName.replace(`${outDir}/`, '')}:${line + 1}: ${text}`;
  });
}

beforeAll(() => {
  rmSync(outDir, { recursive: true, force: true });
  const taken = new Set<string>();
  for (const block of codeBlocks) {
    const file = fileFor(block, taken);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, block.code);
    files.set(block, file);
  }
  // What a strict user project has; decorators for the Nest examples (their README says to enable them),
  // the DOM for the browser snippets.
  const program = ts.createProgram([...files.values()], {
    strict: true,
    skipLibCheck: false,
    noEmit: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    lib: ['lib.es2023.d.ts', 'lib.dom.d.ts', 'lib.dom.iterable.d.ts'],
    types: ['node'],
    allowJs: true,
    checkJs: true,
    jsx: ts.JsxEmit.ReactJSX,
    experimentalDecorators: true,
    emitDecoratorMetadata: true,
    esModuleInterop: true,
    verbatimModuleSyntax: true,
    isolatedModules: true,
  });
  diagnostics = ts.getPreEmitDiagnostics(program);
});

afterAll(() => {
  // README_CHECK_KEEP=1 leaves the files for a look with tsc.
  if (!process.env.README_CHECK_KEEP) rmSync(outDir, { recursive: true, force: true });
});

describe('README code blocks', () => {
  it('finds the READMEs and their blocks', () => {
    expect(readmes).toEqual(expect.arrayContaining(['README.md', 'packages/core/README.md', 'packages/koa/README.md', 'packages/nestjs/README.md', 'packages/emulator/README.md']));
    expect(codeBlocks.length).toBeGreaterThan(20);
  });

  it('load our packages\' typings without error under skipLibCheck: false', () => {
    // Third-party typings are theirs (@nestjs/graphql's optional ts-morph, for one); ours must be clean.
    const ours = diagnostics.filter((d) => d.file === undefined || /\/(packages|apps)\/[^/]+\/dist\//.test(d.file.fileName.replace(/\\/g, '/')));
    expect(format(ours)).toEqual([]);
  });

  it.each(DEFERRED.map((d) => [`${d.readme} § ${d.section}`, d] as const))('%s is deferred', (_name, d) => {
    // Still listed only while it has blocks; an entry whose section is gone must be removed.
    expect(allBlocks.some((b) => b.readme === d.readme && b.section === d.section)).toBe(true);
  });

  describe.each(readmes)('%s', (readme) => {
    const own = blocks.filter((b) => b.readme === readme);
    const code = own.filter((b) => codeBlocks.includes(b));
    const shell = own.filter((b) => SHELL_LANGS.has(b.lang));
    const html = own.filter((b) => b.lang === 'html' && !b.fragment);
    const json = own.filter((b) => b.lang === 'json' && !b.fragment);

    it.skipIf(code.length === 0).each(code.map((b) => [b.lang, b.line, b] as const))('```%s at line %i type-checks as a complete module', (_lang, _line, block) => {
      const file = files.get(block);
      expect(format(diagnostics.filter((d) => d.file?.fileName === file))).toEqual([]);
    });

    it.skipIf(shell.length === 0).each(shell.map((b) => [b.line, b] as const))('```sh at line %i names real packages, bins and scripts', (_line, block) => {
      expect(checkShell(block.code, known)).toEqual([]);
    });

    it('names real packages in its inline commands (`npx …`)', () => {
      expect(inlineCommands(readme).flatMap((command) => checkShell(command, known))).toEqual([]);
    });

    it.skipIf(html.length === 0).each(html.map((b) => [b.line, b] as const))('```html at line %i is well-formed', (_line, block) => {
      expect(checkHtml(block.code)).toEqual([]);
    });

    it.skipIf(json.length === 0).each(json.map((b) => [b.line, b] as const))('```json at line %i parses', (_line, block) => {
      expect(() => JSON.parse(block.code)).not.toThrow();
    });
  });
});

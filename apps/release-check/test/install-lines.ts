/**
 * README install lines cover what the examples import. The rule, as the root README states it:
 * every package a README code block imports is named in an install line (`npm i`, `pnpm add`, `yarn add`,
 * `bun add`, `deno add`, in a shell block or inline code) of the same `##` section or of the README's
 * opening (before the first `##`, or a `## Install` section), unless it is
 * - the package the README is about, one of its dependencies, or one of its non-optional peers;
 * - the framework the section is about: a package of one of the web frameworks in `FRAMEWORKS` whose
 *   name is a word of the block's headings (`express` under "Express", `next/server` under "Next.js",
 *   `@angular/forms` under "**Angular**"; a paragraph that opens with a bold title counts as a heading).
 *   Libraries are never "the framework": `ioredis` under "Redis with ioredis" needs its install line;
 * - Node's built-ins, relative imports and URL-like specifiers (`node:`, `npm:`, `jsr:`, `https:`,
 *   `bun:`, `cloudflare:`), which need no install.
 * An install of `@types/express` covers an import of `express` (such an import is for its types).
 */
import { builtinModules } from 'node:module';
import type { PackageJson } from './tarballs.js';

const CODE_LANGS = new Set(['ts', 'tsx', 'typescript', 'js', 'jsx', 'mjs', 'cjs', 'javascript', 'vue', 'svelte']);
const SHELL_LANGS = new Set(['sh', 'bash', 'shell', 'console', 'zsh']);
const OPENING_SECTIONS = /^(install|installation|installing)$/i;

interface Block {
  lang: string;
  code: string;
  line: number;
  /** Titles of the headings (level 2 and deeper) the block is under, outermost first. */
  headings: string[];
  /** The `##` section, `''` before the first. */
  section: string;
}

/** The fenced blocks of a README with their headings; text outside fences, by `##` section. */
export function readBlocks(readme: string): { blocks: Block[]; prose: Map<string, string> } {
  const blocks: Block[] = [];
  const prose = new Map<string, string>();
  const headings: { level: number; title: string }[] = [];
  const lines = readme.split('\n');
  let fence: { marker: string; lang: string; line: number; code: string[] } | undefined;
  lines.forEach((line, i) => {
    if (fence) {
      if (line.trim() === fence.marker) {
        const section = headings.find((h) => h.level === 2)?.title ?? '';
        blocks.push({ lang: fence.lang, code: fence.code.join('\n'), line: fence.line, headings: headings.map((h) => h.title), section });
        fence = undefined;
      } else fence.code.push(line);
      return;
    }
    const open = /^\s*(`{3,}|~{3,})\s*([\w-]*)/.exec(line);
    if (open) return void (fence = { marker: open[1]!, lang: open[2]!.toLowerCase(), line: i + 1, code: [] });
    // A paragraph that opens with a bold title (`**Vue 3** — …`) is a heading below every `#` level.
    const bold = (lines[i - 1] ?? '').trim() === '' ? /^\*\*([^*]+)\*\*/.exec(line) : null;
    const heading = /^(#{2,6})\s+(.+?)\s*#*$/.exec(line) ?? (bold && headings.length ? ['', '#######', bold[1]!] : null);
    if (heading) {
      const level = heading[1]!.length;
      while (headings.length && headings.at(-1)!.level >= level) headings.pop();
      headings.push({ level, title: heading[2]! });
      if (!bold) return;
    }
    const section = headings.find((h) => h.level === 2)?.title ?? '';
    prose.set(section, `${prose.get(section) ?? ''}${line}\n`);
  });
  return { blocks, prose };
}

/** `name@range`, `@scope/name@range`, `npm:name@range` → the package name. */
function specName(spec: string): string {
  const bare = spec.replace(/^(npm|jsr):/, '');
  const at = bare.indexOf('@', 1);
  return at === -1 ? bare : bare.slice(0, at);
}

/** The packages named by the install commands of a piece of shell text. */
export function installedBy(shell: string): Set<string> {
  const names = new Set<string>();
  for (const raw of shell.split('\n')) {
    const line = raw.replace(/^\s*[$>]\s+/, '').replace(/(^|\s)#.*$/, '');
    for (const command of line.split(/&&|\|\||;|\|/)) {
      const words = command.trim().split(/\s+/).filter(Boolean);
      const [tool, sub, ...rest] = words;
      const installs =
        (tool === 'npm' && ['i', 'install', 'add'].includes(sub ?? '')) ||
        (tool === 'pnpm' && ['add', 'i', 'install'].includes(sub ?? '')) ||
        (tool === 'yarn' && sub === 'add') ||
        (tool === 'bun' && ['add', 'i', 'install'].includes(sub ?? '')) ||
        (tool === 'deno' && ['add', 'install'].includes(sub ?? ''));
      if (installs) for (const word of rest) if (!word.startsWith('-')) names.add(specName(word));
    }
  }
  return names;
}

/** The module specifiers a block of code imports (static, dynamic, `require`, re-exports). */
export function importsOf(code: string): string[] {
  const source = code.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
  const found: string[] = [];
  for (const pattern of [
    /\b(?:import|export)\s+(?!\()[^'";]*?\bfrom\s*['"]([^'"\n]+)['"]/g,
    /\bimport\s*['"]([^'"\n]+)['"]/g,
    /\bimport\(\s*['"]([^'"\n]+)['"]\s*\)/g,
    /\brequire\(\s*['"]([^'"\n]+)['"]\s*\)/g,
  ]) {
    for (const m of source.matchAll(pattern)) found.push(m[1]!);
  }
  return found;
}

/** The package an import specifier needs installed, or `undefined` when it needs none. */
export function packageOf(specifier: string): string | undefined {
  if (/^[./#]/.test(specifier) || /^[a-z][\w+.-]*:/i.test(specifier)) return undefined;
  const parts = specifier.split('/');
  const name = specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
  if (builtinModules.includes(name) || builtinModules.includes(specifier)) return undefined;
  return name;
}

const words = (titles: string[]) => new Set(titles.flatMap((t) => t.toLowerCase().split(/[^a-z0-9]+/)).filter(Boolean));

/** Web frameworks a section can be about (a word of its headings) → the packages that make them up. */
export const FRAMEWORKS: Readonly<Record<string, readonly string[]>> = {
  express: ['express'],
  connect: ['connect'],
  koa: ['koa'],
  fastify: ['fastify'],
  hono: ['hono'],
  vue: ['vue'],
  react: ['react', 'react-dom'],
  angular: ['@angular/core', '@angular/common', '@angular/forms', '@angular/platform-browser', '@angular/router', '@angular/compiler'],
  // A Next.js app has React, a Nuxt app Vue and h3 (its server's request helpers).
  next: ['next', 'react', 'react-dom'],
  nuxt: ['nuxt', 'vue', 'h3'],
  svelte: ['svelte'],
  sveltekit: ['@sveltejs/kit', 'svelte'],
};

/** Whether `name` is the framework a section with these headings is about. */
export function isSectionFramework(name: string, headings: string[]): boolean {
  return [...words(headings)].some((word) => FRAMEWORKS[word]?.includes(name) === true);
}

/** The DefinitelyTyped package of `name`: an install of it covers a (type) import of `name`. */
const typesOf = (name: string) => `@types/${name.startsWith('@') ? name.slice(1).replace('/', '__') : name}`;

/** What a README may import without an install line: the package, its dependencies and required peers. */
function exempt(manifest: PackageJson): Set<string> {
  const peers = Object.keys(manifest.peerDependencies ?? {}).filter((p) => manifest.peerDependenciesMeta?.[p]?.optional !== true);
  return new Set([manifest.name, ...Object.keys(manifest.dependencies ?? {}), ...peers]);
}

/** The problems of one README: each import of a code block that no install line covers. */
export function checkInstallLines(readme: string, manifest: PackageJson): string[] {
  const { blocks, prose } = readBlocks(readme);
  const inlineInstalls = (text: string) => installedBy([...text.matchAll(/`([^`\n]+)`/g)].map((m) => m[1]).join('\n'));
  const bySection = new Map<string, Set<string>>();
  const add = (section: string, names: Iterable<string>) => {
    const set = bySection.get(section) ?? new Set<string>();
    for (const n of names) set.add(n);
    bySection.set(section, set);
  };
  for (const block of blocks) if (SHELL_LANGS.has(block.lang)) add(block.section, installedBy(block.code));
  for (const [section, text] of prose) add(section, inlineInstalls(text));
  const opening = new Set([...bySection].filter(([s]) => s === '' || OPENING_SECTIONS.test(s)).flatMap(([, n]) => [...n]));
  const allowed = exempt(manifest);
  const problems: string[] = [];
  for (const block of blocks) {
    if (!CODE_LANGS.has(block.lang)) continue;
    const covered = bySection.get(block.section) ?? new Set<string>();
    for (const name of new Set(importsOf(block.code).map(packageOf))) {
      if (name === undefined || allowed.has(name) || isSectionFramework(name, block.headings)) continue;
      if ([name, typesOf(name)].some((n) => opening.has(n) || covered.has(n))) continue;
      problems.push(`${manifest.name} README line ${block.line} (§ ${block.section || 'opening'}) imports ${name}, which no install line of that section or of the opening names`);
    }
  }
  return problems;
}

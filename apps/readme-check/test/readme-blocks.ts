/**
 * Reads the fenced code blocks out of the repository's READMEs and checks the shell ones: what the
 * README test (`readmes.test.ts`) builds on.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';

export const repoRoot = join(import.meta.dirname, '..', '..', '..');

/** One fenced block: where it is, its info string's language and its code (fence indentation removed). */
export interface ReadmeBlock {
  /** The README, relative to the repository root (`packages/core/README.md`). */
  readme: string;
  /** 1-based line of the opening fence. */
  line: number;
  lang: string;
  code: string;
  /** Its first line says so: `// fragment …`, `# fragment …` or `<!-- fragment … -->`. */
  fragment: boolean;
  /** The `##` section it is in (`Frameworks`), `''` before the first. */
  section: string;
}

/**
 * A block the reader is told is not a complete program: its first line is a comment starting with the
 * word "fragment" (`// Fragment: inside the controller above`). Everything else must compile or run.
 */
export const FRAGMENT_MARKER = /^\s*(?:\/\/|#|<!--)\s*fragment\b/i;

/** Every README.md of the repository: the root's, `apps/*` and `packages/*`. */
export function findReadmes(): string[] {
  const found = ['README.md', 'apps/README.md'];
  for (const dir of ['apps', 'packages']) {
    for (const entry of readdirSync(join(repoRoot, dir), { withFileTypes: true })) {
      if (entry.isDirectory() && existsSync(join(repoRoot, dir, entry.name, 'README.md'))) found.push(`${dir}/${entry.name}/README.md`);
    }
  }
  return found.filter((f) => existsSync(join(repoRoot, f))).sort();
}

export function extractBlocks(readme: string): ReadmeBlock[] {
  const text = readFileSync(join(repoRoot, readme), 'utf8');
  const blocks: ReadmeBlock[] = [];
  const fence = /^( *)(`{3,})([^\n`]*)\n([\s\S]*?)^\1\2[ \t]*$/gm;
  const sections = [...text.matchAll(/^## (.+)$/gm)].map((h) => ({ at: h.index, title: h[1]!.trim() }));
  for (const m of text.matchAll(fence)) {
    const indent = m[1]!.length;
    const code = m[4]!
      .split('\n')
      .map((l) => l.slice(Math.min(indent, l.length - l.trimStart().length)))
      .join('\n');
    blocks.push({
      readme,
      line: text.slice(0, m.index).split('\n').length,
      lang: m[3]!.trim().split(/\s+/)[0] ?? '',
      code,
      fragment: FRAGMENT_MARKER.test(code.split('\n').find((l) => l.trim() !== '') ?? ''),
      section: sections.filter((h) => h.at < m.index).at(-1)?.title ?? '',
    });
  }
  return blocks;
}

interface PackageJson {
  name?: string;
  private?: boolean;
  bin?: string | Record<string, string>;
  scripts?: Record<string, string>;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
}

function readJson(path: string): PackageJson {
  return JSON.parse(readFileSync(path, 'utf8')) as PackageJson;
}

/** What the shell blocks may name: the workspace's packages, the packages they depend on, and bins. */
export interface Known {
  /** Workspace package name → its package.json. */
  workspace: Map<string, PackageJson>;
  /** Every package the workspace depends on (real npm names, as their lockfile resolved them). */
  dependencies: Set<string>;
  /** Every installed bin (workspace and dependencies). */
  bins: Set<string>;
  rootScripts: Set<string>;
}

export function loadKnown(): Known {
  const root = readJson(join(repoRoot, 'package.json'));
  const workspace = new Map<string, PackageJson>();
  const dependencies = new Set<string>();
  const bins = new Set<string>();
  const dirs = [repoRoot];
  for (const dir of ['apps', 'packages']) {
    for (const entry of readdirSync(join(repoRoot, dir), { withFileTypes: true })) {
      if (entry.isDirectory() && existsSync(join(repoRoot, dir, entry.name, 'package.json'))) dirs.push(join(repoRoot, dir, entry.name));
    }
  }
  for (const dir of dirs) {
    const pkg = readJson(join(dir, 'package.json'));
    if (dir !== repoRoot && pkg.name) workspace.set(pkg.name, pkg);
    for (const deps of [pkg.dependencies, pkg.devDependencies, pkg.peerDependencies, pkg.optionalDependencies]) {
      for (const name of Object.keys(deps ?? {})) dependencies.add(name);
    }
    if (typeof pkg.bin === 'object') for (const b of Object.keys(pkg.bin)) bins.add(b);
    const binDir = join(dir, 'node_modules', '.bin');
    if (existsSync(binDir)) for (const b of readdirSync(binDir)) bins.add(b.replace(/\.(cmd|ps1)$/, ''));
  }
  // The package managers themselves (the root's packageManager names the one this workspace pins).
  for (const pm of ['pnpm', 'npm', 'yarn']) dependencies.add(pm);
  return { workspace, dependencies, bins, rootScripts: new Set(Object.keys(root.scripts ?? {})) };
}

/** `name@range` or `@scope/name@range` → the name. */
function packageName(spec: string): string {
  const at = spec.indexOf('@', 1);
  return at === -1 ? spec : spec.slice(0, at);
}

const PNPM_BUILTINS = new Set(['install', 'i', 'add', 'remove', 'rm', 'update', 'up', 'exec', 'dlx', 'run', 'pack', 'publish', 'link', 'why', 'list', 'ls', 'store', 'peers']);

/**
 * The problems of one shell block: each `npx`/`pnpm dlx` must name a package of ours (scoped) or one the
 * workspace uses, each install names real packages, `pnpm exec` an installed bin, `pnpm <script>` and
 * `pnpm --filter <pkg> <script>` an existing script.
 */
export function checkShell(code: string, known: Known): string[] {
  const problems: string[] = [];
  const isKnownPackage = (name: string) => known.workspace.has(name) || known.dependencies.has(name);
  for (const rawLine of code.split('\n')) {
    const line = rawLine.replace(/(^|\s)#.*$/, '').trim();
    if (!line) continue;
    for (const command of line.split(/&&|\|\||;|\|/)) {
      const words = command.trim().split(/\s+/).filter(Boolean);
      while (words[0] !== undefined && /^[A-Z_][A-Z0-9_]*=/.test(words[0])) words.shift();
      const [tool, ...args] = words;
      const operands = args.filter((a) => !a.startsWith('-'));
      if (tool === 'npx' || (tool === 'pnpm' && args[0] === 'dlx')) {
        const spec = tool === 'npx' ? operands[0] : operands[1];
        if (spec === undefined) problems.push(`\`${command.trim()}\` runs nothing`);
        else {
          const name = packageName(spec);
          const ours = known.workspace.get(name);
          if (ours ? ours.private === true || ours.bin === undefined : !known.dependencies.has(name)) {
            problems.push(`\`${command.trim()}\`: ${name} is not a published package of ours with a bin, nor one the workspace uses (npx fetches whatever owns that name)`);
          }
        }
      } else if ((tool === 'npm' && ['i', 'install', 'add'].includes(args[0] ?? '')) || (tool === 'pnpm' && ['add', 'i', 'install'].includes(args[0] ?? '')) || (tool === 'yarn' && args[0] === 'add')) {
        for (const spec of operands.slice(1)) {
          if (!isKnownPackage(packageName(spec))) problems.push(`\`${command.trim()}\`: ${spec} is not a package the workspace knows`);
        }
      } else if (tool === 'pnpm') {
        let rest = args;
        let filter: string | undefined;
        const f = rest.findIndex((a) => a === '--filter' || a.startsWith('--filter='));
        if (f !== -1) {
          filter = rest[f]!.includes('=') ? rest[f]!.split('=')[1] : rest[f + 1];
          rest = rest.filter((_, i) => i !== f && (rest[f]!.includes('=') || i !== f + 1));
          filter = filter?.replace(/^['"]|['"]$/g, '');
          if (filter !== undefined && !filter.startsWith('./') && !known.workspace.has(filter)) problems.push(`\`${command.trim()}\`: no workspace package ${filter}`);
        }
        const sub = rest.find((a) => !a.startsWith('-'));
        if (sub === undefined) continue;
        if (sub === 'exec') {
          const bin = rest[rest.indexOf('exec') + 1];
          if (bin === undefined || !known.bins.has(bin)) problems.push(`\`${command.trim()}\`: no installed bin ${bin}`);
        } else if (!PNPM_BUILTINS.has(sub)) {
          const scripts = filter !== undefined && known.workspace.has(filter) ? new Set(Object.keys(known.workspace.get(filter)!.scripts ?? {})) : filter === undefined ? known.rootScripts : undefined;
          if (scripts && !scripts.has(sub)) problems.push(`\`${command.trim()}\`: no script "${sub}"${filter ? ` in ${filter}` : ' at the root'}`);
        }
      }
    }
  }
  return problems;
}

/** The inline commands (`` `npx …` ``) of a README's prose, outside fenced blocks, to check like shell blocks. */
export function inlineCommands(readme: string): string[] {
  const text = readFileSync(join(repoRoot, readme), 'utf8').replace(/^( *)(`{3,})[^\n]*\n[\s\S]*?^\1\2[ \t]*$/gm, '');
  return [...text.matchAll(/`((?:npx|pnpm dlx|pnpm add|npm i|npm install) [^`]+)`/g)].map((m) => m[1]!);
}

/** A light well-formedness check of an HTML block: every opened non-void element is closed, in order. */
export function checkHtml(code: string): string[] {
  const VOID = new Set(['area', 'base', 'br', 'col', 'embed', 'hr', 'img', 'input', 'link', 'meta', 'source', 'track', 'wbr']);
  const stack: string[] = [];
  const problems: string[] = [];
  const withoutComments = code.replace(/<!--[\s\S]*?-->/g, '').replace(/<script\b[^>]*>[\s\S]*?<\/script>/gi, '<script></script>');
  for (const m of withoutComments.matchAll(/<(\/?)([a-zA-Z][\w-]*)\b[^>]*?(\/?)>/g)) {
    const [, closing, rawName, selfClosing] = m;
    const name = rawName!.toLowerCase();
    if (VOID.has(name) || selfClosing) continue;
    if (!closing) stack.push(name);
    else if (stack.pop() !== name) problems.push(`</${name}> closes nothing open`);
  }
  if (stack.length) problems.push(`never closed: ${stack.map((n) => `<${n}>`).join(' ')}`);
  return problems;
}

export function relativeToRoot(path: string): string {
  return relative(repoRoot, path).replaceAll('\\', '/');
}

/**
 * Changesets that make readable changelogs, and what `changeset version` writes from them.
 *
 * The rule (the root README's "Releasing" states it for everyone who writes one):
 * - a changeset names packages of this workspace, each `patch`, `minor` or `major` (a private app is
 *   allowed and gets no version or changelog);
 * - its summary says what the package does, in the present tense, for someone who never saw the repo:
 *   no wording that compares with a state that was never released ("now", "no longer", "instead of",
 *   "anymore", "previously", "fixed" / "fixes"), no "Updated dependencies", no commit hashes
 *   (words inside `code spans` are not read);
 * - a package that was never released (version 0.0.0) has a changeset whose summary starts with
 *   "First release", saying what the package offers.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { repoRoot, workspacePackages, type WorkspacePackage } from './tarballs.js';

export interface Changeset {
  file: string;
  releases: { name: string; type: string }[];
  summary: string;
}

/** Parses one `.changeset/*.md` (YAML front matter of `"name": type` lines, then the summary). */
export function parseChangeset(file: string, text: string): Changeset {
  const m = /^---\r?\n([\s\S]*?)\r?\n---\r?\n([\s\S]*)$/.exec(text);
  if (!m) return { file, releases: [], summary: text.trim() };
  const releases = m[1]!
    .split('\n')
    .map((l) => /^\s*["']?([^"':]+)["']?\s*:\s*(\S+)\s*$/.exec(l))
    .filter((r): r is RegExpExecArray => r !== null)
    .map((r) => ({ name: r[1]!.trim(), type: r[2]!.trim() }));
  return { file, releases, summary: m[2]!.trim() };
}

export function readChangesets(dir = join(repoRoot, '.changeset')): Changeset[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.md') && f !== 'README.md')
    .sort()
    .map((f) => parseChangeset(f, readFileSync(join(dir, f), 'utf8')));
}

/** Seven to forty hex digits with at least one letter and one digit (app ids and timestamps are all digits). */
const COMMIT_HASH = /\b(?=[0-9a-f]*[a-f])(?=[0-9a-f]*[0-9])[0-9a-f]{7,40}\b/;

/** Wording that describes a diff against a state users never had, and dependency noise. */
export const DIFF_WORDING: readonly { pattern: RegExp; why: string }[] = [
  { pattern: /\bnow\b/i, why: '"now" compares with an earlier state; say what it does' },
  { pattern: /\bno longer\b/i, why: '"no longer" compares with an earlier state; say what it does' },
  { pattern: /\binstead of\b/i, why: '"instead of" compares with an earlier state; say what it does' },
  { pattern: /\bany ?more\b/i, why: '"anymore" compares with an earlier state; say what it does' },
  { pattern: /\b(previously|formerly|used to be)\b/i, why: 'it describes an earlier state; say what it does' },
  { pattern: /\bfix(ed|es)?\b/i, why: '"fixed" describes a bug users of a release never had; say what it does' },
  { pattern: /\bupdated dependencies\b/i, why: 'dependency updates are written by the changelog formatter, never by hand' },
  { pattern: COMMIT_HASH, why: 'a commit hash means nothing to a reader of the changelog' },
];

/** The summary without its `code spans`, which name options and values rather than describe. */
const prose = (summary: string) => summary.replace(/`[^`\n]*`/g, '``');

/**
 * The problems of the changesets, given the published packages (name → current version) and the
 * private ones (apps: `changeset version` leaves them alone, so naming one is allowed and does nothing).
 */
export function lintChangesets(changesets: Changeset[], published: Map<string, string>, privates: ReadonlySet<string> = new Set()): string[] {
  const problems: string[] = [];
  for (const cs of changesets) {
    if (cs.releases.length === 0) problems.push(`${cs.file}: names no package`);
    for (const r of cs.releases) {
      if (!published.has(r.name) && !privates.has(r.name)) problems.push(`${cs.file}: ${r.name} is not a package of this workspace`);
      if (!['patch', 'minor', 'major'].includes(r.type)) problems.push(`${cs.file}: ${r.name}: ${r.type} is not patch, minor or major`);
    }
    if (cs.summary === '') problems.push(`${cs.file}: empty summary`);
    for (const { pattern, why } of DIFF_WORDING) {
      const hit = pattern.exec(prose(cs.summary));
      if (hit) problems.push(`${cs.file}: "${hit[0]}": ${why}`);
    }
  }
  for (const [name, version] of published) {
    if (version !== '0.0.0') continue;
    if (!changesets.some((cs) => cs.releases.some((r) => r.name === name) && /^first release\b/i.test(cs.summary))) {
      problems.push(`${name} was never released and no changeset starts with "First release" to say what it offers`);
    }
  }
  return problems;
}

/** A throwaway copy of what `changeset version` reads: the manifests, the workspace file and `.changeset/`. */
export function scratchWorkspace(into: string, packages: WorkspacePackage[] = workspacePackages()): string {
  mkdirSync(into, { recursive: true });
  for (const f of ['package.json', 'pnpm-workspace.yaml']) cpSync(join(repoRoot, f), join(into, f));
  cpSync(join(repoRoot, '.changeset'), join(into, '.changeset'), { recursive: true });
  for (const p of packages) {
    mkdirSync(join(into, p.dir), { recursive: true });
    cpSync(join(repoRoot, p.dir, 'package.json'), join(into, p.dir, 'package.json'));
  }
  return into;
}

const changesetBin = join(dirname(createRequire(join(repoRoot, 'package.json')).resolve('@changesets/cli/package.json')), 'bin.js');

/** Runs `changeset version` in a scratch workspace; returns each package folder's CHANGELOG.md. */
export function runChangesetVersion(dir: string): Map<string, string> {
  execFileSync(process.execPath, [changesetBin, 'version'], { cwd: dir, stdio: 'pipe', env: { ...process.env, CI: 'true' } });
  const changelogs = new Map<string, string>();
  for (const group of ['packages', 'apps']) {
    for (const name of readdirSync(join(dir, group))) {
      const file = join(dir, group, name, 'CHANGELOG.md');
      if (existsSync(file)) changelogs.set(`${group}/${name}`, readFileSync(file, 'utf8'));
    }
  }
  return changelogs;
}

/** Adds a changeset to a scratch workspace. */
export function addChangeset(dir: string, id: string, releases: Record<string, string>, summary: string): void {
  const front = Object.entries(releases).map(([name, type]) => `"${name}": ${type}`).join('\n');
  writeFileSync(join(dir, '.changeset', `${id}.md`), `---\n${front}\n---\n\n${summary}\n`);
}

/** Problems of a generated CHANGELOG.md: dependency noise and commit hashes. */
export function checkChangelog(changelog: string): string[] {
  const problems: string[] = [];
  if (/updated dependencies/i.test(changelog)) problems.push('contains "Updated dependencies"');
  const hash = COMMIT_HASH.exec(prose(changelog));
  if (hash) problems.push(`contains what looks like a commit hash (${hash[0]})`);
  return problems;
}

/**
 * What would be published: the workspace packages that are not private, each packed with pnpm (as
 * `pnpm publish` packs it: `workspace:` ranges replaced, `files` applied) and read back from the tarball.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { pack, unpack } from '@publint/pack';

export const repoRoot = join(import.meta.dirname, '..', '..', '..');

/** The part of a package.json the checks read. */
export interface PackageJson {
  name: string;
  version: string;
  private?: boolean;
  license?: string;
  files?: string[];
  main?: string;
  exports?: unknown;
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
  devDependencies?: Record<string, string>;
}

export interface WorkspacePackage {
  /** Folder relative to the repository root (`packages/core`). */
  dir: string;
  manifest: PackageJson;
}

/** Every workspace package (`packages/*`, `apps/*`), private or not. */
export function workspacePackages(): WorkspacePackage[] {
  const found: WorkspacePackage[] = [];
  for (const group of ['packages', 'apps']) {
    for (const entry of readdirSync(join(repoRoot, group), { withFileTypes: true })) {
      const manifest = join(repoRoot, group, entry.name, 'package.json');
      if (entry.isDirectory() && existsSync(manifest)) {
        found.push({ dir: `${group}/${entry.name}`, manifest: JSON.parse(readFileSync(manifest, 'utf8')) as PackageJson });
      }
    }
  }
  return found.sort((a, b) => a.dir.localeCompare(b.dir));
}

/** The packages a release publishes: every workspace package not marked `"private": true`. */
export function publishedPackages(): WorkspacePackage[] {
  return workspacePackages().filter((p) => p.manifest.private !== true);
}

/** A packed package: its files by path inside the package (`dist/index.js`, no `package/` prefix). */
export interface Tarball {
  name: string;
  /** The tarball's file name. */
  file: string;
  bytes: Uint8Array;
  files: Map<string, Uint8Array>;
  manifest: PackageJson;
}

export function text(tarball: Pick<Tarball, 'files'>, path: string): string {
  const data = tarball.files.get(path);
  if (data === undefined) throw new Error(`${path} is not in the tarball`);
  return new TextDecoder().decode(data);
}

/** Packs one workspace package with pnpm into `destination` and reads the tarball back. */
export async function packPackage(pkg: WorkspacePackage, destination: string): Promise<Tarball> {
  const file = await pack(join(repoRoot, pkg.dir), { packageManager: 'pnpm', destination });
  const bytes = new Uint8Array(readFileSync(file));
  const { files: entries, rootDir } = await unpack(bytes);
  const files = new Map(entries.map((f) => [f.name.slice(rootDir.length + 1), f.data] as const));
  const tarball = { name: pkg.manifest.name, file, bytes, files, manifest: {} as PackageJson };
  tarball.manifest = JSON.parse(text(tarball, 'package.json')) as PackageJson;
  return tarball;
}

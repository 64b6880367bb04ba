/**
 * No import circle in core: every `import`, `import type`, `export … from` and `import()` between the
 * source files of `src/` (tests excluded) forms a graph without a cycle. A failure names the circle.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const src = resolve(import.meta.dirname, '../src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [path] : [];
  });
}

/** file (relative to src) → the files of src it imports, by any kind of import or re-export. */
export function importGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of sourceFiles(src)) {
    const info = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
    const targets = info.importedFiles
      .map((ref) => ref.fileName)
      .filter((name) => name.startsWith('.'))
      .map((name) => relative(src, resolve(dirname(file), name.replace(/\.js$/, '.ts'))));
    graph.set(relative(src, file), [...new Set(targets)].sort());
  }
  return graph;
}

/** Every cycle found by a depth-first walk, each written `a.ts → b.ts → a.ts`. */
export function findCycles(graph: Map<string, string[]>): string[] {
  const cycles: string[] = [];
  const done = new Set<string>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const visit = (node: string): void => {
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node) ?? []) {
      if (onStack.has(next)) cycles.push([...stack.slice(stack.indexOf(next)), next].join(' → '));
      else if (!done.has(next)) visit(next);
    }
    stack.pop();
    onStack.delete(node);
    done.add(node);
  };
  for (const node of [...graph.keys()].sort()) if (!done.has(node)) visit(node);
  return cycles;
}

describe('imports inside core', () => {
  it('sees every kind of import (the graph is read, not empty)', () => {
    const graph = importGraph();
    expect(graph.get('index.ts')).toContain('engine/verifier.ts');
    expect(findCycles(new Map([['a.ts', ['b.ts']], ['b.ts', ['a.ts']]]))).toEqual(['a.ts → b.ts → a.ts']);
  });

  it('has no import circle, type-only ones included', () => {
    expect(findCycles(importGraph())).toEqual([]);
  });
});

// Adds up the JUnit reports that Vitest, @web/test-runner and the e2e runner write to
// <workspace>/.reports/*.xml and prints `N passed, N failed[, N skipped]`.
// Exits 1 when a test failed or when no test ran at all (a silent no-op is a failure).
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
let passed = 0, failed = 0, skipped = 0;
for (const group of ['packages', 'apps']) {
  const groupDir = join(root, group);
  if (!existsSync(groupDir)) continue;
  for (const name of readdirSync(groupDir)) {
    const reports = join(groupDir, name, '.reports');
    if (!existsSync(reports)) continue;
    for (const file of readdirSync(reports).filter((f) => f.endsWith('.xml'))) {
      const xml = readFileSync(join(reports, file), 'utf8');
      // Each <testcase …/> or <testcase …>…</testcase> is one test.
      for (const m of xml.matchAll(/<testcase\b[^>]*?(\/>|>([\s\S]*?)<\/testcase>)/g)) {
        const body = m[2] ?? '';
        if (/<(failure|error)\b/.test(body)) failed++;
        else if (/<skipped\b/.test(body)) skipped++;
        else passed++;
      }
    }
  }
}
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed > 0 || passed + failed === 0 ? 1 : 0);

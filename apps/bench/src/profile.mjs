// A CPU profile of one stretch of work in this process (node:inspector), written as a .cpuprofile
// (open it in Chrome DevTools → Performance, or VS Code) and summarised as self time per function.
import { Session } from 'node:inspector/promises';
import { writeFile } from 'node:fs/promises';

export async function profile(file, work, { samplingIntervalUs = 100 } = {}) {
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: samplingIntervalUs });
  await session.post('Profiler.start');
  let result;
  try {
    result = await work();
  } finally {
    const { profile: p } = await session.post('Profiler.stop');
    session.disconnect();
    await writeFile(file, JSON.stringify(p));
    result = { result, summary: summarise(p) };
  }
  return result;
}

/** Self time per function (name, file:line), highest first, as shares of all samples. */
export function summarise(p, top = 30) {
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const counts = new Map();
  for (const id of p.samples) counts.set(id, (counts.get(id) ?? 0) + 1);
  const total = p.samples.length;
  const byFrame = new Map();
  for (const [id, n] of counts) {
    const f = byId.get(id).callFrame;
    const url = f.url.replace(/^file:\/\//, '').replace(/^.*\/node_modules\/\.pnpm\/[^/]+\/node_modules\//, '');
    const where = url ? `${url.replace(/^.*\/(packages|apps)\//, '$1/')}:${f.lineNumber + 1}` : '';
    const key = `${f.functionName || '(anonymous)'} ${where}`.trim();
    byFrame.set(key, (byFrame.get(key) ?? 0) + n);
  }
  return [...byFrame]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([frame, n]) => ({ 'self %': Number(((n / total) * 100).toFixed(1)), frame }));
}

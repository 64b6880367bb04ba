#!/usr/bin/env node
// A scratch app as a new user makes it, following only the README (run by `lint:pkg`, after the
// build): this package and @tencent-captcha/protocol are packed (`pnpm pack`) and installed from their
// tarballs with npm into a temporary folder outside the monorepo (Lit comes from the registry;
// `--prefer-offline` uses npm's cache when it can). There:
// - `@tencent-captcha/element/bundle` resolves through the exports map to a file with Lit inside;
// - the README's React 19 TSX block and Angular component block, copied out of README.md, and a Vue
//   file written as the README's Vue section says, type-check (strict, skipLibCheck false) against
//   the installed package. React's, Angular's and Vue's own types are the workspace's copies (from
//   apps/example-*), mapped with `paths`, to keep this to seconds and off the registry.
// The Angular component's `(verified)` handler is checked against the `$event` type Angular's
// template type-checker infers under strictTemplates (it emits `element.addEventListener(…)`).
// The Vue section is also checked for what a newcomer must not miss (the `define` import,
// `isCustomElement`, the types opt-in, v-model); its SFC is compiled by apps/example-vue's vue-tsc.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const apps = resolve(root, '../../apps');
const readme = readFileSync(resolve(root, 'README.md'), 'utf8');
const section = (from, to) => readme.slice(readme.indexOf(from), readme.indexOf(to, readme.indexOf(from)));
const frameworks = section('## Frameworks', '## TypeScript');
const block = (text, lang, marker) => {
  const blocks = [...text.matchAll(new RegExp('```' + lang + '\\n([\\s\\S]*?)```', 'g'))].map((m) => m[1]);
  const found = blocks.find((b) => b.includes(marker));
  assert.ok(found, `README: no \`${lang}\` block with ${marker} under Frameworks`);
  return found;
};

const vue = section('**Vue 3**', '**React 19**');
for (const needed of ["import '@tencent-captcha/element/define'", 'isCustomElement', "import type {} from '@tencent-captcha/element/vue'", 'v-model=']) {
  assert.ok(vue.includes(needed), `README's Vue section shows ${needed}`);
}

const dir = mkdtempSync(join(tmpdir(), 'tc-readme-'));
try {
  const run = (cmd, args, cwd) => execFileSync(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });
  run('pnpm', ['pack', '--pack-destination', dir], resolve(root, '../protocol'));
  run('pnpm', ['pack', '--pack-destination', dir], root);
  const tarballs = readdirSync(dir).filter((f) => f.endsWith('.tgz'));
  const dependencies = Object.fromEntries(tarballs.map((t) => [t.startsWith('tencent-captcha-element') ? '@tencent-captcha/element' : '@tencent-captcha/protocol', `file:./${t}`]));
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'scratch-app', private: true, type: 'module', dependencies }, null, 2));
  run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts', '--loglevel=error'], dir);

  const bundle = run(process.execPath, ['--input-type=module', '-e', "console.log(import.meta.resolve('@tencent-captcha/element/bundle'))"], dir).trim();
  assert.match(bundle, /node_modules\/@tencent-captcha\/element\/dist\/bundle\.js$/);
  assert.ok(readFileSync(new URL(bundle), 'utf8').includes('lit'), 'bundle.js has Lit inside');

  writeFileSync(join(dir, 'react.tsx'), block(frameworks, 'tsx', 'useActionState'));
  writeFileSync(join(dir, 'angular.ts'), block(frameworks, 'ts', '@Component'));
  // The Vue section's main.ts and env.d.ts lines, and what its template binds, as vue-tsc sees it.
  writeFileSync(
    join(dir, 'vue.ts'),
    `import '@tencent-captcha/element/define';
import type {} from '@tencent-captcha/element/vue';
import type { GlobalComponents } from 'vue';
import { ref } from 'vue';
type Props = InstanceType<GlobalComponents['tencent-captcha']>['$props'];
const ticket = ref('');
export const props: Props = { modelValue: ticket.value, 'onUpdate:modelValue': (v) => (ticket.value = v), appId: '189990000', required: true, onVerified: (e) => console.log(e.detail.randstr) };
`,
  );
  // What Angular's template type-checker emits for `(verified)="onVerified($event)"` under
  // strictTemplates (checkTypeOfDomEvents): an addEventListener call on the element, typed from
  // HTMLElementTagNameMap and HTMLElementEventMap. The README's handler must accept that `$event`.
  writeFileSync(
    join(dir, 'angular-template.ts'),
    `import type { LoginComponent } from './angular';
declare const component: LoginComponent;
document.createElement('tencent-captcha').addEventListener('verified', ($event) => component.onVerified($event));
`,
  );
  const reactTypes = resolve(apps, 'example-react/node_modules/@types/react');
  const tsconfig = {
    compilerOptions: {
      strict: true,
      noUncheckedIndexedAccess: true,
      target: 'ES2022',
      module: 'ESNext',
      moduleResolution: 'Bundler',
      lib: ['ES2023', 'DOM', 'DOM.Iterable'],
      jsx: 'react-jsx',
      experimentalDecorators: true,
      noEmit: true,
      skipLibCheck: false,
      types: [],
      paths: {
        react: [reactTypes],
        'react/jsx-runtime': [join(reactTypes, 'jsx-runtime.d.ts')],
        '@angular/*': [resolve(apps, 'example-angular/node_modules/@angular/*')],
        rxjs: [resolve(apps, 'example-angular/node_modules/rxjs')],
        vue: [resolve(apps, 'example-vue/node_modules/vue')],
      },
    },
    files: ['react.tsx', 'angular.ts', 'angular-template.ts', 'vue.ts'],
  };
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify(tsconfig, null, 2));
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  execFileSync(process.execPath, [tsc, '-p', dir], { stdio: 'inherit' });
} finally {
  rmSync(dir, { recursive: true, force: true });
}
console.log('readme: installed from tarballs, the bundle resolves, the React, Angular and Vue snippets compile as written');

#!/usr/bin/env node
// The README's framework snippets compile as written (run by `lint:pkg` after the build, from
// smoke.mjs): the React 19 TSX block and the Angular component block are copied out of README.md into
// a scratch folder and type-checked (strict, skipLibCheck false) against this package's dist types
// and the real React and Angular types installed for apps/example-react and apps/example-angular (so
// no registry access). The Vue section is checked for what a newcomer must not miss (the `define`
// import, `isCustomElement`, the types opt-in); its SFC is compiled by apps/example-vue's vue-tsc.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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
  writeFileSync(join(dir, 'react.tsx'), block(frameworks, 'tsx', 'useActionState'));
  writeFileSync(join(dir, 'angular.ts'), block(frameworks, 'ts', '@Component'));
  const reactTypes = resolve(apps, 'example-react/node_modules/@types/react');
  const angular = resolve(apps, 'example-angular/node_modules/@angular');
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
        '@tencent-captcha/element': [resolve(root, 'dist/index.d.ts')],
        '@tencent-captcha/element/define': [resolve(root, 'dist/define.d.ts')],
        '@tencent-captcha/element/jsx': [resolve(root, 'dist/jsx.d.ts')],
        '@tencent-captcha/protocol': [resolve(root, 'node_modules/@tencent-captcha/protocol')],
        react: [reactTypes],
        'react/jsx-runtime': [join(reactTypes, 'jsx-runtime.d.ts')],
        '@angular/*': [join(angular, '*')],
        rxjs: [resolve(apps, 'example-angular/node_modules/rxjs')],
      },
    },
    files: ['react.tsx', 'angular.ts'],
  };
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify(tsconfig, null, 2));
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  execFileSync(process.execPath, [tsc, '-p', dir], { stdio: 'inherit' });
} finally {
  rmSync(dir, { recursive: true, force: true });
}
console.log("readme: the React and Angular snippets compile as written; the Vue section shows define, isCustomElement, the types and v-model");

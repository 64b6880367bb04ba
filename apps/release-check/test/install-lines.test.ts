/**
 * The install-line rule on made-up READMEs: an import no install line names is reported, and each
 * exemption (the package, its dependencies and required peers, the section's framework, built-ins) holds.
 */
import { describe, expect, it } from 'vitest';
import { checkInstallLines, importsOf, installedBy, isSectionFramework, packageOf } from './install-lines.js';
import type { PackageJson } from './tarballs.js';

const koa: PackageJson = {
  name: '@tencent-captcha/koa',
  version: '0.0.0',
  dependencies: { '@tencent-captcha/core': '^0.1.0' },
  peerDependencies: { koa: '>=2.13 <4', '@types/koa': '>=2.13' },
  peerDependenciesMeta: { '@types/koa': { optional: true } },
};
const fence = (lang: string, code: string) => `\`\`\`${lang}\n${code}\n\`\`\``;
const readme = (...parts: string[]) => ['# @tencent-captcha/koa', ...parts].join('\n\n');
const example = fence('ts', "import Koa from 'koa';\nimport { Router } from '@koa/router';\nimport { bodyParser } from '@koa/bodyparser';\nimport { tencentCaptcha } from '@tencent-captcha/koa';\nimport { createCaptchaVerifier } from '@tencent-captcha/core';");

describe('checkInstallLines()', () => {
  it('reports what the Koa README example imported without an install line', () => {
    const text = readme(fence('sh', 'pnpm add @tencent-captcha/koa @tencent-captcha/core koa'), '## Example', example);
    expect(checkInstallLines(text, koa)).toEqual([
      '@tencent-captcha/koa README line 9 (§ Example) imports @koa/router, which no install line of that section or of the opening names',
      '@tencent-captcha/koa README line 9 (§ Example) imports @koa/bodyparser, which no install line of that section or of the opening names',
    ]);
  });

  it('accepts an install line in the opening, in an Install section or in the same section (shell block or inline)', () => {
    expect(checkInstallLines(readme(fence('sh', 'pnpm add @tencent-captcha/koa @koa/router @koa/bodyparser'), '## Example', example), koa)).toEqual([]);
    expect(checkInstallLines(readme('## Install', fence('sh', 'npm install @tencent-captcha/koa @koa/router@15 @koa/bodyparser'), '## Example', example), koa)).toEqual([]);
    expect(checkInstallLines(readme('## Example', 'It also needs `pnpm add @koa/router @koa/bodyparser`.', example), koa)).toEqual([]);
  });

  it('does not let another section\'s install line cover an import', () => {
    const text = readme('## Other', fence('sh', 'pnpm add @koa/router @koa/bodyparser'), '## Example', example);
    expect(checkInstallLines(text, koa)).toHaveLength(2);
  });

  it('requires an optional peer but not a required one', () => {
    const text = readme('## Types', fence('ts', "// Fragment: types\nimport type { Context } from 'koa';\nimport type {} from '@types/koa';"));
    expect(checkInstallLines(text, koa)).toEqual(['@tencent-captcha/koa README line 5 (§ Types) imports @types/koa, which no install line of that section or of the opening names']);
  });

  it('lets a section import the framework it is about', () => {
    const text = readme('## Frameworks', '**Angular** — with forms:', fence('ts', "import { Component } from '@angular/core';\nimport { FormControl } from '@angular/forms';"), '### Next.js', fence('tsx', "import { NextResponse } from 'next/server';"), '## Express', fence('js', "const express = require('express');"));
    expect(checkInstallLines(text, koa)).toEqual([]);
  });
});

describe('the parts', () => {
  it('finds static, side-effect, dynamic and require imports, not commented ones', () => {
    expect(importsOf("import a from 'a';\nimport type { B } from \"@b/c\";\nimport 'd/e';\nexport { f } from 'f';\nconst g = await import('g');\nconst h = require('h');\n// import x from 'x';\n/* import y from 'y' */")).toEqual(['a', '@b/c', 'f', 'd/e', 'g', 'h']);
  });

  it('maps specifiers to packages, and built-ins and URL-like ones to none', () => {
    expect(['@nestjs/graphql', 'ioredis', 'redis', 'lit/decorators.js', 'node:http', 'fs/promises', 'crypto', 'npm:hono', 'cloudflare:workers', './app.module.js'].map(packageOf)).toEqual(['@nestjs/graphql', 'ioredis', 'redis', 'lit', undefined, undefined, undefined, undefined, undefined, undefined]);
  });

  it('reads the packages of npm, pnpm, yarn, bun and deno install commands', () => {
    expect([...installedBy('$ npm i -D a@1 @b/c\npnpm add d && yarn add e # comment f\nbun add g; deno add npm:h jsr:@i/j\nnpm run x')]).toEqual(['a', '@b/c', 'd', 'e', 'g', 'h', '@i/j']);
  });

  it('takes a package as a section\'s framework only when it is a web framework the headings name', () => {
    expect(isSectionFramework('@angular/forms', ['Frameworks', 'Angular'])).toBe(true);
    expect(isSectionFramework('hono', ['Runtimes', 'Hono'])).toBe(true);
    expect(isSectionFramework('@nestjs/graphql', ['GraphQL'])).toBe(false);
    expect(isSectionFramework('@koa/router', ['Koa'])).toBe(false);
    expect(isSectionFramework('ioredis', ['Stores', 'Redis with ioredis'])).toBe(false);
  });
});

describe('DefinitelyTyped installs', () => {
  it('let an install of @types/express cover an import of express', () => {
    const text = readme('## Legacy', fence('sh', 'pnpm add -D @types/express'), fence('ts', "import type { Request } from 'express';"));
    expect(checkInstallLines(text, koa)).toEqual([]);
  });
});

/**
 * The built page (`dist/public`): the HTML template filled in per backend, and the static files next
 * to it. Framework-free, so the Nest demo serves the very same page.
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';

/** Where `pnpm build` puts the page. */
export const DEMO_PUBLIC_DIR = resolve(import.meta.dirname, '../dist/public');

/** What the page is told about the server it runs against. */
export interface DemoPageConfig {
  backend: 'emulator' | 'tencent';
  /** CaptchaAppId for the element. */
  appId: string;
  /** The policy mode at page load. */
  mode: string;
  /** The emulator SDK script to load (`/TCaptcha.js` through the proxy); `undefined` for real Tencent. */
  sdkSrc: string | undefined;
  /** The emulator's control endpoint for the drill panel; `null` on real Tencent. */
  faultsUrl: string | null;
  /** ms the element waits for Tencent's script before falling back. */
  loadTimeoutMs: number;
  /** The server adapter, as shown in the page's text (e.g. `@tencent-captcha/koa`). */
  serverLabel: string;
  /** One sentence on where the server puts the verdict. */
  serverNote: string;
  /**
   * Which SDK the element drives: `modern` (TCaptcha.js) or `legacy` (天御 `capInit`; `sdkSrc` is then
   * the one-time script URL from `CaptchaIframeQuery`). @default 'modern'
   */
  driver?: 'modern' | 'legacy';
  /** Where the login form posts. @default '/login' */
  loginPath?: string;
  /** The live counters of the operator's panel (`/api/live`); absent: the panel is hidden. */
  liveUrl?: string;
}

/** The loaded page. */
export interface DemoPage {
  /** The HTML for a config. */
  render(config: DemoPageConfig): string;
  /** A static file of the page (`app.js`, `styles.css`, …) by URL path, or `undefined`. */
  file(path: string): Promise<{ body: Buffer; type: string } | undefined>;
}

const STATIC_FILE = /^\/([a-z0-9-]+\.(?:js|css|png|svg|map))$/;
const CONTENT_TYPES: Record<string, string> = {
  js: 'application/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
  png: 'image/png',
  svg: 'image/svg+xml',
  map: 'application/json; charset=utf-8',
};

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Reads the built page once. Throws with a hint when the page is not built. */
export async function loadDemoPage(publicDir: string = DEMO_PUBLIC_DIR): Promise<DemoPage> {
  let template: string;
  try {
    template = await readFile(resolve(publicDir, 'index.html'), 'utf8');
  } catch {
    throw new Error(`The demo page is not built (${resolve(publicDir, 'index.html')} is missing): run \`pnpm --filter @tencent-captcha/demo build\`.`);
  }
  return {
    render(config) {
      const client = { backend: config.backend, appId: config.appId, mode: config.mode, faultsUrl: config.faultsUrl, liveUrl: config.liveUrl ?? null };
      return template
        .replaceAll('%APP_ID%', escapeHtml(config.appId))
        .replaceAll('%DRIVER%', config.driver === 'legacy' ? 'legacy' : 'modern')
        .replaceAll('%LOGIN_PATH%', escapeHtml(config.loginPath ?? '/login'))
        .replaceAll(' data-sdk-src=""', config.sdkSrc ? ` src="${escapeHtml(config.sdkSrc)}"` : '')
        .replaceAll('%LOAD_TIMEOUT%', String(config.loadTimeoutMs))
        .replaceAll('%BACKEND_LABEL%', config.backend === 'emulator' ? 'Offline emulator' : 'Real Tencent Cloud')
        .replaceAll('%SERVER_LABEL%', escapeHtml(config.serverLabel))
        .replaceAll('%SERVER_NOTE%', escapeHtml(config.serverNote))
        .replace('%CONFIG_JSON%', JSON.stringify(client).replace(/</g, '\\u003c'));
    },
    async file(path) {
      const name = STATIC_FILE.exec(path)?.[1];
      if (!name) return undefined;
      try {
        const body = await readFile(resolve(publicDir, name));
        return { body, type: CONTENT_TYPES[name.split('.').pop() as string] ?? 'application/octet-stream' };
      } catch {
        return undefined;
      }
    },
  };
}

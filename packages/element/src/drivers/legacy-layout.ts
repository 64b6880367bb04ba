/**
 * What the element knows of the legacy 天御 SDK before its driver (`legacy.ts`, loaded on demand) is
 * there: whether a script URL is a mobile one, and the size of the SDK's box on PC.
 */
import { LEGACY_LAYOUT } from '@tencent-captcha/protocol';

/** Whether a legacy script URL is a mobile one (`clientype=1`) or a PC one (`2`); `undefined` when it does not say. */
export function isMobileLegacyScript(src: string): boolean | undefined {
  const code = /[?&]clientype=([12])\b/.exec(src)?.[1];
  return code ? code === '1' : undefined;
}

/** Inline styles of the legacy SDK's box on PC (CSS property names in camelCase); on mobile the SDK covers the screen itself. */
export function legacyLayout(type: 'popup' | 'embed'): Record<string, string> {
  const { width, height } = type === 'embed' ? LEGACY_LAYOUT.embed : LEGACY_LAYOUT.pcTrigger;
  return { width: `${width}px`, height: `${height}px`, minWidth: `${width}px`, minHeight: `${height}px` };
}

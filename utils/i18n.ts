import type { LocalizedText } from './result-code';
import { en } from './strings-en';
import type { StringKey, Strings } from './strings-en';
import { zhCN } from './strings-zh';

export type Locale = 'zh-CN' | 'en';
export type { StringKey, Strings };

/** Any Chinese system language (zh-Hans, zh-Hant, zh-HK, zh_CN…) reads Simplified Chinese. */
export function localeFromLanguage(language: unknown): Locale {
  return typeof language === 'string' && /^zh/i.test(language.trim()) ? 'zh-CN' : 'en';
}

let cached: Locale | null = null;

export function currentLocale(): Locale {
  if (cached === null) {
    let language: unknown;
    try {
      language = my.getSystemInfoSync().language;
    } catch {
      language = undefined;
    }
    cached = localeFromLanguage(language);
  }
  return cached;
}

export function strings(locale: Locale = currentLocale()): Strings {
  return locale === 'zh-CN' ? zhCN : en;
}

/** Replaces `{name}` placeholders. */
export function format(template: string, params: Record<string, string | number> = {}): string {
  return template.replace(/\{(\w+)\}/g, (match, name: string) =>
    Object.prototype.hasOwnProperty.call(params, name) ? String(params[name]) : match,
  );
}

export function t(key: StringKey, params?: Record<string, string | number>): string {
  return format(strings()[key], params);
}

export function localized(text: LocalizedText, locale: Locale = currentLocale()): string {
  return text[locale];
}

// Simplified Chinese by default, English selectable. The choice belongs to the signed-in user (kept
// in localStorage under their id), not to the shared PC at the window: signing out returns the page
// to Chinese, and the next user gets their own choice back. <html lang> follows the language from
// the first render on.
import i18n from 'i18next';
import { initReactI18next } from 'react-i18next';
import en from './locales/en';
import zhCN, { type Messages } from './locales/zh-CN';

export const LANGUAGES = ['zh-CN', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];
const DEFAULT: Language = 'zh-CN';

declare module 'i18next' {
  interface CustomTypeOptions {
    defaultNS: 'translation';
    resources: { translation: Messages };
  }
}

const storageKey = (userId: string) => `ja.lang.${userId}`;
const isLanguage = (x: unknown): x is Language => LANGUAGES.includes(x as Language);

/** The language a user chose last time on this browser, else Chinese. */
export function languageOf(userId: string | null | undefined): Language {
  if (!userId) return DEFAULT;
  const stored = localStorage.getItem(storageKey(userId));
  return isLanguage(stored) ? stored : DEFAULT;
}

let currentUserId: string | null = null;

function apply(lng: Language): void {
  document.documentElement.lang = lng;
  void i18n.changeLanguage(lng);
}

/** Called at load and at every sign-in and sign-out: the page speaks this user's language. */
export function switchLanguageToUser(userId: string | null): void {
  currentUserId = userId;
  apply(languageOf(userId));
}

export function toggleLanguage(): void {
  const next: Language = i18n.language === 'en' ? 'zh-CN' : 'en';
  if (currentUserId) localStorage.setItem(storageKey(currentUserId), next);
  apply(next);
}

/** Starts i18next in the language of whoever is signed in (read from the session at load). */
export function initI18n(userId: string | null): void {
  currentUserId = userId;
  const lng = languageOf(userId);
  document.documentElement.lang = lng;
  void i18n.use(initReactI18next).init({
    resources: { 'zh-CN': { translation: zhCN }, en: { translation: en } },
    lng,
    fallbackLng: DEFAULT,
    interpolation: { escapeValue: false },
  });
}

export default i18n;

// The human case number (办件编号) printed on the acceptance notice, and the query password
// (查询密码) the investor uses to follow the case on the public progress page.
//
// The number reads PREFIX-YEAR-SERIAL, e.g. GH-2026-000123: sequential per Beijing calendar year,
// never reused (a counter row per year, taken in the launch transaction). The application's
// internal id (JA…) stays what URLs and workflow ids use.

export const CASE_NO_PREFIX = 'GH';
export const CASE_NO_PATTERN = /^[A-Z]{2,6}-\d{4}-\d{6}$/;

export function formatCaseNo(year: number, serial: number, prefix = CASE_NO_PREFIX): string {
  return `${prefix}-${year}-${String(serial).padStart(6, '0')}`;
}

/** The Beijing (UTC+8, no daylight saving) calendar year of an instant: the year a case is numbered in. */
export const beijingYear = (at: Date): number => new Date(at.getTime() + 8 * 3600_000).getUTCFullYear();

/**
 * Query passwords: 6 characters from an alphabet without look-alikes (no 0/O, 1/I/L), easy to read
 * off paper and type on a phone; 31^6 ≈ 8.9e8 values, and failed lookups are rate-limited per case.
 */
export const QUERY_PASSWORD_ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';
export const QUERY_PASSWORD_LENGTH = 6;
export const QUERY_PASSWORD_PATTERN = new RegExp(`^[${QUERY_PASSWORD_ALPHABET}]{${QUERY_PASSWORD_LENGTH}}$`);

/** A query password from random bytes (the caller supplies them: crypto on the server). */
export function queryPasswordFrom(randomBytes: Uint8Array): string {
  if (randomBytes.length < QUERY_PASSWORD_LENGTH) throw new Error('not enough random bytes for a query password');
  let out = '';
  // 256 is not a multiple of 31: bytes ≥ 248 would favour the first letters; the caller's extra
  // bytes replace them.
  for (const b of randomBytes) {
    if (b >= 248) continue;
    out += QUERY_PASSWORD_ALPHABET[b % QUERY_PASSWORD_ALPHABET.length];
    if (out.length === QUERY_PASSWORD_LENGTH) return out;
  }
  throw new Error('not enough usable random bytes for a query password');
}

/** What people type: spaces, lower case and the dash-less form are accepted. */
export const normalizeCaseNo = (raw: string): string => raw.trim().toUpperCase().replace(/\s+/g, '');
export const normalizeQueryPassword = (raw: string): string => raw.trim().toUpperCase().replace(/\s+/g, '');

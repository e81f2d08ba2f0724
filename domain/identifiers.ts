// Formats of the other identifiers the center records.

/** Project code (项目代码): YYMM-AAAAAA-BB-CC-DDDDDD, e.g. 2611-150785-04-01-123456. */
export const PROJECT_CODE_PATTERN = /^\d{2}(0[1-9]|1[0-2])-\d{6}-\d{2}-\d{2}-\d{6}$/;

/** Mainland mobile numbers and landlines with area code (0470-1234567). */
export const PHONE_PATTERN = /^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8})$/;

/** Matter and department codes: upper-case letters, digits and dashes, used in URLs and workflow ids. */
export const CODE_PATTERN = /^[A-Z][A-Z0-9-]{1,39}$/;

/**
 * A phone number as people type it, reduced to what PHONE_PATTERN checks: spaces, dashes (ASCII
 * and full-width), dots and parentheses removed, and a leading +86 / 0086 country code dropped
 * ("138 0000-0000" → "13800000000", "(0470) 123 4567" → "04701234567"). The API stores the result.
 */
export function normalizePhone(raw: string): string {
  const digits = raw.replace(/[\s\u3000\-\u2010-\u2015\uff0d.()（）]/g, '');
  return digits.replace(/^(\+|00)86(?=1[3-9]\d{9}$|0\d{9,11}$)/, '');
}

// Formats of the other identifiers the center records.

/** Project code (项目代码): YYMM-AAAAAA-BB-CC-DDDDDD, e.g. 2611-150785-04-01-123456. */
export const PROJECT_CODE_PATTERN = /^\d{2}(0[1-9]|1[0-2])-\d{6}-\d{2}-\d{2}-\d{6}$/;

/** Mainland mobile numbers and landlines with area code (0470-1234567). */
export const PHONE_PATTERN = /^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8})$/;

/** Matter and department codes: upper-case letters, digits and dashes, used in URLs and workflow ids. */
export const CODE_PATTERN = /^[A-Z][A-Z0-9-]{1,39}$/;

/** What people type: spaces, dashes, dots, brackets and a +86 / 0086 prefix are dropped before the check. */
export const normalizePhone = (raw: string): string =>
  raw
    .trim()
    .replace(/[\s\-().（）]/g, '')
    .replace(/^(\+86|0086)(?=1)/, '');

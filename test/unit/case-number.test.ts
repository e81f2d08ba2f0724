import {
  beijingYear,
  formatCaseNo,
  normalizeCaseNo,
  QUERY_PASSWORD_PATTERN,
  queryPasswordFrom,
} from '../../domain/case-number';

describe('case numbers', () => {
  it('reads prefix, year and a six-digit serial', () => {
    expect(formatCaseNo(2026, 123)).toBe('GH-2026-000123');
    expect(normalizeCaseNo(' gh-2026-000123 ')).toBe('GH-2026-000123');
  });

  it('numbers a case in the Beijing year: 31 December 17:00 UTC is already 1 January in Beijing', () => {
    expect(beijingYear(new Date('2026-12-31T15:59:59Z'))).toBe(2026);
    expect(beijingYear(new Date('2026-12-31T16:00:00Z'))).toBe(2027);
  });
});

describe('query passwords', () => {
  it('uses only unambiguous characters and skips the bytes that would bias the alphabet', () => {
    expect(queryPasswordFrom(Uint8Array.from([0, 1, 2, 3, 4, 5]))).toBe('234567');
    // 248..255 are skipped; 30 maps to the last letter.
    expect(queryPasswordFrom(Uint8Array.from([250, 255, 30, 30, 30, 30, 30, 30]))).toBe('ZZZZZZ');
    expect(() => queryPasswordFrom(Uint8Array.from([255, 255, 255, 255, 255, 255]))).toThrow();
    for (let i = 0; i < 200; i++) {
      const bytes = Uint8Array.from({ length: 16 }, () => Math.floor(Math.random() * 256));
      expect(queryPasswordFrom(bytes)).toMatch(QUERY_PASSWORD_PATTERN);
    }
  });
});

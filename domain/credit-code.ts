// Unified social credit code (统一社会信用代码, GB 32100-2015).
// 18 characters; the 18th is a check character over the first 17.

const ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

/** The check character for the first 17 characters, or null when one of them is outside the alphabet. */
export function creditCodeCheckChar(first17: string): string | null {
  if (first17.length !== 17) return null;
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    const value = ALPHABET.indexOf(first17[i]!);
    if (value < 0) return null;
    sum += value * WEIGHTS[i]!;
  }
  return ALPHABET[(31 - (sum % 31)) % 31]!;
}

/** What is wrong with a code: its length, a character outside the alphabet, or the check character. */
export type CreditCodeProblemKind = 'length' | 'alphabet' | 'check';

/** Why a code is invalid as a stable kind (the web UI words it), or null when it is valid. */
export function creditCodeProblemKind(code: string): CreditCodeProblemKind | null {
  if (code.length !== 18) return 'length';
  if (![...code].every((c) => ALPHABET.includes(c))) return 'alphabet';
  if (creditCodeCheckChar(code.slice(0, 17)) !== code[17]) return 'check';
  return null;
}

const PROBLEM_MESSAGES: Record<CreditCodeProblemKind, string> = {
  length: 'must be 18 characters',
  alphabet: 'may only contain 0-9 and A-H J-N P-R T-U W-Y',
  check: 'check character does not match',
};

/** Why a code is invalid, or null when it is valid. Messages are shown to API clients (English). */
export function creditCodeProblem(code: string): string | null {
  const kind = creditCodeProblemKind(code);
  return kind ? PROBLEM_MESSAGES[kind] : null;
}

export function isValidCreditCode(code: string): boolean {
  return creditCodeProblem(code) === null;
}

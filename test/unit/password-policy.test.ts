// The password policy (domain/password-policy.ts): the rules the API and the web forms share.
import { PASSWORD_MIN_LENGTH, passwordProblems } from '../../domain/password-policy';

const rules = (password: string, context?: Parameters<typeof passwordProblems>[1]) =>
  passwordProblems(password, context).map((p) => p.rule);

describe('the password policy', () => {
  it('when a password has 8+ characters with letters and digits, then it passes', () => {
    expect(rules('abcdefg1')).toEqual([]);
    expect(rules('审批中心2026年度')).toEqual([]);
  });

  it('when it is short, then too_short names the minimum', () => {
    expect(passwordProblems('abc1')).toContainEqual({ rule: 'too_short', params: { minimum: PASSWORD_MIN_LENGTH } });
  });

  it('when it lacks letters or digits, then letters_and_digits', () => {
    expect(rules('abcdefgh')).toEqual(['letters_and_digits']);
    expect(rules('12345678')).toEqual(['letters_and_digits']);
    expect(rules('')).toEqual(['too_short', 'letters_and_digits']);
  });

  it('when it contains the username in any case, then contains_username', () => {
    expect(rules('Cashier2026', { username: 'cashier' })).toEqual(['contains_username']);
    expect(rules('cash2026desk', { username: 'cashier' })).toEqual([]);
  });

  it('when the caller found it equal to the current one, then same_as_current', () => {
    expect(rules('abcdefg1', { sameAsCurrent: true })).toEqual(['same_as_current']);
  });
});

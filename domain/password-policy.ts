// The password policy, one home for the API (create, reset, change) and the web forms.
// Pure: "not the same as the current one" needs the stored hash, so the API checks it with
// `passwordProblems(..., { sameAsCurrent })` after verifying; the rule and its code live here.

export const PASSWORD_MIN_LENGTH = 8;
export const PASSWORD_MAX_LENGTH = 200;

/** Stable rule codes; the web words them in the reader's language. */
export type PasswordRule = 'too_short' | 'too_long' | 'letters_and_digits' | 'contains_username' | 'same_as_current';

export interface PasswordProblem {
  rule: PasswordRule;
  params: Record<string, number>;
}

/** English wording, for API clients and logs. */
export const PASSWORD_RULE_MESSAGES: Record<PasswordRule, string> = {
  too_short: `at least ${PASSWORD_MIN_LENGTH} characters`,
  too_long: `at most ${PASSWORD_MAX_LENGTH} characters`,
  letters_and_digits: 'must contain both letters and digits',
  contains_username: 'must not contain the username',
  same_as_current: 'must differ from the current password',
};

/** Every rule the password breaks (empty when it is acceptable). */
export function passwordProblems(
  password: string,
  context: { username?: string; sameAsCurrent?: boolean } = {},
): PasswordProblem[] {
  const problems: PasswordProblem[] = [];
  if (password.length < PASSWORD_MIN_LENGTH)
    problems.push({ rule: 'too_short', params: { minimum: PASSWORD_MIN_LENGTH } });
  if (password.length > PASSWORD_MAX_LENGTH)
    problems.push({ rule: 'too_long', params: { maximum: PASSWORD_MAX_LENGTH } });
  if (!/\p{L}/u.test(password) || !/\p{Nd}/u.test(password)) problems.push({ rule: 'letters_and_digits', params: {} });
  const username = context.username?.trim().toLowerCase();
  if (username && password.toLowerCase().includes(username)) problems.push({ rule: 'contains_username', params: {} });
  if (context.sameAsCurrent) problems.push({ rule: 'same_as_current', params: {} });
  return problems;
}

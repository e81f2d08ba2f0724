// Sign-in sessions and the sign-in history: opening a session on a successful sign-in, and the
// request's address and user agent as they are kept (never a password).
import { randomUUID } from 'node:crypto';
import type { Request } from 'express';
import type { Kysely } from 'kysely';
import { authSessionsRepo } from '../db/repositories/auth-sessions';
import type { Database } from '../db/schema';
import { PASSWORD_RULE_MESSAGES, type PasswordProblem } from '../domain/password-policy';
import { signToken, type UserView } from './auth';
import { badRequest } from './errors';

/** The caller's address (the app trusts the loopback proxy's X-Forwarded-For) and user agent. */
export const clientOf = (req: Request) => ({
  address: req.ip ?? null,
  userAgent: req.get('user-agent')?.slice(0, 300) ?? null,
});

/** Opens a sign-in session and signs a token naming it; the session expires with the token. */
export async function openSession(
  db: Kysely<Database>,
  req: Request,
  user: UserView,
  secret: string,
  ttlSeconds: number,
): Promise<string> {
  const id = randomUUID();
  const { address, userAgent } = clientOf(req);
  await authSessionsRepo.open(db, {
    id,
    userId: user.id,
    expiresAt: new Date(Date.now() + ttlSeconds * 1000),
    userAgent,
    address,
  });
  return signToken(user, secret, ttlSeconds, id);
}

/** 400 naming the field and each rule of the password policy it breaks (params.problem = the rule). */
export function refuseWeakPassword(field: string, problems: PasswordProblem[]): void {
  if (problems.length === 0) return;
  throw badRequest(
    'the password does not meet the policy',
    problems.map((p) => ({
      field,
      message: PASSWORD_RULE_MESSAGES[p.rule],
      code: 'custom',
      params: { problem: p.rule, ...p.params },
    })),
  );
}

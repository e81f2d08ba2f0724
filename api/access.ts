// Who may reach what beyond the role: each scope names its rule and loads the resource a request
// names, checking the caller may reach it (404 when it does not exist, 403 when it is not theirs).
// Routes declare their scope (api/routes/define.ts); the mount resolves it before the handler runs
// and hands the handler what it loaded, so no handler checks scope by hand.
import { applicationsRepo } from '../db/repositories/applications';
import { sessionsRepo } from '../db/repositories/sessions';
import { stepsRepo } from '../db/repositories/steps';
import { supervisionRepo } from '../db/repositories/supervision';
import type { ApplicationRow, CaseRow, SessionRow, StepRow } from '../db/schema';
import type { Config } from '../lib/config';
import type { UserView } from './auth';
import type { AppDeps } from './deps';
import { forbidden, notFound } from './errors';
import type { StepViewerOf } from './views';

/**
 * The rules, as the OpenAPI document and the authorization-matrix test name them:
 * - department: staff act only on their own department's steps (and cases, sessions they are invited to);
 * - owner: officers act on applications they launched (unless OFFICERS_SHARE_APPLICATIONS);
 * - readable: staff read an application only when it has a step of their department;
 * - self: the caller's own data;
 * - none: nothing beyond the role.
 */
export type ScopeName = 'none' | 'department' | 'owner' | 'readable' | 'self';

export interface ScopeInput {
  deps: AppDeps;
  /** The signed-in caller; undefined on public routes. */
  user: UserView | undefined;
  /** The validated path parameters. */
  params: Record<string, unknown>;
}

export interface Scope<R> {
  name: ScopeName;
  /** Loads what the request names and checks the caller may reach it; its result is the handler's `resource`. */
  resolve(input: ScopeInput): Promise<R> | R;
}

const scope = <R>(name: ScopeName, resolve: (input: ScopeInput) => Promise<R> | R): Scope<R> => ({ name, resolve });

const caller = (input: ScopeInput): UserView => {
  if (!input.user) throw forbidden('sign in first');
  return input.user;
};
const idParam = (input: ScopeInput): string => String(input.params.id);

/** Officers act on the applications they launched, or on any when the center shares them. */
export function assertOfficerOwns(user: UserView, application: ApplicationRow, config: Config): void {
  if (user.role !== 'officer') throw forbidden('this action is for the investment proxy officer');
  if (application.officer_id !== user.id && !config.officersShareApplications) {
    throw forbidden('only the officer who launched this application may act on it');
  }
}

/** Officers, supervisors and admins read every application; staff only those with a step of their department. */
export function canReadApplication(user: UserView, steps: StepRow[]): boolean {
  if (user.role === 'staff') return steps.some((s) => s.department_code === user.departmentCode);
  return user.role === 'officer' || user.role === 'supervisor' || user.role === 'admin';
}

/** True when `user` is the officer of an application launched by `officerId` (or officers share applications). */
export const ownsApplication = (user: UserView, officerId: string, config: Config): boolean =>
  user.role === 'officer' && (officerId === user.id || config.officersShareApplications);

/**
 * The query password goes to those who hand it to the investor (the officer) or answer for the case
 * (supervisors, admins); department staff see the case number only.
 */
export const readsQueryPassword = (user: UserView): boolean =>
  user.role === 'officer' || user.role === 'supervisor' || user.role === 'admin';

/** The caller as a Step view sees them (what they may do on it): `toStepView(row, viewer)`. */
export const stepViewer = (user: UserView, ownsApp: boolean, config: Config): StepViewerOf => ({
  role: user.role,
  departmentCode: user.departmentCode,
  ownsApplication: ownsApp,
  urgeIntervalMs: config.clockPolicy.urgeIntervalMs,
});

/** The viewer of one application's steps: ownership read from the application (only officers can own one). */
export async function stepViewerFor(deps: AppDeps, user: UserView, applicationId: string): Promise<StepViewerOf> {
  if (user.role !== 'officer') return stepViewer(user, false, deps.config);
  const application = await applicationsRepo.find(deps.db, applicationId);
  return stepViewer(user, !!application && ownsApplication(user, application.officer_id, deps.config), deps.config);
}

async function loadStep(deps: AppDeps, id: string): Promise<StepRow> {
  const step = await stepsRepo.find(deps.db, id);
  if (!step) throw notFound('step');
  return step;
}

async function loadApplication(deps: AppDeps, id: string): Promise<ApplicationRow> {
  const application = await applicationsRepo.find(deps.db, id);
  if (!application) throw notFound('application');
  return application;
}

async function loadSession(deps: AppDeps, id: string): Promise<SessionRow> {
  const session = await sessionsRepo.find(deps.db, id);
  if (!session) throw notFound('session');
  return session;
}

export const scopes = {
  /** Nothing beyond the role. */
  none: scope('none', () => undefined),
  /** The caller's own data (the handler reads the caller). */
  self: scope('self', () => undefined),

  /** The step `:id`, for any caller the route's access admits (supervisor and cashier actions). */
  step: scope('none', (input): Promise<StepRow> => loadStep(input.deps, idParam(input))),

  /** The step `:id`; staff reach only their own department's (other roles as the access allows). */
  departmentStep: scope('department', async (input): Promise<StepRow> => {
    const user = caller(input);
    const step = await loadStep(input.deps, idParam(input));
    if (user.role === 'staff' && user.departmentCode !== step.department_code) {
      throw forbidden(`only staff of department ${step.department_code} may act on this step`);
    }
    return step;
  }),

  /** The session `:id`, for staff of a department invited to it. */
  departmentSession: scope('department', async (input): Promise<SessionRow> => {
    const user = caller(input);
    const session = await loadSession(input.deps, idParam(input));
    if (user.role === 'staff' && !session.invited_departments.includes(user.departmentCode ?? '')) {
      throw forbidden('your department is not invited to this session');
    }
    return session;
  }),

  /** The supervision case `:id`, for staff of the department it is addressed to. */
  departmentCase: scope('department', async (input): Promise<CaseRow> => {
    const user = caller(input);
    const caseId = idParam(input);
    const refuse = () => forbidden('this case is addressed to another department');
    if (user.role === 'staff') {
      // A case id names its step (<step>-A<attempt>-L<level>): another department is refused
      // before anything says whether the case exists.
      const caseStep = await stepsRepo.find(input.deps.db, caseId.replace(/-A\d+-L\d+$/, ''));
      if (caseStep && caseStep.department_code !== user.departmentCode) throw refuse();
    }
    const found = await supervisionRepo.find(input.deps.db, caseId);
    if (!found) throw notFound('supervision case');
    if (user.role === 'staff' && found.department_code !== user.departmentCode) throw refuse();
    return found;
  }),

  /** A list narrowed to the caller's department when the caller is staff. */
  departmentList: scope('department', (input): { departmentCode: string | undefined } => {
    const user = caller(input);
    return { departmentCode: user.role === 'staff' ? (user.departmentCode ?? undefined) : undefined };
  }),

  /** The application `:id`, for the officer who launched it. */
  ownedApplication: scope('owner', async (input): Promise<ApplicationRow> => {
    const application = await loadApplication(input.deps, idParam(input));
    assertOfficerOwns(caller(input), application, input.deps.config);
    return application;
  }),

  /** The step `:id`, for the officer who launched its application. */
  ownedStep: scope('owner', async (input): Promise<StepRow> => {
    const step = await loadStep(input.deps, idParam(input));
    assertOfficerOwns(caller(input), await loadApplication(input.deps, step.application_id), input.deps.config);
    return step;
  }),

  /** The session `:id`, for the officer who launched its application. */
  ownedSession: scope('owner', async (input): Promise<SessionRow> => {
    const session = await loadSession(input.deps, idParam(input));
    assertOfficerOwns(caller(input), await loadApplication(input.deps, session.application_id), input.deps.config);
    return session;
  }),

  /** A list narrowed to the caller's own applications when the caller is an officer and they are not shared. */
  ownerList: scope('owner', (input): { officerId: string | undefined } => {
    const user = caller(input);
    return {
      officerId: user.role === 'officer' && !input.deps.config.officersShareApplications ? user.id : undefined,
    };
  }),

  /** The application `:id` with its steps, for those who may read it. */
  readableApplication: scope('readable', async (input): Promise<{ application: ApplicationRow; steps: StepRow[] }> => {
    const user = caller(input);
    const application = await loadApplication(input.deps, idParam(input));
    const steps = await stepsRepo.listByApplication(input.deps.db, application.id);
    if (!canReadApplication(user, steps)) throw forbidden('this application has no step of your department');
    return { application, steps };
  }),
};

// Who may read or act on what: the scoping rules beyond roles.
import type { ApplicationRow, StepRow } from '../db/schema';
import type { Config } from '../lib/config';
import type { UserView } from './auth';
import { forbidden } from './errors';

/** Officers, supervisors and admins read every application; staff only those with a step of their department. */
export function canReadApplication(user: UserView, steps: StepRow[]): boolean {
  if (user.role === 'staff') return steps.some((s) => s.department_code === user.departmentCode);
  return user.role === 'officer' || user.role === 'supervisor' || user.role === 'admin';
}

/** Officers act on the applications they launched, or on any when the center shares them. */
export function assertOfficerOwns(user: UserView, application: ApplicationRow, config: Config): void {
  if (user.role !== 'officer') throw forbidden('this action is for the investment proxy officer');
  if (application.officer_id !== user.id && !config.officersShareApplications) {
    throw forbidden('only the officer who launched this application may act on it');
  }
}

/** Staff act only on their own department's steps. */
export function assertStaffOfStep(user: UserView, step: StepRow): void {
  if (user.role !== 'staff' || user.departmentCode !== step.department_code) {
    throw forbidden(`only staff of department ${step.department_code} may act on this step`);
  }
}

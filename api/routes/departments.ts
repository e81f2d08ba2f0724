// Departments at the center.
import { auditRepo } from '../../db/repositories/audit';
import { departmentsRepo } from '../../db/repositories/departments';
import { scopes } from '../access';
import { DepartmentBody } from '../schemas';
import { defineRoute } from './define';

export const departmentRoutes = [
  defineRoute({
    method: 'get',
    path: '/api/departments',
    summary: 'Departments at the center',
    tag: 'service guide',
    access: 'public',
    scope: scopes.none,
    handler: ({ deps }) => departmentsRepo.list(deps.db),
  }),
  defineRoute({
    method: 'post',
    path: '/api/departments',
    summary: 'Create or rename a department',
    tag: 'admin',
    access: ['admin'],
    scope: scopes.none,
    body: DepartmentBody,
    success: 201,
    idempotent: true,
    handler: async ({ deps, user, body }) => {
      // The department and its audit row commit together.
      await deps.db.transaction().execute(async (trx) => {
        await departmentsRepo.upsert(trx, body);
        await auditRepo.record(trx, {
          actor: user,
          action: 'department_saved',
          target: body.code,
          detail: { name: body.name },
        });
      });
      return body;
    },
  }),
];

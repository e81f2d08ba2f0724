// The matter catalog: the public service guide (服务指南), and its administration.
import { findCycle } from '../../domain/plan';
import { auditRepo } from '../../db/repositories/audit';
import { departmentsRepo } from '../../db/repositories/departments';
import { mattersRepo, type Matter } from '../../db/repositories/matters';
import { scopes } from '../access';
import { badRequest, notFound } from '../errors';
import { CodeParams, MatterBody } from '../schemas';
import { defineRoute } from './define';

export const matterRoutes = [
  // The public service guide (服务指南): no sign-in needed.
  defineRoute({
    method: 'get',
    path: '/api/matters',
    summary: 'The service guide: every matter with its five publics',
    tag: 'service guide',
    access: 'public',
    scope: scopes.none,
    handler: ({ deps }) => mattersRepo.list(deps.db),
  }),

  defineRoute({
    method: 'get',
    path: '/api/matters/:code',
    summary: 'One matter of the service guide',
    tag: 'service guide',
    access: 'public',
    scope: scopes.none,
    params: CodeParams,
    handler: async ({ deps, params }) => {
      const matter = await mattersRepo.find(deps.db, params.code);
      if (!matter) throw notFound('matter');
      return matter;
    },
  }),

  // Takes what GET /api/matters/:code answers, too: its code must be the path's, read-only fields are ignored.
  defineRoute({
    method: 'put',
    path: '/api/matters/:code',
    summary: 'Create or replace a matter (prerequisite cycles refused); accepts what GET answers',
    tag: 'admin',
    access: ['admin'],
    scope: scopes.none,
    params: CodeParams,
    body: MatterBody,
    handler: async ({ deps: { db }, user, params, body }) => {
      if (body.code !== undefined && body.code !== params.code) {
        throw badRequest('the request is invalid', [
          { field: 'body.code', message: `must equal the code in the path (${params.code})`, code: 'code_mismatch' },
        ]);
      }
      const matter: Matter = {
        code: params.code,
        name: body.name,
        departmentCode: body.departmentCode,
        caseType: body.caseType,
        legalBasis: body.legalBasis,
        conditions: body.conditions,
        procedure: body.procedure,
        materials: body.materials,
        statutoryLimitDays: body.statutoryLimitDays,
        promisedLimitDays: body.promisedLimitDays,
        fee: body.fee,
        prerequisites: body.prerequisites,
        stage: body.stage,
      };
      if (!(await departmentsRepo.find(db, matter.departmentCode))) {
        throw badRequest('unknown department', [
          { field: 'body.departmentCode', message: 'unknown department code', code: 'unknown_department' },
        ]);
      }
      const catalog = new Map((await mattersRepo.list(db)).map((m) => [m.code, m]));
      catalog.set(matter.code, matter);
      const unknown = matter.prerequisites.filter((p) => !catalog.has(p));
      if (unknown.length > 0) {
        throw badRequest(
          'unknown prerequisites',
          unknown.map((c) => ({
            field: 'body.prerequisites',
            message: `unknown matter code ${c}`,
            code: 'unknown_matter',
            params: { matterCode: c },
          })),
        );
      }
      const cycle = findCycle(catalog);
      if (cycle) {
        throw badRequest(`prerequisite cycle: ${cycle.join(' → ')}`, [
          {
            field: 'body.prerequisites',
            message: `would create the cycle ${cycle.join(' → ')}`,
            code: 'prerequisite_cycle',
            params: { cycle: cycle.join(' → ') },
          },
        ]);
      }
      // The matter and its audit row commit together.
      await db.transaction().execute(async (trx) => {
        await mattersRepo.upsert(trx, matter);
        await auditRepo.record(trx, {
          actor: user,
          action: 'matter_saved',
          target: matter.code,
          detail: {
            name: matter.name,
            promisedLimitDays: matter.promisedLimitDays,
            fee: matter.fee,
            prerequisites: matter.prerequisites,
          },
        });
      });
      return matter;
    },
  }),
];

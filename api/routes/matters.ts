// The matter catalog: the public service guide (服务指南), its versions, and its administration.
// Every change of a matter is a new version effective from the moment it is saved; steps are
// planned on the version current at launch and keep it (api/services/applications.ts).
import { findCycle } from '../../domain/plan';
import { auditRepo } from '../../db/repositories/audit';
import { departmentsRepo } from '../../db/repositories/departments';
import { MatterChangedError, mattersRepo, type Matter } from '../../db/repositories/matters';
import { scopes } from '../access';
import { badRequest, HttpError, notFound } from '../errors';
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

  defineRoute({
    method: 'get',
    path: '/api/matters/:code/versions',
    summary: "A matter's versions, newest first, each with the moment it took effect",
    tag: 'service guide',
    access: 'public',
    scope: scopes.none,
    params: CodeParams,
    handler: async ({ deps, params }) => {
      const versions = await mattersRepo.versions(deps.db, params.code);
      if (versions.length === 0) throw notFound('matter');
      return versions;
    },
  }),

  // Takes what GET /api/matters/:code answers, too: its code must be the path's, read-only fields are ignored.
  defineRoute({
    method: 'put',
    path: '/api/matters/:code',
    summary:
      'Save a matter as a new version (prerequisite cycles refused; running steps keep theirs); accepts what GET answers. ' +
      'Optional If-Match: the version read, refused with 409 matter_changed when another save came first',
    tag: 'admin',
    access: ['admin'],
    scope: scopes.none,
    params: CodeParams,
    body: MatterBody,
    handler: async ({ req, deps: { db }, user, params, body }) => {
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
        deemedConsent: body.deemedConsent,
      };
      const ifMatch = req.get('If-Match');
      const expectedVersion = ifMatch === undefined ? undefined : Number(ifMatch.replace(/^W\//, '').replace(/"/g, ''));
      if (expectedVersion !== undefined && !(Number.isInteger(expectedVersion) && expectedVersion >= 0)) {
        throw badRequest('If-Match must be the version read', [
          {
            field: 'header.If-Match',
            message: 'must be a version number (0 for a new matter)',
            code: 'invalid_version',
          },
        ]);
      }
      if (!(await departmentsRepo.find(db, matter.departmentCode))) {
        throw badRequest('unknown department', [
          { field: 'body.departmentCode', message: 'unknown department code', code: 'unknown_department' },
        ]);
      }
      const catalog = new Map<string, Matter>((await mattersRepo.list(db)).map((m) => [m.code, m]));
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
      // The version and its audit row commit together; a save that changes nothing makes no version.
      try {
        return await db.transaction().execute(async (trx) => {
          const saved = await mattersRepo.saveVersion(trx, matter, {
            at: new Date(),
            by: { id: user.id, displayName: user.displayName },
            expectedVersion,
          });
          if (saved.created) {
            await auditRepo.record(trx, {
              actor: user,
              action: 'matter_saved',
              target: matter.code,
              detail: {
                version: saved.matter.version,
                name: matter.name,
                promisedLimitDays: matter.promisedLimitDays,
                statutoryLimitDays: matter.statutoryLimitDays,
                fee: matter.fee,
                prerequisites: matter.prerequisites,
                deemedConsent: matter.deemedConsent,
              },
            });
          }
          return saved.matter;
        });
      } catch (err) {
        if (!(err instanceof MatterChangedError)) throw err;
        throw new HttpError(
          409,
          'conflict',
          `matter ${matter.code} was saved by someone else meanwhile (now version ${err.current ?? 'new'}); read it again`,
          undefined,
          {},
          { reason: 'matter_changed', params: { code: matter.code, version: err.current ?? 0 } },
        );
      }
    },
  }),
];

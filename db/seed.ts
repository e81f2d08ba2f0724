// Start-up data: the initial admin, and with DEMO_SEED the illustrative Genhe catalog
// (domain.md) with one demo user per role. Idempotent: existing rows are left as they are.
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Role } from '../domain/model';
import { hashPassword } from '../lib/passwords';
import { departmentsRepo } from './repositories/departments';
import { MatterChangedError, mattersRepo, type Matter } from './repositories/matters';
import { usersRepo } from './repositories/users';
import type { Database } from './schema';

export const DEMO_PASSWORD = 'demo1234';

export const DEMO_DEPARTMENTS = [
  { code: 'DRC', name: '发展和改革委员会' },
  { code: 'NRB', name: '自然资源局' },
  { code: 'FGB', name: '林业和草原局' },
  { code: 'EEB', name: '生态环境局' },
  { code: 'WRB', name: '水利局' },
  { code: 'HUD', name: '住房和城乡建设局' },
];

type DemoMatter = Pick<
  Matter,
  'code' | 'name' | 'departmentCode' | 'statutoryLimitDays' | 'promisedLimitDays' | 'prerequisites' | 'stage'
> &
  Partial<Matter>;

const DEMO_MATTERS: DemoMatter[] = [
  {
    code: 'PROJECT-FILING',
    name: '企业投资项目备案',
    departmentCode: 'DRC',
    statutoryLimitDays: 3,
    promisedLimitDays: 1,
    prerequisites: [],
    stage: 1,
    caseType: 'promised',
    legalBasis: '《企业投资项目核准和备案管理条例》（国务院令第673号）',
    materials: ['项目备案申请表', '营业执照复印件'],
  },
  {
    code: 'LAND-PREREVIEW',
    name: '建设项目用地预审与选址意见书',
    departmentCode: 'NRB',
    statutoryLimitDays: 20,
    promisedLimitDays: 10,
    prerequisites: ['PROJECT-FILING'],
    stage: 1,
    legalBasis: '《中华人民共和国土地管理法》《中华人民共和国城乡规划法》',
    materials: ['用地预审与选址申请表', '项目备案证明', '勘测定界图'],
  },
  {
    code: 'FOREST-LAND',
    name: '使用林地审核',
    departmentCode: 'FGB',
    statutoryLimitDays: 20,
    promisedLimitDays: 10,
    prerequisites: ['PROJECT-FILING'],
    stage: 1,
    legalBasis: '《中华人民共和国森林法》《建设项目使用林地审核审批管理办法》',
    materials: ['使用林地申请表', '使用林地可行性报告'],
    fee: { amountFen: 0, basis: '森林植被恢复费按财政部门标准另行缴纳' },
  },
  {
    code: 'EIA-FORM',
    name: '环境影响报告表审批',
    departmentCode: 'EEB',
    statutoryLimitDays: 30,
    promisedLimitDays: 15,
    prerequisites: ['PROJECT-FILING'],
    stage: 1,
    legalBasis: '《中华人民共和国环境影响评价法》',
    materials: ['环境影响报告表', '项目备案证明'],
  },
  {
    code: 'SOIL-WATER',
    name: '水土保持方案审批',
    departmentCode: 'WRB',
    statutoryLimitDays: 20,
    promisedLimitDays: 10,
    prerequisites: ['PROJECT-FILING'],
    stage: 1,
    legalBasis: '《中华人民共和国水土保持法》',
    materials: ['水土保持方案报告书', '项目备案证明'],
  },
  {
    code: 'LAND-USE-PLANNING',
    name: '建设用地规划许可证',
    departmentCode: 'NRB',
    statutoryLimitDays: 20,
    promisedLimitDays: 7,
    prerequisites: ['LAND-PREREVIEW'],
    stage: 1,
    legalBasis: '《中华人民共和国城乡规划法》第三十七条、第三十八条',
    materials: ['建设用地规划许可申请表', '用地预审与选址意见书'],
  },
  {
    code: 'WORKS-PLANNING',
    name: '建设工程规划许可证',
    departmentCode: 'NRB',
    statutoryLimitDays: 20,
    promisedLimitDays: 7,
    prerequisites: ['LAND-USE-PLANNING'],
    stage: 2,
    legalBasis: '《中华人民共和国城乡规划法》第四十条',
    materials: ['建设工程规划许可申请表', '建设工程设计方案'],
    fee: { amountFen: 50000, basis: '工本费（示例，以当地收费目录为准）' },
  },
  {
    code: 'FIRE-DESIGN',
    name: '消防设计审查',
    departmentCode: 'HUD',
    statutoryLimitDays: 15,
    promisedLimitDays: 10,
    prerequisites: ['WORKS-PLANNING'],
    stage: 2,
    legalBasis: '《中华人民共和国消防法》《建设工程消防设计审查验收管理暂行规定》',
    materials: ['消防设计审查申请表', '消防设计文件'],
  },
  {
    code: 'CONSTRUCTION-PERMIT',
    name: '建筑工程施工许可证',
    departmentCode: 'HUD',
    statutoryLimitDays: 15,
    promisedLimitDays: 5,
    prerequisites: ['WORKS-PLANNING', 'FIRE-DESIGN', 'EIA-FORM', 'FOREST-LAND'],
    stage: 3,
    legalBasis: '《中华人民共和国建筑法》《建筑工程施工许可管理办法》',
    materials: ['施工许可申请表', '建设工程规划许可证', '施工合同'],
  },
];

export const DEMO_USERS: Array<{ username: string; displayName: string; role: Role; departmentCode: string | null }> = [
  { username: 'officer', displayName: '王代办（投资审批代办员）', role: 'officer', departmentCode: null },
  ...DEMO_DEPARTMENTS.map((d) => ({
    username: `staff.${d.code.toLowerCase()}`,
    displayName: `${d.name}窗口`,
    role: 'staff' as const,
    departmentCode: d.code,
  })),
  { username: 'supervisor', displayName: '督查协调室', role: 'supervisor', departmentCode: null },
  { username: 'cashier', displayName: '中心收费处', role: 'cashier', departmentCode: null },
];

async function ensureUser(
  db: Kysely<Database>,
  u: { username: string; password: string; displayName: string; role: Role; departmentCode: string | null },
): Promise<boolean> {
  if (await usersRepo.findByUsername(db, u.username)) return false;
  return usersRepo.insert(db, { id: randomUUID(), passwordHash: await hashPassword(u.password), ...u });
}

export async function ensureAdmin(db: Kysely<Database>, username: string, password: string): Promise<boolean> {
  return ensureUser(db, { username, password, displayName: '综合室管理员', role: 'admin', departmentCode: null });
}

/** The demo catalog's matters with every field filled. */
export const demoMatters = (): Matter[] =>
  DEMO_MATTERS.map((m) => ({
    caseType: 'promised',
    legalBasis: '',
    conditions: '符合国家产业政策和当地规划，申请材料齐全、符合法定形式',
    procedure: '投资审批代办室统一受理 → 部门窗口受理 → 审查 → 决定 → 窗口送达',
    materials: [],
    fee: null,
    deemedConsent: false,
    ...m,
  }));

/** The demo departments and users (one per role), and the admin. */
export async function seedDemoPeople(db: Kysely<Database>, adminUsername: string): Promise<void> {
  for (const d of DEMO_DEPARTMENTS) {
    if (!(await departmentsRepo.find(db, d.code))) await departmentsRepo.upsert(db, d);
  }
  for (const u of DEMO_USERS) await ensureUser(db, { ...u, password: DEMO_PASSWORD });
  await ensureAdmin(db, adminUsername, DEMO_PASSWORD);
}

export async function seedDemo(db: Kysely<Database>, adminUsername: string): Promise<void> {
  for (const d of DEMO_DEPARTMENTS) {
    if (!(await departmentsRepo.find(db, d.code))) await departmentsRepo.upsert(db, d);
  }
  for (const matter of demoMatters()) {
    if (await mattersRepo.find(db, matter.code)) continue;
    // Version 1 of the demo catalog; a concurrent seed that created it first is fine.
    await db
      .transaction()
      .execute((trx) => mattersRepo.saveVersion(trx, matter, { at: new Date(), by: null }))
      .catch((err: unknown) => {
        if (!(err instanceof MatterChangedError)) throw err;
      });
  }
  await seedDemoPeople(db, adminUsername);
}

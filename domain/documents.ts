// The center's documents (办件文书): which event issues which document, how each is numbered and
// titled, and every word printed on it. Pure: the issuer (api/services/documents.ts) gathers the
// facts from the read model, this file composes the page, lib/document-pdf.ts draws it.
//
// | kind              | title                        | issued by the event                                   |
// | ----------------- | ---------------------------- | ----------------------------------------------------- |
// | acceptance_notice | 受理通知书                   | step_accepted, step_deemed_accepted                   |
// | fee_notice        | 缴费通知书                   | the same, when the step's matter has a catalog fee    |
// | correction_notice | 补正通知书                   | supplement_requested                                  |
// | refusal_decision  | 不予受理决定书 / 不予许可决定书 | step_refused_acceptance / step_rejected            |
// | completion_notice | 办结通知书                   | application_completed                                 |
// | special_procedure_notice | 特别程序告知书        | special_procedure_started                             |
//
// A later document of the same kind for the same step (a second correction, the acceptance of a
// resubmitted attempt) supersedes the earlier one; both are kept.

export const DOCUMENT_KINDS = [
  'acceptance_notice',
  'correction_notice',
  'refusal_decision',
  'fee_notice',
  'completion_notice',
  'special_procedure_notice',
] as const;
export type DocumentKind = (typeof DOCUMENT_KINDS)[number];

/** The event types that issue documents (the outbox trigger of migration 0011 enqueues exactly these). */
export const DOCUMENT_SOURCE_EVENTS = [
  'step_accepted',
  'step_deemed_accepted',
  'supplement_requested',
  'step_rejected',
  'step_refused_acceptance',
  'application_completed',
  'special_procedure_started',
] as const;

/** The documents an event issues; a fee notice only for a step whose catalog fee is above zero. */
export function documentKindsFor(eventType: string, step: { feeAmountFen: number | null } | null): DocumentKind[] {
  switch (eventType) {
    case 'step_accepted':
    case 'step_deemed_accepted':
      return (step?.feeAmountFen ?? 0) > 0 ? ['acceptance_notice', 'fee_notice'] : ['acceptance_notice'];
    case 'supplement_requested':
      return ['correction_notice'];
    case 'step_rejected':
    case 'step_refused_acceptance':
      return ['refusal_decision'];
    case 'application_completed':
      return ['completion_notice'];
    case 'special_procedure_started':
      return ['special_procedure_notice'];
    default:
      return [];
  }
}

const ABBREVIATION: Record<DocumentKind, string> = {
  acceptance_notice: 'SL', // 受理
  correction_notice: 'BZ', // 补正
  refusal_decision: 'BY', // 不予
  fee_notice: 'JF', // 缴费
  completion_notice: 'BJ', // 办结
  special_procedure_notice: 'TB', // 特别程序
};

/** The document number (文书编号), also its id: GH-2026-000123-SL-1 is the case's first acceptance notice. */
export const documentNo = (caseNo: string, kind: DocumentKind, n: number): string =>
  `${caseNo}-${ABBREVIATION[kind]}-${n}`;

export type RefusalStage = 'acceptance' | 'licensing';

export function documentTitle(kind: DocumentKind, refusalStage: RefusalStage = 'licensing'): string {
  switch (kind) {
    case 'acceptance_notice':
      return '受理通知书';
    case 'correction_notice':
      return '补正通知书';
    case 'refusal_decision':
      return refusalStage === 'acceptance' ? '不予受理决定书' : '不予许可决定书';
    case 'fee_notice':
      return '缴费通知书';
    case 'completion_notice':
      return '办结通知书';
    case 'special_procedure_notice':
      return '特别程序告知书';
  }
}

/** The applicant's remedies against a refusal (《行政复议法》, 《行政诉讼法》): the time limits printed. */
export const RECONSIDERATION_DAYS = 60;
export const LITIGATION_MONTHS = 6;

/** A document as the API lists it (GET /api/applications/:id/documents). */
export interface DocumentView {
  /** Also its number (文书编号). */
  id: string;
  kind: DocumentKind;
  title: string;
  stepId?: string;
  /** When its event happened: the document's date. */
  issuedAt: string;
  /** SHA-256 of the PDF, as recorded in the timeline's document_issued event. */
  sha256: string;
  sizeBytes: number;
  supersedes?: string;
  supersededBy?: string;
}

// ——— Facts and layout ———

/** What every document names: the center, the case, the applicant and the project. */
export interface DocumentHeader {
  centerName: string;
  caseNo: string;
  documentNo: string;
  /** When the issuing event happened (ISO): the document's date. */
  issuedAt: string;
  applicant: { name: string; creditCode: string };
  project: { name: string; code: string | null };
  /** The number of the document this one replaces. */
  supersedes: string | null;
}

export interface StepFactsForDocument {
  matterName: string;
  departmentName: string;
}

export type DocumentFacts =
  | (StepFactsForDocument & {
      kind: 'acceptance_notice';
      deemed: boolean;
      submittedAt: string | null;
      promisedLimitDays: number;
      /** The promised completion: the step's deadline at acceptance (ISO). */
      deadline: string | null;
      queryPassword: string;
      /** The public progress page for this case (the QR code's target). */
      progressUrl: string;
    })
  | (StepFactsForDocument & {
      kind: 'correction_notice';
      items: string[];
      reason: string;
      /** Asked for at the window, before acceptance: the acceptance window restarts on the complete material. */
      beforeAcceptance: boolean;
    })
  | (StepFactsForDocument & { kind: 'refusal_decision'; stage: RefusalStage; reason: string })
  | (StepFactsForDocument & { kind: 'fee_notice'; amountFen: number; basis: string | null })
  | (StepFactsForDocument & {
      kind: 'special_procedure_notice';
      /** 听证、检验、检测、鉴定 or 专家评审 (domain/special-procedures.ts). */
      procedureName: string;
      reason: string;
      approvedBy: string;
      limitDays: number;
      /** When it ends at the latest (ISO): the end of its last working day. */
      endsAt: string | null;
    })
  | {
      kind: 'completion_notice';
      steps: Array<StepFactsForDocument & { decidedAt: string | null; certificateNo: string | null }>;
    };

export type DocumentBlock =
  | { type: 'paragraph'; text: string }
  | { type: 'fields'; rows: Array<[label: string, value: string]>; qr?: { url: string; caption: string } }
  | { type: 'list'; items: string[] }
  | { type: 'table'; columns: Array<{ header: string; weight: number }>; rows: string[][] };

/** One page's content, top to bottom; the renderer adds the seal area after the closing. */
export interface DocumentLayout {
  centerName: string;
  title: string;
  documentNo: string;
  addressee: string;
  blocks: DocumentBlock[];
  /** The date line under the center's name, in Chinese (2026年11月30日). */
  dateText: string;
  /** PDF metadata: subject line. */
  subject: string;
}

/** A Beijing calendar date in Chinese: 2026年12月1日. */
export function chineseDate(iso: string | Date): string {
  const d = new Date(new Date(iso).getTime() + 8 * 3600_000);
  return `${d.getUTCFullYear()}年${d.getUTCMonth() + 1}月${d.getUTCDate()}日`;
}

/** Fen as yuan with two decimals: 50000 → "500.00". */
export const yuanText = (fen: number): string =>
  `${Math.floor(fen / 100).toLocaleString('en-US')}.${String(fen % 100).padStart(2, '0')}`;

const DIGITS = '零壹贰叁肆伍陆柒捌玖';
const SMALL_UNITS = ['', '拾', '佰', '仟'];
const BIG_UNITS = ['', '万', '亿', '万亿'];

function fourDigits(v: number): string {
  let out = '';
  let zero = false;
  for (let i = 3; i >= 0; i--) {
    const d = Math.floor(v / 10 ** i) % 10;
    if (d === 0) {
      zero = out !== '';
      continue;
    }
    if (zero) out += '零';
    out += DIGITS[d]! + SMALL_UNITS[i]!;
    zero = false;
  }
  return out;
}

/** An amount in fen in Chinese capital numerals (人民币大写), as receipts print it: 50000 → 伍佰元整. */
export function yuanInWords(fen: number): string {
  if (!Number.isInteger(fen) || fen < 0) throw new Error(`not an amount in fen: ${fen}`);
  if (fen === 0) return '零元整';
  const yuan = Math.floor(fen / 100);
  const jiao = Math.floor(fen / 10) % 10;
  const cents = fen % 10;
  let out = '';
  if (yuan > 0) {
    const groups: number[] = [];
    for (let y = yuan; y > 0; y = Math.floor(y / 10000)) groups.push(y % 10000);
    let gap = false;
    for (let g = groups.length - 1; g >= 0; g--) {
      const v = groups[g]!;
      if (v === 0) {
        gap = out !== '';
        continue;
      }
      if (out !== '' && (gap || v < 1000)) out += '零';
      out += fourDigits(v) + BIG_UNITS[g]!;
      gap = false;
    }
    out += '元';
  }
  if (jiao === 0 && cents === 0) return out + '整';
  if (jiao > 0) out += DIGITS[jiao]! + '角';
  else if (yuan > 0) out += '零';
  if (cents > 0) out += DIGITS[cents]! + '分';
  else out += '整';
  return out;
}

const quoted = (s: string) => `“${s}”`;

function caseFields(h: DocumentHeader, f: StepFactsForDocument): Array<[string, string]> {
  return [
    ['办件编号', h.caseNo],
    ['项目名称', h.project.name],
    ['审批事项', f.matterName],
    ['承办部门', f.departmentName],
  ];
}

function body(h: DocumentHeader, f: DocumentFacts): DocumentBlock[] {
  switch (f.kind) {
    case 'acceptance_notice':
      return [
        {
          type: 'paragraph',
          text: f.deemed
            ? `你单位${f.submittedAt ? `于${chineseDate(f.submittedAt)}` : ''}提交的${quoted(f.matterName)}申请，` +
              `${f.departmentName}未在法定期限内作出是否受理的决定。依据《中华人民共和国行政许可法》第三十二条，` +
              '自收到申请材料之日起即为受理。'
            : `你单位提交的${quoted(f.matterName)}申请，经审查，申请材料齐全、符合法定形式，${f.departmentName}决定予以受理。`,
        },
        {
          type: 'fields',
          rows: [
            ['办件编号', h.caseNo],
            ['查询密码', f.queryPassword],
            ['申请人', h.applicant.name],
            ['统一社会信用代码', h.applicant.creditCode],
            ['项目名称', h.project.name],
            ...(h.project.code ? ([['项目代码', h.project.code]] as Array<[string, string]>) : []),
            ['审批事项', f.matterName],
            ['承办部门', f.departmentName],
            ['受理日期', chineseDate(h.issuedAt)],
            ['承诺时限', `${f.promisedLimitDays}个工作日`],
            ['承诺办结日期', f.deadline ? chineseDate(f.deadline) : '以承办部门告知为准'],
          ],
          qr: { url: f.progressUrl, caption: '扫码查询办理进度' },
        },
        {
          type: 'paragraph',
          text:
            '承诺时限自受理之次日起按工作日计算；补正材料以及听证、检验、检测、鉴定和专家评审所需时间不计入承诺时限，' +
            '办结日期相应顺延。',
        },
        {
          type: 'paragraph',
          text:
            `办理进度可扫描二维码，或访问 ${f.progressUrl.replace(/\?.*$/, '')} 输入办件编号和查询密码查询。` +
            '查询密码仅印于本通知书，请妥善保管。',
        },
      ];
    case 'correction_notice':
      return [
        {
          type: 'paragraph',
          text:
            `你单位提交的${quoted(f.matterName)}申请材料不齐全或者不符合法定形式。` +
            '依据《中华人民共和国行政许可法》第三十二条，现一次性告知需要补正的全部内容如下：',
        },
        { type: 'list', items: f.items },
        { type: 'fields', rows: [['补正原因', f.reason], ...caseFields(h, f)] },
        {
          type: 'paragraph',
          text: f.beforeAcceptance
            ? '请按上述要求一次性补正全部材料。补正期间不计入承诺时限；申请自收到全部补正材料之日起重新计算受理期限。'
            : '请按上述要求一次性补正全部材料。补正期间不计入承诺时限；收到全部补正材料后承诺时限继续计算，办结日期相应顺延。',
        },
      ];
    case 'refusal_decision':
      return [
        {
          type: 'paragraph',
          text:
            f.stage === 'acceptance'
              ? `你单位提交的${quoted(f.matterName)}申请，经审查，${f.departmentName}决定不予受理。理由如下：`
              : `你单位申请的${quoted(f.matterName)}事项，经审查，${f.departmentName}决定不予行政许可。理由如下：`,
        },
        { type: 'list', items: [f.reason] },
        { type: 'fields', rows: caseFields(h, f) },
        {
          type: 'paragraph',
          text:
            `如不服本决定，可以自收到本决定书之日起${RECONSIDERATION_DAYS}日内依照《中华人民共和国行政复议法》的规定申请行政复议，` +
            `或者自收到本决定书之日起${LITIGATION_MONTHS}个月内依照《中华人民共和国行政诉讼法》的规定向人民法院提起行政诉讼。`,
        },
      ];
    case 'fee_notice':
      return [
        {
          type: 'paragraph',
          text: `你单位申请的${quoted(f.matterName)}事项已受理。依据公布的收费标准，请缴纳下列费用：`,
        },
        {
          type: 'table',
          columns: [
            { header: '收费项目', weight: 3 },
            { header: '金额（元）', weight: 2 },
            { header: '收费依据', weight: 5 },
          ],
          rows: [[f.matterName, yuanText(f.amountFen), f.basis ?? '—']],
        },
        {
          type: 'fields',
          rows: [
            ['金额大写', `人民币${yuanInWords(f.amountFen)}`],
            ['缴费地点', `${h.centerName}收费处`],
            ...caseFields(h, f),
          ],
        },
        {
          type: 'paragraph',
          text:
            '费用只在中心收费处按公布的收费标准收取，不收取收费目录以外的任何费用。' +
            '缴费后方可核发批准文书，请凭本通知书缴费并索取收据。',
        },
      ];
    case 'special_procedure_notice':
      return [
        {
          type: 'paragraph',
          text:
            `你单位申请的${quoted(f.matterName)}事项，经审查，依法需要进行${f.procedureName}。` +
            '依据《中华人民共和国行政许可法》第四十五条，' +
            `${f.procedureName}所需时间不计算在行政许可期限内，现将所需时间书面告知如下：`,
        },
        {
          type: 'fields',
          rows: [
            ['特别程序', f.procedureName],
            ['事由', f.reason],
            ['所需时间', `${f.limitDays}个工作日`],
            ['起止日期', `${chineseDate(h.issuedAt)}起，至迟${f.endsAt ? chineseDate(f.endsAt) : '—'}结束`],
            ['批准人', f.approvedBy],
            ...caseFields(h, f),
          ],
        },
        {
          type: 'paragraph',
          text:
            `${f.procedureName}期间承诺时限暂停计算，结束后继续计算，办结日期相应顺延。` +
            `${f.procedureName}至迟于上述日期结束；超出所需时间的，超出部分计入承诺时限。`,
        },
      ];
    case 'completion_notice':
      return [
        {
          type: 'paragraph',
          text: `你单位申报的${quoted(h.project.name)}项目（办件编号${h.caseNo}）所涉审批事项已全部办结，办理结果如下：`,
        },
        {
          type: 'table',
          columns: [
            { header: '审批事项', weight: 4 },
            { header: '承办部门', weight: 3 },
            { header: '办理结果', weight: 2 },
            { header: '证照编号', weight: 3 },
            { header: '办结日期', weight: 3 },
          ],
          rows: f.steps.map((s) => [
            s.matterName,
            s.departmentName,
            '准予许可',
            s.certificateNo ?? '—',
            s.decidedAt ? chineseDate(s.decidedAt) : '—',
          ]),
        },
        {
          type: 'paragraph',
          text: `请凭本通知书及有效身份证明到${h.centerName}窗口领取批准文书。欢迎对本次服务作出评价。`,
        },
      ];
  }
}

/** Every word of a document, in the order printed. */
export function composeDocument(h: DocumentHeader, f: DocumentFacts): DocumentLayout {
  const title = documentTitle(f.kind, f.kind === 'refusal_decision' ? f.stage : undefined);
  const blocks = body(h, f);
  if (h.supersedes) blocks.push({ type: 'paragraph', text: `本文书替代编号为 ${h.supersedes} 的文书。` });
  return {
    centerName: h.centerName,
    title,
    documentNo: h.documentNo,
    addressee: `${h.applicant.name}：`,
    blocks,
    dateText: chineseDate(h.issuedAt),
    subject: `${title}（办件编号 ${h.caseNo}）`,
  };
}

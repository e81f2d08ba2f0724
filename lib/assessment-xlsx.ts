// The assessment as a spreadsheet (exceljs): one sheet per view (departments, staff), then the
// weights in force with who published them and when, and the scoring rule. Cells hold numbers
// (rates as fractions formatted as percentages), so the figures can be summed and charted.
import { Workbook, type Worksheet } from 'exceljs';
import {
  ASSESSMENT_COLUMNS,
  WEIGHT_FIELDS,
  WEIGHT_LABELS,
  type AssessmentRow,
  type AssessmentView,
  type AssessmentWeights,
} from '../domain/assessment';

export type ExportLanguage = 'zh-CN' | 'en';

export interface AssessmentExport {
  centerName: string;
  period: string;
  views: Array<{ by: AssessmentView; rows: AssessmentRow[] }>;
  weights: {
    version: number;
    weights: AssessmentWeights;
    changedBy: { displayName: string } | null;
    changedAt: string | null;
    rule: { zh: string; en: string };
  };
  generatedAt: Date;
  /** Department names by code (the staff sheet names each person's department). */
  departmentNames: Map<string, string>;
}

const WORDS = {
  'zh-CN': {
    department: '部门',
    staff: '人员',
    weights: '权重',
    title: (period: string, view: string) => `${period} 量化考核（按${view}）`,
    departmentColumn: '所属部门',
    field: '项目',
    value: '权重',
    version: '版本',
    changedBy: '发布人',
    changedAt: '发布时间',
    defaults: '系统默认',
    rule: '计分规则',
    generatedAt: '导出时间',
  },
  en: {
    department: 'Departments',
    staff: 'Staff',
    weights: 'Weights',
    title: (period: string, view: string) => `Assessment ${period} by ${view.toLowerCase()}`,
    departmentColumn: 'Department',
    field: 'Item',
    value: 'Weight',
    version: 'Version',
    changedBy: 'Published by',
    changedAt: 'Published at',
    defaults: 'built-in defaults',
    rule: 'Scoring rule',
    generatedAt: 'Exported at',
  },
} as const;

/** An instant as Beijing time, `YYYY-MM-DD HH:mm`. */
export const beijingTime = (at: Date): string =>
  new Date(at.getTime() + 8 * 3600_000).toISOString().slice(0, 16).replace('T', ' ');

/** The columns of a view: the table's, with the staff member's department after the name. */
export function exportColumns(by: AssessmentView, lang: ExportLanguage) {
  const heading = (c: (typeof ASSESSMENT_COLUMNS)[number]) => (lang === 'en' ? c.en : c.zh);
  const columns: Array<{
    header: string;
    value: (r: AssessmentRow, names: Map<string, string>) => unknown;
    percent?: boolean;
  }> = ASSESSMENT_COLUMNS.map((c) => ({
    header: heading(c),
    value: (r: AssessmentRow) => r[c.field],
    percent: c.percent,
  }));
  if (by === 'staff') {
    columns.splice(2, 0, {
      header: WORDS[lang].departmentColumn,
      value: (r, names) => (r.departmentCode ? (names.get(r.departmentCode) ?? r.departmentCode) : null),
    });
  }
  return columns;
}

function viewSheet(wb: Workbook, e: AssessmentExport, by: AssessmentView, rows: AssessmentRow[], lang: ExportLanguage) {
  const words = WORDS[lang];
  const ws: Worksheet = wb.addWorksheet(words[by], { views: [{ state: 'frozen', ySplit: 2 }] });
  const columns = exportColumns(by, lang);
  ws.addRow([`${e.centerName} ${words.title(e.period, words[by])}`]).font = { bold: true, size: 14 };
  const header = ws.addRow(columns.map((c) => c.header));
  header.font = { bold: true };
  for (const r of rows) ws.addRow(columns.map((c) => c.value(r, e.departmentNames) ?? null));
  columns.forEach((c, i) => {
    const col = ws.getColumn(i + 1);
    col.width = Math.max(8, Math.min(24, c.header.length * (lang === 'en' ? 1.1 : 2.2)));
    if (c.percent) col.numFmt = '0.0%';
  });
  ws.getColumn(2).width = 22;
}

function weightsSheet(wb: Workbook, e: AssessmentExport, lang: ExportLanguage) {
  const words = WORDS[lang];
  const ws = wb.addWorksheet(words.weights);
  ws.addRow([words.field, words.value]).font = { bold: true };
  for (const f of WEIGHT_FIELDS)
    ws.addRow([lang === 'en' ? WEIGHT_LABELS[f].en : WEIGHT_LABELS[f].zh, e.weights.weights[f]]);
  ws.addRow([]);
  ws.addRow([words.version, e.weights.version]);
  ws.addRow([words.changedBy, e.weights.changedBy?.displayName ?? words.defaults]);
  ws.addRow([words.changedAt, e.weights.changedAt ? beijingTime(new Date(e.weights.changedAt)) : '—']);
  ws.addRow([words.rule, lang === 'en' ? e.weights.rule.en : e.weights.rule.zh]);
  ws.addRow([words.generatedAt, beijingTime(e.generatedAt)]);
  ws.getColumn(1).width = 36;
  ws.getColumn(2).width = 16;
}

/** The workbook's bytes. */
export async function renderAssessmentXlsx(e: AssessmentExport, lang: ExportLanguage): Promise<Buffer> {
  const wb = new Workbook();
  wb.creator = e.centerName;
  wb.created = e.generatedAt;
  for (const v of e.views) viewSheet(wb, e, v.by, v.rows, lang);
  weightsSheet(wb, e, lang);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

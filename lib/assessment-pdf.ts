// The assessment as a PDF (A4 landscape): a table per view, then the weights in force and the
// scoring rule. Set in the documents' embedded Noto Sans SC (lib/document-pdf.ts), so the Chinese
// text can be searched and copied.
import PDFDocument from 'pdfkit';
import { WEIGHT_FIELDS, WEIGHT_LABELS, type AssessmentRow, type AssessmentView } from '../domain/assessment';
import { loadFonts } from './document-pdf';
import { beijingTime, exportColumns, type AssessmentExport, type ExportLanguage } from './assessment-xlsx';

const MARGIN = 36;
const RED = '#c00000';
const GRAY = '#555555';
const FONT_SIZE = 8;
const PAD = 3;

const WORDS = {
  'zh-CN': {
    title: (period: string) => `${period} 窗口量化考核`,
    department: '按部门',
    staff: '按人员',
    weights: '考核权重',
    version: (v: number) => `第 ${v} 版`,
    defaults: '系统默认权重',
    published: (by: string, at: string) => `由 ${by} 于 ${at} 发布`,
    generatedAt: (at: string) => `导出时间：${at}`,
    page: (i: number, n: number) => `第 ${i} 页 共 ${n} 页`,
    none: '本期无数据',
  },
  en: {
    title: (period: string) => `Window assessment ${period}`,
    department: 'By department',
    staff: 'By staff member',
    weights: 'Weights',
    version: (v: number) => `version ${v}`,
    defaults: 'built-in defaults',
    published: (by: string, at: string) => `published by ${by} at ${at}`,
    generatedAt: (at: string) => `Exported at ${at}`,
    page: (i: number, n: number) => `page ${i} of ${n}`,
    none: 'No figures in this period',
  },
} as const;

const cellText = (v: unknown, percent?: boolean): string => {
  if (v === null || v === undefined) return '—';
  if (percent && typeof v === 'number') return `${(v * 100).toFixed(1)}%`;
  return String(v);
};

export async function renderAssessmentPdf(e: AssessmentExport, lang: ExportLanguage): Promise<Buffer> {
  const { regular, bold } = loadFonts();
  const words = WORDS[lang];
  const doc = new PDFDocument({
    size: 'A4',
    layout: 'landscape',
    margins: { top: MARGIN, bottom: MARGIN + 12, left: MARGIN, right: MARGIN },
    bufferPages: true,
    lang: lang === 'en' ? 'en' : 'zh-CN',
    displayTitle: true,
    info: {
      Title: `${e.centerName} ${words.title(e.period)}`,
      Author: e.centerName,
      Producer: 'joint-approval',
      CreationDate: e.generatedAt,
    },
  });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const ended = new Promise<void>((resolve, reject) => {
    doc.on('end', resolve);
    doc.on('error', reject);
  });
  doc.registerFont('regular', regular);
  doc.registerFont('bold', bold);
  const left = MARGIN;
  const width = doc.page.width - 2 * MARGIN;
  const bottom = () => doc.page.height - MARGIN - 12;

  doc.font('bold').fontSize(16).fillColor(RED).text(e.centerName, left, MARGIN, { width, align: 'center' });
  doc.font('bold').fontSize(14).fillColor('black').text(words.title(e.period), { width, align: 'center' });
  doc
    .font('regular')
    .fontSize(9)
    .fillColor(GRAY)
    .text(words.generatedAt(beijingTime(e.generatedAt)), {
      width,
      align: 'right',
    });

  for (const view of e.views) {
    doc.moveDown(0.6);
    if (doc.y + 60 > bottom()) doc.addPage();
    doc.font('bold').fontSize(11).fillColor('black').text(words[view.by], left, doc.y, { width });
    drawTable(doc, view.by, view.rows, e, lang, { left, width, bottom });
  }

  // The weights in force and the rule, as published.
  doc.moveDown(0.8);
  if (doc.y + 140 > bottom()) doc.addPage();
  const w = e.weights;
  doc.font('bold').fontSize(11).fillColor('black').text(words.weights, left, doc.y, { width });
  doc
    .font('regular')
    .fontSize(9)
    .fillColor(GRAY)
    .text(
      w.changedBy && w.changedAt
        ? `${words.version(w.version)} · ${words.published(w.changedBy.displayName, beijingTime(new Date(w.changedAt)))}`
        : words.defaults,
      { width },
    );
  doc.fillColor('black').fontSize(FONT_SIZE + 1);
  const lines = WEIGHT_FIELDS.map(
    (f) => `${lang === 'en' ? WEIGHT_LABELS[f].en : WEIGHT_LABELS[f].zh}：${w.weights[f]}`,
  );
  doc.text(lines.join('    '), left, doc.y + 4, { width, lineGap: 3 });
  doc.text(lang === 'en' ? w.rule.en : w.rule.zh, left, doc.y + 4, { width, lineGap: 3 });

  const range = doc.bufferedPageRange();
  for (let i = range.start; i < range.start + range.count; i++) {
    doc.switchToPage(i);
    const margin = doc.page.margins.bottom;
    doc.page.margins.bottom = 0;
    doc
      .font('regular')
      .fontSize(8)
      .fillColor(GRAY)
      .text(
        `${e.centerName} · ${words.title(e.period)} · ${words.page(i - range.start + 1, range.count)}`,
        left,
        doc.page.height - MARGIN,
        {
          width,
          align: 'center',
          lineBreak: false,
        },
      );
    doc.page.margins.bottom = margin;
  }
  doc.end();
  await ended;
  return Buffer.concat(chunks);
}

function drawTable(
  doc: PDFKit.PDFDocument,
  by: AssessmentView,
  rows: AssessmentRow[],
  e: AssessmentExport,
  lang: ExportLanguage,
  frame: { left: number; width: number; bottom: () => number },
): void {
  const columns = exportColumns(by, lang);
  // The name (and the staff member's department) get room; the figures share the rest.
  const wide = new Set([1, ...(by === 'staff' ? [2] : [])]);
  const wideWidth = 92;
  const narrow = (frame.width - wide.size * wideWidth) / (columns.length - wide.size);
  const widths = columns.map((_, i) => (wide.has(i) ? wideWidth : narrow));
  const xs = widths.map((_, i) => frame.left + widths.slice(0, i).reduce((a, b) => a + b, 0));

  const rowHeight = (cells: string[], font: 'regular' | 'bold') => {
    doc.font(font).fontSize(FONT_SIZE);
    return Math.max(...cells.map((c, i) => doc.heightOfString(c, { width: widths[i]! - 2 * PAD }))) + 2 * PAD;
  };
  const drawRow = (cells: string[], font: 'regular' | 'bold', fill?: string) => {
    const h = rowHeight(cells, font);
    if (doc.y + h > frame.bottom()) {
      doc.addPage();
      doc.y = MARGIN;
      if (font === 'regular') drawRow(headers, 'bold', '#f2f2f2');
    }
    const y = doc.y;
    if (fill) doc.rect(frame.left, y, frame.width, h).fill(fill);
    doc.lineWidth(0.5).strokeColor('#bbbbbb').rect(frame.left, y, frame.width, h).stroke();
    doc.font(font).fontSize(FONT_SIZE).fillColor('black');
    cells.forEach((c, i) => {
      doc.text(c, xs[i]! + PAD, y + PAD, {
        width: widths[i]! - 2 * PAD,
        align: i === 1 || (by === 'staff' && i === 2) ? 'left' : 'center',
      });
    });
    doc.x = frame.left;
    doc.y = y + h;
  };

  const headers = columns.map((c) => c.header);
  doc.y += 4;
  drawRow(headers, 'bold', '#f2f2f2');
  if (rows.length === 0) {
    drawRow(
      headers.map((_, i) => (i === 1 ? WORDS[lang].none : '')),
      'regular',
    );
    return;
  }
  for (const r of rows)
    drawRow(
      columns.map((c) => cellText(c.value(r, e.departmentNames), c.percent)),
      'regular',
    );
}

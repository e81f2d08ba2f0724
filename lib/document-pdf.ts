// Draws a document's layout (domain/documents.ts) as an A4 PDF: the center's name in red over a
// red rule (红头), the title, the document number, the body, then the center's name and the date
// with the seal area (盖章处) over them, and a footer with the case number and page numbers.
// Text is set in Noto Sans SC, embedded as a subset with its Unicode map, so a PDF reader can
// search and copy every character (pdftotext reads it back); the QR code is drawn as vector squares.
import fs from 'node:fs';
import PDFDocument from 'pdfkit';
import QRCode from 'qrcode';
import type { DocumentBlock, DocumentLayout } from '../domain/documents';

const FONT_FILES = {
  regular: '@expo-google-fonts/noto-sans-sc/400Regular/NotoSansSC_400Regular.ttf',
  bold: '@expo-google-fonts/noto-sans-sc/700Bold/NotoSansSC_700Bold.ttf',
} as const;

let fonts: { regular: Buffer; bold: Buffer } | undefined;
/** The font files, read once per process (about 10 MB each; only the glyphs used are embedded). */
export function loadFonts(): { regular: Buffer; bold: Buffer } {
  fonts ??= {
    regular: fs.readFileSync(require.resolve(FONT_FILES.regular)),
    bold: fs.readFileSync(require.resolve(FONT_FILES.bold)),
  };
  return fonts;
}

const RED = '#c00000';
const GRAY = '#555555';
const MARGIN = { top: 60, bottom: 72, left: 72, right: 72 };
const BODY_SIZE = 12;
const LINE_GAP = 5;
const QR_SIZE = 104;

export interface RenderOptions {
  /** The document's date, written into the PDF's metadata (the bytes do not depend on when they were drawn). */
  issuedAt: Date;
  /** Printed in the footer of every page. */
  caseNo: string;
}

export async function renderDocumentPdf(layout: DocumentLayout, options: RenderOptions): Promise<Buffer> {
  const { regular, bold } = loadFonts();
  const doc = new PDFDocument({
    size: 'A4',
    margins: MARGIN,
    bufferPages: true,
    lang: 'zh-CN',
    displayTitle: true,
    info: {
      Title: layout.title,
      Subject: layout.subject,
      Author: layout.centerName,
      Creator: layout.centerName,
      Producer: 'joint-approval',
      CreationDate: options.issuedAt,
      ModDate: options.issuedAt,
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

  const left = MARGIN.left;
  const width = doc.page.width - MARGIN.left - MARGIN.right;
  const bottom = () => doc.page.height - MARGIN.bottom;
  const ensureRoom = (height: number) => {
    if (doc.y + height > bottom()) doc.addPage();
  };

  // 红头: the center's name over a red rule, then the title and the number.
  doc.font('bold').fontSize(20).fillColor(RED).text(layout.centerName, left, MARGIN.top, { width, align: 'center' });
  const ruleY = doc.y + 6;
  doc
    .moveTo(left, ruleY)
    .lineTo(left + width, ruleY)
    .lineWidth(2)
    .strokeColor(RED)
    .stroke();
  doc.fillColor('black').font('bold').fontSize(22);
  doc.text(layout.title, left, ruleY + 18, { width, align: 'center', characterSpacing: 2 });
  doc.font('regular').fontSize(10.5).fillColor(GRAY);
  doc.text(`文书编号：${layout.documentNo}`, left, doc.y + 6, { width, align: 'right' });
  doc.fillColor('black').font('regular').fontSize(BODY_SIZE);
  doc.text(layout.addressee, left, doc.y + 14, { width, lineGap: LINE_GAP });
  doc.moveDown(0.4);

  for (const block of layout.blocks) drawBlock(doc, block, { left, width, ensureRoom });

  // The closing: the center's name and the date, right-aligned, with the seal area over them.
  const closingHeight = 128;
  ensureRoom(closingHeight);
  const top = doc.y + 14;
  const blockWidth = 220;
  const blockLeft = left + width - blockWidth;
  doc.font('regular').fontSize(BODY_SIZE).fillColor('black');
  doc.text(layout.centerName, blockLeft, top + 38, { width: blockWidth, align: 'center' });
  doc.text(layout.dateText, blockLeft, doc.y + 4, { width: blockWidth, align: 'center' });
  const sealX = blockLeft + blockWidth / 2;
  const sealY = top + 56;
  doc.save();
  doc.circle(sealX, sealY, 58).dash(4, { space: 3 }).lineWidth(1).strokeColor(RED).stroke();
  doc.restore();
  doc.font('regular').fontSize(9).fillColor(RED);
  doc.text('（盖章处）', sealX - 40, sealY - 42, { width: 80, align: 'center' });
  doc.fillColor('black');

  // Footers, once the number of pages is known.
  const range = doc.bufferedPageRange();
  for (let i = range.start; i < range.start + range.count; i++) {
    doc.switchToPage(i);
    const margin = doc.page.margins.bottom;
    doc.page.margins.bottom = 0; // writing inside the bottom margin must not open a new page
    doc.font('regular').fontSize(9).fillColor(GRAY);
    doc.text(
      `${layout.centerName} · 办件编号 ${options.caseNo} · 第 ${i - range.start + 1} 页 共 ${range.count} 页`,
      left,
      doc.page.height - 44,
      { width, align: 'center', lineBreak: false },
    );
    doc.page.margins.bottom = margin;
  }
  doc.end();
  await ended;
  return Buffer.concat(chunks);
}

interface Frame {
  left: number;
  width: number;
  ensureRoom: (height: number) => void;
}

function drawBlock(doc: PDFKit.PDFDocument, block: DocumentBlock, frame: Frame): void {
  const { left, width } = frame;
  doc.font('regular').fontSize(BODY_SIZE).fillColor('black');
  switch (block.type) {
    case 'paragraph': {
      // Justified like a printed notice, except a line holding an address (its gaps would stretch).
      const align = /https?:\/\//.test(block.text) ? 'left' : 'justify';
      doc.text(block.text, left, doc.y + 4, { width, indent: BODY_SIZE * 2, lineGap: LINE_GAP, align });
      return;
    }
    case 'list': {
      const numberWidth = 24;
      block.items.forEach((item, i) => {
        const text = item.trim();
        const h = doc.heightOfString(text, { width: width - numberWidth - 24, lineGap: LINE_GAP });
        frame.ensureRoom(h);
        const y = doc.y + 2;
        doc.text(`${i + 1}.`, left + 24, y, { width: numberWidth, lineGap: LINE_GAP });
        doc.text(text, left + 24 + numberWidth, y, { width: width - numberWidth - 24, lineGap: LINE_GAP });
      });
      doc.moveDown(0.3);
      return;
    }
    case 'fields': {
      const labelWidth = 124;
      const qrWidth = block.qr ? QR_SIZE + 16 : 0;
      const valueWidth = width - labelWidth - qrWidth;
      doc.moveDown(0.3);
      if (block.qr) frame.ensureRoom(QR_SIZE + 24);
      const top = doc.y;
      for (const [label, value] of block.rows) {
        doc.font('regular').fontSize(BODY_SIZE);
        const h = Math.max(
          doc.heightOfString(value, { width: valueWidth, lineGap: 3 }),
          doc.heightOfString(label, { width: labelWidth, lineGap: 3 }),
        );
        frame.ensureRoom(h);
        const y = doc.y;
        doc.fillColor(GRAY).text(`${label}：`, left, y, { width: labelWidth, lineGap: 3 });
        doc.fillColor('black').text(value, left + labelWidth, y, { width: valueWidth, lineGap: 3 });
        doc.y = y + h + 3;
      }
      if (block.qr) {
        const x = left + width - QR_SIZE;
        drawQr(doc, block.qr.url, x, top, QR_SIZE);
        doc.font('regular').fontSize(9).fillColor(GRAY);
        const after = doc.y;
        doc.text(block.qr.caption, x - 8, top + QR_SIZE + 4, { width: QR_SIZE + 16, align: 'center' });
        doc.y = Math.max(after, top + QR_SIZE + 20);
        doc.fillColor('black');
      }
      doc.moveDown(0.3);
      return;
    }
    case 'table': {
      const total = block.columns.reduce((s, c) => s + c.weight, 0);
      const widths = block.columns.map((c) => (width * c.weight) / total);
      const pad = 4;
      const size = 10.5;
      const row = (cells: string[], header: boolean) => {
        doc.font(header ? 'bold' : 'regular').fontSize(size);
        const h =
          Math.max(...cells.map((c, i) => doc.heightOfString(c, { width: widths[i]! - 2 * pad, lineGap: 2 }))) +
          2 * pad;
        frame.ensureRoom(h);
        const y = doc.y;
        let x = left;
        cells.forEach((c, i) => {
          if (header) doc.rect(x, y, widths[i]!, h).fillColor('#eeeeee').fill();
          doc.rect(x, y, widths[i]!, h).lineWidth(0.6).strokeColor('#777777').stroke();
          doc
            .fillColor('black')
            .text(c, x + pad, y + pad, { width: widths[i]! - 2 * pad, lineGap: 2, align: header ? 'center' : 'left' });
          x += widths[i]!;
        });
        doc.x = left;
        doc.y = y + h;
      };
      doc.moveDown(0.4);
      row(
        block.columns.map((c) => c.header),
        true,
      );
      for (const cells of block.rows) row(cells, false);
      doc.moveDown(0.6);
      return;
    }
  }
}

/** The QR code as filled squares (vector), black on the white page. */
function drawQr(doc: PDFKit.PDFDocument, url: string, x: number, y: number, size: number): void {
  const qr = QRCode.create(url, { errorCorrectionLevel: 'M' });
  const n = qr.modules.size;
  const cell = size / n;
  doc.save();
  for (let r = 0; r < n; r++) {
    for (let c = 0; c < n; c++) {
      if (qr.modules.get(r, c)) doc.rect(x + c * cell, y + r * cell, cell + 0.02, cell + 0.02);
    }
  }
  doc.fillColor('black').fill();
  doc.restore();
}

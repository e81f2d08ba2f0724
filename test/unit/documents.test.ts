// The documents' words (domain/documents.ts) and the PDF they are drawn into (lib/document-pdf.ts),
// read back with pdftotext as a PDF reader would.
import { DOCUMENT_SOURCE_EVENT_TYPES } from '../../db/migrations/2026_11_30_0042_special_procedure_notice';
import {
  composeDocument,
  DOCUMENT_SOURCE_EVENTS,
  documentKindsFor,
  yuanInWords,
  type DocumentFacts,
  type DocumentHeader,
} from '../../domain/documents';
import { renderDocumentPdf } from '../../lib/document-pdf';
import { pdfText, squash } from '../helpers/pdf';

const header: DocumentHeader = {
  centerName: '根河市政务服务中心',
  caseNo: 'GH-2026-000123',
  documentNo: 'GH-2026-000123-BZ-2',
  issuedAt: '2026-11-30T03:00:00Z',
  applicant: { name: '根河新能源有限公司', creditCode: '91150785MA0N2XY41M' },
  project: { name: '根河光伏电站项目', code: '2611-150785-04-01-123456' },
  supersedes: 'GH-2026-000123-BZ-1',
};

describe('document words', () => {
  it('when amounts are written in capitals, then they read as a receipt prints them', () => {
    expect(yuanInWords(50000)).toBe('伍佰元整');
    expect(yuanInWords(0)).toBe('零元整');
    expect(yuanInWords(1234567)).toBe('壹万贰仟叁佰肆拾伍元陆角柒分');
    expect(yuanInWords(1000500)).toBe('壹万零伍元整');
    expect(yuanInWords(10000000050)).toBe('壹亿元伍角整');
    expect(yuanInWords(10000100000)).toBe('壹亿零壹仟元整');
    expect(yuanInWords(1005)).toBe('壹拾元零伍分');
    expect(yuanInWords(5)).toBe('伍分');
  });

  it('when an event is logged, then the documents it issues follow the table (a fee notice only with a fee)', () => {
    expect(documentKindsFor('step_accepted', { feeAmountFen: 50000 })).toEqual(['acceptance_notice', 'fee_notice']);
    expect(documentKindsFor('step_deemed_accepted', { feeAmountFen: 0 })).toEqual(['acceptance_notice']);
    expect(documentKindsFor('step_refused_acceptance', null)).toEqual(['refusal_decision']);
    expect(documentKindsFor('step_light_yellow', null)).toEqual([]);
    // The outbox trigger (frozen in its migration) enqueues exactly the events that issue documents.
    expect([...DOCUMENT_SOURCE_EVENT_TYPES].sort()).toEqual([...DOCUMENT_SOURCE_EVENTS].sort());
    for (const type of DOCUMENT_SOURCE_EVENTS) expect(documentKindsFor(type, null).length).toBeGreaterThan(0);
  });

  it('when a correction notice is drawn, then a PDF reader finds every item, the clock rule and the number it replaces', async () => {
    const facts: DocumentFacts = {
      kind: 'correction_notice',
      matterName: '建设项目用地预审与选址意见书',
      departmentName: '自然资源局',
      items: ['勘测定界图', '项目选址论证报告（须加盖设计单位公章）'],
      reason: '材料不全',
      beforeAcceptance: false,
    };
    const pdf = await renderDocumentPdf(composeDocument(header, facts), {
      issuedAt: new Date(header.issuedAt),
      caseNo: header.caseNo,
    });
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    const text = await pdfText(pdf);
    for (const s of [
      '根河市政务服务中心',
      '补正通知书',
      'GH-2026-000123-BZ-2',
      '勘测定界图',
      '项目选址论证报告（须加盖设计单位公章）',
      '补正期间不计入承诺时限',
      '本文书替代编号为 GH-2026-000123-BZ-1 的文书',
      '2026年11月30日',
      '盖章处',
    ]) {
      expect(text).toContain(squash(s));
    }
  });

  it('when a special procedure notice is drawn, then it tells the applicant which procedure, why, how long, until when and who approved it', async () => {
    expect(documentKindsFor('special_procedure_started', null)).toEqual(['special_procedure_notice']);
    const facts: DocumentFacts = {
      kind: 'special_procedure_notice',
      matterName: '环境影响报告表审批',
      departmentName: '生态环境局',
      procedureName: '专家评审',
      reason: '项目涉及自然保护区缓冲区，需组织专家评审',
      approvedBy: '王局长',
      limitDays: 15,
      endsAt: '2026-12-21T15:59:59.999Z',
    };
    const layout = composeDocument({ ...header, documentNo: 'GH-2026-000123-TB-1', supersedes: null }, facts);
    expect(layout.title).toBe('特别程序告知书');
    const text = await pdfText(
      await renderDocumentPdf(layout, { issuedAt: new Date(header.issuedAt), caseNo: header.caseNo }),
    );
    for (const s of [
      '特别程序告知书',
      'GH-2026-000123-TB-1',
      '第四十五条',
      '专家评审',
      '项目涉及自然保护区缓冲区，需组织专家评审',
      '15个工作日',
      '至迟2026年12月21日结束',
      '王局长',
      '超出部分计入承诺时限',
    ]) {
      expect(text).toContain(squash(s));
    }
  });
});

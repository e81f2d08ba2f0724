import { creditCodeCheckChar } from '../../domain/credit-code';

/** A valid unified social credit code for an enterprise registered in Genhe (150785). */
export function creditCode(serial = '91150785MA0N2XY41'): string {
  return serial + creditCodeCheckChar(serial)!;
}

export function applicationBody(matters: string[], overrides: Record<string, unknown> = {}) {
  return {
    project: {
      name: '根河光伏电站项目',
      code: '2611-150785-04-01-123456',
      investmentWanYuan: 12000,
      location: '根河市好里堡街道',
      industry: '新能源',
    },
    investor: { name: '根河新能源有限公司', creditCode: creditCode(), contactName: '李明', phone: '13800000000' },
    matters,
    ...overrides,
  };
}

export const COMPLAINT_CONTENT = '窗口工作人员多次要求重复提交同一份材料，拖延两周未受理。';

/** A public efficiency complaint as the 我要投诉 page sends it (the phone as people type it). */
export const complaintBody = (overrides: Record<string, unknown> = {}) => ({
  category: 'repeated_requests',
  content: COMPLAINT_CONTENT,
  contactName: '王小红',
  phone: '139 1234-5678',
  ...overrides,
});

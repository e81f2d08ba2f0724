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

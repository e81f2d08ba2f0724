// The parts of Apache ECharts the UI draws with, registered once (echarts/core: only these are
// bundled). Loaded on demand by EChart.tsx, so pages without a chart (the public's, on phones) do
// not download it. A chart that needs another series type or component adds it here.
import { BarChart, LineChart, ScatterChart } from 'echarts/charts';
import { AriaComponent, GridComponent, LegendComponent, MarkLineComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
// SVG only (EChart.tsx draws every chart so): no canvas renderer in the bundle.
import { SVGRenderer } from 'echarts/renderers';

echarts.use([
  BarChart,
  LineChart,
  ScatterChart,
  AriaComponent,
  GridComponent,
  LegendComponent,
  MarkLineComponent,
  TooltipComponent,
  SVGRenderer,
]);

export { echarts };

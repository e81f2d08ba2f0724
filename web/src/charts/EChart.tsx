// A small React wrapper around Apache ECharts: one chart per element, drawn as SVG (crisp when
// printed, its text readable by tests and assistive technology), resized with its container,
// disposed with the component. Only the chart types and components the UI uses are registered,
// so the bundle carries no more of ECharts than that.
import { useEffect, useRef } from 'react';
import { BarChart, LineChart, type BarSeriesOption, type LineSeriesOption } from 'echarts/charts';
import {
  AriaComponent,
  GridComponent,
  LegendComponent,
  TooltipComponent,
  type AriaComponentOption,
  type GridComponentOption,
  type LegendComponentOption,
  type TooltipComponentOption,
} from 'echarts/components';
import { init, use, type ComposeOption, type EChartsType } from 'echarts/core';
import { SVGRenderer } from 'echarts/renderers';

use([LineChart, BarChart, GridComponent, TooltipComponent, LegendComponent, AriaComponent, SVGRenderer]);

export type EChartOption = ComposeOption<
  | LineSeriesOption
  | BarSeriesOption
  | GridComponentOption
  | TooltipComponentOption
  | LegendComponentOption
  | AriaComponentOption
>;

/** The colours of the UI's charts, the center's red first. */
export const CHART_COLORS = ['#9f1d20', '#1565c0', '#2e7d32', '#ef6c00', '#6a1b9a', '#00838f', '#5d4037', '#455a64'];

export function EChart(props: {
  option: EChartOption;
  /** What the chart shows, for screen readers (ECharts adds its own description of the data inside). */
  label: string;
  height?: number;
  /** ECharts' own words (tooltips, the accessible description): 'ZH' or 'EN'. */
  locale?: 'ZH' | 'EN';
  className?: string;
}) {
  const { option, label, height = 300, locale = 'ZH', className } = props;
  const element = useRef<HTMLDivElement>(null);
  const chart = useRef<EChartsType | null>(null);

  useEffect(() => {
    const el = element.current!;
    const c = init(el, undefined, { renderer: 'svg', locale });
    chart.current = c;
    // Marked once drawn, animations included (what a screenshot or a test waits for).
    c.on('finished', () => el.setAttribute('data-rendered', 'true'));
    const resize = new ResizeObserver(() => c.resize());
    resize.observe(el);
    return () => {
      resize.disconnect();
      c.dispose();
      chart.current = null;
    };
  }, [locale]);

  useEffect(() => {
    element.current?.removeAttribute('data-rendered');
    chart.current?.setOption({ color: CHART_COLORS, aria: { enabled: true }, ...option }, { notMerge: true });
  }, [option, locale]);

  return (
    <div className={['echart', className].filter(Boolean).join(' ')} role="group" aria-label={label}>
      <div ref={element} className="echart-canvas" style={{ height }} />
    </div>
  );
}

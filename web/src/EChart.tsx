// One chart of Apache ECharts as a React component: an option in, a chart out. The chart is created
// when the element mounts, given each new option, resized with its container and disposed when it
// unmounts; it follows the UI's language (ECharts' own words: ZH or EN). ECharts itself
// (echarts-setup.ts, where the registered chart types live) is loaded the first time a chart shows.
//
// The page's Content-Security-Policy allows no inline style attributes: give tooltips
// `renderMode: 'richText'` (drawn on the canvas), or a formatter that returns text without styled
// markup, so the default HTML tooltip's coloured markers are not refused by the browser.
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { EChartsOption } from 'echarts';
import type { ECharts } from 'echarts/core';

export type { EChartsOption };

let loading: Promise<typeof import('./echarts-setup')> | undefined;
const loadECharts = () => (loading ??= import('./echarts-setup'));

export interface EChartProps {
  option: EChartsOption;
  /** The chart's height (its width follows the container); CSS length or pixels. */
  height?: number | string;
  className?: string;
  /**
   * What the chart shows, for screen readers (a canvas has no text): the container is an image
   * with this name. Give the figures beside the chart as text too (a table or a list).
   */
  label: string;
  /** Replace the previous option instead of merging into it (the default: a new option is the whole chart). */
  notMerge?: boolean;
  /** ECharts events by name (`click`, `legendselectchanged` …); keep the object stable (useMemo). */
  onEvents?: Record<string, (params: unknown) => void>;
  /** Its data-chart attribute (tests find the chart by it). */
  testId?: string;
}

export function EChart({ option, height = 320, className, label, notMerge = true, onEvents, testId }: EChartProps) {
  const element = useRef<HTMLDivElement>(null);
  const [chart, setChart] = useState<ECharts | null>(null);
  const { i18n } = useTranslation();
  const locale = i18n.language === 'en' ? 'EN' : 'ZH';

  // Created per language (ECharts takes the locale at init), resized with its box, disposed on unmount.
  useEffect(() => {
    const el = element.current;
    if (!el) return;
    let instance: ECharts | undefined;
    let observer: ResizeObserver | undefined;
    let gone = false;
    void loadECharts().then(({ echarts }) => {
      if (gone) return;
      instance = echarts.init(el, undefined, { locale, renderer: 'canvas' });
      observer = new ResizeObserver(() => instance?.resize());
      observer.observe(el);
      setChart(instance);
    });
    return () => {
      gone = true;
      observer?.disconnect();
      instance?.dispose();
      setChart(null);
    };
  }, [locale]);

  useEffect(() => {
    chart?.setOption(option, { notMerge });
  }, [chart, option, notMerge]);

  useEffect(() => {
    if (!chart || !onEvents) return;
    for (const [name, handler] of Object.entries(onEvents)) chart.on(name, handler);
    return () => {
      if (chart.isDisposed()) return;
      for (const [name, handler] of Object.entries(onEvents)) chart.off(name, handler);
    };
  }, [chart, onEvents]);

  return (
    <div
      ref={element}
      className={['echart', className].filter(Boolean).join(' ')}
      role="img"
      aria-label={label}
      data-chart={testId}
      data-ready={chart ? 'true' : 'false'}
      style={{ height, width: '100%' }}
    />
  );
}

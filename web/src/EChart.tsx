// The UI's one wrapper of Apache ECharts: an option in, a chart out. The chart is created when the
// element mounts, given each new option, resized with its container and disposed when it unmounts;
// it follows the UI's language (ECharts' own words: ZH or EN, taken at init, so a new language makes
// a new chart). ECharts itself (echarts-setup.ts, where the chart types, components and the renderer
// are registered) is loaded the first time a chart shows, so the main bundle does not carry it.
//
// Drawn as SVG: crisp when printed, its text readable by tests, and set up through the DOM (CSSOM)
// only. The page's Content-Security-Policy allows no inline style attributes, so tooltips are
// drawn as rich text inside the chart (`renderMode: 'richText'`, the default here): the HTML
// tooltip's coloured markers are styled markup the browser refuses.
//
// Marks for tests and screenshots: `data-ready` on the outer element once the chart exists,
// `data-rendered` on the chart's element (`.echart-canvas`) once ECharts reports it `finished`
// (animations included), cleared while a new option is drawn.
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { EChartsOption } from 'echarts';
import type { ECharts } from 'echarts/core';

export type { EChartsOption };

let loading: Promise<typeof import('./echarts-setup')> | undefined;
const loadECharts = () => (loading ??= import('./echarts-setup'));

/** The colours of the UI's charts, the center's red first (a chart's own `color` wins). */
export const CHART_COLORS = ['#9f1d20', '#1565c0', '#2e7d32', '#ef6c00', '#6a1b9a', '#00838f', '#5d4037', '#455a64'];

/** What every chart gets unless its option says otherwise: the colours, ECharts' aria description, rich-text tooltips. */
function withDefaults(option: EChartsOption): EChartsOption {
  const { tooltip } = option;
  return {
    color: CHART_COLORS,
    aria: { enabled: true },
    ...option,
    ...(tooltip && !Array.isArray(tooltip) ? { tooltip: { renderMode: 'richText', ...tooltip } } : {}),
  };
}

export interface EChartProps {
  option: EChartsOption;
  /**
   * What the chart shows, for screen readers: the name of the group around it (ECharts adds its
   * own description of the data inside). Give the figures beside the chart as text too.
   */
  label: string;
  /** The chart's height (its width follows the container); CSS length or pixels. */
  height?: number | string;
  className?: string;
  /** Replace the previous option instead of merging into it (the default: a new option is the whole chart). */
  notMerge?: boolean;
  /** ECharts events by name (`click`, `legendselectchanged` …); keep the object stable (useMemo). */
  onEvents?: Record<string, (params: unknown) => void>;
  /** Its data-chart attribute (tests find the chart by it). */
  testId?: string;
}

export function EChart({ option, label, height = 300, className, notMerge = true, onEvents, testId }: EChartProps) {
  const element = useRef<HTMLDivElement>(null);
  const [chart, setChart] = useState<ECharts | null>(null);
  const [rendered, setRendered] = useState(false);
  const { i18n } = useTranslation();
  const locale = i18n.language === 'en' ? 'EN' : 'ZH';

  // Created per language, resized with its box, disposed on unmount.
  useEffect(() => {
    const el = element.current;
    if (!el) return;
    let instance: ECharts | undefined;
    let observer: ResizeObserver | undefined;
    let gone = false;
    void loadECharts().then(({ echarts }) => {
      if (gone) return;
      instance = echarts.init(el, undefined, { locale, renderer: 'svg' });
      instance.on('finished', () => setRendered(true));
      observer = new ResizeObserver(() => instance?.resize());
      observer.observe(el);
      setChart(instance);
    });
    return () => {
      gone = true;
      observer?.disconnect();
      instance?.dispose();
      setChart(null);
      setRendered(false);
    };
  }, [locale]);

  useEffect(() => {
    if (!chart) return;
    setRendered(false);
    chart.setOption(withDefaults(option), { notMerge });
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
      className={['echart', className].filter(Boolean).join(' ')}
      role="group"
      aria-label={label}
      aria-busy={!rendered}
      data-chart={testId}
      data-ready={chart ? 'true' : 'false'}
    >
      <div ref={element} className="echart-canvas" data-rendered={rendered ? 'true' : undefined} style={{ height }} />
    </div>
  );
}

// The assessment's charts, drawn with the UI's ECharts wrapper (EChart.tsx): the on-time rate per
// department over the months (a line each; the statistics page shows it too) and a ranking by
// score (bars, best on top).
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { EChart, type EChartsOption } from './EChart';

const percent = (v: number | null | undefined) => (v === null || v === undefined ? '—' : `${Math.round(v)}%`);

/** One line per department: its on-time rate in each month (no point in a month without decisions). */
export function OnTimeLineChart(props: {
  months: string[];
  rows: Array<{ month: string; departmentCode: string; onTimeRate: number | null }>;
  departmentName: (code: string) => string;
  height?: number;
}) {
  const { t } = useTranslation();
  const { months, rows, departmentName, height } = props;
  const departments = [...new Set(rows.map((r) => r.departmentCode))].sort();
  // Names are compared as text: the caller's lookup function is a new one at each render.
  const names = departments.map(departmentName);
  const namesKey = names.join('\n');
  const option = useMemo<EChartsOption>(() => {
    return {
      tooltip: { trigger: 'axis', valueFormatter: (v) => percent(v as number | null) },
      legend: { top: 0, type: 'scroll' },
      grid: { left: 48, right: 24, top: 40, bottom: 32 },
      xAxis: { type: 'category', data: months, boundaryGap: false },
      yAxis: { type: 'value', min: 0, max: 100, axisLabel: { formatter: '{value}%' } },
      series: departments.map((d, i) => ({
        type: 'line',
        name: names[i],
        symbol: 'circle',
        symbolSize: 7,
        connectNulls: false,
        data: months.map((m) => {
          const r = rows.find((x) => x.month === m && x.departmentCode === d);
          return r && r.onTimeRate !== null ? Math.round(r.onTimeRate * 1000) / 10 : null;
        }),
      })),
    };
  }, [months, rows, namesKey]);
  if (months.length === 0 || rows.length === 0) return <p className="empty">{t('assessment.noTrend')}</p>;
  return <EChart option={option} label={t('assessment.onTimeByMonth')} height={height} className="chart-on-time" />;
}

/** The ranking: one bar per scored row, the best on top. */
export function RankingBarChart(props: { rows: Array<{ name: string; score: number | null }>; height?: number }) {
  const { t } = useTranslation();
  const scored = props.rows.filter((r) => r.score !== null);
  const key = JSON.stringify(scored.map((r) => [r.name, r.score]));
  const option = useMemo<EChartsOption>(() => {
    // ECharts draws a category axis bottom-up: the best last, so it stands on top.
    const ordered = [...scored].reverse();
    return {
      tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
      grid: { left: 8, right: 48, top: 8, bottom: 24, containLabel: true },
      xAxis: { type: 'value', min: 0, max: 100 },
      yAxis: { type: 'category', data: ordered.map((r) => r.name), axisLabel: { width: 160, overflow: 'truncate' } },
      series: [
        {
          type: 'bar',
          name: t('assessment.columns.score'),
          data: ordered.map((r) => r.score),
          label: { show: true, position: 'right' },
          barMaxWidth: 22,
        },
      ],
    };
  }, [key, t]);
  if (scored.length === 0) return <p className="empty">{t('assessment.noScores')}</p>;
  return (
    <EChart
      option={option}
      label={t('assessment.ranking')}
      height={props.height ?? Math.max(160, 34 * scored.length + 40)}
      className="chart-ranking"
    />
  );
}

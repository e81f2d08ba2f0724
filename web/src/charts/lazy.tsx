// The charts, loaded when a page first shows one: ECharts is about as large as the rest of the UI,
// and most pages (the public's, the windows') never draw a chart.
import { lazy, Suspense, type ComponentProps } from 'react';
import { useTranslation } from 'react-i18next';
import type { OnTimeLineChart as OnTimeLine, RankingBarChart as RankingBar } from './charts';

const charts = () => import('./charts');
const LazyOnTime = lazy(() => charts().then((m) => ({ default: m.OnTimeLineChart })));
const LazyRanking = lazy(() => charts().then((m) => ({ default: m.RankingBarChart })));

function Loading() {
  const { t } = useTranslation();
  return (
    <p className="loading" aria-busy="true">
      {t('more.loading')}
    </p>
  );
}

export function OnTimeLineChart(props: ComponentProps<typeof OnTimeLine>) {
  return (
    <Suspense fallback={<Loading />}>
      <LazyOnTime {...props} />
    </Suspense>
  );
}

export function RankingBarChart(props: ComponentProps<typeof RankingBar>) {
  return (
    <Suspense fallback={<Loading />}>
      <LazyRanking {...props} />
    </Suspense>
  );
}

import { useEffect, useRef } from 'react';
import * as echarts from 'echarts/core';
import { BarChart, LineChart } from 'echarts/charts';
import { DatasetComponent, GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';
import type { SeriesPoint } from '../api/types';

// Only what the dashboard draws, so the chart chunk stays small.
echarts.use([LineChart, BarChart, GridComponent, TooltipComponent, LegendComponent, DatasetComponent, CanvasRenderer]);

export type ChartOption = echarts.EChartsCoreOption;

/** An ECharts canvas that follows its option and its box size. `summary` is what a screen reader hears. */
export function Chart({ option, summary, height = 260, testId }: { option: ChartOption; summary: string; height?: number; testId?: string }) {
  const el = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts | null>(null);
  useEffect(() => {
    const c = echarts.init(el.current!, undefined, { renderer: 'canvas' });
    chart.current = c;
    const ro = new ResizeObserver(() => c.resize());
    ro.observe(el.current!);
    return () => {
      ro.disconnect();
      c.dispose();
      chart.current = null;
    };
  }, []);
  useEffect(() => {
    chart.current?.setOption(option, { notMerge: true });
    el.current?.setAttribute('data-rendered', 'true');
  }, [option]);
  return <div ref={el} className="chart" style={{ height }} role="img" aria-label={summary} data-testid={testId} />;
}

const PALETTE = ['#2563eb', '#16a34a', '#d97706', '#dc2626', '#7c3aed', '#0891b2', '#db2777', '#65a30d', '#ea580c', '#475569'];
export const SEVERITY_COLORS: Record<string, string> = { critical: '#7f1d1d', high: '#dc2626', medium: '#d97706', low: '#2563eb', info: '#64748b' };

/** Series points (time, key, count) as a stacked time chart: one series per key, the top keys first. */
export function timeSeriesOption(points: SeriesPoint[], o: { kind: 'line' | 'bar'; maxKeys?: number; colors?: Record<string, string> }): ChartOption {
  const totals = new Map<string, number>();
  for (const p of points) totals.set(p.key, (totals.get(p.key) ?? 0) + p.count);
  const keys = [...totals.entries()].sort((a, b) => b[1] - a[1]).map(([k]) => k);
  const max = o.maxKeys ?? 8;
  const shown = new Set(keys.slice(0, max));
  const other = keys.length > max ? 'other' : null;
  const times = [...new Set(points.map((p) => p.time))].sort();
  const index = new Map(times.map((t, i) => [t, i]));
  const series = new Map<string, number[]>();
  for (const k of [...shown, ...(other ? [other] : [])]) series.set(k, new Array<number>(times.length).fill(0));
  for (const p of points) {
    const k = shown.has(p.key) ? p.key : other!;
    series.get(k)![index.get(p.time)!]! += p.count;
  }
  return {
    color: PALETTE,
    animation: false,
    tooltip: { trigger: 'axis', confine: true },
    legend: { type: 'scroll', top: 0 },
    grid: { left: 50, right: 16, top: 36, bottom: 28 },
    xAxis: { type: 'time' },
    yAxis: { type: 'value', minInterval: 1 },
    series: [...series.entries()].map(([name, data]) => ({
      name: name === '' ? '(none)' : name, type: o.kind, stack: 'total', showSymbol: false, areaStyle: o.kind === 'line' ? { opacity: 0.25 } : undefined,
      ...(o.colors?.[name] ? { itemStyle: { color: o.colors[name] } } : {}),
      data: data.map((v, i) => [times[i], v]),
    })),
  };
}

/** Top-N as horizontal bars, largest on top. */
export function barOption(items: Array<{ key: string; count: number }>): ChartOption {
  const rows = [...items].reverse();
  return {
    color: PALETTE,
    animation: false,
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' }, confine: true },
    grid: { left: 8, right: 24, top: 8, bottom: 8, containLabel: true },
    xAxis: { type: 'value', minInterval: 1, splitNumber: 3, axisLabel: { hideOverlap: true } },
    yAxis: { type: 'category', data: rows.map((r) => (r.key.length > 40 ? `${r.key.slice(0, 40)}…` : r.key || '(none)')) },
    series: [{ type: 'bar', data: rows.map((r) => r.count) }],
  };
}

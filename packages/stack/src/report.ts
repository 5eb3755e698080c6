import type { ComponentDown, ComponentStatus, UpResult } from './stack.js';

/** Human-readable lines for the CLI; the structured results are the API. */
export function formatUp(r: UpResult): string {
  const lines = r.components.map((c) => {
    const how = c.action === 'started' ? `started in ${(c.ms / 1000).toFixed(1)} s` : 'already running';
    return `${c.name.padEnd(9)} pid ${String(c.pid).padEnd(8)} ${how}\n          ${c.endpoint}\n          logs: ${c.logFiles.join(', ')}`;
  });
  return [...lines, `data dir  ${r.dataDir}`, `jar cache ${r.cacheDir}`].join('\n');
}

export function formatDown(r: ComponentDown[]): string {
  return r.map((c) => `${c.name.padEnd(9)} ${c.pid === undefined ? '' : `pid ${c.pid} `}${c.outcome}`).join('\n');
}

export function formatStatus(r: ComponentStatus[]): string {
  return r.map((c) => {
    if (c.state === 'stopped') return `${c.name.padEnd(9)} stopped`;
    if (c.state === 'stale pid file') return `${c.name.padEnd(9)} stale pid file (pid ${c.pid} is not running)`;
    return `${c.name.padEnd(9)} running, pid ${c.pid}${c.answering ? '' : ' (not answering yet)'}\n          ${c.endpoint}\n          logs: ${c.logFiles.join(', ')}`;
  }).join('\n');
}

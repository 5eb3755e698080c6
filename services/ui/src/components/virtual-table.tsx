import { useEffect, useRef, useState, type KeyboardEvent, type ReactNode } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';

export interface Column<R> {
  id: string;
  header: string;
  width: string;
  cell: (r: R) => ReactNode;
}

/**
 * A table that renders only the rows in view, so 100k rows scroll smoothly. Keyboard: the body
 * is one focusable grid; arrows, Page Up/Down, Home/End move the active row, Enter opens it.
 * `onNearEnd` asks for the next page before the user reaches the bottom.
 */
export function VirtualTable<R>({ rows, columns, rowKey, onOpen, onNearEnd, label, rowHeight = 34, activeKey }: {
  rows: R[]; columns: Column<R>[]; rowKey: (r: R) => string; onOpen: (r: R) => void; onNearEnd?: () => void; label: string; rowHeight?: number; activeKey?: string | null;
}) {
  const scroller = useRef<HTMLDivElement>(null);
  const [active, setActive] = useState(0);
  const v = useVirtualizer({ count: rows.length, getScrollElement: () => scroller.current, estimateSize: () => rowHeight, overscan: 12 });
  const items = v.getVirtualItems();
  const last = items[items.length - 1]?.index ?? 0;
  useEffect(() => {
    if (onNearEnd && rows.length > 0 && last >= rows.length - 40) onNearEnd();
  }, [last, rows.length, onNearEnd]);
  const template = columns.map((c) => c.width).join(' ');
  const move = (i: number) => {
    const n = Math.max(0, Math.min(rows.length - 1, i));
    setActive(n);
    v.scrollToIndex(n, { align: 'auto' });
  };
  const key = (e: KeyboardEvent) => {
    const page = Math.max(1, Math.floor((scroller.current?.clientHeight ?? 400) / rowHeight) - 1);
    const to: Record<string, number> = { ArrowDown: active + 1, ArrowUp: active - 1, PageDown: active + page, PageUp: active - page, Home: 0, End: rows.length - 1 };
    if (e.key in to) {
      e.preventDefault();
      move(to[e.key]!);
    } else if (e.key === 'Enter' && rows[active]) {
      e.preventDefault();
      onOpen(rows[active]!);
    }
  };
  const activeId = rows[active] ? `row-${rowKey(rows[active]!)}` : undefined;
  return (
    // The grid itself takes focus and names the active row (aria-activedescendant), so a screen
    // reader follows the arrow keys while only the rows in view exist.
    <div className="vtable" role="grid" aria-label={label} aria-rowcount={rows.length + 1} aria-colcount={columns.length}
      tabIndex={0} onKeyDown={key} aria-activedescendant={activeId}>
      <div className="vrow vhead" role="row" aria-rowindex={1} style={{ gridTemplateColumns: template }}>
        {columns.map((c) => <div key={c.id} role="columnheader" className="vcell">{c.header}</div>)}
      </div>
      <div className="vbody" ref={scroller} role="rowgroup" data-testid="vtable-body">
        <div style={{ height: v.getTotalSize(), position: 'relative' }}>
          {items.map((it) => {
            const r = rows[it.index]!;
            const k = rowKey(r);
            return (
              <div key={k} id={`row-${k}`} role="row" aria-rowindex={it.index + 2} aria-selected={it.index === active || activeKey === k}
                className={`vrow${it.index === active ? ' active' : ''}${activeKey === k ? ' open' : ''}`}
                style={{ gridTemplateColumns: template, height: rowHeight, transform: `translateY(${it.start}px)` }}
                onClick={() => {
                  setActive(it.index);
                  onOpen(r);
                }}>
                {columns.map((c) => <div key={c.id} role="gridcell" className="vcell">{c.cell(r)}</div>)}
              </div>
            );
          })}
        </div>
      </div>
    </div>
  );
}

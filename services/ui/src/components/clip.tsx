import { useState } from 'react';

/**
 * A value that may be huge (a 10 kB argv, a 4 kB path): shown cut to `max` characters with a
 * control to show it all in a bounded, scrollable box, wrapped anywhere so it never widens the page.
 */
export function Clip({ text, max = 200, label = 'value' }: { text: string; max?: number; label?: string }) {
  const [open, setOpen] = useState(false);
  if (text.length <= max) return <span className="clip-text">{text}</span>;
  return (
    <span className="clip">
      <span className={open ? 'clip-text clip-open' : 'clip-text'}>{open ? text : `${text.slice(0, max)}…`}</span>{' '}
      <button type="button" className="link" aria-expanded={open} onClick={() => setOpen(!open)}>
        {open ? 'show less' : `show all ${text.length.toLocaleString('en-US')} characters of the ${label}`}
      </button>
    </span>
  );
}

/** One line in a table cell: cut by CSS, full value on hover and for screen readers. */
export function Cell({ text }: { text: string }) {
  const shown = text.length > 300 ? `${text.slice(0, 300)}…` : text;
  return <span className="cell-text" title={text.length > 2000 ? `${text.slice(0, 2000)}…` : text}>{shown}</span>;
}

export const argv = (args: string[] | undefined) => (args ?? []).join(' ');

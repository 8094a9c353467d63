/** Small formatting helpers for rows; local wall-clock time, like kubectl's AGE is relative. */
export function clock(iso: string | undefined): string {
  return iso ? new Date(iso).toTimeString().slice(0, 8) : '-';
}

export function duration(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  const two = (n: number) => String(n).padStart(2, '0');
  return h ? `${h}h${two(m)}m${two(sec)}s` : m ? `${m}m${two(sec)}s` : `${sec}s`;
}

/** `YYYY-MM-DD HH:MM` on the local clock: when a result was taken, to the minute. */
export function localMinute(iso: string): string {
  const d = new Date(iso);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())} ${two(d.getHours())}:${two(d.getMinutes())}`;
}

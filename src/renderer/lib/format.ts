/**
 * Formatting of the numbers a trace viewer shows: durations from integer microseconds,
 * counts, tokens, costs and local timestamps. Pure, so every view formats the same way.
 */

const COUNT_FORMAT = new Intl.NumberFormat('en-US');

/** Three significant digits, without trailing zeros beyond what the magnitude needs ("1.23", "12.3", "340"). */
function formatSignificant(value: number): string {
  if (value >= 99.95) return String(Math.round(value));
  if (value >= 9.995) return value.toFixed(1);
  return value.toFixed(2);
}

/** A duration in µs for humans: "12 µs", "1.23 ms", "340 ms", "1.23 s", "2m 05s", "1h 02m". */
export function formatDurationUs(durationUs: number | null | undefined): string {
  if (durationUs === null || durationUs === undefined || !Number.isFinite(durationUs)) return '—';
  const sign = durationUs < 0 ? '-' : '';
  const us = Math.abs(durationUs);
  if (us < 1000) return `${sign}${Math.round(us)} µs`;
  // Below 999.5 ms; 999.6 ms would print as "1000 ms", so it becomes "1.00 s".
  if (us < 999_500) return `${sign}${formatSignificant(us / 1000)} ms`;
  const s = us / 1_000_000;
  if (s < 59.95) return `${sign}${formatSignificant(s)} s`;
  const totalSeconds = Math.round(s);
  if (totalSeconds < 3600) {
    const m = Math.floor(totalSeconds / 60);
    return `${sign}${m}m ${String(totalSeconds % 60).padStart(2, '0')}s`;
  }
  const totalMinutes = Math.round(totalSeconds / 60);
  const h = Math.floor(totalMinutes / 60);
  return `${sign}${h}h ${String(totalMinutes % 60).padStart(2, '0')}m`;
}

/** An integer count with thousands separators: 1234 -> "1,234". */
export function formatCount(count: number): string {
  return COUNT_FORMAT.format(count);
}

/** "1 span" / "1,234 spans". */
export function formatCountOf(count: number, singular: string, plural = `${singular}s`): string {
  return `${formatCount(count)} ${count === 1 ? singular : plural}`;
}

/** A token count, compact: 950 -> "950", 12_345 -> "12.3k", 2_500_000 -> "2.50M". */
export function formatTokens(tokens: number | null | undefined): string {
  if (tokens === null || tokens === undefined || !Number.isFinite(tokens)) return '—';
  if (tokens < 1000) return String(Math.round(tokens));
  if (tokens < 999_500) return `${formatSignificant(tokens / 1000)}k`;
  return `${formatSignificant(tokens / 1_000_000)}M`;
}

/** Input and output tokens as "in / out", or "—" when both are zero or unknown. */
export function formatTokenPair(inputTokens: number | null, outputTokens: number | null): string {
  if (!inputTokens && !outputTokens) return '—';
  return `${formatTokens(inputTokens ?? 0)} / ${formatTokens(outputTokens ?? 0)}`;
}

/** A cost in US dollars: cents for ≥ $1, up to 4 significant decimals below, "—" for zero/unknown. */
export function formatCostUsd(costUsd: number | null | undefined): string {
  if (costUsd === null || costUsd === undefined || !Number.isFinite(costUsd) || costUsd === 0) return '—';
  if (costUsd >= 1) return `$${costUsd.toFixed(2)}`;
  if (costUsd >= 0.01) return `$${costUsd.toFixed(3)}`;
  if (costUsd >= 0.0001) return `$${costUsd.toFixed(4)}`;
  return '<$0.0001';
}

/** A timestamp in µs since the epoch as local "YYYY-MM-DD HH:mm:ss". */
export function formatDateTimeUs(timeUs: number | null | undefined): string {
  if (timeUs === null || timeUs === undefined || !Number.isFinite(timeUs)) return '—';
  const d = new Date(Math.floor(timeUs / 1000));
  const pad = (n: number) => String(n).padStart(2, '0');
  return (
    `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ` +
    `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`
  );
}

/** A time relative to a reference, with an explicit sign: "+12.0 ms". */
export function formatOffsetUs(offsetUs: number): string {
  return `${offsetUs < 0 ? '' : '+'}${formatDurationUs(offsetUs)}`;
}

/** A byte size: 512 -> "512 B", 1536 -> "1.50 KB", 3_000_000 -> "2.86 MB". */
export function formatBytes(sizeBytes: number): string {
  if (sizeBytes < 1024) return `${sizeBytes} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let value = sizeBytes / 1024;
  let unit = 0;
  while (value >= 999.5 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${formatSignificant(value)} ${units[unit]}`;
}

/** Share of a whole in [0, 1], robust to an unknown (0) whole. */
export function computeFraction(part: number, whole: number): number {
  if (!(whole > 0)) return 0;
  return Math.min(1, Math.max(0, part / whole));
}

/** A timestamp in µs as local "YYYY-MM-DD HH:mm:ss.SSS", for span detail. */
export function formatPreciseDateTimeUs(timeUs: number | null | undefined): string {
  if (timeUs === null || timeUs === undefined || !Number.isFinite(timeUs)) return '—';
  const ms = Math.floor(timeUs / 1000) % 1000;
  return `${formatDateTimeUs(timeUs)}.${String((ms + 1000) % 1000).padStart(3, '0')}`;
}

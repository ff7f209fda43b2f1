/** Tick labels along a horizontal axis; positions are fractions of the axis width. */
export interface AxisTick {
  fraction: number;
  label: string;
}

export function TimeAxis({ ticks, label }: { ticks: readonly AxisTick[]; label: string }) {
  return (
    <div className="time-axis" role="presentation" aria-label={label}>
      {ticks.map((tick) => (
        <span
          key={tick.fraction}
          className={`time-axis__tick${tick.fraction > 0.97 ? ' time-axis__tick--end' : ''}`}
          style={{ left: `${tick.fraction * 100}%` }}
        >
          {tick.label}
        </span>
      ))}
    </div>
  );
}

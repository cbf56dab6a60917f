/** Formatters are costly to build (a report asks several times): one per zone. */
const formats = new Map<string, Intl.DateTimeFormat>();

/** The month ('YYYY-MM') it is now in the consortium's time zone. */
export function currentMonth(timeZone: string, now: Date): string {
  let format = formats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit' });
    formats.set(timeZone, format);
  }
  const parts = format.formatToParts(now);
  const get = (t: string) => parts.find((p) => p.type === t)!.value;
  return `${get('year')}-${get('month')}`;
}

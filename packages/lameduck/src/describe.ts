/** Renders a received value for an error message: its JSON form and, where unclear, its type. */
export function describe(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (typeof value === 'function') return `a function (${value.name || 'anonymous'})`;
  if (typeof value === 'bigint') return `${value}n (bigint)`;
  if (typeof value === 'number' && !Number.isFinite(value)) return `${value} (number)`;
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  if (text.length > 80) text = `${text.slice(0, 77)}...`;
  return typeof value === 'object' && value !== null
    ? `${text} (${Array.isArray(value) ? 'array' : 'object'})`
    : `${text} (${typeof value})`;
}

/** Formats the configuration schema uses beyond JSON Schema's own (precompiled validators import them). */

/** YYYY-MM-DD naming a day that exists (no 2026-02-30). */
export function date(text: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return false;
  const parsed = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(parsed.getTime()) && parsed.toISOString().startsWith(text);
}

/**
 * The demo sources shipped in resources/demo/ (written by `npm run demo`), opened when the
 * app starts with nothing else: OTel console traces of a support agent with kitelogik policy
 * gates, a collector OTLP export, and a kavalai run database.
 */
export const DEMO_FILE_NAMES = ['agent-traces.jsonl', 'collector-export.jsonl', 'kavalai.db'] as const;

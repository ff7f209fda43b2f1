/**
 * The demo run database: a Kaval.AI (`kavalai`) store as `SqliteDataStorage("kavalai.db")`
 * writes it (FORMATS.md §5.5), for a "Support desk" agent. Deterministic: a seeded PRNG and
 * fixed timestamps, so the rows are the same on every run (the file's bytes may differ with
 * the SQLite version).
 *
 * Each session is one customer's conversation over 1–4 runs; a run is start → classify (an
 * LLM task and its model call) → lookup (a function, or a tool call under the reply agent) →
 * reply (an agent task with one or two model calls) → end, with the chat messages that
 * framed it. One run is rate limited (failed, no output) and the newest one is still running.
 */
import Database from 'better-sqlite3';
import { rmSync } from 'node:fs';
import { createKavalaiSchema, CURRENT_SCHEMA, insertRow, pyJson, uuidHex } from '../../test/fixtures/stores/kavalai-db/kavalai-ddl';

/** A small deterministic PRNG (mulberry32). */
function makeRandom(seed: number): { int: (min: number, max: number) => number; pick: <T>(items: readonly T[]) => T } {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { int: (min, max) => min + Math.floor(next() * (max - min + 1)), pick: (items) => items[Math.floor(next() * items.length)] };
}

const QUESTIONS: { text: string; category: string; tool: string; args: Record<string, unknown>; result: unknown; answer: string }[] = [
  { text: 'Where is my order #4417?', category: 'orders', tool: 'order_status', args: { order: '4417' }, result: { status: 'shipped', eta: '2026-09-16' }, answer: 'Order #4417 has shipped and should arrive on September 16.' },
  { text: 'Can I return shoes I wore once?', category: 'returns', tool: 'policy_search', args: { query: 'worn shoes return' }, result: { policy: 'Unworn items within 30 days' }, answer: 'Returns are for unworn items within 30 days, so worn shoes cannot be returned.' },
  { text: 'Do you ship to Norway?', category: 'shipping', tool: 'shipping_zones', args: { country: 'NO' }, result: { ships: true, days: '5-8' }, answer: 'Yes, we ship to Norway; delivery takes 5 to 8 working days.' },
  { text: 'I was charged twice for order #5120.', category: 'billing', tool: 'payments_lookup', args: { order: '5120' }, result: { charges: 2, refundable: 1 }, answer: 'I found the duplicate charge on #5120 and started a refund; it takes 3 to 5 days.' },
  { text: 'What is your phone number?', category: 'other', tool: 'contact_info', args: {}, result: { phone: '+44 20 7946 0000' }, answer: 'You can call us on +44 20 7946 0000, 9:00 to 17:00 on weekdays.' },
  { text: 'Change the delivery address for #6001 please.', category: 'orders', tool: 'order_update', args: { order: '6001', field: 'address' }, result: { updated: false, reason: 'already dispatched' }, answer: 'Order #6001 has already been dispatched, so its address can no longer be changed.' },
];

const MODELS = { classify: 'openai/gpt-5.4-mini', reply: 'anthropic/claude-sonnet-4-5' };

export interface RunDatabaseDemo {
  sessions: number;
  runs: number;
  tasks: number;
  modelCalls: number;
}

/** Writes the demo store to `path` (replacing it) and says what it holds. */
export function buildRunDatabaseDemo(path: string, seed = 20260914): RunDatabaseDemo {
  for (const suffix of ['', '-wal', '-shm', '-journal']) rmSync(`${path}${suffix}`, { force: true });
  const random = makeRandom(seed);
  const db = new Database(path);
  createKavalaiSchema(db, CURRENT_SCHEMA);
  const counts = { sessions: 0, runs: 0, tasks: 0, modelCalls: 0 };
  const agent = uuidHex('a9e47', 1);
  const base = Date.UTC(2026, 8, 14, 9, 0, 0);
  const at = (ms: number) => new Date(base + ms).toISOString().replace('T', ' ').replace('Z', '000');
  const row = (table: string, fields: Record<string, unknown>) => insertRow(db, table, { ...fields, updated_at: fields.updated_at ?? fields.created_at });

  db.transaction(() => {
    row('agents', {
      id: agent,
      name: 'Support desk',
      description: 'Answers customer questions about orders, returns, shipping and billing',
      input_schema: pyJson({ type: 'object', properties: { text: { type: 'string' } } }),
      output_schema: pyJson({ type: 'object', properties: { agent_response: { type: 'string' } } }),
      workflow: pyJson({ name: 'Support desk', start: 'classify' }),
      created_at: at(0),
    });
    let clockMs = 60_000;
    const sessionCount = 12;
    for (let s = 1; s <= sessionCount; s++) {
      const session = uuidHex('5e55', s);
      const runCount = random.int(1, 4);
      const sessionStart = clockMs;
      row('sessions', { id: session, agent_id: agent, external_id: `customer-${100 + s}`, created_at: at(sessionStart) });
      counts.sessions++;
      for (let r = 1; r <= runCount; r++) {
        const isRateLimited = s === 4 && r === 2;
        const isRunning = s === sessionCount && r === runCount;
        const run = uuidHex('bead', s * 10 + r);
        const question = random.pick(QUESTIONS);
        const ids = { task: 0, call: 0, chat: 0 };
        const task = (fields: Record<string, unknown>) => {
          counts.tasks++;
          row('tasks', { id: uuidHex('7a5c', (s * 10 + r) * 100 + ++ids.task), agent_id: agent, session_id: session, run_id: run, ...fields });
        };
        const call = (fields: Record<string, unknown>) => {
          counts.modelCalls++;
          row('model_call_stats', { id: uuidHex('ca11', (s * 10 + r) * 100 + ++ids.call), agent_id: agent, session_id: session, run_id: run, call_type: 'llm', ...fields });
        };
        const chat = (role: string, content: string, atMs: number) =>
          row('chat_messages', { id: uuidHex('c4a7', (s * 10 + r) * 100 + ++ids.chat), agent_id: agent, session_id: session, run_id: run, role, content, created_at: at(atMs) });

        const startMs = clockMs;
        // The run's row is written when it begins and updated when it ends, as the ORM does.
        row('runs', { id: run, session_id: session, input_data: pyJson({ text: question.text }), context: pyJson({ input: { text: question.text } }), created_at: at(startMs) });
        counts.runs++;
        const finishRun = (fields: Record<string, unknown>) => {
          const columns = Object.keys(fields);
          db.prepare(`UPDATE runs SET ${columns.map((column) => `${column} = ?`).join(', ')} WHERE id = ?`).run(...columns.map((column) => fields[column]), run);
        };
        chat('user', question.text, startMs + 5);
        task({ name: 'start', node_type: 'start', seq: 0, inputs: pyJson({ text: question.text }), output: pyJson({ text: question.text }), duration_seconds: 0.0001, created_at: at(startMs + 20) });
        let t = startMs + 40;
        // classify: the task is logged when it ends, its model call just before.
        const classifyMs = random.int(700, 1600);
        const classifyPrompt = `Classify the customer's question as orders, returns, shipping, billing or other: ${question.text}`;
        if (isRateLimited) {
          call({ model: MODELS.classify, request_data: pyJson(classifyPrompt), response_data: pyJson('Error code: 429 - rate limit exceeded'), response_code: 429, duration_seconds: 0.8, created_at: at(t + 800) });
          task({ name: 'classify', node_type: 'llm', seq: 1, inputs: pyJson({ question: question.text }), output: pyJson({ result: null }), prompt: classifyPrompt, errors: pyJson(['RateLimitError: Error code: 429 - rate limit exceeded']), duration_seconds: 0.85, created_at: at(t + 850) });
          finishRun({ duration_seconds: 0.9, updated_at: at(t + 900) });
          clockMs = t + 900 + random.int(20_000, 90_000);
          continue;
        }
        const classifyPromptTokens = random.int(600, 900);
        call({ model: MODELS.classify, request_data: pyJson(classifyPrompt), response_data: pyJson(JSON.stringify({ category: question.category })), response_code: 200, prompt_tokens: classifyPromptTokens, completion_tokens: random.int(5, 12), total_tokens: classifyPromptTokens + 8, cached_prompt_tokens: r > 1 ? classifyPromptTokens - 64 : 0, reasoning_tokens: 0, duration_seconds: (classifyMs - 50) / 1000, created_at: at(t + classifyMs - 30) });
        task({ name: 'classify', node_type: 'llm', seq: 1, inputs: pyJson({ question: question.text }), output: pyJson({ category: question.category }), prompt: classifyPrompt, duration_seconds: classifyMs / 1000, created_at: at(t + classifyMs) });
        t += classifyMs + 15;
        if (isRunning) {
          // Still going: the reply agent has not been logged yet; the run row is as it was inserted.
          clockMs = t;
          continue;
        }
        // lookup: a tool call the reply agent makes (logged before the agent ends).
        const toolMs = random.int(150, 900);
        task({ name: question.tool, node_type: 'tool_call', seq: 2, parent_task_name: 'reply', tool_uri: `mcp://support/${question.tool}`, inputs: pyJson(question.args), output: pyJson({ result: question.result }), duration_seconds: toolMs / 1000, created_at: at(t + 400 + toolMs) });
        const turns = random.int(1, 2);
        const replyStart = t;
        let replyPromptTokens = random.int(1200, 2400);
        for (let turn = 0; turn < turns; turn++) {
          const callMs = random.int(900, 2600);
          const completion = random.int(30, 140);
          call({ model: MODELS.reply, response_code: 200, prompt_tokens: replyPromptTokens, completion_tokens: completion, total_tokens: replyPromptTokens + completion, cached_prompt_tokens: turn > 0 ? replyPromptTokens - 200 : 0, reasoning_tokens: random.int(0, 40), duration_seconds: callMs / 1000, created_at: at(t + 400 + toolMs + 50 + callMs) });
          t += 400 + toolMs + 50 + callMs;
          replyPromptTokens += completion + random.int(50, 200);
        }
        task({ name: 'reply', node_type: 'agent', seq: 3, inputs: pyJson({ question: question.text, category: question.category }), output: pyJson({ agent_response: question.answer }), prompt: 'Answer the customer using the tool results. Be brief and exact.', duration_seconds: (t + 20 - replyStart) / 1000, created_at: at(t + 20) });
        task({ name: 'end', node_type: 'end', seq: 4, inputs: pyJson({ agent_response: question.answer }), output: pyJson({ agent_response: question.answer }), duration_seconds: 0.0001, created_at: at(t + 40) });
        chat('assistant', question.answer, t + 45);
        const durationS = (t + 50 - startMs) / 1000;
        finishRun({
          output_data: pyJson({ agent_response: question.answer }),
          context: pyJson({ input: { text: question.text }, analysis: { category: question.category }, output: { agent_response: question.answer } }),
          duration_seconds: durationS,
          updated_at: at(t + 50),
        });
        clockMs = t + 50 + random.int(20_000, 240_000);
      }
      clockMs += random.int(60_000, 600_000);
    }
  })();
  db.close();
  return counts;
}

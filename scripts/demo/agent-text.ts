/**
 * Shared helpers for the demo agents: GenAI message shapes, token estimates, ids in the style of
 * each provider, and a fake output sanitiser that mirrors what kitelogik's scrubber reports.
 */
import type { Prng } from '../lib/prng';
import { PyFloat, pyDumps, type PyValue } from '../lib/py-json';

export type Part =
  | { type: 'text'; content: string }
  | { type: 'tool_call'; id: string; name: string; arguments: PyValue }
  | { type: 'tool_call_response'; id: string; response: PyValue };

export interface Message {
  role: 'system' | 'user' | 'assistant' | 'tool';
  parts: Part[];
}

export type Provider = 'openai' | 'anthropic';

export interface ModelInfo {
  request: string;
  response: string;
  provider: Provider;
}

export const GPT_4O: ModelInfo = { request: 'gpt-4o', response: 'gpt-4o-2024-08-06', provider: 'openai' };
export const CLAUDE_SONNET_4: ModelInfo = {
  request: 'claude-sonnet-4',
  response: 'claude-sonnet-4-20250514',
  provider: 'anthropic',
};

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

export function randomAlnum(rng: Prng, length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += ALNUM[rng.int(0, ALNUM.length - 1)];
  return out;
}

export function toolCallId(rng: Prng, provider: Provider): string {
  return provider === 'openai' ? `call_${randomAlnum(rng, 24)}` : `toolu_01${randomAlnum(rng, 22)}`;
}

export function responseId(rng: Prng, provider: Provider): string {
  return provider === 'openai' ? `chatcmpl-${randomAlnum(rng, 29)}` : `msg_01${randomAlnum(rng, 22)}`;
}

/** Roughly four characters per token, as a tokenizer would give for English and JSON. */
export function estimateTokens(text: string): number {
  return Math.max(1, Math.ceil(text.length / 4));
}

export function messagesJson(messages: Message[]): string {
  return pyDumps(messages as unknown as PyValue);
}

const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g;
const PHONE = /\+?\d[\d -]{8,}\d/g;
const CARD = /\b\d{4}[ -]?\d{4}[ -]?\d{4}[ -]?\d{4}\b/g;

/** Scrubs a tool result the way the sanitiser reports it: which patterns it found, and the text. */
export function sanitize(value: PyValue): { value: PyValue; patterns: string[] } {
  const found = new Set<string>();
  const scrub = (v: PyValue): PyValue => {
    if (typeof v === 'string') {
      let s = v;
      if (CARD.test(s)) found.add('credit_card');
      s = s.replace(CARD, '[REDACTED:credit_card]');
      if (EMAIL.test(s)) found.add('email');
      s = s.replace(EMAIL, '[REDACTED:email]');
      if (PHONE.test(s)) found.add('phone');
      s = s.replace(PHONE, '[REDACTED:phone]');
      CARD.lastIndex = 0;
      EMAIL.lastIndex = 0;
      PHONE.lastIndex = 0;
      return s;
    }
    if (Array.isArray(v)) return v.map(scrub);
    if (v !== null && typeof v === 'object' && !(v instanceof PyFloat)) {
      const out: { [key: string]: PyValue } = {};
      for (const key in v as { [key: string]: PyValue }) out[key] = scrub((v as { [key: string]: PyValue })[key]);
      return out;
    }
    return v;
  };
  const value2 = scrub(value);
  const order = ['email', 'phone', 'credit_card'];
  return { value: value2, patterns: order.filter((p) => found.has(p)) };
}

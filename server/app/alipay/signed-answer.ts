import { createVerify } from 'node:crypto';

function skipSpace(text: string, at: number): number {
  while (at < text.length && ' \t\n\r'.includes(text[at])) at++;
  return at;
}

/** The index just past the JSON value starting at `at` (text known to be valid JSON). */
function endOfValue(text: string, at: number): number {
  let depth = 0;
  let inString = false;
  for (let i = at; i < text.length; i++) {
    const char = text[i];
    if (inString) {
      if (char === '\\') i++;
      else if (char === '"') {
        inString = false;
        if (depth === 0) return i + 1;
      }
    } else if (char === '"') inString = true;
    else if (char === '{' || char === '[') depth++;
    else if (char === '}' || char === ']') {
      depth--;
      if (depth === 0) return i + 1;
      if (depth < 0) return i;
    } else if (depth === 0 && (char === ',' || ' \t\n\r'.includes(char))) return i;
  }
  return text.length;
}

/**
 * The exact text of each top-level member's value, as sent: Alipay signs the text of the
 * `..._response` (or `error_response`) value, not a re-serialisation of it. Undefined unless
 * the text is a JSON object.
 */
export function memberTexts(text: string): Map<string, string> | undefined {
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return undefined;
  } catch {
    return undefined;
  }
  const members = new Map<string, string>();
  let at = skipSpace(text, 0) + 1;
  for (;;) {
    at = skipSpace(text, at);
    if (text[at] !== '"') return members;
    const keyEnd = endOfValue(text, at);
    const key = JSON.parse(text.slice(at, keyEnd)) as string;
    at = skipSpace(text, skipSpace(text, keyEnd) + 1);
    const valueEnd = endOfValue(text, at);
    members.set(key, text.slice(at, valueEnd));
    at = skipSpace(text, valueEnd);
    if (text[at] === ',') at++;
  }
}

/**
 * The `error_response` of an answer, if the answer is one and Alipay's signature over the
 * value's exact text verifies (https://opendocs.alipay.com/common/02mse7); else undefined.
 */
export function verifiedErrorResponse(answer: string, alipayPublicKey: string): Record<string, unknown> | undefined {
  const members = memberTexts(answer);
  const errorText = members?.get('error_response');
  const signText = members?.get('sign');
  if (errorText === undefined || signText === undefined) return undefined;
  const sign: unknown = JSON.parse(signText);
  const error: unknown = JSON.parse(errorText);
  if (typeof sign !== 'string' || typeof error !== 'object' || error === null || Array.isArray(error)) return undefined;
  const verifies = createVerify('RSA-SHA256').update(errorText, 'utf8').verify(alipayPublicKey, sign, 'base64');
  return verifies ? (error as Record<string, unknown>) : undefined;
}

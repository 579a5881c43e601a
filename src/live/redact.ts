/**
 * Keeps credentials out of everything capsim writes or prints: URLs lose their
 * userinfo, and every known secret (as typed, URL-encoded, and inside a Basic
 * authorization token) is replaced by "***".
 */

const MASK = '***';

/** "https://user:pw@host/x" -> "https://***@host/x"; URLs without userinfo are unchanged. */
export function redactUrl(url: string | URL): string {
  const text = typeof url === 'string' ? url : url.href;
  return redactUserinfo(text);
}

/** Replaces the userinfo part of every URL found in free text. */
export function redactUserinfo(text: string): string {
  return text.replace(/([a-z][a-z0-9+.-]*:\/\/)[^\s/?#@]*@/gi, `$1${MASK}@`);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Redacts a fixed set of secrets (and their encodings) from any text. */
export class Redactor {
  private readonly patterns: RegExp[] = [];

  constructor(secrets: ReadonlyArray<string | undefined> = [], username?: string) {
    for (const secret of secrets) if (secret) this.addSecret(secret, username);
  }

  /** Adds a secret; with a username, the Basic token "user:secret" is masked too. */
  addSecret(secret: string, username?: string): void {
    const forms = new Set<string>([secret, encodeURIComponent(secret)]);
    if (username !== undefined) {
      const pair = `${username}:${secret}`;
      // The header is sent latin1-encoded; mask the UTF-8 form as well.
      for (const encoding of ['utf8', 'latin1'] as const) {
        const token = Buffer.from(pair, encoding).toString('base64');
        forms.add(token);
        forms.add(token.replace(/=+$/, ''));
      }
      forms.add(encodeURIComponent(username) + ':' + encodeURIComponent(secret));
    }
    // Longest first so that a form containing another is masked whole.
    for (const form of [...forms].sort((a, b) => b.length - a.length)) {
      if (form.length > 0) this.patterns.push(new RegExp(escapeRegExp(form), 'g'));
    }
  }

  /**
   * A copy of a JSON-like value with every string in it (keys included)
   * redacted; numbers are left alone, so a short secret such as "1" can never
   * corrupt a figure or the JSON around it.
   */
  redactDeep<T>(value: T): T {
    if (typeof value === 'string') return this.redact(value) as T;
    if (Array.isArray(value)) return value.map((item) => this.redactDeep(item)) as T;
    if (value !== null && typeof value === 'object') {
      const out: Record<string, unknown> = {};
      for (const [key, item] of Object.entries(value)) out[this.redact(key)] = this.redactDeep(item);
      return out as T;
    }
    return value;
  }

  /** The text with URL userinfo, Basic tokens and every known secret masked. */
  redact(text: string): string {
    let out = redactUserinfo(text);
    out = out.replace(/(authorization:\s*basic\s+)[A-Za-z0-9+/=]+/gi, `$1${MASK}`);
    for (const pattern of this.patterns) out = out.replace(pattern, MASK);
    return out;
  }
}

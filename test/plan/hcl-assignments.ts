/**
 * A tiny parser for the subset of HCL that a tfvars file of plain
 * assignments uses: `name = "string"`, `name = 12`, `name = true`, `#` and
 * `//` comments, blank lines. Used only by tests, to prove the writer's output
 * parses; anything outside the subset is an error naming the line.
 */
export type HclValue = string | number | boolean;

const NAME = /^[A-Za-z_][A-Za-z0-9_-]*$/;
const NUMBER = /^-?\d+(\.\d+)?([eE][+-]?\d+)?$/;

function readString(text: string, start: number, lineNo: number): { value: string; end: number } {
  let value = '';
  let i = start + 1;
  while (i < text.length) {
    const ch = text[i]!;
    if (ch === '"') return { value, end: i + 1 };
    if (ch === '\\') {
      const next = text[i + 1];
      const map: Record<string, string> = { n: '\n', r: '\r', t: '\t', '"': '"', '\\': '\\' };
      if (next === undefined || !(next in map)) throw new Error(`line ${lineNo}: bad escape \\${next ?? ''}`);
      value += map[next];
      i += 2;
      continue;
    }
    if (text.startsWith('$${', i) || text.startsWith('%%{', i)) {
      value += `${ch}{`;
      i += 3;
      continue;
    }
    if (text.startsWith('${', i) || text.startsWith('%{', i)) throw new Error(`line ${lineNo}: template interpolation in a string`);
    value += ch;
    i += 1;
  }
  throw new Error(`line ${lineNo}: unterminated string`);
}

export function parseHclAssignments(text: string): Record<string, HclValue> {
  const result: Record<string, HclValue> = {};
  text.split('\n').forEach((raw, index) => {
    const lineNo = index + 1;
    const line = raw.replace(/\r$/, '');
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#') || trimmed.startsWith('//')) return;
    const eq = line.indexOf('=');
    if (eq < 0) throw new Error(`line ${lineNo}: expected name = value`);
    const name = line.slice(0, eq).trim();
    if (!NAME.test(name)) throw new Error(`line ${lineNo}: bad name "${name}"`);
    if (name in result) throw new Error(`line ${lineNo}: "${name}" assigned twice`);
    let rest = line.slice(eq + 1).trimStart();
    let value: HclValue;
    if (rest.startsWith('"')) {
      const parsed = readString(rest, 0, lineNo);
      value = parsed.value;
      rest = rest.slice(parsed.end);
    } else {
      const token = /^[^\s#]+/.exec(rest)?.[0] ?? '';
      rest = rest.slice(token.length);
      if (NUMBER.test(token)) value = Number(token);
      else if (token === 'true' || token === 'false') value = token === 'true';
      else throw new Error(`line ${lineNo}: unsupported value "${token}" (strings must be quoted)`);
    }
    const tail = rest.trim();
    if (tail !== '' && !tail.startsWith('#') && !tail.startsWith('//')) throw new Error(`line ${lineNo}: unexpected "${tail}" after value`);
    result[name] = value;
  });
  return result;
}

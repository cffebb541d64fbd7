/**
 * Parser for the catalog's type strings: `string|nil`, `array<cidr>`, `map<string,throttle>`,
 * `{name:string, weight:integer=1}`, `"Immediate" | {Threshold=throttle}`, `(string, integer)`.
 * A string that does not follow this little grammar becomes `{ kind: 'unknown' }`, which checkers treat as "anything".
 */

export type TypeExpr =
  | { kind: 'name'; name: string }
  | { kind: 'literal'; value: string }
  | { kind: 'union'; types: TypeExpr[] }
  | { kind: 'array'; item: TypeExpr }
  | { kind: 'map'; key: TypeExpr; value: TypeExpr }
  | { kind: 'record'; fields: RecordField[] }
  | { kind: 'tuple'; items: TypeExpr[] }
  | { kind: 'unknown'; text: string };

export interface RecordField {
  name: string;
  type: TypeExpr;
  optional: boolean;
  default?: string;
}

const ANY: TypeExpr = { kind: 'name', name: 'any' };
const cache = new Map<string, TypeExpr>();

export function parseTypeExpr(text: string): TypeExpr {
  let parsed = cache.get(text);
  if (!parsed) {
    try {
      const p = new TypeParser(text);
      parsed = p.parseUnion();
      p.expectEnd();
    } catch {
      parsed = { kind: 'unknown', text };
    }
    cache.set(text, parsed);
  }
  return parsed;
}

/** The members of a union (or the type itself), so callers can ask "does it allow nil?" and friends. */
export function unionMembers(t: TypeExpr): TypeExpr[] {
  return t.kind === 'union' ? t.types : [t];
}

export function allowsNil(t: TypeExpr): boolean {
  return unionMembers(t).some((m) => (m.kind === 'name' && (m.name === 'nil' || m.name === 'any')) || m.kind === 'unknown');
}

/** Back to text, normalized (used for hover and the CLI). */
export function formatTypeExpr(t: TypeExpr): string {
  switch (t.kind) {
    case 'name': return t.name;
    case 'literal': return JSON.stringify(t.value);
    case 'union': return t.types.map(formatTypeExpr).join('|');
    case 'array': return `array<${formatTypeExpr(t.item)}>`;
    case 'map': return `map<${formatTypeExpr(t.key)}, ${formatTypeExpr(t.value)}>`;
    case 'tuple': return `(${t.items.map(formatTypeExpr).join(', ')})`;
    case 'record':
      return `{${t.fields.map((f) => `${f.name}${f.optional ? '?' : ''}: ${formatTypeExpr(f.type)}${f.default !== undefined ? ` = ${f.default}` : ''}`).join(', ')}}`;
    case 'unknown': return t.text;
  }
}

class TypeParser {
  private pos = 0;
  constructor(private readonly text: string) {}

  parseUnion(): TypeExpr {
    const types = [this.parseAtom()];
    while (this.eat('|')) types.push(this.parseAtom());
    return types.length === 1 ? types[0] : { kind: 'union', types };
  }

  expectEnd(): void {
    this.skipSpace();
    if (this.pos !== this.text.length) throw new Error(`unexpected '${this.text.slice(this.pos)}'`);
  }

  private parseAtom(): TypeExpr {
    this.skipSpace();
    const c = this.text[this.pos];
    if (c === '"') {
      const end = this.text.indexOf('"', this.pos + 1);
      if (end < 0) throw new Error('unterminated literal');
      const value = this.text.slice(this.pos + 1, end);
      this.pos = end + 1;
      return { kind: 'literal', value };
    }
    if (c === '{') return this.parseRecord();
    if (c === '(') {
      this.pos++;
      const items = [this.parseUnion()];
      while (this.eat(',')) items.push(this.parseUnion());
      this.expect(')');
      return items.length === 1 ? items[0] : { kind: 'tuple', items };
    }
    const name = this.ident();
    if (name === 'array' || name === 'map') {
      if (!this.eat('<')) return name === 'array' ? { kind: 'array', item: ANY } : { kind: 'map', key: ANY, value: ANY };
      const first = this.parseUnion();
      if (name === 'array') {
        this.expect('>');
        return { kind: 'array', item: first };
      }
      this.expect(',');
      const value = this.parseUnion();
      this.expect('>');
      return { kind: 'map', key: first, value };
    }
    return { kind: 'name', name };
  }

  private parseRecord(): TypeExpr {
    this.expect('{');
    const fields: RecordField[] = [];
    if (!this.eat('}')) {
      do {
        const name = this.ident();
        const optional = this.eat('?');
        let type: TypeExpr;
        let dflt: string | undefined;
        if (this.eat(':')) {
          type = this.parseUnion();
          if (this.eat('=')) dflt = this.defaultText();
        } else {
          // `{Threshold=throttle}`: a single-key table whose value has the given type.
          this.expect('=');
          type = this.parseUnion();
        }
        fields.push(dflt === undefined ? { name, type, optional } : { name, type, optional, default: dflt });
      } while (this.eat(','));
      this.expect('}');
    }
    return { kind: 'record', fields };
  }

  private defaultText(): string {
    this.skipSpace();
    const m = /^("[^"]*"|[^,}\s]+)/.exec(this.text.slice(this.pos));
    if (!m) throw new Error('missing default');
    this.pos += m[0].length;
    return m[0];
  }

  private ident(): string {
    this.skipSpace();
    const m = /^[A-Za-z_][A-Za-z0-9_.\-]*/.exec(this.text.slice(this.pos));
    if (!m) throw new Error(`expected a type name at ${this.pos}`);
    this.pos += m[0].length;
    return m[0];
  }

  private eat(token: string): boolean {
    this.skipSpace();
    if (this.text.startsWith(token, this.pos)) {
      this.pos += token.length;
      return true;
    }
    return false;
  }

  private expect(token: string): void {
    if (!this.eat(token)) throw new Error(`expected '${token}' at ${this.pos}`);
  }

  private skipSpace(): void {
    while (this.pos < this.text.length && /\s/.test(this.text[this.pos])) this.pos++;
  }
}

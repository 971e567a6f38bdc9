/**
 * The part of TOML that Podman's connections live in: tables (`[a.b."c d"]`), string and boolean
 * values. Everything else valid TOML can hold (numbers, dates, arrays, inline tables, arrays of
 * tables) is read past and left out, so a containers.conf full of other settings reads.
 */
export type TomlTable = { [key: string]: string | boolean | TomlTable };

/** Where a file stops being TOML: its line, for a message that names it. */
export class TomlSyntaxError extends Error {
  override name = 'TomlSyntaxError';
  constructor(
    readonly line: number,
    why: string,
  ) {
    super(`line ${line}: ${why}`);
  }
}

const BARE_KEY = /[A-Za-z0-9_-]/;
const ESCAPES: Record<string, string> = { b: '\b', t: '\t', n: '\n', f: '\f', r: '\r', '"': '"', '\\': '\\' };

class Reader {
  private at = 0;
  constructor(private readonly text: string) {}

  get done(): boolean {
    return this.at >= this.text.length;
  }

  private get char(): string {
    return this.text[this.at] ?? '';
  }

  private startsWith(prefix: string): boolean {
    return this.text.startsWith(prefix, this.at);
  }

  fail(why: string): never {
    const line = this.text.slice(0, this.at).split('\n').length;
    throw new TomlSyntaxError(line, why);
  }

  private skipSpaces(): void {
    while (this.char === ' ' || this.char === '\t') this.at++;
  }

  private skipComment(): void {
    if (this.char !== '#') return;
    const end = this.text.indexOf('\n', this.at);
    this.at = end < 0 ? this.text.length : end;
  }

  /** Blank lines, comments and line ends between statements (and inside arrays). */
  skipBlank(): void {
    for (;;) {
      this.skipSpaces();
      this.skipComment();
      if (this.char === '\n' || this.startsWith('\r\n')) this.at += this.char === '\n' ? 1 : 2;
      else return;
    }
  }

  /** After a statement: only spaces and a comment before the line's end. */
  endOfLine(): void {
    this.skipSpaces();
    this.skipComment();
    if (this.done) return;
    if (this.char === '\n') this.at++;
    else if (this.startsWith('\r\n')) this.at += 2;
    else this.fail(`unexpected "${this.char}" after a value`);
  }

  private expect(text: string): void {
    if (!this.startsWith(text)) this.fail(`expected "${text}"`);
    this.at += text.length;
  }

  private basicString(): string {
    this.expect('"');
    let value = '';
    for (;;) {
      const char = this.char;
      if (this.done || char === '\n') this.fail('a string is not closed on its line');
      this.at++;
      if (char === '"') return value;
      if (char !== '\\') {
        value += char;
        continue;
      }
      const escaped = this.char;
      this.at++;
      if (escaped === 'u' || escaped === 'U') {
        const digits = this.text.slice(this.at, this.at + (escaped === 'u' ? 4 : 8));
        if (!/^[0-9A-Fa-f]+$/.test(digits) || digits.length !== (escaped === 'u' ? 4 : 8))
          this.fail('a \\u escape needs its hex digits');
        value += String.fromCodePoint(Number.parseInt(digits, 16));
        this.at += digits.length;
      } else if (escaped in ESCAPES) {
        value += ESCAPES[escaped];
      } else {
        this.fail(`unknown escape "\\${escaped}"`);
      }
    }
  }

  private literalString(): string {
    this.expect("'");
    const end = this.text.indexOf("'", this.at);
    const newline = this.text.indexOf('\n', this.at);
    if (end < 0 || (newline >= 0 && newline < end)) this.fail('a string is not closed on its line');
    const value = this.text.slice(this.at, end);
    this.at = end + 1;
    return value;
  }

  /** `"""…"""` or `'''…'''`: read past (no connection setting is one). */
  private skipMultilineString(quotes: string): void {
    this.at += 3;
    for (;;) {
      if (this.done) this.fail(`a ${quotes} string is not closed`);
      if (quotes === '"""' && this.char === '\\') this.at += 2;
      else if (this.startsWith(quotes)) {
        this.at += 3;
        // Up to two quotes may close the content itself: `""""` ends with one in it.
        while (this.char === quotes[0]) this.at++;
        return;
      } else this.at++;
    }
  }

  private keyPart(): string {
    this.skipSpaces();
    if (this.char === '"') return this.basicString();
    if (this.char === "'") return this.literalString();
    const start = this.at;
    while (BARE_KEY.test(this.char)) this.at++;
    if (this.at === start) this.fail(this.done ? 'a key is missing' : `unexpected "${this.char}" in a key`);
    return this.text.slice(start, this.at);
  }

  /** `a.b."c d"`. */
  key(): string[] {
    const parts = [this.keyPart()];
    this.skipSpaces();
    while (this.char === '.') {
      this.at++;
      parts.push(this.keyPart());
      this.skipSpaces();
    }
    return parts;
  }

  /** `[a.b]` (an array of tables, `[[a.b]]`, gives `arrayOfTables`). */
  header(): { path: string[]; arrayOfTables: boolean } {
    const arrayOfTables = this.startsWith('[[');
    this.at += arrayOfTables ? 2 : 1;
    const path = this.key();
    this.expect(arrayOfTables ? ']]' : ']');
    return { path, arrayOfTables };
  }

  /** A value: a string or boolean as such, anything else read past as undefined. */
  value(): string | boolean | undefined {
    this.skipSpaces();
    if (this.startsWith('"""') || this.startsWith("'''")) {
      this.skipMultilineString(this.text.slice(this.at, this.at + 3));
      return undefined;
    }
    if (this.char === '"') return this.basicString();
    if (this.char === "'") return this.literalString();
    if (this.char === '[' || this.char === '{') {
      this.skipBracketed();
      return undefined;
    }
    const start = this.at;
    while (!this.done && !/[\s#,\]}]/.test(this.char)) this.at++;
    // A date and time may have one space in it (`1979-05-27 07:32:00Z`).
    if (
      this.char === ' ' &&
      /^\d{4}-\d{2}-\d{2}$/.test(this.text.slice(start, this.at)) &&
      /\d/.test(this.text[this.at + 1] ?? '')
    ) {
      this.at++;
      while (!this.done && !/[\s#,\]}]/.test(this.char)) this.at++;
    }
    const word = this.text.slice(start, this.at);
    if (word === 'true') return true;
    if (word === 'false') return false;
    if (!word)
      this.fail(this.done ? 'a value is missing' : `unexpected "${this.char}" where a value belongs`);
    return undefined;
  }

  /** An array or inline table, with what is nested in it. */
  private skipBracketed(): void {
    const close = this.char === '[' ? ']' : '}';
    this.at++;
    for (;;) {
      if (close === ']') this.skipBlank();
      else this.skipSpaces();
      if (this.done) this.fail(`a "${close === ']' ? '[' : '{'}" is not closed`);
      if (this.char === close) {
        this.at++;
        return;
      }
      if (this.char === ',') {
        this.at++;
        continue;
      }
      if (close === '}') {
        this.key();
        this.expect('=');
      }
      this.value();
    }
  }

  expectEquals(): void {
    this.skipSpaces();
    this.expect('=');
  }

  get atHeader(): boolean {
    return this.char === '[';
  }
}

const isTable = (value: unknown): value is TomlTable => typeof value === 'object' && value !== null;

const tableAt = (root: TomlTable, path: string[], reader: Reader): TomlTable => {
  let table = root;
  for (const part of path) {
    const next = Object.hasOwn(table, part) ? table[part] : undefined;
    if (next !== undefined && !isTable(next)) reader.fail(`"${path.join('.')}" is a value, not a table`);
    if (next !== undefined) {
      table = next;
      continue;
    }
    const created = Object.create(null) as TomlTable;
    table[part] = created;
    table = created;
  }
  return table;
};

/** The tables, strings and booleans of a TOML document; the rest of it is checked and left out. */
export const readTomlSubset = (text: string): TomlTable => {
  const root = Object.create(null) as TomlTable;
  const reader = new Reader(text.startsWith('\uFEFF') ? text.slice(1) : text);
  let current = root;
  for (;;) {
    reader.skipBlank();
    if (reader.done) return root;
    if (reader.atHeader) {
      const { path, arrayOfTables } = reader.header();
      // No connection setting is in an array of tables: its entries go to a table nobody reads.
      current = arrayOfTables ? (Object.create(null) as TomlTable) : tableAt(root, path, reader);
    } else {
      const path = reader.key();
      reader.expectEquals();
      const value = reader.value();
      const name = path.pop() as string;
      if (value !== undefined) tableAt(current, path, reader)[name] = value;
    }
    reader.endOfLine();
  }
};

/**
 * Checks a column type as Glue and Athena (Hive DDL) spell it: primitives, `decimal(p,s)`,
 * `char(n)`, `varchar(n)`, and nested `array<t>`, `map<k,v>`, `struct<name:t,...>`.
 *
 * @returns undefined when the type is valid, otherwise what is wrong with it
 */
export function glueTypeProblem(type: string): string | undefined {
  const parser = new TypeParser(type);
  try {
    parser.parseType();
    parser.expectEnd();
    return undefined;
  } catch (e) {
    return (e as Error).message;
  }
}

/** Types without parameters, in the spelling Glue stores (Athena DDL). */
export const PRIMITIVE_TYPES = ['boolean', 'tinyint', 'smallint', 'int', 'bigint', 'float', 'double', 'string', 'date', 'timestamp', 'binary', 'decimal'];

/** A struct field name, as Glue stores it. */
const NAME = /^[a-z_][a-z0-9_]*/;

class TypeParser {
  private pos = 0;
  constructor(private readonly text: string) {}

  public parseType(): void {
    const word = this.word();
    switch (word) {
      case 'array':
        this.expect('<');
        this.parseType();
        this.expect('>');
        return;
      case 'map': {
        this.expect('<');
        const keyStart = this.pos;
        const key = this.word();
        if (!PRIMITIVE_TYPES.includes(key) && key !== 'char' && key !== 'varchar') {
          throw new Error(`a map key must be a primitive type, got '${this.text.slice(keyStart, this.pos) || '<nothing>'}'`);
        }
        this.pos = keyStart;
        this.parseType();
        this.expect(',');
        this.parseType();
        this.expect('>');
        return;
      }
      case 'struct': {
        this.expect('<');
        const fields = new Set<string>();
        do {
          const m = NAME.exec(this.text.slice(this.pos));
          if (!m) throw new Error(`a struct field name (lowercase letters, digits, _) expected at position ${this.pos}`);
          if (fields.has(m[0])) throw new Error(`struct field '${m[0]}' appears twice`);
          fields.add(m[0]);
          this.pos += m[0].length;
          this.expect(':');
          this.parseType();
        } while (this.accept(','));
        this.expect('>');
        return;
      }
      case 'decimal':
        if (this.accept('(')) {
          const precision = this.int();
          this.expect(',');
          const scale = this.int();
          this.expect(')');
          if (precision < 1 || precision > 38) throw new Error(`decimal precision ${precision} is outside 1-38`);
          if (scale > precision) throw new Error(`decimal scale ${scale} is larger than its precision ${precision}`);
        }
        return;
      case 'char':
      case 'varchar': {
        this.expect('(');
        const length = this.int();
        this.expect(')');
        const max = word === 'char' ? 255 : 65535;
        if (length < 1 || length > max) throw new Error(`${word} length ${length} is outside 1-${max}`);
        return;
      }
      default:
        if (!PRIMITIVE_TYPES.includes(word)) {
          throw new Error(`'${word || this.text.slice(this.pos, this.pos + 1) || '<nothing>'}' is not a Glue type; allowed: ${PRIMITIVE_TYPES.join(', ')}, decimal(p,s), char(n), varchar(n), array<t>, map<k,v>, struct<name:t,...>`);
        }
    }
  }

  public expectEnd(): void {
    if (this.pos !== this.text.length) throw new Error(`unexpected '${this.text.slice(this.pos)}' at position ${this.pos}`);
  }

  private word(): string {
    const m = /^[a-z]+/.exec(this.text.slice(this.pos));
    if (!m) return '';
    this.pos += m[0].length;
    return m[0];
  }

  private int(): number {
    const m = /^\d+/.exec(this.text.slice(this.pos));
    if (!m) throw new Error(`a number expected at position ${this.pos}`);
    this.pos += m[0].length;
    return Number(m[0]);
  }

  private accept(c: string): boolean {
    if (this.text[this.pos] !== c) return false;
    this.pos += 1;
    return true;
  }

  private expect(c: string): void {
    if (!this.accept(c)) throw new Error(`'${c}' expected at position ${this.pos}`);
  }
}

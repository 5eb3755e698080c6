/**
 * Builds a WHERE clause whose values are all bound parameters: callers hand in column names
 * from their own allow-lists and values from the request; only `{pN:Type}` placeholders reach
 * the SQL text.
 */
export class Where {
  private readonly parts: string[] = [];
  readonly params: Record<string, unknown> = {};
  private n = 0;

  /** A placeholder for one value. */
  bind(value: unknown, type: string): string {
    const name = `p${this.n++}`;
    this.params[name] = value;
    return `{${name}:${type}}`;
  }

  /** A condition written with `bind` placeholders, or with parameters of its own (the scope). */
  and(sql: string, params: Record<string, unknown> = {}): this {
    this.parts.push(`(${sql})`);
    Object.assign(this.params, params);
    return this;
  }

  /** `column IN (values)` when values were given. */
  anyOf(column: string, values: readonly unknown[] | undefined, type: string): this {
    if (values?.length) this.and(`${column} IN ${this.bind(values, `Array(${type})`)}`);
    return this;
  }

  get sql(): string {
    return this.parts.length ? this.parts.join(' AND ') : '1';
  }
}

import KeyvSqlite from "@keyv/sqlite";

/** Rows per statement: bounds one statement's JSON parameter (stories are ~15 KB each). */
const ROWS_PER_STATEMENT = 500;

interface Row {
  key: string;
  value: string;
}

/**
 * @keyv/sqlite with the two batch operations this bot leans on done in one statement each.
 * Upstream, `setMany` is missing, so Keyv falls back to one INSERT per key (each its own
 * transaction, each a WAL commit), and `getMany` matches rows to keys with a linear search per
 * key, which is quadratic: a 100,000-key read ran for minutes. Same table, same values, so a
 * database written by either can be read by the other.
 */
export class SqliteStore extends KeyvSqlite {
  override async getMany<Value>(keys: string[]): Promise<Array<Value | undefined>> {
    const byKey = new Map<string, string>();
    for (let i = 0; i < keys.length; i += ROWS_PER_STATEMENT) {
      const rows = (await this.query(
        `SELECT key, value FROM ${this.#table} WHERE key IN (SELECT value FROM json_each(?))`,
        JSON.stringify(keys.slice(i, i + ROWS_PER_STATEMENT)),
      )) as Row[];
      for (const row of rows) byKey.set(row.key, row.value);
    }
    return keys.map((key) => byKey.get(key) as Value | undefined);
  }

  /**
   * One upsert per slice of rows, so a batch is one transaction (one WAL commit) instead of one
   * per key. Keyv has already serialised each value to a string. Within a statement a key given
   * twice ends with its last value, as separate sets would.
   */
  async setMany(entries: Array<{ key: string; value: unknown }>): Promise<boolean[]> {
    for (let i = 0; i < entries.length; i += ROWS_PER_STATEMENT) {
      const rows = entries.slice(i, i + ROWS_PER_STATEMENT).map((e) => [e.key, e.value]);
      // "WHERE true" keeps SQLite from reading ON CONFLICT as part of the SELECT's join.
      await this.query(
        `INSERT INTO ${this.#table} (key, value)
           SELECT json_extract(e.value, '$[0]'), json_extract(e.value, '$[1]')
           FROM json_each(?) AS e WHERE true
         ON CONFLICT(key) DO UPDATE SET value = excluded.value`,
        JSON.stringify(rows),
      );
    }
    return entries.map(() => true);
  }

  get #table(): string {
    return this.opts.table ?? "keyv";
  }
}

import SQLite from "better-sqlite3";
import { describe, expect, it } from "vitest";

import { withStatementCache } from "./sqlite-statement-cache.js";

describe("SQLite statement cache", () => {
  it("prepares one statement per SQL text and runs it with each call's parameters", () => {
    const database = withStatementCache(new SQLite(":memory:"));
    database.prepare("create table t (n integer)").run([]);
    const insert = database.prepare("insert into t (n) values (?)");
    expect(database.prepare("insert into t (n) values (?)")).toBe(insert);
    insert.run([1]);
    database.prepare("insert into t (n) values (?)").run([2]);
    expect(database.prepare("select n from t order by n").all([])).toEqual([{ n: 1 }, { n: 2 }]);
    database.close();
  });

  it("hands a statement busy iterating to nobody else", () => {
    const database = withStatementCache(new SQLite(":memory:"));
    database.prepare("create table t (n integer)").run([]);
    for (const n of [1, 2, 3]) database.prepare("insert into t (n) values (?)").run([n]);
    const sql = "select n from t order by n";
    const outer = database.prepare(sql).iterate([]);
    const first = outer.next();
    // The cached statement is now busy: a nested use of the same SQL must still work.
    expect(database.prepare(sql).all([])).toHaveLength(3);
    expect(first.value).toEqual({ n: 1 });
    expect([...outer]).toEqual([{ n: 2 }, { n: 3 }]);
    database.close();
  });

  it("still prepares after the schema changed under a cached statement", () => {
    const database = withStatementCache(new SQLite(":memory:"));
    database.prepare("create table t (n integer)").run([]);
    expect(database.prepare("select * from t").all([])).toEqual([]);
    database.prepare("alter table t add column m integer").run([]);
    database.prepare("insert into t (n, m) values (1, 2)").run([]);
    expect(database.prepare("select * from t").all([])).toEqual([{ n: 1, m: 2 }]);
    database.close();
  });
});

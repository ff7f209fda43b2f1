/**
 * Runs SQL against a database from another Node process, the way an agent framework writes
 * its run database while Tracelight reads it: separate connection, separate process, real
 * commits (WAL or rollback journal, whatever the statements set up).
 */
import { execFileSync } from 'node:child_process';

const SCRIPT = `
const Database = require('better-sqlite3');
const { path, statements } = JSON.parse(process.argv[1]);
const db = new Database(path);
db.pragma('busy_timeout = 5000');
for (const [sql, params] of statements) db.prepare(sql).run(...(params || []));
db.close();
`;

/** Each statement is [sql, params?]; the process exits once they are committed. */
export function writeSqliteElsewhere(path: string, statements: [string, unknown[]?][]): void {
  execFileSync(process.execPath, ['-e', SCRIPT, JSON.stringify({ path, statements })], { cwd: process.cwd(), stdio: 'pipe' });
}

/** Like writeSqliteElsewhere, but one `exec` of a whole SQL script (DDL, pragmas). */
export function execSqliteElsewhere(path: string, sql: string): void {
  const script = `const Database = require('better-sqlite3'); const db = new Database(process.argv[1]); db.exec(process.argv[2]); db.close();`;
  execFileSync(process.execPath, ['-e', script, path, sql], { cwd: process.cwd(), stdio: 'pipe' });
}

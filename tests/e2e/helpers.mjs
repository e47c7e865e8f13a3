// Shared by the specs: the demo dossiers the server printed, and a look
// into the server's SQLite file (what the database really holds).
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { expect } from '@playwright/test';

const links = JSON.parse(process.env.DEMO_LINKS || '[]');

/** The n-th unrated demo dossier: { path, code, token, check }. Each test uses its own. */
export function demo(n) {
  if (!links[n]) throw new Error(`the server printed only ${links.length} demo links`);
  return links[n];
}

/** Runs a read-only query on the shared test server's database; rows as objects. */
export function db(sql, ...params) {
  return dbAt(process.env.DANHGIA_DATA_DIR, sql, ...params);
}

/** The same, on the database in another server's data folder. */
export function dbAt(dataDir, sql, ...params) {
  const file = join(dataDir, 'danhgia.sqlite3');
  const bound = sql.replace(/\?/g, () => `'${String(params.shift()).replaceAll("'", "''")}'`);
  const out = execFileSync('sqlite3', ['-readonly', '-json', file, bound], { encoding: 'utf8' });
  return out.trim() ? JSON.parse(out) : [];
}

export function ratingsOf(code) {
  return db('SELECT id, channel, answers, comment FROM ratings WHERE dossier_code = ?', code);
}

/** Answers every question still open on the form with its n-th choice (default the first). */
export async function answerAll(page, pick = 0) {
  const questions = page.locator('fieldset.question:not(.derived)');
  await expect(questions.first()).toBeVisible();
  const count = await questions.count();
  const chosen = {};
  for (let i = 0; i < count; i++) {
    const q = questions.nth(i);
    const choices = q.locator('input[type=radio]');
    const n = Math.min(pick, (await choices.count()) - 1);
    await q.locator('label.choice').nth(n).click();
    chosen[await q.getAttribute('data-key')] = await choices.nth(n).getAttribute('value');
  }
  return chosen;
}

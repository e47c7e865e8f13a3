// Bulk records for the chaos test and the benchmarks: dossiers listed through
// the officer API, answers from the server's own rule sets, and records
// written straight into the app's outbox (as a day offline would leave them).

export async function login(baseUrl, officer) {
  const res = await fetch(`${baseUrl}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(officer),
  });
  return (await res.json()).token;
}

/** Every unrated dossier the officer's agency (and its communes) holds. */
export async function unratedDossiers(baseUrl, token, want = Infinity) {
  const found = [];
  for (let offset = 0; found.length < want; offset += 500) {
    const page = await (await fetch(`${baseUrl}/api/v1/dossiers?offset=${offset}&limit=500`, { headers: { authorization: `Bearer ${token}` } })).json();
    if (page.dossiers.length === 0) break;
    found.push(...page.dossiers.filter((d) => !d.rating));
  }
  return found.slice(0, want);
}

export async function rulesets(baseUrl) {
  return Object.fromEntries((await (await fetch(`${baseUrl}/api/v1/rulesets`)).json()).map((r) => [r.version, r]));
}

/** An answer for every question the dossier's form asks: the `pick`-th choice (or the last there is). */
export function answers(ruleset, dossier, pick = 0) {
  const out = {};
  if (ruleset.satisfaction) {
    const scale = ruleset.satisfaction.scale;
    for (const q of ruleset.satisfaction.questions) out[q.key] = scale[Math.min(pick, scale.length - 1)].key;
  }
  for (const i of ruleset.indicators) {
    if (i.supplier !== 'citizen' || (i.from_dates && dossier.returned_on)) continue;
    out[i.key] = i.options[Math.min(pick, i.options.length - 1)].key;
  }
  return out;
}

/** An outbox entry as the app stores it (see src/store/outbox.rs). */
export function pendingEntry(record, at) {
  return { id: record.id, dossier_code: record.dossier_code, record, state: 'pending', reason: null, message: null, created_at: at, updated_at: at, attempts: 0 };
}

/** Writes entries into the app's IndexedDB outbox from inside the page. */
export async function queueInOutbox(page, entries) {
  await page.evaluate(async (entries) => {
    const db = await new Promise((ok, fail) => {
      const req = indexedDB.open('danhgia');
      req.onsuccess = () => ok(req.result);
      req.onerror = () => fail(req.error);
    });
    await new Promise((ok, fail) => {
      const tx = db.transaction('outbox', 'readwrite');
      for (const e of entries) tx.objectStore('outbox').put(e);
      tx.oncomplete = ok;
      tx.onerror = () => fail(tx.error);
    });
    db.close();
  }, entries);
}

/** Every record of one of the app's IndexedDB stores ('outbox', 'dossiers'), read from inside the page. */
export async function storedRecords(page, store) {
  return page.evaluate(async (store) => {
    const db = await new Promise((ok, fail) => {
      const req = indexedDB.open('danhgia');
      req.onsuccess = () => ok(req.result);
      req.onerror = () => fail(req.error);
    });
    const all = await new Promise((ok, fail) => {
      const req = db.transaction(store).objectStore(store).getAll();
      req.onsuccess = () => ok(req.result);
      req.onerror = () => fail(req.error);
    });
    db.close();
    return all;
  }, store);
}

// The purchase form in the field (issue 14, docs/adr/0162):
// - the receipt photo is downscaled (at most 1600 px) and re-compressed (about 300 KB) on the
//   phone before upload; the original never leaves the phone;
// - every new draft has a key (client_key); the server answers a repeat with the purchase
//   already recorded, so nothing is recorded twice;
// - without a connection the draft (photo included) is kept in IndexedDB and sent when the
//   connection returns; its state is shown above the form.
"use strict";

const MAX_SIDE = 1600;
const TARGET_BYTES = 300 * 1024;
const DB_NAME = "ebakul-drafts";
const STORE = "purchases";

function newKey() {
  if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
  return Date.now().toString(36) + Math.random().toString(36).slice(2);
}

async function encode(img, side, quality) {
  const scale = Math.min(1, side / Math.max(img.width, img.height));
  const canvas = document.createElement("canvas");
  canvas.width = Math.max(1, Math.round(img.width * scale));
  canvas.height = Math.max(1, Math.round(img.height * scale));
  canvas.getContext("2d").drawImage(img, 0, 0, canvas.width, canvas.height);
  return new Promise((resolve) => canvas.toBlob(resolve, "image/jpeg", quality));
}

async function compressPhoto(file) {
  // createImageBitmap decodes without a blob: URL (the Content Security Policy allows none).
  const img = await createImageBitmap(file);
  const longest = Math.max(img.width, img.height);
  let blob = null;
  // Lower the quality first, then the size (a receipt stays readable at 1000 px).
  for (const side of [MAX_SIDE, 1280, 1000]) {
    for (const quality of [0.82, 0.7, 0.58]) {
      blob = await encode(img, side, quality);
      if (blob && blob.size <= TARGET_BYTES) break;
    }
    if (blob && blob.size <= TARGET_BYTES) break;
  }
  if (img.close) img.close();
  if (!blob || (blob.size >= file.size && longest <= MAX_SIDE)) return file; // already small
  return new File([blob], "nota.jpg", { type: "image/jpeg" });
}

function openDb() {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(DB_NAME, 1);
    request.onupgradeneeded = () => request.result.createObjectStore(STORE, { keyPath: "key" });
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

async function withStore(mode, work) {
  const db = await openDb();
  return new Promise((resolve, reject) => {
    const tx = db.transaction(STORE, mode);
    const result = work(tx.objectStore(STORE));
    tx.oncomplete = () => { db.close(); resolve(result && result.result); };
    tx.onerror = () => { db.close(); reject(tx.error); };
  });
}

const drafts = {
  put: (draft) => withStore("readwrite", (s) => s.put(draft)),
  remove: (key) => withStore("readwrite", (s) => s.delete(key)),
  all: () => withStore("readonly", (s) => s.getAll()),
};

function statusBox() {
  return document.getElementById("offline-drafts");
}

async function showDrafts() {
  const box = statusBox();
  if (!box) return;
  const list = (await drafts.all()) || [];
  const items = box.querySelector("ul");
  items.replaceChildren();
  for (const d of list) {
    const li = document.createElement("li");
    li.dataset.key = d.key;
    li.dataset.state = d.state;
    const label = box.dataset[d.state === "sending" ? "sending" : d.state === "failed" ? "failed" : "waiting"];
    li.textContent = `${d.summary} · ${label}`;
    items.append(li);
  }
  box.hidden = list.length === 0;
}

let syncing = false;

async function sendDrafts() {
  if (syncing || !navigator.onLine) return;
  syncing = true;
  try {
    for (const d of (await drafts.all()) || []) {
      d.state = "sending";
      await drafts.put(d);
      await showDrafts();
      const body = new FormData();
      for (const [name, value] of d.fields) body.append(name, value);
      body.append("receipt", d.photo, "nota.jpg");
      try {
        const response = await fetch(d.action, { method: "POST", body, credentials: "same-origin" });
        if (response.ok && /\/kirim\/$|\/belanja\/\d+\/$/.test(new URL(response.url).pathname)) {
          await drafts.remove(d.key);
          const box = statusBox();
          if (box) box.dataset.lastSent = new URL(response.url).pathname;
        } else {
          d.state = "failed";
          await drafts.put(d);
        }
      } catch (error) {
        d.state = "waiting"; // the connection dropped again: retried when it returns
        await drafts.put(d);
      }
    }
  } finally {
    syncing = false;
    await showDrafts();
  }
}

// OCR pre-fill (issue 15): the server reads the total and the date of the chosen photo within a
// few seconds; only fields still empty are filled, and nothing happens when it is slow, offline
// or unreadable.
const PREFILL_WAIT_MS = 8000;

function pad(n) {
  return String(n).padStart(2, "0");
}

async function prefill(form, photo) {
  const url = form.dataset.prefillUrl;
  const amount = form.querySelector('[name="amount"]');
  const when = form.querySelector('[name="purchased_at"]');
  if (!url || !navigator.onLine || ((!amount || amount.value) && (!when || when.value))) return;
  const token = form.querySelector('[name="csrfmiddlewaretoken"]');
  const body = new FormData();
  body.append("receipt", photo, "nota.jpg");
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), PREFILL_WAIT_MS);
  try {
    const response = await fetch(url, {
      method: "POST",
      body,
      credentials: "same-origin",
      headers: token ? { "X-CSRFToken": token.value } : {},
      signal: controller.signal,
    });
    if (!response.ok) return;
    const read = await response.json();
    if (amount && !amount.value && read.amount) {
      amount.value = Number(read.amount).toLocaleString("id-ID");
      amount.dataset.prefilled = "ocr";
    }
    if (when && !when.value && read.date) {
      const now = new Date();
      const time = read.today
        ? `${pad(now.getHours())}:${pad(now.getMinutes())}:00`
        : "12:00:00";
      when.value = `${read.date}T${time}`;
      when.dataset.prefilled = "ocr";
    }
  } catch (error) {
    // slow or offline: the employee types the values, as without OCR
  } finally {
    clearTimeout(timer);
  }
}

function setUp(form) {
  const key = form.querySelector("[data-client-key]");
  if (key && !key.value) key.value = newKey();
  const input = form.querySelector('input[type="file"][name="receipt"]');
  let compressing = Promise.resolve();
  if (input) {
    input.addEventListener("change", () => {
      const file = input.files && input.files[0];
      if (!file || !file.type.startsWith("image/")) return;
      compressing = compressPhoto(file).then((small) => {
        if (small !== file) {
          const transfer = new DataTransfer();
          transfer.items.add(small);
          input.files = transfer.files;
        }
        input.dataset.compressed = String(input.files[0].size);
        prefill(form, input.files[0]); // not awaited: the form never waits for OCR
      }).catch(() => {
        input.dataset.compressed = "0"; // not decodable here: sent as chosen, the server decides
      });
    });
  }
  form.addEventListener("submit", async (event) => {
    if (navigator.onLine || !form.hasAttribute("data-offline-draft")) {
      if (input && input.files.length && !input.dataset.compressed) {
        event.preventDefault();
        await compressing;
        form.submit();
      }
      return;
    }
    event.preventDefault();
    await compressing;
    const photo = input && input.files[0];
    const box = statusBox();
    if (!photo) {
      if (box) box.querySelector("[data-need-photo]").hidden = false;
      return;
    }
    const fields = [];
    for (const [name, value] of new FormData(form)) {
      if (name !== "receipt") fields.push([name, value]);
    }
    const amount = form.querySelector('[name="amount"]').value;
    const merchant = document.querySelector("#chosen-merchant strong");
    await drafts.put({
      key: key.value,
      action: form.action || window.location.href,
      fields,
      photo,
      state: "waiting",
      summary: `${merchant ? merchant.textContent : ""} · Rp ${amount}`,
    });
    form.reset();
    key.value = newKey();
    await showDrafts();
  });
}

document.addEventListener("DOMContentLoaded", () => {
  const form = document.getElementById("purchase-form");
  if (form) setUp(form);
  showDrafts().then(sendDrafts);
});
window.addEventListener("online", sendDrafts);

// ClaimScope newsroom page: plain JS, no build step. Calls POST /v1/extract and renders the result;
// "Run as a job" submits the text to POST /v1/jobs instead, and the jobs the page created can be deleted.
"use strict";

const PALETTE = ["#cfe3ff", "#ffd6cc", "#d4f5d4", "#f3d9ff", "#fff0b3", "#cceff0", "#ffe0ef", "#e3e3ff",
                 "#e8f5c8", "#ffe6c7", "#d9e8e8", "#f0d8d0"];
const $ = (id) => document.getElementById(id);

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === "class") node.className = v; else if (k === "style") node.style.cssText = v; else node.setAttribute(k, v);
  }
  for (const child of children) node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  return node;
}

function speakerColors(speakers) {
  const colors = {};
  speakers.forEach((s, i) => { colors[s.id] = PALETTE[i % PALETTE.length]; });
  return colors;
}

// Split the text into non-overlapping pieces, each marked with the outermost claim it falls in,
// plus cue and speaker-mention marks, using the API's character offsets.
function segments(text, result) {
  const marks = new Array(text.length + 1).fill(null).map(() => ({}));
  const claims = [...result.claims].sort((a, b) => (a.end - a.start) - (b.end - b.start)).reverse();
  for (const c of claims) {
    for (let i = c.start; i < c.end; i++) marks[i].claim = c;
    if (c.cue) for (let i = c.cue.start; i < c.cue.end; i++) marks[i].cue = true;
    if (c.speaker_mention) for (let i = c.speaker_mention.start; i < c.speaker_mention.end; i++) marks[i].mention = c.speaker_id;
  }
  const out = [];
  let start = 0;
  const key = (m) => `${m.claim ? m.claim.id : ""}|${m.cue ? 1 : 0}|${m.mention || ""}`;
  for (let i = 1; i <= text.length; i++) {
    if (i === text.length || key(marks[i]) !== key(marks[start])) {
      out.push({ start, end: i, ...marks[start] });
      start = i;
    }
  }
  return out;
}

// What a speaker is beside its name: role and affiliation (the affiliated speaker's name when
// it is one of the document's speakers), "anonymous" for an unnamed source.
function speakerDetails(s, names) {
  const affiliation = (s.affiliation_id && names[s.affiliation_id]) || s.affiliation;
  return [s.role, affiliation, s.anonymous ? "anonymous" : null].filter(Boolean).join(", ");
}

function render(text, result) {
  const colors = speakerColors(result.speakers);
  const names = Object.fromEntries(result.speakers.map((s) => [s.id, s.name]));
  const byId = Object.fromEntries(result.speakers.map((s) => [s.id, s]));
  const described = (sid) => {
    const s = byId[sid];
    if (!s) return "—";
    const details = speakerDetails(s, names);
    return details ? `${s.name} (${details})` : s.name;
  };
  const legend = $("legend");
  legend.replaceChildren(...result.speakers.map((s) => {
    const details = speakerDetails(s, names);
    return el("span", { class: "swatch", style: `background:${colors[s.id]}`, "data-speaker": s.id,
                        title: s.mentions.map((m) => m.text).join(" · ") },
              `${s.name} (${s.type}${details ? `; ${details}` : ""})`);
  }));

  const article = $("highlighted");
  const lastPiece = {};
  for (const seg of segments(text, result)) if (seg.claim) lastPiece[seg.claim.id] = seg.start;
  article.replaceChildren(...segments(text, result).map((seg) => {
    const piece = text.slice(seg.start, seg.end);
    if (!seg.claim && !seg.cue && !seg.mention) return document.createTextNode(piece);
    let node;
    if (seg.cue) node = el("span", { class: "cue" }, piece);
    else if (seg.mention) node = el("span", { class: "mention", style: `text-decoration-color:#2456c7` }, piece);
    else node = document.createTextNode(piece);
    if (!seg.claim) return node;
    const c = seg.claim;
    const wrap = el("span", {
      class: "claim", "data-claim": c.id, "data-speaker": c.speaker_id || "",
      style: `background:${c.speaker_id ? colors[c.speaker_id] : "#eee"}`,
      title: `${names[c.speaker_id] || "unattributed"} · ${c.type}` +
             (c.checkworthiness != null ? ` · check-worthiness ${c.checkworthiness.toFixed(2)}` : ""),
    }, node);
    if (lastPiece[c.id] === seg.start) {
      for (const s of c.stances) wrap.append(el("span", { class: `badge ${s.label}`, title: `${s.target}: ${s.label} (${s.score.toFixed(2)})${s.evidence ? `, "${s.evidence.text}"` : ""}` }, `${s.target}: ${s.label}`));
      if (c.checkworthiness != null) wrap.append(el("span", { class: "badge cw" }, `CW ${c.checkworthiness.toFixed(2)}`));
    }
    return wrap;
  }));

  const stanceTable = $("stance-table");
  const targets = result.targets || [];
  const summary = result.speaker_stances || [];
  const cell = (sid, t) => summary.find((x) => x.speaker_id === sid && x.target === t);
  const head = el("tr", {}, el("th", {}, "Speaker"), el("th", {}, "Role"), el("th", {}, "Affiliation"),
    ...targets.map((t) => el("th", {}, t)));
  const rows = result.speakers.map((s) => el("tr", { "data-speaker": s.id },
    el("td", {}, s.name), el("td", {}, s.role || "—"),
    el("td", {}, (s.affiliation_id && names[s.affiliation_id]) || s.affiliation || "—"), ...targets.map((t) => {
      const x = cell(s.id, t);
      return x ? el("td", { class: x.label }, `${x.label} (${x.score.toFixed(2)})`) : el("td", {}, "–");
    })));
  stanceTable.replaceChildren(head, ...rows);

  const claimsTable = $("claims-table");
  claimsTable.replaceChildren(
    el("tr", {}, ...["#", "Speaker", "Cue", "Claim", "Type", "Check-worthiness", "Stance"].map((h) => el("th", {}, h))),
    ...result.claims.map((c) => el("tr", { "data-claim": c.id },
      el("td", {}, c.id), el("td", {}, described(c.speaker_id)), el("td", {}, c.cue ? c.cue.text : "—"),
      el("td", {}, c.text), el("td", {}, c.type),
      el("td", {}, c.checkworthiness != null ? c.checkworthiness.toFixed(2) : "—"),
      el("td", {}, c.stances.map((s) => `${s.target}: ${s.label}`).join(", ") || "—"))));
  $("output").hidden = false;
}

// The extract request from the form, or null (with a message) when there is no text.
function requestBody() {
  const text = $("text").value;
  const status = $("status");
  status.className = "";
  if (!text.trim()) { status.textContent = "Paste some text first."; status.className = "error"; return null; }
  const targets = $("targets").value.split(",").map((t) => t.trim()).filter(Boolean);
  const body = { text };
  if (targets.length) body.targets = targets;
  if ($("unattributed").checked) body.options = { include_unattributed: true };
  return body;
}

async function analyze() {
  const body = requestBody();
  if (!body) return;
  const text = body.text;
  const status = $("status");
  $("analyze").disabled = true;
  status.textContent = "Analyzing…";
  try {
    const response = await fetch("/v1/extract", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
    const data = await response.json();
    if (!response.ok) throw new Error(data.error ? `${data.error.code}: ${data.error.message}` : response.statusText);
    render(text, data);
    status.textContent = `${data.claims.length} claims from ${data.speakers.length} speakers.`;
  } catch (err) {
    status.textContent = `Error: ${err.message}`;
    status.className = "error";
  } finally {
    $("analyze").disabled = false;
  }
}

// Jobs this page created: their ids (never their texts) stay in this browser so that they can be
// deleted later; the texts stay in memory, to show a job's result until the page is reloaded.
const JOBS_KEY = "claimscope.jobs";
const jobTexts = {};
let jobsTimer = null;
let jobsDrawn = 0;
const pageJobs = () => JSON.parse(localStorage.getItem(JOBS_KEY) || "[]");
const savePageJobs = (ids) => localStorage.setItem(JOBS_KEY, JSON.stringify(ids));

async function apiError(response) {
  const data = await response.json().catch(() => ({}));
  return new Error(data.error ? `${data.error.code}: ${data.error.message}` : response.statusText);
}

function showError(err) {
  $("status").textContent = `Error: ${err.message}`;
  $("status").className = "error";
}

async function submitJob() {
  const body = requestBody();
  if (!body) return;
  $("submit-job").disabled = true;
  try {
    const response = await fetch("/v1/jobs", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ documents: [body] }) });
    if (!response.ok) throw await apiError(response);
    const job = await response.json();
    jobTexts[job.id] = body.text;
    savePageJobs([...pageJobs(), job.id]);
    $("status").textContent = `Job ${job.id.slice(0, 8)} submitted.`;
    await refreshJobs();
  } catch (err) {
    showError(err);
  } finally {
    $("submit-job").disabled = false;
  }
}

function jobButton(label, action) {
  const button = el("button", { type: "button", class: "secondary", "data-action": label.toLowerCase() }, label);
  button.addEventListener("click", () => action().catch(showError));
  return button;
}

async function showJob(id) {
  const response = await fetch(`/v1/jobs/${id}/results`);
  if (!response.ok) throw await apiError(response);
  const result = JSON.parse((await response.text()).split("\n")[0]);
  if (result.error) throw new Error(`${result.error.code}: ${result.error.message}`);
  render(jobTexts[id], result);
  $("status").textContent = `Job ${id.slice(0, 8)}: ${result.claims.length} claims from ${result.speakers.length} speakers.`;
}

async function deleteJob(id) {
  const response = await fetch(`/v1/jobs/${id}`, { method: "DELETE" });
  if (!response.ok && response.status !== 404) throw await apiError(response);
  delete jobTexts[id];
  savePageJobs(pageJobs().filter((x) => x !== id));
  $("status").textContent = `Job ${id.slice(0, 8)} deleted.`;
  await refreshJobs();
}

// Redraw the page's jobs (forgetting those deleted or expired) and poll while any is unfinished.
async function refreshJobs() {
  clearTimeout(jobsTimer);
  const drawing = ++jobsDrawn;  // a later refresh (after a delete) wins over one still in flight
  const rows = [];
  let running = false;
  for (const id of pageJobs()) {
    const response = await fetch(`/v1/jobs/${id}`);
    if (response.status === 404) { savePageJobs(pageJobs().filter((x) => x !== id)); continue; }
    const job = response.ok ? await response.json() : { id, status: "unknown", progress: 0 };
    running = running || job.status === "queued" || job.status === "running";
    const done = job.status === "completed";
    rows.push(el("tr", { "data-job": id },
      el("td", {}, id.slice(0, 8)),
      el("td", { class: "job-status" }, done ? `completed: ${job.done} done, ${job.failed} failed` : `${job.status} ${Math.round(job.progress * 100)}%`),
      el("td", {}, job.expires ? `expires ${new Date(job.expires * 1000).toLocaleString()}` : "—"),
      el("td", {}, ...(done && jobTexts[id] !== undefined ? [jobButton("Show", () => showJob(id))] : []),
        jobButton("Delete", () => deleteJob(id)))));
  }
  if (drawing !== jobsDrawn) return;
  $("jobs-table").replaceChildren(...rows);
  $("jobs").hidden = rows.length === 0;
  if (running) jobsTimer = setTimeout(() => refreshJobs().catch(showError), 1000);
}

async function loadSeed() {
  const response = await fetch("/v1/samples/seed");
  $("text").value = await response.text();
  $("targets").value = "ceasefire";
}

$("analyze").addEventListener("click", analyze);
$("submit-job").addEventListener("click", submitJob);
$("load-seed").addEventListener("click", loadSeed);
refreshJobs().catch(showError);
$("file").addEventListener("change", async (event) => {
  const file = event.target.files[0];
  if (file) $("text").value = await file.text();
});

// ClaimScope corpus page: plain JS, no build step. Reads articles (JSONL, CSV or pasted texts),
// submits them as one job (POST /v1/jobs), follows its progress, then draws the job's summary
// (GET /v1/jobs/<id>/summary): the speaker x target table, the stance timeline (uPlot, served from
// /static/vendor/uplot) and the most check-worthy claims. The job id stays in the address (#job=...).
"use strict";

const SERIES_COLORS = ["#2456c7", "#c62828", "#1b8a3a", "#e08a00", "#6a3fb5", "#00838f"];
const TIMELINE_SPEAKERS = SERIES_COLORS.length;
const TABLE_SPEAKERS = 40;
const $ = (id) => document.getElementById(id);
let summary = null;
let chart = null;
let pollTimer = null;

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === "class") node.className = v; else node.setAttribute(k, v);
  }
  for (const child of children) node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  return node;
}

function say(message, error = false) {
  $("corpus-status").textContent = message;
  $("corpus-status").className = error ? "error" : "";
}

async function apiError(response) {
  const data = await response.json().catch(() => ({}));
  return new Error(data.error ? `${data.error.code}: ${data.error.message}` : response.statusText);
}

// RFC 4180 CSV: quoted fields may hold commas, doubled quotes and line breaks.
function parseCsv(text) {
  const rows = [];
  let row = [], field = "", quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { field += '"'; i++; } else if (c === '"') quoted = false; else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") { row.push(field); field = ""; }
    else if (c === "\n" || c === "\r") {
      if (c === "\r" && text[i + 1] === "\n") i++;
      row.push(field); rows.push(row); row = []; field = "";
    } else field += c;
  }
  if (field !== "" || row.length) { row.push(field); rows.push(row); }
  return rows.filter((r) => r.some((x) => x.trim() !== ""));
}

const FIELDS = ["id", "title", "text", "published", "source"];

// One extract request per article, from the pasted or loaded text; ``name`` is the file's name.
function parseArticles(text, name = "") {
  const trimmed = text.trim();
  if (!trimmed) return [];
  let docs;
  if (/\.csv$/i.test(name) || (!/\.jsonl?$/i.test(name) && /^\ufeff?"?text"?,|,"?text"?(,|\r?\n)/i.test(trimmed.split("\n")[0]))) {
    const [header, ...rows] = parseCsv(trimmed.replace(/^\ufeff/, ""));
    const columns = header.map((h) => h.trim().toLowerCase());
    if (!columns.includes("text")) throw new Error("The CSV needs a header row with a 'text' column.");
    docs = rows.map((row) => {
      const doc = {};
      columns.forEach((c, i) => {
        const value = (row[i] || "").trim();
        if (!value) return;
        if (c === "targets") doc.targets = value.split(/[;|]/).map((t) => t.trim()).filter(Boolean);
        else if (FIELDS.includes(c)) doc[c] = c === "text" ? row[i] : value;
      });
      return doc;
    });
  } else if (trimmed.startsWith("{")) {
    docs = trimmed.split(/\r?\n/).filter((line) => line.trim()).map((line, i) => {
      try { return JSON.parse(line); } catch { throw new Error(`Line ${i + 1} is not valid JSON.`); }
    });
  } else {
    docs = trimmed.split(/^\s*---+\s*$/m).map((t) => t.trim()).filter(Boolean).map((t) => ({ text: t }));
  }
  const targets = $("corpus-targets").value.split(",").map((t) => t.trim()).filter(Boolean);
  return docs.map((doc, i) => ({ id: `article-${i + 1}`, ...doc, ...(doc.targets || !targets.length ? {} : { targets }) }));
}

async function submitCorpus() {
  let docs;
  try {
    docs = parseArticles($("articles").value, $("articles").dataset.file || "");
  } catch (err) { say(`Error: ${err.message}`, true); return; }
  if (!docs.length) { say("Paste or load some articles first.", true); return; }
  $("corpus-submit").disabled = true;
  try {
    const response = await fetch("/v1/jobs", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ documents: docs }) });
    if (!response.ok) throw await apiError(response);
    const job = await response.json();
    say(`Job ${job.id.slice(0, 8)}: ${job.total} articles submitted.`);
    location.hash = `job=${job.id}`;  // openFromHash follows it
  } catch (err) {
    say(`Error: ${err.message}`, true);
  } finally {
    $("corpus-submit").disabled = false;
  }
}

// Follow a job's progress once a second; draw its summary when it completes.
async function follow(id) {
  clearTimeout(pollTimer);
  $("job-id").value = id;
  const response = await fetch(`/v1/jobs/${encodeURIComponent(id)}`);
  if (!response.ok) throw await apiError(response);
  const job = await response.json();
  $("progress-row").hidden = false;
  $("progress").value = job.progress;
  $("progress-text").textContent = `${job.done + job.failed} of ${job.total} articles (${Math.round(job.progress * 100)}%)` +
    (job.failed ? `, ${job.failed} failed` : "");
  if (job.status !== "completed") {
    pollTimer = setTimeout(() => follow(id).catch((err) => say(`Error: ${err.message}`, true)), 1000);
    return;
  }
  const data = await fetch(`/v1/jobs/${encodeURIComponent(id)}/summary?limit=200&top=15`);
  if (!data.ok) throw await apiError(data);
  summary = await data.json();
  render(id, summary);
  say(`Job ${id.slice(0, 8)} completed.`);
}

function render(id, s) {
  $("corpus-counts").textContent = `${s.documents} articles (${s.failed} failed), ${s.claims} claims, ` +
    `${s.speakers_total} speakers, ${s.targets.length} targets` +
    (s.dates.length ? `, ${s.dates[0].date} to ${s.dates[s.dates.length - 1].date}` : "") + ".";
  $("csv-link").href = `/v1/jobs/${id}/claims.csv`;
  $("json-link").href = `/v1/jobs/${id}/summary`;
  renderTable(s);
  renderTopClaims(s);
  $("corpus-output").hidden = false;  // before the chart, which takes the width it is shown at
  const select = $("timeline-target");
  select.replaceChildren(...s.targets.map((t) => el("option", { value: t.target }, t.target)));
  renderTimeline(s, select.value);
}

function stanceOf(speaker, target) {
  return speaker.stances.find((x) => x.target === target);
}

function renderTable(s) {
  const targets = s.targets.map((t) => t.target);
  const rows = s.speakers.filter((sp) => sp.stances.length).slice(0, TABLE_SPEAKERS);
  const head = el("tr", {}, el("th", {}, "Speaker"), el("th", {}, "Articles"), el("th", {}, "Claims"),
    ...targets.map((t) => el("th", {}, t)));
  $("corpus-table").replaceChildren(head, ...rows.map((sp) => el("tr", { "data-speaker": sp.key },
    el("td", {}, sp.name, el("div", { class: "meta" }, [sp.type, sp.role, sp.affiliation].filter(Boolean).join(" · "))),
    el("td", { class: "num" }, sp.documents), el("td", { class: "num" }, sp.claims),
    ...targets.map((t) => {
      const x = stanceOf(sp, t);
      if (!x) return el("td", {}, "–");
      const examples = x.examples.map((e) => `${e.label}: ${e.document_id || `#${e.index}`} ${e.claim_id}`).join("\n");
      return el("td", { class: x.label, "data-target": t, title: examples }, `${x.label} ${x.favor} / ${x.against} / ${x.neutral}`);
    }))));
  if (!rows.length) $("corpus-table").append(el("tr", {}, el("td", { colspan: String(3 + targets.length) }, "No speaker took a stance toward a target.")));
}

// Each speaker's net stance toward ``target`` per day: (favor - against) / claims, for the speakers
// with the most claims toward it; a day without claims is a gap the line spans.
function timelineData(s, target) {
  const speakers = s.speakers.map((sp) => [sp, stanceOf(sp, target)]).filter(([, x]) => x && x.by_date.length)
    .sort((a, b) => (b[1].favor + b[1].against + b[1].neutral) - (a[1].favor + a[1].against + a[1].neutral))
    .slice(0, TIMELINE_SPEAKERS);
  const days = [...new Set(speakers.flatMap(([, x]) => x.by_date.map((d) => d.date)))].sort();
  const xs = days.map((d) => Date.parse(`${d}T00:00:00Z`) / 1000);
  const ys = speakers.map(([, x]) => {
    const byDay = Object.fromEntries(x.by_date.map((d) => [d.date, (d.favor - d.against) / (d.favor + d.against + d.neutral)]));
    return days.map((d) => (d in byDay ? byDay[d] : null));
  });
  return { speakers: speakers.map(([sp]) => sp), data: [xs, ...ys] };
}

function renderTimeline(s, target) {
  if (chart) { chart.destroy(); chart = null; }
  const { speakers, data } = timelineData(s, target);
  $("timeline").replaceChildren();
  if (!speakers.length) {
    $("timeline-note").textContent = s.dates.length ? "No dated claims toward this target." : "The articles carry no published dates.";
    return;
  }
  $("timeline-note").textContent = `The ${speakers.length} speakers with the most claims toward “${target}”.`;
  const width = Math.max(480, $("timeline").clientWidth - 20);
  chart = new uPlot({
    width, height: 300, scales: { x: { time: true }, y: { range: [-1.1, 1.1] } },
    tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), "Etc/UTC"),  // the days are UTC midnights
    axes: [{ incrs: [86400, 7 * 86400, 28 * 86400, 365 * 86400], values: (u, ticks) => ticks.map((t) => new Date(t * 1000).toISOString().slice(0, 10)) }, { values: (u, ticks) => ticks.map((v) => (v >= 0.999 ? "favor" : v <= -0.999 ? "against" : v.toFixed(1))), size: 60 }],
    padding: [12, 48, 0, 0],
    series: [{ label: "Day", value: (u, v) => (v == null ? "–" : new Date(v * 1000).toISOString().slice(0, 10)) }, ...speakers.map((sp, i) => ({
      label: sp.name, stroke: SERIES_COLORS[i], width: 3, spanGaps: true,
      points: { show: true, size: 9, fill: SERIES_COLORS[i], stroke: SERIES_COLORS[i] },
    }))],
  }, data, $("timeline"));
}

function renderTopClaims(s) {
  $("top-claims").replaceChildren(
    el("tr", {}, ...["Check-worthiness", "Speaker", "Claim", "Article", "Outlet", "Date", "Stance"].map((h) => el("th", {}, h))),
    ...s.top_claims.map((c) => el("tr", { "data-claim": `${c.index}:${c.claim_id}` },
      el("td", { class: "num" }, c.checkworthiness.toFixed(2)), el("td", {}, c.speaker || "—"), el("td", {}, c.text),
      el("td", {}, `${c.document_id || `#${c.index}`} ${c.claim_id}`), el("td", {}, c.source || "—"),
      el("td", { class: "num" }, c.published || "—"), el("td", {}, c.stances.map((x) => `${x.target}: ${x.label}`).join(", ") || "—"))));
}

function openFromHash() {
  const match = location.hash.match(/job=([0-9a-zA-Z_-]+)/);
  if (match) follow(match[1]).catch((err) => say(`Error: ${err.message}`, true));
}

$("corpus-submit").addEventListener("click", submitCorpus);
$("corpus-open").addEventListener("click", () => {
  const id = $("job-id").value.trim();
  if (!id) return;
  if (location.hash === `#job=${id}`) openFromHash(); else location.hash = `job=${id}`;
});
$("timeline-target").addEventListener("change", () => summary && renderTimeline(summary, $("timeline-target").value));
$("corpus-file").addEventListener("change", async (event) => {
  const file = event.target.files[0];
  if (!file) return;
  $("articles").value = await file.text();
  $("articles").dataset.file = file.name;
  try {
    say(`${file.name}: ${parseArticles($("articles").value, file.name).length} articles.`);
  } catch (err) { say(`Error: ${err.message}`, true); }
});
$("articles").addEventListener("input", () => { delete $("articles").dataset.file; });
window.addEventListener("hashchange", openFromHash);
openFromHash();

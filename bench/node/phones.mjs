// Phones played by the official socket.io-client under Node, as a browser connects:
// websocket transport, permessage-deflate offered (the `ws` package's default, as browsers do).
//
//   node phones.mjs '{"url": "...", "n": 1000, "joinRate": 100, "maxInFlight": 200,
//                     "mode": "app", "code": "ABC123", "dialogueId": 1}'
//
// Joins N phones (app: the join page, the profile form, the socket, the snapshot; bare: the
// socket and the snapshot), prints one JSON line {"event": "joined", ...}, then answers
// commands on stdin, one a line: `mark` (start counting CPU and arrivals afresh), `report`
// (a JSON line with the arrival of every `change` since the mark: per item id, how many
// phones got it and when the last one did, wall-clock milliseconds) and `quit`.
import { performance } from "node:perf_hooks";
import readline from "node:readline";
import { io } from "socket.io-client";

const cfg = JSON.parse(process.argv[2]);
const now = () => performance.timeOrigin + performance.now();
const CSRF = /name="csrf_token"[^>]*value="([^"]+)"/;
const ROLES = ["socialsekreterare", "arbetsledare", "chef", "politiker", "ivo", "annan"];
const phones = [];
const errors = [];
let arrivals = new Map(); // item id -> [count, last ms]
let changes = 0;

function cookiesOf(response) {
  return response.headers.getSetCookie().map((c) => c.split(";", 1)[0]);
}

async function profile(i) {
  const base = cfg.url;
  let r = await fetch(`${base}/m/${cfg.code}`, { redirect: "manual" });
  if (r.status !== 200) throw new Error(`join page ${r.status}`);
  const token = CSRF.exec(await r.text())[1];
  const session = cookiesOf(r).join("; ");
  const orgs = cfg.organizationIds && cfg.organizationIds.length ? cfg.organizationIds : [0];
  const form = new URLSearchParams({
    csrf_token: token, role: ROLES[i % ROLES.length],
    organization: i % 20 === 19 ? "none" : String(orgs[i % orgs.length]),
  });
  r = await fetch(`${base}/m/${cfg.code}/profil`, {
    method: "POST", body: form, redirect: "manual",
    headers: { Cookie: session, "Content-Type": "application/x-www-form-urlencoded" },
  });
  await r.arrayBuffer();
  if (r.status !== 302) throw new Error(`profile form ${r.status}`);
  const name = `deltagare_${cfg.dialogueId}=`;
  const cookie = cookiesOf(r).find((c) => c.startsWith(name));
  if (!cookie) throw new Error("no participant cookie");
  return cookie;
}

function connect(cookie) {
  return new Promise((resolve, reject) => {
    const socket = io(cfg.url, {
      transports: ["websocket"], reconnection: false, forceNew: true, timeout: 30000,
      auth: { dialogue: cfg.dialogueId }, extraHeaders: cookie ? { Cookie: cookie } : {},
    });
    socket.on("change", (msg) => {
      changes += 1;
      const id = msg && msg.data ? msg.data.id : null;
      const t = now();
      const seen = arrivals.get(id);
      if (seen) { seen[0] += 1; seen[1] = t; } else arrivals.set(id, [1, t]);
    });
    socket.once("connect_error", (e) => reject(new Error(`connect: ${e.message}`)));
    socket.once("connect", () => {
      socket.timeout(30000).emit("snapshot", {}, (err, answer) => {
        if (err || !answer || !answer.ok) reject(new Error(`snapshot: ${err || JSON.stringify(answer)}`));
        else resolve(socket);
      });
    });
  });
}

function pct(values, q) {
  if (!values.length) return null;
  const s = [...values].sort((a, b) => a - b);
  return s[Math.max(1, Math.min(s.length, Math.round((q / 100) * s.length + 0.5))) - 1];
}

async function joinAll() {
  const latencies = [];
  let failed = 0;
  let inFlight = 0;
  const waiting = [];
  const acquire = () => (inFlight < cfg.maxInFlight ? (inFlight++, Promise.resolve())
    : new Promise((r) => waiting.push(r)));
  const release = () => { const next = waiting.shift(); if (next) next(); else inFlight--; };
  const cpu0 = process.cpuUsage();
  const start = now() + 50;
  await Promise.all(Array.from({ length: cfg.n }, async (_, i) => {
    const scheduled = start + (i * 1000) / cfg.joinRate;
    await new Promise((r) => setTimeout(r, Math.max(0, scheduled - now())));
    await acquire();
    try {
      const cookie = cfg.mode === "app" ? await profile(i) : "";
      phones.push(await connect(cookie));
      latencies.push(now() - scheduled);
    } catch (e) {
      failed += 1;
      if (errors.length < 20) errors.push(String(e.message || e));
    } finally {
      release();
    }
  }));
  const seconds = (now() - start) / 1000;
  const cpu = process.cpuUsage(cpu0);
  return {
    event: "joined", joined: latencies.length, failed, seconds: +seconds.toFixed(2),
    rate_per_s: +(latencies.length / seconds).toFixed(1),
    p50_ms: pct(latencies, 50), p99_ms: pct(latencies, 99),
    client_cpu_share: +((cpu.user + cpu.system) / 1e6 / seconds).toFixed(2), errors,
  };
}

let mark = { cpu: process.cpuUsage(), t: now() };
const line = (obj) => process.stdout.write(JSON.stringify(obj) + "\n");
line(await joinAll());
const rl = readline.createInterface({ input: process.stdin });
for await (const command of rl) {
  if (command === "mark") {
    arrivals = new Map(); changes = 0; mark = { cpu: process.cpuUsage(), t: now() };
    line({ event: "marked" });
  } else if (command === "report") {
    const cpu = process.cpuUsage(mark.cpu);
    const seconds = (now() - mark.t) / 1000;
    line({
      event: "report", phones: phones.filter((s) => s.connected).length, changes,
      arrivals: Object.fromEntries([...arrivals].map(([id, v]) => [String(id), v])),
      client_cpu_seconds: (cpu.user + cpu.system) / 1e6, seconds,
    });
  } else if (command === "quit") {
    break;
  }
}
for (const s of phones) s.disconnect();
process.exit(0);

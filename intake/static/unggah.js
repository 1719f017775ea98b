/* Absah — halaman Unggah (operator unit). Plain XHR with upload.onprogress, no library:
   files are hashed (SHA-256, as the API requires), bound to criteria by the server's rules
   (POST .../ikat), then sent straight to storage: one presigned PUT, or S3-style parts above
   one part's size (start, sign, PUT each part, finish) so a dropped connection re-sends only
   the unfinished part. ZIPs go to the bundles step. Statuses and the checklist are polled. */
(function () {
  "use strict";
  var root = document.getElementById("unggah");
  if (!root) return;
  var API = "/ui/unggah/api/";
  var CSRF = root.dataset.csrf;
  var WHERE = [root.dataset.programme, root.dataset.period, root.dataset.unit].map(encodeURIComponent).join("/");
  var MAX = Number(root.dataset.maxBytes);
  var PARALLEL = 3, RETRIES = 6;
  var FINAL = { passed: 1, failed: 1, needs_review: 1, unable_to_check: 1, superseded: 1 };
  var STATE = {
    waiting: "Menunggu", hashing: "Menghitung sidik berkas…", uploading: "Mengunggah…",
    paused: "Dijeda", offline: "Jaringan terputus — dilanjutkan otomatis saat tersambung",
    retrying: "Koneksi terputus, mencoba lagi…", completing: "Menyelesaikan…",
    done: "Terunggah, menunggu pemeriksaan", error: "Gagal", blocked: "Pilih kriteria dulu"
  };
  var items = [], criteria = [], submission = null, seq = 0, pollTimer = null;
  var $ = function (id) { return document.getElementById(id); };

  function el(tag, attrs, kids) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === "text") node.textContent = attrs[k];
      else if (k === "hidden") node.hidden = attrs[k];
      else node.setAttribute(k, attrs[k]);
    });
    (kids || []).forEach(function (c) { if (c) node.appendChild(typeof c === "string" ? document.createTextNode(c) : c); });
    return node;
  }
  function size(n) {
    if (n < 1024) return n + " B";
    if (n < 1048576) return Math.round(n / 1024) + " KB";
    return (n / 1048576).toFixed(1).replace(".", ",") + " MB";
  }
  function say(text) { $("kabar").textContent = text; }

  /* ---- calls ---- */
  function Failure(status, body, network) {
    this.status = status; this.network = !!network;
    this.code = body && body.code; this.detail = body && body.detail;
    this.message = (body && body.message) || (network ? "Koneksi terputus." : "Permintaan gagal (" + status + ").");
  }
  function call(method, path, body) {
    var headers = { "X-CSRF-Token": CSRF };
    if (body !== undefined) headers["Content-Type"] = "application/json";
    return fetch(API + path, { method: method, headers: headers, credentials: "same-origin",
      body: body === undefined ? undefined : JSON.stringify(body) })
      .catch(function () { throw new Failure(0, null, true); })
      .then(function (r) {
        if (r.status === 204) return null;
        return r.json().catch(function () { return null; }).then(function (data) {
          if (!r.ok) throw new Failure(r.status, data);
          return data;
        });
      });
  }
  /* One XHR with upload progress; `item.xhrs` lets Jeda abort it. */
  function send(item, method, url, body, headers, onProgress) {
    return new Promise(function (resolve, reject) {
      var xhr = new XMLHttpRequest();
      xhr.open(method, url);
      Object.keys(headers || {}).forEach(function (k) { xhr.setRequestHeader(k, headers[k]); });
      if (url.charAt(0) === "/") xhr.setRequestHeader("X-CSRF-Token", CSRF);
      xhr.upload.onprogress = function (e) { onProgress(e.loaded); };
      xhr.onload = function () {
        item.xhrs.delete(xhr);
        var data = null;
        try { data = xhr.responseText ? JSON.parse(xhr.responseText) : null; } catch (e) { data = null; }
        if (xhr.status >= 200 && xhr.status < 300) resolve(data);
        else reject(new Failure(xhr.status, data));
      };
      xhr.onerror = function () { item.xhrs.delete(xhr); reject(new Failure(0, null, true)); };
      xhr.onabort = function () { item.xhrs.delete(xhr); reject(new Failure(0, { code: "paused" })); };
      item.xhrs.add(xhr);
      xhr.send(body);
    });
  }
  function wait(ms) { return new Promise(function (r) { setTimeout(r, ms); }); }
  /* Retry what a dropped connection or a 5xx broke, with backoff; offline waits for "online". */
  function retrying(item, step) {
    var attempt = 0;
    function go() {
      return step().catch(function (f) {
        if (item.state === "paused" || f.code === "paused") throw f;
        var transient = f.network || f.status >= 500 || f.status === 409 && f.code === "upload_in_progress";
        if (!transient || attempt >= RETRIES) throw f;
        attempt += 1;
        if (!navigator.onLine) {
          setState(item, "offline");
          return new Promise(function (r) { window.addEventListener("online", r, { once: true }); })
            .then(function () { setState(item, "uploading"); return go(); });
        }
        setState(item, "retrying");
        return wait(Math.min(8000, 500 * Math.pow(2, attempt))).then(function () {
          if (item.state === "paused") throw new Failure(0, { code: "paused" });
          setState(item, "uploading");
          return go();
        });
      });
    }
    return go();
  }

  /* ---- the file list ---- */
  function isZip(file) { return /\.zip$/i.test(file.name) || file.type === "application/zip"; }
  function criterionSelect(item) {
    var label = el("label", { for: "krit-" + item.id, class: "sr-only", text: "Kriteria untuk " + item.name });
    var select = el("select", { id: "krit-" + item.id });
    select.appendChild(el("option", { value: "", text: "— pilih kriteria —" }));
    criteria.forEach(function (c) {
      var opt = el("option", { value: c.id, text: c.id + " — " + c.name });
      if (c.id === item.criterion) opt.selected = true;
      select.appendChild(opt);
    });
    select.addEventListener("change", function () {
      item.criterion = select.value || null; item.source = "pilihan";
      if (item.state === "blocked" && item.criterion) setState(item, "waiting");
    });
    item.select = select;
    return el("div", {}, [label, select]);
  }
  function addRow(item) {
    var progress = el("progress", { max: "100", value: "0", "aria-label": "Kemajuan " + item.name });
    var pct = el("span", { class: "pct", text: "0 %" });
    var status = el("div", { class: "status" });
    var reasons = el("ul", { class: "reasons" });
    var actions = el("div", { class: "row-actions" });
    var crit = item.zip ? el("span", { class: "small", text: "ZIP — dibuka di server (nama berkas atau folder)" }) : criterionSelect(item);
    var row = el("tr", { id: "berkas-" + item.id }, [
      el("th", { scope: "row" }, [el("span", { class: "fname", text: item.path }), el("span", { class: "small", text: " " + size(item.file.size) })]),
      el("td", { class: "crit" }, [crit, item.problem ? el("p", { class: "small warn-text", text: item.problem }) : null]),
      el("td", { class: "prog" }, [progress, pct]),
      el("td", {}, [status, reasons]),
      el("td", {}, [actions])
    ]);
    item.ui = { row: row, progress: progress, pct: pct, status: status, reasons: reasons, actions: actions };
    $("daftar-berkas").appendChild(row);
    $("antrean-unggah").hidden = false;
    setState(item, item.state);
  }
  function button(text, label, onClick, id) {
    var b = el("button", { type: "button", class: "quiet", text: text, "aria-label": label });
    if (id) b.id = id;
    b.addEventListener("click", onClick);
    return b;
  }
  function setState(item, state, message) {
    item.state = state;
    if (!item.ui) return;
    var text = item.machine ? item.machine.status_label : STATE[state];
    if (state === "error") text = STATE.error + ": " + (message || item.error || "");
    item.ui.status.textContent = text;
    item.ui.status.className = "status badge " + (item.machine ? "s-doc-" + item.machine.status : "u-" + state);
    var acts = item.ui.actions;
    acts.textContent = "";
    if (state === "uploading" || state === "hashing" || state === "retrying")
      acts.appendChild(button("Jeda", "Jeda " + item.name, function () { pause(item); }));
    if (state === "paused" || state === "offline")
      acts.appendChild(button("Lanjutkan", "Lanjutkan " + item.name, function () { resume(item); }));
    if (state === "error")
      acts.appendChild(button("Ulangi", "Ulangi " + item.name, function () { resume(item); }));
    if (state === "waiting" || state === "blocked" || state === "error")
      acts.appendChild(button("Hapus", "Hapus " + item.name + " dari daftar", function () { removeItem(item); }));
    if (item.select) item.select.disabled = !(state === "waiting" || state === "blocked" || (state === "error" && !item.upload));
  }
  function progress(item, sent) {
    item.sent = Math.min(sent, item.file.size);
    var pct = item.file.size ? Math.floor(100 * item.sent / item.file.size) : 100;
    item.ui.progress.value = pct;
    item.ui.pct.textContent = pct + " %";
    overall();
  }
  var samples = [];
  function overall() {
    var total = 0, sent = 0, active = false;
    items.forEach(function (i) { total += i.file.size; sent += i.sent; if (i.state === "uploading") active = true; });
    var pct = total ? Math.floor(100 * sent / total) : 0;
    $("kemajuan-semua").value = pct;
    var now = Date.now();
    samples.push([now, sent]);
    while (samples.length > 2 && now - samples[0][0] > 4000) samples.shift();
    var text = pct + " % · " + size(sent) + " dari " + size(total);
    var span = (now - samples[0][0]) / 1000;
    if (active && span > 0.5 && sent < total) {
      var speed = (sent - samples[0][1]) / span;
      if (speed > 0) {
        var left = Math.ceil((total - sent) / speed);
        text += " · " + size(speed) + "/detik · sisa " + (left >= 60 ? Math.floor(left / 60) + " menit " : "") + (left % 60) + " detik";
      }
    }
    $("ringkasan-semua").textContent = text;
  }

  /* ---- taking files in ---- */
  function readEntry(entry, folder, out) {
    if (entry.isFile) return new Promise(function (r) { entry.file(function (f) { out.push({ file: f, folder: folder }); r(); }, r); });
    if (!entry.isDirectory) return Promise.resolve();
    var reader = entry.createReader(), path = folder ? folder + "/" + entry.name : entry.name;
    return new Promise(function (resolve) {
      var all = [];
      (function more() {
        reader.readEntries(function (batch) {
          if (!batch.length) return Promise.all(all.map(function (e) { return readEntry(e, path, out); })).then(resolve);
          all = all.concat(Array.prototype.slice.call(batch)); more();
        }, resolve);
      })();
    });
  }
  var loaded = null;
  function take(found) {
    loaded = loaded || (submission ? Promise.resolve() : call("GET", "pengajuan/" + WHERE).then(render));
    return loaded.then(function () { return bind(found); }, function (f) { loaded = null; say(f.message); });
  }
  function bind(found) {
    var fresh = [];
    found.forEach(function (f) {
      var path = (f.folder ? f.folder + "/" : "") + f.file.name;
      var item = { id: ++seq, file: f.file, name: f.file.name, folder: f.folder, path: path, zip: isZip(f.file),
        state: "waiting", sent: 0, xhrs: new Set(), criterion: null, upload: null, parts: null };
      if (f.file.size > MAX && !item.zip) { item.state = "error"; item.error = "Berkas lebih besar dari batas " + size(MAX) + "."; }
      items.push(item); fresh.push(item);
    });
    var toBind = fresh.filter(function (i) { return !i.zip && i.state !== "error"; });
    var bound = toBind.length ? call("POST", "ikat/" + WHERE, { files: toBind.map(function (i) { return { name: i.name, folder: i.folder || null }; }) })
      : Promise.resolve([]);
    return bound.then(function (answers) {
      toBind.forEach(function (item, n) {
        var b = answers[n];
        item.criterion = b.criterion; item.source = b.source;
        if (!b.criterion) { item.state = "blocked"; item.problem = "Kriteria tidak terbaca dari nama atau folder: pilih sendiri."; }
        else if (!criteria.some(function (c) { return c.id === b.criterion; })) {
          item.state = "blocked"; item.problem = "Kriteria " + b.criterion + " tidak ada dalam katalog: pilih yang benar."; item.criterion = null;
        } else item.problem = b.source === "folder" ? "Dari folder." : "Dari nama berkas.";
      });
      fresh.forEach(addRow);
      say(fresh.length + " berkas ditambahkan. Periksa kriterianya, lalu tekan Unggah semua.");
    }).catch(function (f) { fresh.forEach(addRow); say(f.message); });
  }
  function fromList(list) {
    return Array.prototype.map.call(list, function (f) {
      var rel = f.webkitRelativePath || "";
      return { file: f, folder: rel ? rel.slice(0, rel.length - f.name.length - 1) : null };
    });
  }
  $("pilih-berkas").addEventListener("click", function () { $("input-berkas").click(); });
  $("pilih-folder").addEventListener("click", function () { $("input-folder").click(); });
  ["input-berkas", "input-folder"].forEach(function (id) {
    $(id).addEventListener("change", function (e) { take(fromList(e.target.files)); e.target.value = ""; });
  });
  var drop = $("seret");
  drop.addEventListener("dragover", function (e) { e.preventDefault(); drop.classList.add("over"); });
  drop.addEventListener("dragleave", function () { drop.classList.remove("over"); });
  drop.addEventListener("drop", function (e) {
    e.preventDefault(); drop.classList.remove("over");
    var dt = e.dataTransfer, out = [], entries = [];
    Array.prototype.forEach.call(dt.items || [], function (it) {
      var entry = it.webkitGetAsEntry && it.webkitGetAsEntry();
      if (entry) entries.push(entry);
    });
    if (!entries.length) return take(fromList(dt.files));
    Promise.all(entries.map(function (en) { return readEntry(en, null, out); })).then(function () { take(out); });
  });

  /* ---- sending ---- */
  function sha256(file) {
    if (!window.crypto || !crypto.subtle) return Promise.reject(new Failure(0, { message: "Peramban tidak dapat menghitung SHA-256: buka halaman ini lewat HTTPS." }));
    return file.arrayBuffer().then(function (buf) { return crypto.subtle.digest("SHA-256", buf); }).then(function (d) {
      return Array.prototype.map.call(new Uint8Array(d), function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
    });
  }
  /* A file sent in parts is remembered in this browser (its upload and multipart ids, by unit,
     criterion, SHA-256 and name), so after a reload or a closed tab the same file chosen again
     sends only the parts the server does not hold yet. Forgotten when done or refused, and
     after a week. */
  var KEPT = "absah.unggah." + WHERE + ".", KEEP_MS = 7 * 24 * 3600 * 1000;
  try {  /* records older than a week: their uploads have long expired */
    Object.keys(localStorage).forEach(function (k) {
      if (k.indexOf("absah.unggah.") === 0 && !recall(k)) localStorage.removeItem(k);
    });
  } catch (e) { /* storage off */ }
  function keep(item) {
    try {
      localStorage.setItem(item.keptKey, JSON.stringify({ upload: { id: item.upload.id, multipart: true }, at: Date.now(),
        parts: { id: item.parts.id, bytes: item.parts.bytes, count: item.parts.count } }));
    } catch (e) { /* storage full or off: the upload goes on, it only cannot be resumed */ }
  }
  function forget(item) { try { if (item.keptKey) localStorage.removeItem(item.keptKey); } catch (e) { /* off */ } }
  function recall(key) {
    try {
      var kept = JSON.parse(localStorage.getItem(key) || "null");
      return kept && kept.upload && kept.parts && Date.now() - kept.at < KEEP_MS ? kept : null;
    } catch (e) { return null; }
  }
  function resumed(item, kept) {
    /* the server still holds the parts: carry on with them; gone or finished there: start
       afresh; a dropped connection or a server error: try again (the record stays) */
    var path = "unggahan/" + kept.upload.id + "/bagian/" + encodeURIComponent(kept.parts.id);
    return retrying(item, function () { return call("GET", path); }).then(function (held) {
      /* `held` saves sendParts asking the same question again */
      item.parts = { id: kept.parts.id, bytes: kept.parts.bytes, count: kept.parts.count, done: {}, held: held };
      if (held.length) say(item.name + ": melanjutkan unggahan sebelumnya; " + held.length + " dari " + kept.parts.count + " bagian sudah diterima server.");
      return { id: kept.upload.id, multipart: true, status: "pending" };
    }, function (f) {
      if (f.status === 404 || f.status === 409 || f.status === 410) { forget(item); return null; }
      throw f;
    });
  }
  function reserve(item) {
    if (item.upload) return Promise.resolve(item.upload);
    setState(item, "hashing");
    return sha256(item.file).then(function (hex) {
      setState(item, "uploading");
      item.keptKey = KEPT + item.criterion + "." + hex + "." + item.name;
      var kept = recall(item.keptKey);
      return (kept ? resumed(item, kept) : Promise.resolve(null)).then(function (u) {
        return u || retrying(item, function () {
          return call("POST", "unggahan", { programme: root.dataset.programme, period: root.dataset.period, unit: root.dataset.unit,
            name: item.name, size: item.file.size, sha256: hex, content_type: item.file.type || null, criterion: item.criterion });
        });
      });
    }).then(function (u) { item.upload = u; return u; });
  }
  function sendWhole(item) {
    var u = item.upload;
    return retrying(item, function () {
      return send(item, "PUT", u.url, item.file, u.headers, function (n) { progress(item, n); });
    }).then(function () { setState(item, "completing"); return retrying(item, function () { return call("POST", "unggahan/" + u.id + "/selesai"); }); });
  }
  function sendParts(item) {
    var u = item.upload, base = "unggahan/" + u.id + "/bagian";
    var started = item.parts ? Promise.resolve(item.parts) : retrying(item, function () { return call("POST", base); })
      .then(function (m) { item.parts = { id: m.multipart_id, bytes: m.part_bytes, count: m.parts, done: {} }; keep(item); return item.parts; });
    return started.then(function (p) {
      var path = base + "/" + encodeURIComponent(p.id);
      var listed = p.held ? Promise.resolve(p.held) : retrying(item, function () { return call("GET", path); });
      p.held = null;  /* a later resume within the page asks the server afresh */
      return listed.then(function (held) {
        p.done = {}; held.forEach(function (h) { p.done[h.number] = h.size; });
        var todo = [];
        for (var n = 1; n <= p.count; n++) if (!p.done[n]) todo.push(n);
        var doneBytes = function () { return Object.keys(p.done).reduce(function (s, k) { return s + p.done[k]; }, 0); };
        progress(item, doneBytes());
        var chain = Promise.resolve();
        if (todo.length) chain = retrying(item, function () { return call("POST", path + "/tanda", { numbers: todo }); }).then(function (urls) {
          return urls.reduce(function (prev, part) {
            return prev.then(function () {
              var blob = item.file.slice((part.number - 1) * p.bytes, (part.number - 1) * p.bytes + part.size);
              return retrying(item, function () {
                return send(item, "PUT", part.url, blob, {}, function (n) { progress(item, doneBytes() + n); });
              }).then(function () { p.done[part.number] = part.size; progress(item, doneBytes()); });
            });
          }, Promise.resolve());
        });
        return chain.then(function () { return retrying(item, function () { return call("POST", path + "/selesai"); }); });
      });
    });
  }
  function sendZip(item) {
    var form = new FormData();
    form.append("file", item.file, item.name);
    return retrying(item, function () {
      return send(item, "POST", API + "bundel/" + WHERE, form, {}, function (n) {
        progress(item, n * item.file.size / (item.file.size + 200));
        if (n >= item.file.size) setState(item, "completing");  /* expanded and stored on the server now */
      });
    });
  }
  function upload(item) {
    if (item.state === "blocked" || !item.zip && !item.criterion) { setState(item, "blocked"); return Promise.resolve(); }
    setState(item, "uploading");
    var work = item.zip ? sendZip(item) : reserve(item).then(function (u) {
      if (u.status === "completed") return u;
      return u.multipart ? sendParts(item) : sendWhole(item);
    });
    return work.then(function (answer) {
      progress(item, item.file.size);
      if (item.zip) {
        item.documents = (answer.documents || []).map(function (d) { return d.id; });
        item.rejected = answer.rejected || [];
      } else item.documents = [answer.document_id];
      forget(item);
      setState(item, "done");
      say(item.name + " terunggah.");
      poll();
    }).catch(function (f) {
      if (f.code === "paused" || item.state === "paused") return setState(item, "paused");
      item.error = f.message;
      /* the file refused (not the session, not a rate limit): never resumed */
      if (f.status >= 400 && f.status < 500 && [401, 403, 429].indexOf(f.status) < 0) forget(item);
      if (f.code === "upload_expired") { item.upload = null; item.parts = null; }
      if (f.code === "multipart_not_found") item.parts = null;
      setState(item, "error", f.message);
      say(item.name + ": " + f.message);
    });
  }
  var running = 0;
  function pump() {
    while (running < PARALLEL) {
      var next = items.find(function (i) { return i.state === "waiting" && i.queued; });
      if (!next) return;
      next.queued = false; running += 1;
      upload(next).then(function () { running -= 1; pump(); });
    }
  }
  function start(list) { list.forEach(function (i) { if (i.state === "waiting" || i.state === "blocked" && i.criterion) { i.state = "waiting"; i.queued = true; } else if (i.state === "blocked") setState(i, "blocked"); }); pump(); }
  function pause(item) {
    item.state = "paused";
    item.xhrs.forEach(function (x) { x.abort(); });
    setState(item, "paused");
  }
  function resume(item) { item.state = "waiting"; item.error = null; setState(item, "waiting"); start([item]); }
  function removeItem(item) {
    items = items.filter(function (i) { return i !== item; });
    item.ui.row.remove(); overall();
  }
  $("mulai").addEventListener("click", function () { start(items); });
  $("jeda-semua").addEventListener("click", function () { items.forEach(function (i) { if (i.state === "uploading" || i.state === "retrying") pause(i); }); });
  $("lanjut-semua").addEventListener("click", function () { items.forEach(function (i) { if (i.state === "paused" || i.state === "offline" || i.state === "error") resume(i); }); });
  $("kosongkan").addEventListener("click", function () {
    items.filter(function (i) { return i.machine && FINAL[i.machine.status]; }).forEach(removeItem);
  });

  /* ---- live statuses and the checklist ---- */
  function poll() {
    if (pollTimer) return;
    pollTimer = setTimeout(function () {
      pollTimer = null;
      call("GET", "pengajuan/" + WHERE).then(function (s) {
        render(s);
        var docs = {}; s.criteria.forEach(function (c) { c.documents.forEach(function (d) { docs[d.id] = d; }); });
        var busy = false;
        items.forEach(function (i) {
          if (!i.documents) { if (i.state !== "error" && i.state !== "blocked" && i.state !== "waiting" && i.state !== "paused") busy = true; return; }
          var mine = i.documents.map(function (id) { return docs[id]; }).filter(Boolean);
          if (mine.some(function (d) { return !FINAL[d.status]; }) || mine.length < i.documents.length) busy = true;
          showMachine(i, mine);
        });
        if (s.criteria.some(function (c) { return c.documents.some(function (d) { return !FINAL[d.status]; }); })) busy = true;
        if (busy) poll();
      }).catch(function () { poll(); });
    }, submission ? 1500 : 0);
  }
  function showMachine(item, docs) {
    if (!docs.length) return;
    var worst = docs.reduce(function (a, d) { return rank(d) < rank(a) ? d : a; });
    item.machine = item.zip ? { status: worst.status, status_label: docs.length + " berkas: " + summary(docs) } : worst;
    setState(item, item.state);
    var ul = item.ui.reasons; ul.textContent = "";
    docs.forEach(function (d) {
      problems(d).concat(notesOf(d)).forEach(function (f) { ul.appendChild(el("li", { text: (item.zip ? d.name + ": " : "") + f.message })); });
    });
    (item.rejected || []).forEach(function (r) { ul.appendChild(el("li", { text: r.name + ": " + r.message })); });
  }
  function rank(d) { return { failed: 0, unable_to_check: 1, needs_review: 2, received: 3, queued: 3, checking: 3, passed: 5 }[d.status] || 4; }
  function summary(docs) {
    var counts = {};
    docs.forEach(function (d) { counts[d.status_label] = (counts[d.status_label] || 0) + 1; });
    return Object.keys(counts).map(function (k) { return counts[k] + " " + k.toLowerCase(); }).join(", ");
  }
  function problems(d) {
    var out = (d.findings || []).filter(function (f) { return f.outcome === "fail" || f.needs_review || f.outcome === "warn" && d.status !== "passed"; });
    if (d.status_message) out.unshift({ message: d.status_message });
    return out;
  }
  function notesOf(d) {
    return d.status !== "passed" ? [] : (d.findings || []).filter(function (f) { return f.outcome === "warn" && !f.needs_review; });
  }
  var shown = "";
  function render(s) {
    var first = !submission, text = JSON.stringify(s);
    submission = s;
    if (text === shown) return;  /* unchanged: keep the list (and the focus) as it is */
    shown = text;
    criteria = s.criteria.filter(function (c) { return c.status !== "not_applicable"; }).map(function (c) { return { id: c.id, name: c.name }; });
    if (first) items.forEach(function (i) { if (i.select) { var cell = i.select.parentNode; cell.replaceWith(criterionSelect(i)); } });
    var done = s.counts.complete || 0, total = s.criteria.length - (s.counts.not_applicable || 0);
    $("ringkasan-periksa").textContent = done + " dari " + total + " kriteria LENGKAP. " + s.ready_label + ".";
    var box = $("daftar-periksa"), focused = document.activeElement && document.activeElement.id;
    box.textContent = "";
    s.criteria.forEach(function (c) { box.appendChild(card(c)); });
    if (focused && $(focused)) $(focused).focus();
  }
  function card(c) {
    var label = c.status === "complete" ? "LENGKAP" : c.status === "incomplete" ? "BELUM LENGKAP" : c.status_label;
    var head = el("div", { class: "badges" }, [
      el("span", { class: "badge s-" + c.status, text: label }),
      c.mandatory ? null : el("span", { class: "badge", text: "tidak wajib" }),
      c.decision ? el("span", { class: "badge d-" + c.decision.decision, text: "Verifikator: " + c.decision.label }) : null
    ]);
    var body = [el("h3", {}, [el("span", { class: "code", text: c.id + " " }), c.name]), head];
    if (c.missing.length) body.push(el("ul", { class: "missing" }, c.missing.map(function (m) {
      return el("li", { text: "Kurang: " + m.kind_name + " — ada " + m.have + " dari " + m.min + (m.in_review ? " (" + m.in_review + " perlu cek manual)" : "") });
    })));
    if (c.decision && c.decision.note) body.push(el("p", { class: "note" }, [el("strong", { text: "Catatan verifikator: " }), c.decision.note]));
    var refused = c.decision && (c.decision.decision === "rejected" || c.decision.decision === "revision_requested");
    if (c.documents.length) body.push(el("ul", { class: "docs" }, c.documents.map(function (d) {
      var li = el("li", {}, [el("span", { class: "fname", text: d.name + " " }), el("span", { class: "badge s-doc-" + d.status, text: d.status_label })]);
      var probs = problems(d);
      if (probs.length) li.appendChild(el("ul", { class: "reasons" }, probs.map(function (f) { return el("li", { text: f.message }); })));
      var notes = notesOf(d);
      if (notes.length) li.appendChild(el("details", { class: "notes" }, [el("summary", { text: "Catatan (" + notes.length + ")" }),
        el("ul", { class: "reasons" }, notes.map(function (f) { return el("li", { text: f.message }); }))]));
      if (d.status !== "superseded" && (d.status === "failed" || refused))
        li.appendChild(button("Ganti berkas", "Ganti berkas " + d.name, function () { replace(d); }, "ganti-" + d.id));
      return li;
    })));
    return el("article", { class: "crit-card", id: "k-" + c.id }, body);
  }
  var replacing = null;
  function replace(doc) { replacing = doc; $("input-ganti").click(); }
  $("input-ganti").addEventListener("change", function (e) {
    var file = e.target.files[0], doc = replacing; e.target.value = "";
    if (!file || !doc) return;
    var item = { id: ++seq, file: file, name: file.name, path: file.name + " (pengganti " + doc.name + ")", zip: true,
      state: "uploading", sent: 0, xhrs: new Set() };
    items.push(item); addRow(item);
    item.ui.row.querySelector(".crit").textContent = doc.criterion;
    var form = new FormData(); form.append("file", file, file.name);
    send(item, "POST", API + "dokumen/" + encodeURIComponent(doc.id) + "/ganti", form, {}, function (n) { progress(item, n * file.size / (file.size + 200)); })
      .then(function (answer) {
        progress(item, file.size);
        item.documents = answer.document ? [answer.document.id] : [];
        setState(item, "done"); say(file.name + " menggantikan " + doc.name + "."); poll();
      }).catch(function (f) {
        setState(item, "error", f.message); say(f.message);
      });
  });
  window.addEventListener("beforeunload", function (e) {
    if (items.some(function (i) { return i.state === "uploading" || i.state === "hashing"; })) { e.preventDefault(); e.returnValue = ""; }
  });
  poll();
})();

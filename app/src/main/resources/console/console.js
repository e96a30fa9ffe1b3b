// The web console (issue 18): upload straight to S3 with presigned part URLs, follow every job live, watch, fix.
// Plain ES module, no build step. Every text that comes from the API (object keys, reasons, summaries) reaches the
// DOM through textContent or setAttribute only: keys may hold "<script>", quotes, bidi controls and 1 KB of text.

const TOKEN_KEY = 'video-pipeline.console.token';
/** Cards per page: 20, or ?size=N in the page's address (1..100). */
const PAGE_SIZE = Math.min(100, Math.max(1, Math.floor(Number(new URLSearchParams(location.search).get('size'))) || 20));
/** Parts in flight at once: enough to fill a link, few enough not to starve the rest of the page. */
const PARALLEL_PARTS = 4;
/** Tries per part before the upload gives up (the first try included). */
const PART_TRIES = 4;
const DLQ_REFRESH_MS = 30000;
/** Unicode's explicit direction controls (embeddings, overrides, isolates, marks). */
const BIDI_CONTROLS = /[\u200E\u200F\u202A-\u202E\u2066-\u2069]/;

const $ = (id) => document.getElementById(id);

/** What the page did when: read by the browser tests to measure the time the page adds. */
const timings = { completeSent: null, completeAnswered: null, shown: {} };
window.consoleTimings = timings;

// ---- API ----------------------------------------------------------------------------------------

class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

function authHeaders() {
  const token = sessionStorage.getItem(TOKEN_KEY);
  return token ? { Authorization: 'Bearer ' + token } : {};
}

/** One API call: JSON in and out; 401 asks for the token; an error answer becomes an ApiError with its message. */
async function api(method, path, body) {
  const headers = authHeaders();
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
  }
  const response = await fetch(path, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    credentials: 'same-origin',
    cache: 'no-store',
  });
  if (response.status === 401) {
    askForToken();
    throw new ApiError(401, 'the console needs its access token');
  }
  if (response.status === 204) {
    return null;
  }
  const text = await response.text();
  let json = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch (e) {
    // not JSON: the status says what happened
  }
  if (!response.ok) {
    const why = json && typeof json.error === 'string' ? json.error : response.status + ' ' + response.statusText;
    throw new ApiError(response.status, method + ' ' + path.split('?')[0] + ': ' + why);
  }
  return json;
}

const q = (key) => encodeURIComponent(key);

function say(text, isError) {
  const m = $('message');
  m.textContent = text;
  m.classList.toggle('error', !!isError);
  m.hidden = !text;
}

function failed(e) {
  if (!(e instanceof ApiError && e.status === 401)) {
    say(e.message || String(e), true);
  }
}

// ---- token ----------------------------------------------------------------------------------------

function askForToken() {
  $('token-form').hidden = false;
  say('This console needs its access token.', true);
  $('token').focus();
}

$('token-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const token = $('token').value.trim();
  if (!token) {
    return;
  }
  sessionStorage.setItem(TOKEN_KEY, token);
  $('token').value = '';
  $('token-form').hidden = true;
  say('');
  startEvents();
  refreshAll();
});

// ---- formatting -------------------------------------------------------------------------------------

function duration(seconds) {
  if (seconds == null || !isFinite(seconds)) {
    return '';
  }
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const r = s % 60;
  return (h ? h + ':' + String(m).padStart(2, '0') : String(m)) + ':' + String(r).padStart(2, '0');
}

function bytes(n) {
  if (n == null) {
    return '';
  }
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let v = n;
  let i = 0;
  while (v >= 1000 && i < units.length - 1) {
    v /= 1000;
    i++;
  }
  return (i ? v.toFixed(1) : String(v)) + ' ' + units[i];
}

function el(tag, text, attributes) {
  const e = document.createElement(tag);
  if (text != null) {
    e.textContent = String(text);
  }
  for (const [name, value] of Object.entries(attributes || {})) {
    e.setAttribute(name, value);
  }
  return e;
}

// ---- library ------------------------------------------------------------------------------------------

const view = { page: 0, state: '', q: '', total: 0 };
/** Cards by key (Map: any string is a safe key, unlike a plain object's "__proto__"). */
const cards = new Map();

function matchesView(job) {
  return (!view.state || job.consoleState === view.state) && (!view.q || String(job.key).includes(view.q));
}

/** Loads started: an answer to an older one (pages clicked fast, a search typed on) is dropped. */
let loads = 0;

async function loadLibrary() {
  const mine = ++loads;
  const params = new URLSearchParams({ page: String(view.page), size: String(PAGE_SIZE) });
  if (view.state) {
    params.set('state', view.state);
  }
  if (view.q) {
    params.set('q', view.q);
  }
  const answer = await api('GET', '/api/uploads?' + params);
  if (mine !== loads) {
    return;
  }
  view.total = answer.total || 0;
  const list = $('library');
  list.replaceChildren();
  cards.clear();
  for (const job of answer.items || []) {
    const card = newCard(job.key);
    update(card, job);
    list.append(card);
  }
  const pages = Math.max(1, Math.ceil(view.total / PAGE_SIZE));
  $('page-info').textContent = 'page ' + (view.page + 1) + ' of ' + pages + ' (' + view.total + ')';
  $('page-prev').disabled = view.page === 0;
  $('page-next').disabled = view.page + 1 >= pages;
}

function newCard(key) {
  const card = $('job-card').content.firstElementChild.cloneNode(true);
  card.setAttribute('data-key', key);
  card.querySelector('.key').textContent = key;
  card.querySelector('.key').setAttribute('title', key);
  if (BIDI_CONTROLS.test(key)) {
    // shown as it is (isolated by the stylesheet), with a warning: such a key can read differently from what it is
    card.querySelector('.key-warning').textContent = 'this key holds text-direction control characters';
  }
  card.querySelector('.watch').addEventListener('click', () => watch(key).catch(failed));
  card.querySelector('.retry').addEventListener('click', () => retry(key, card).catch(failed));
  card.querySelector('.delete').addEventListener('click', () => remove(key).catch(failed));
  cards.set(key, card);
  return card;
}

/** Puts a job's state on its card. */
function update(card, job) {
  const state = job.consoleState || String(job.state || '').toLowerCase();
  card.setAttribute('data-state', state);
  card.querySelector('.state').textContent = state;
  const transcoding = state === 'transcoding';
  const percent = job.percent == null ? null : Math.max(0, Math.min(100, Number(job.percent)));
  const bar = card.querySelector('.bar');
  bar.hidden = !transcoding;
  bar.value = percent == null ? 0 : percent;
  card.querySelector('.percent').textContent = transcoding && percent != null ? percent.toFixed(0) + '%' : '';
  card.querySelector('.eta').textContent =
    transcoding && job.etaSeconds != null ? 'about ' + duration(job.etaSeconds) + ' left' : '';
  // a Warning job is ready (its renditions are whole) but its source was damaged: say so beside "ready"
  const warned = state === 'ready' && job.state === 'Warning';
  const reason = card.querySelector('.reason');
  reason.textContent = state === 'failed' ? job.reason || 'failed (no reason recorded)'
    : warned ? 'warning: ' + (job.reason || 'the transcoder reported a warning') : '';
  reason.hidden = state !== 'failed' && !warned;
  card.classList.toggle('warned', warned);
  card.querySelector('.updated').textContent = job.updated ? 'updated ' + new Date(job.updated).toLocaleString() : '';
  card.querySelector('.attempts').textContent = job.attempts > 1 ? 'attempt ' + job.attempts : '';
  card.querySelector('.retry').hidden = state !== 'failed';
  card.querySelector('.watch').hidden = state !== 'ready';
  const shown = timings.shown[job.key];
  if ((state === 'ready' || state === 'failed') && (!shown || shown.state !== state)) {
    // the moment this page first showed the outcome: compared with the record's own times by the browser test
    timings.shown[job.key] = { state, at: Date.now(), updated: job.updated, finished: job.finished };
  }
}

let reloadPending = null;

/** Reloads the list soon, once for a burst of events (a new key, or a card leaving the filter). */
function reloadSoon() {
  if (reloadPending) {
    return;
  }
  reloadPending = setTimeout(() => {
    reloadPending = null;
    loadLibrary().catch(failed);
  }, 250);
}

/** A job event: its card changes in place at once; new keys and filter changes reload the page of the list. */
function onJob(job) {
  if (!job || typeof job.key !== 'string') {
    return;
  }
  const card = cards.get(job.key);
  if (card && matchesView(job)) {
    update(card, job);
    if (view.page === 0 && card !== $('library').firstElementChild) {
      $('library').prepend(card); // newest first: the list is ordered by the last update
    }
  } else if (card || (view.page === 0 && matchesView(job))) {
    reloadSoon();
  }
  if (job.consoleState === 'failed' || job.state === 'Error') {
    loadDlq().catch(failed);
  }
}

async function retry(key, card) {
  card.querySelector('.retry').disabled = true;
  try {
    await api('POST', '/api/uploads/retry?key=' + q(key));
    say('Sent ' + key + ' back to the pipeline.');
    await loadDlq();
  } finally {
    card.querySelector('.retry').disabled = false;
  }
}

async function remove(key) {
  if (!window.confirm('Delete this upload and everything made from it?\n\n' + key)) {
    return;
  }
  const answer = await api('DELETE', '/api/uploads?key=' + q(key));
  say('Deleted ' + key + ' (' + (answer ? answer.deleted : 0) + ' objects).');
  if ($('watch').dataset.key === key) {
    closeWatch();
  }
  await loadLibrary();
}

$('state-filter').addEventListener('change', () => {
  view.state = $('state-filter').value;
  view.page = 0;
  loadLibrary().catch(failed);
});

let searchPending = null;
$('search').addEventListener('input', () => {
  clearTimeout(searchPending);
  searchPending = setTimeout(() => {
    view.q = $('search').value;
    view.page = 0;
    loadLibrary().catch(failed);
  }, 200);
});

$('page-prev').addEventListener('click', () => {
  view.page = Math.max(0, view.page - 1);
  loadLibrary().catch(failed);
});
$('page-next').addEventListener('click', () => {
  view.page++;
  loadLibrary().catch(failed);
});

// ---- live events ----------------------------------------------------------------------------------------

let events = null;

/**
 * Server-sent events from /api/events. EventSource cannot send an Authorization header, so with a token the same
 * stream is read through fetch (the token never goes into a URL, where logs would keep it).
 */
function startEvents() {
  if (events) {
    events.close();
  }
  events = sessionStorage.getItem(TOKEN_KEY) ? fetchEvents() : sourceEvents();
}

function live(on) {
  $('live').textContent = on ? 'live' : 'reconnecting…';
  $('live').classList.toggle('on', on);
}

function parseJob(data) {
  try {
    return JSON.parse(data);
  } catch (e) {
    return null;
  }
}

function sourceEvents() {
  const source = new EventSource('/api/events');
  source.addEventListener('open', () => {
    live(true);
    reloadSoon(); // what changed while disconnected
  });
  source.addEventListener('error', () => live(false)); // EventSource reconnects by itself
  source.addEventListener('job', (e) => onJob(parseJob(e.data)));
  return { close: () => source.close() };
}

function fetchEvents() {
  const controller = new AbortController();
  let retryMs = 1000;
  const run = async () => {
    while (!controller.signal.aborted) {
      try {
        const response = await fetch('/api/events', {
          headers: { ...authHeaders(), Accept: 'text/event-stream' },
          signal: controller.signal,
          cache: 'no-store',
        });
        if (response.status === 401) {
          live(false);
          askForToken();
          return;
        }
        if (!response.ok || !response.body) {
          throw new Error('events: ' + response.status);
        }
        live(true);
        retryMs = 1000;
        reloadSoon();
        await readStream(response.body, (name, data) => {
          if (name === 'job') {
            onJob(parseJob(data));
          }
        });
      } catch (e) {
        if (controller.signal.aborted) {
          return;
        }
      }
      live(false);
      await new Promise((resolve) => setTimeout(resolve, retryMs));
      retryMs = Math.min(retryMs * 2, 15000);
    }
  };
  run();
  return { close: () => controller.abort() };
}

/** The text/event-stream format: events separated by a blank line, "event:" and "data:" fields, ":" comments. */
async function readStream(body, onEvent) {
  const reader = body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) {
      return;
    }
    buffer += value.replace(/\r\n?/g, '\n');
    let end;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      let name = 'message';
      const data = [];
      for (const line of block.split('\n')) {
        if (line.startsWith(':')) {
          continue;
        }
        const colon = line.indexOf(':');
        const field = colon < 0 ? line : line.slice(0, colon);
        const val = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
        if (field === 'event') {
          name = val;
        } else if (field === 'data') {
          data.push(val);
        }
      }
      if (data.length) {
        onEvent(name, data.join('\n'));
      }
    }
  }
}

// ---- DLQ ----------------------------------------------------------------------------------------------------

async function loadDlq() {
  const answer = await api('GET', '/api/dlq');
  const list = $('dlq');
  list.replaceChildren();
  for (const queue of (answer && answer.queues) || []) {
    const item = el('li', null, { 'data-queue': queue.queue });
    item.classList.toggle('nonzero', queue.deadLetters > 0);
    item.append(el('span', queue.queue, { class: 'queue' }), el('span', queue.deadLetters, { class: 'count' }));
    list.append(item);
  }
}

// ---- upload ---------------------------------------------------------------------------------------------------

/** The upload under way: its parts' XHRs, so cancel can stop them. */
let upload = null;

$('upload-file').addEventListener('change', () => {
  const file = $('upload-file').files[0];
  $('upload-start').disabled = !file || upload !== null;
  $('upload-progress').value = 0;
  $('upload-status').textContent = file ? bytes(file.size) : '';
});

$('upload-start').addEventListener('click', () => {
  const file = $('upload-file').files[0];
  if (file && !upload) {
    startUpload(file, $('upload-key').value || file.name).catch((e) => {
      finishUpload();
      failed(e);
    });
  }
});

$('upload-cancel').addEventListener('click', () => cancelUpload().catch(failed));

async function startUpload(file, key) {
  upload = { key, uploadId: null, requests: new Set(), cancelled: false, loaded: new Map(), size: file.size };
  $('upload-start').disabled = true;
  $('upload-cancel').disabled = false;
  $('upload-progress').value = 0;
  say('');
  $('upload-status').textContent = 'starting…';
  const started = await api('POST', '/api/uploads', {
    key,
    size: file.size,
    contentType: file.type || 'application/octet-stream',
  });
  upload.uploadId = started.uploadId;
  upload.key = started.key;
  const partSize = started.partSize;
  const queue = started.parts.slice();
  const etags = [];
  const t0 = performance.now();
  const worker = async () => {
    for (let part = queue.shift(); part && !upload.cancelled; part = queue.shift()) {
      const from = (part.partNumber - 1) * partSize;
      const blob = file.slice(from, Math.min(file.size, from + partSize));
      etags.push({ partNumber: part.partNumber, etag: await putPart(part, blob) });
    }
  };
  await Promise.all(Array.from({ length: Math.min(PARALLEL_PARTS, queue.length) }, worker));
  if (upload.cancelled) {
    return;
  }
  etags.sort((a, b) => a.partNumber - b.partNumber);
  $('upload-status').textContent = 'completing…';
  timings.completeSent = Date.now();
  timings.uploadSeconds = (performance.now() - t0) / 1000;
  timings.uploadBytes = file.size;
  await api('POST', '/api/uploads/complete', { key: upload.key, uploadId: upload.uploadId, parts: etags });
  timings.completeAnswered = Date.now();
  timings.completedKey = upload.key;
  $('upload-progress').value = 1;
  $('upload-status').textContent = 'uploaded ' + bytes(file.size) + ' in ' + timings.uploadSeconds.toFixed(1) + ' s';
  finishUpload();
}

/** PUTs one part to its presigned URL, trying again after a failure; answers the part's ETag. */
async function putPart(part, blob) {
  let lastError = null;
  for (let attempt = 1; attempt <= PART_TRIES; attempt++) {
    if (upload.cancelled) {
      throw new Error('cancelled');
    }
    try {
      return await send(part, blob);
    } catch (e) {
      lastError = e;
      upload.loaded.set(part.partNumber, 0);
      showProgress();
      if (attempt < PART_TRIES && !upload.cancelled) {
        $('upload-status').textContent = 'part ' + part.partNumber + ' failed (' + e.message + '), trying again';
        await new Promise((resolve) => setTimeout(resolve, 500 * 2 ** (attempt - 1)));
      }
    }
  }
  throw new Error('part ' + part.partNumber + ' failed ' + PART_TRIES + ' times: ' + lastError.message);
}

/** XMLHttpRequest, not fetch: only it reports upload progress. */
function send(part, blob) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    upload.requests.add(xhr);
    xhr.open('PUT', part.url);
    xhr.upload.addEventListener('progress', (e) => {
      upload.loaded.set(part.partNumber, e.loaded);
      showProgress();
    });
    xhr.addEventListener('load', () => {
      upload.requests.delete(xhr);
      const etag = xhr.getResponseHeader('ETag');
      if (xhr.status >= 200 && xhr.status < 300 && etag) {
        upload.loaded.set(part.partNumber, blob.size);
        showProgress();
        resolve(etag);
      } else {
        reject(new Error(xhr.status ? 'HTTP ' + xhr.status : 'no ETag (is the bucket\'s CORS rule exposing it?)'));
      }
    });
    xhr.addEventListener('error', () => {
      upload.requests.delete(xhr);
      reject(new Error('network error'));
    });
    xhr.addEventListener('abort', () => {
      upload.requests.delete(xhr);
      reject(new Error('cancelled'));
    });
    xhr.send(blob);
  });
}

function showProgress() {
  let sum = 0;
  for (const n of upload.loaded.values()) {
    sum += n;
  }
  const fraction = upload.size ? Math.min(1, sum / upload.size) : 1;
  $('upload-progress').value = fraction;
  $('upload-status').textContent = (fraction * 100).toFixed(0) + '% of ' + bytes(upload.size);
}

async function cancelUpload() {
  if (!upload) {
    return;
  }
  const current = upload;
  current.cancelled = true;
  for (const xhr of current.requests) {
    xhr.abort();
  }
  if (current.uploadId) {
    await api('POST', '/api/uploads/abort', { key: current.key, uploadId: current.uploadId });
  }
  $('upload-progress').value = 0;
  $('upload-status').textContent = 'cancelled';
  finishUpload();
}

function finishUpload() {
  upload = null;
  $('upload-cancel').disabled = true;
  $('upload-start').disabled = !$('upload-file').files[0];
}

// ---- watch -----------------------------------------------------------------------------------------------------

const HLS = 'application/vnd.apple.mpegurl';

async function watch(key) {
  const detail = await api('GET', '/api/uploads/detail?key=' + q(key));
  const w = detail.watch || {};
  const panel = $('watch');
  panel.dataset.key = key;
  $('watch-key').textContent = key;
  const player = $('player');
  if (w.poster) {
    player.setAttribute('poster', w.poster);
  } else {
    player.removeAttribute('poster');
  }

  const picker = $('rendition');
  picker.replaceChildren();
  const nativeHls = w.master && player.canPlayType(HLS) !== '';
  if (nativeHls) {
    picker.append(el('option', 'adaptive (HLS)', { value: w.master }));
  }
  for (const r of w.renditions || []) {
    const size = r.width && r.height ? ' ' + r.width + '×' + r.height : '';
    picker.append(el('option', r.preset + size + ' (MP4)', { value: r.url }));
  }
  panel.hidden = false;
  if (picker.options.length) {
    picker.selectedIndex = 0;
    play(picker.value, 0);
  } else {
    player.removeAttribute('src');
    $('playing').textContent = 'nothing to play yet';
  }

  showSummary(w.summary, detail);
  showDownloads(w.renditions || []);
  storyboard(w.storyboardVtt).catch(() => { $('scrub').hidden = true; });
  panel.scrollIntoView({ block: 'nearest' });
}

function play(url, at) {
  const player = $('player');
  player.muted = true; // starts without a click in every browser; the controls unmute
  player.src = url;
  const start = () => {
    player.currentTime = at;
    player.play().catch(() => { /* the controls can start it */ });
  };
  player.addEventListener('loadedmetadata', start, { once: true });
  const picker = $('rendition');
  $('playing').textContent = picker.options[picker.selectedIndex] ? picker.options[picker.selectedIndex].textContent : '';
}

$('rendition').addEventListener('change', () => play($('rendition').value, $('player').currentTime || 0));

// A master that cannot be read (its ACL not yet public, a rung missing) leaves the MP4s: fall back to the first
$('player').addEventListener('error', () => {
  const picker = $('rendition');
  if (picker.selectedIndex === 0 && picker.options.length > 1 && picker.value === $('player').getAttribute('src')
      && picker.options[0].textContent.includes('HLS')) {
    picker.selectedIndex = 1;
    play(picker.value, 0);
    $('playing').textContent += ' — the HLS stream did not load';
  }
});

function closeWatch() {
  const player = $('player');
  player.pause();
  player.removeAttribute('src');
  player.load();
  $('watch').hidden = true;
  delete $('watch').dataset.key;
}

function showSummary(document, job) {
  // the package's metadata document ({"summary": {...}}) or its summary itself
  const summary = document && document.summary && typeof document.summary === 'object' ? document.summary : document;
  const dl = $('summary');
  dl.replaceChildren();
  const add = (term, value) => {
    if (value != null && value !== '') {
      dl.append(el('dt', term), el('dd', value));
    }
  };
  add('state', job.consoleState);
  add('started', job.started && new Date(job.started).toLocaleString());
  add('finished', job.finished && new Date(job.finished).toLocaleString());
  if (summary) {
    add('duration', duration(summary.durationSeconds));
    if (summary.sizeBytes != null) {
      add('package', bytes(summary.sizeBytes) + ' in ' + summary.objects + ' objects');
    }
    for (const rung of summary.rungs || []) {
      add('rung ' + rung.resolution, [
        rung.bandwidth && Math.round(rung.bandwidth / 1000) + ' kb/s',
        rung.codecs,
        rung.frameRate && rung.frameRate + ' fps',
        rung.segments + ' segments',
        rung.missing ? rung.missing + ' missing' : null,
      ].filter(Boolean).join(', '));
    }
  }
}

function showDownloads(renditions) {
  const list = $('downloads');
  list.replaceChildren();
  for (const r of renditions) {
    const a = el('a', r.preset, { href: r.url, download: '', rel: 'noopener' });
    const item = el('li');
    item.append(a, document.createTextNode(r.width && r.height ? ' ' + r.width + '×' + r.height : ''));
    list.append(item);
  }
}

// ---- storyboard scrub preview -----------------------------------------------------------------------------

/** Cues of the storyboard's WebVTT: each a time range and a rectangle of the sprite ("sprite.jpg#xywh=x,y,w,h"). */
async function storyboard(vttUrl) {
  const box = $('scrub');
  box.hidden = true;
  if (!vttUrl) {
    return;
  }
  const response = await fetch(vttUrl, { cache: 'no-store' });
  if (!response.ok) {
    return;
  }
  const cues = parseVtt(await response.text(), vttUrl);
  if (!cues.length) {
    return;
  }
  const bar = $('scrub-bar');
  const preview = $('scrub-preview');
  const end = cues[cues.length - 1].end;
  bar.max = String(end);
  box.hidden = false;
  const show = (t) => {
    const cue = cues.find((c) => t >= c.start && t < c.end) || cues[cues.length - 1];
    preview.style.width = cue.w + 'px';
    preview.style.height = cue.h + 'px';
    preview.style.backgroundImage = 'url("' + cue.image.replace(/["\\\n]/g, encodeURIComponent) + '")';
    preview.style.backgroundPosition = -cue.x + 'px ' + -cue.y + 'px';
    preview.style.left = Math.max(0, Math.min(bar.clientWidth - cue.w, (t / end) * bar.clientWidth - cue.w / 2)) + 'px';
    preview.hidden = false;
  };
  bar.oninput = () => show(Number(bar.value));
  bar.onmousemove = (e) => {
    const r = bar.getBoundingClientRect();
    show(((e.clientX - r.left) / r.width) * end);
  };
  bar.onmouseleave = () => { preview.hidden = true; };
  bar.onchange = () => {
    $('player').currentTime = Number(bar.value);
    preview.hidden = true;
  };
  $('player').ontimeupdate = () => {
    if (document.activeElement !== bar) {
      bar.value = String($('player').currentTime);
    }
  };
}

function parseVtt(text, base) {
  const time = (s) => {
    const parts = s.trim().split(':').map(Number);
    return parts.reduce((acc, p) => acc * 60 + p, 0);
  };
  const cues = [];
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  for (let i = 0; i < lines.length; i++) {
    const arrow = lines[i].indexOf('-->');
    if (arrow < 0) {
      continue;
    }
    const target = (lines[i + 1] || '').trim();
    const match = /^(.*)#xywh=(\d+),(\d+),(\d+),(\d+)$/.exec(target);
    if (!match) {
      continue;
    }
    const url = new URL(match[1], base);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      continue;
    }
    cues.push({
      start: time(lines[i].slice(0, arrow)),
      end: time(lines[i].slice(arrow + 3).trim().split(/\s+/)[0]),
      image: url.href,
      x: +match[2], y: +match[3], w: +match[4], h: +match[5],
    });
  }
  return cues;
}

// ---- start -----------------------------------------------------------------------------------------------------

function refreshAll() {
  loadLibrary().catch(failed);
  loadDlq().catch(failed);
}

startEvents();
refreshAll();
setInterval(() => loadDlq().catch(() => { }), DLQ_REFRESH_MS);

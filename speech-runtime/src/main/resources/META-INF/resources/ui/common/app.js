// Shared by the services' pages: API calls with readable errors, the page header, limits, audio helpers.
// Every URL is relative (../v1/…), so the pages work under any quarkus.http.root-path.

const KEY = 'speech.api-key';

/** The page's settings from ui/config (limits, defaults, the other service's page). */
export async function start() {
  const config = await json('config');
  const other = document.querySelector('header .other');
  if (other && config.other) {
    other.hidden = false;
    other.querySelector('a').href = config.other.url;
    other.querySelector('a').textContent = config.other.title + ' ↗';
  }
  if (config.api_key_required) {
    keyField();
  }
  return config;
}

/** fetch with the API key; a non-2xx answer becomes an Error carrying the service's own message. */
export async function api(path, options = {}) {
  const headers = new Headers(options.headers || {});
  const key = localStorage.getItem(KEY);
  if (key) {
    headers.set('Authorization', 'Bearer ' + key);
  }
  let res;
  try {
    res = await fetch(path, { ...options, headers });
  } catch (e) {
    if (e.name === 'AbortError') {
      throw e;
    }
    throw new Error('The service could not be reached (' + e.message + ').');
  }
  if (!res.ok) {
    throw await apiError(res.status, () => res.text(), res.headers.get('Retry-After'));
  }
  return res;
}

/** The API key the page was given, if any (for requests made without {@link api}). */
export function apiKey() {
  return localStorage.getItem(KEY);
}

export async function json(path, options) {
  return (await api(path, options)).json();
}

/** The JSON error body ({"error": {"message", …}}) as a sentence a person can act on. */
export async function apiError(status, readBody, retryAfter) {
  let message = '';
  let code = '';
  try {
    const body = JSON.parse(await readBody());
    message = body?.error?.message ?? '';
    code = body?.error?.code ?? '';
  } catch {
    // not JSON (a proxy's page): the status says enough
  }
  const lead = {
    400: 'The request was refused', 401: 'An API key is needed', 404: 'Not found', 413: 'Too large',
    415: 'Not a supported type', 429: 'The service is busy', 503: 'The service is not ready', 504: 'It took too long',
    507: 'The service is out of disk space',
  }[status] ?? `The service answered ${status}`;
  let text = message ? `${lead}: ${message}${/[.!?]$/.test(message) ? '' : '.'}` : `${lead}.`;
  if (status === 429 && retryAfter) {
    text += ` Try again in ${retryAfter} s.`;
  }
  if (status === 401) {
    keyField();
  }
  const err = new Error(text);
  err.status = status;
  err.code = code;
  return err;
}

/** Shows a message in a live region; kind: error | ok | info. Errors take focus so keyboard users hear them. */
export function say(el, text, kind = 'info') {
  el.className = 'message ' + kind;
  el.textContent = text;
  el.setAttribute('role', kind === 'error' ? 'alert' : 'status');
  if (kind === 'error') {
    el.tabIndex = -1;
    el.focus();
  }
}

export function clear(el) {
  el.textContent = '';
  el.className = 'message';
}

/** A modal yes/no question (a <dialog>: focus moves in, Escape cancels). */
export function confirm(question, yes = 'Delete') {
  return new Promise((resolve) => {
    const d = document.createElement('dialog');
    d.setAttribute('aria-labelledby', 'confirm-text');
    d.innerHTML = '<p id="confirm-text"></p><form method="dialog" class="actions">'
      + '<button value="no" autofocus>Cancel</button><button value="yes" class="danger"></button></form>';
    d.querySelector('p').textContent = question;
    d.querySelector('button[value=yes]').textContent = yes;
    d.addEventListener('close', () => {
      resolve(d.returnValue === 'yes');
      d.remove();
    });
    document.body.append(d);
    d.showModal();
  });
}

export function bytes(n) {
  if (n < 1024) {
    return n + ' B';
  }
  const units = ['KB', 'MB', 'GB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return v.toFixed(v < 10 ? 1 : 0) + ' ' + units[i];
}

export function seconds(s) {
  if (s == null || !isFinite(s)) {
    return 'unknown length';
  }
  if (s < 60) {
    return s.toFixed(1) + ' s';
  }
  if (s < 3600) {
    return Math.floor(s / 60) + ' min ' + Math.round(s % 60) + ' s';
  }
  const m = Math.round((s % 3600) / 60);
  return Math.floor(s / 3600) + ' h' + (m ? ' ' + m + ' min' : '');
}

export function when(iso) {
  return new Date(iso).toLocaleString();
}

/** The length of an audio file as the browser decodes it; null when it cannot (not audio, or a codec it lacks). */
export async function duration(blob) {
  try {
    const ctx = new OfflineAudioContext(1, 1, 44100);
    const audio = await ctx.decodeAudioData(await blob.arrayBuffer());
    return audio.duration;
  } catch {
    return null;
  }
}

/**
 * One recording to send, from the file input, a drop on {@code drop} (optional) or the microphone: shows its
 * size and length in {@code picked} (and plays it in {@code preview}, optional), and says what {@code check}
 * finds wrong with it as soon as it is picked, before anything is sent.
 */
export function audioPicker({ input, drop, record, recording, picked, preview, message, check }) {
  let chosen = null;
  async function choose(file) {
    clear(message);
    chosen = { file, seconds: await duration(file) };
    picked.textContent = `${file.name}: ${bytes(file.size)}, ${seconds(chosen.seconds)}`;
    if (preview) {
      preview.hidden = chosen.seconds == null; // nothing to play when the browser cannot decode it
      preview.src = URL.createObjectURL(file);
    }
    const problem = check(chosen);
    if (problem) {
      say(message, problem, 'error');
    }
  }
  input.addEventListener('change', () => input.files[0] && choose(input.files[0]));
  if (drop) {
    drop.addEventListener('dragover', (e) => {
      e.preventDefault();
      drop.classList.add('over-zone');
    });
    drop.addEventListener('dragleave', () => drop.classList.remove('over-zone'));
    drop.addEventListener('drop', (e) => {
      e.preventDefault();
      drop.classList.remove('over-zone');
      if (e.dataTransfer.files[0]) {
        choose(e.dataTransfer.files[0]);
      }
    });
  }
  recordButton(record, recording, (file) => {
    input.value = '';
    choose(file);
  }, (problem) => say(message, problem, 'error'));
  return {
    /** The recording to send ({file, seconds}), or null after saying what is missing or wrong. */
    ready(missing) {
      const problem = chosen ? check(chosen) : missing;
      if (problem) {
        say(message, problem, 'error');
        return null;
      }
      return chosen;
    },
    reset() {
      chosen = null;
      picked.textContent = '';
      if (preview) {
        preview.hidden = true;
      }
    },
  };
}

/** The upload limit, said before sending: null when the file fits. */
export function tooLarge(file, max) {
  return file.size > max ? `Too large: ${bytes(file.size)}; the limit is ${bytes(max)}.` : null;
}

/**
 * A record / stop toggle: the finished recording (a File) goes to {@code onDone}, a refused or missing
 * microphone to {@code onError}; {@code status} counts the seconds meanwhile.
 */
function recordButton(button, status, onDone, onError) {
  const mic = recorder();
  const label = button.textContent;
  let timer = null;
  button.addEventListener('click', async () => {
    if (button.getAttribute('aria-pressed') === 'true') {
      clearInterval(timer);
      button.setAttribute('aria-pressed', 'false');
      button.textContent = label;
      status.textContent = '';
      onDone(await mic.stop());
      return;
    }
    try {
      await mic.start();
    } catch (e) {
      onError('The microphone is not available: ' + e.message);
      return;
    }
    const began = Date.now();
    button.setAttribute('aria-pressed', 'true');
    button.textContent = '■ Stop recording';
    timer = setInterval(() => { status.textContent = `Recording… ${Math.round((Date.now() - began) / 1000)} s`; }, 500);
  });
}

/** Microphone recording: start() asks for the microphone, stop() gives the recording as a File. */
function recorder() {
  let media;
  let chunks = [];
  return {
    async start() {
      const stream = await navigator.mediaDevices.getUserMedia({ audio: true });
      media = new MediaRecorder(stream);
      chunks = [];
      media.ondataavailable = (e) => chunks.push(e.data);
      media.start();
    },
    stop() {
      return new Promise((resolve) => {
        media.onstop = () => {
          media.stream.getTracks().forEach((t) => t.stop());
          const type = media.mimeType || 'audio/webm';
          const ext = type.includes('ogg') ? 'ogg' : type.includes('mp4') ? 'm4a' : 'webm';
          resolve(new File(chunks, 'recording.' + ext, { type }));
        };
        media.stop();
      });
    },
  };
}

/** Points an <audio> at an API URL: directly, or as a fetched blob when the API wants a key (an element cannot send one). */
export async function play(audio, url) {
  if (!localStorage.getItem(KEY)) {
    audio.src = url;
    return;
  }
  const blob = await (await api(url)).blob();
  audio.src = URL.createObjectURL(blob);
}

/** Saves an API URL as a file; with a key the bytes are fetched first. */
export async function download(url, filename) {
  const a = document.createElement('a');
  a.download = filename;
  a.href = localStorage.getItem(KEY) ? URL.createObjectURL(await (await api(url)).blob()) : url;
  document.body.append(a);
  a.click();
  a.remove();
}

export function saveText(text, filename, type) {
  const a = document.createElement('a');
  a.download = filename;
  a.href = URL.createObjectURL(new Blob([text], { type }));
  document.body.append(a);
  a.click();
  a.remove();
}

/** An element with text, without building HTML from strings that may hold user text. */
export function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (k === 'class') {
      node.className = v;
    } else if (k.startsWith('on')) {
      node.addEventListener(k.slice(2), v);
    } else if (k in node && typeof v !== 'string') {
      node[k] = v;
    } else {
      node.setAttribute(k, v);
    }
  }
  node.append(...children.filter((c) => c != null));
  return node;
}

/** Previous / next for a listing with limit, offset and total. */
export function pager(nav, page, load) {
  nav.replaceChildren();
  if (page.total === 0) {
    return;
  }
  const from = page.offset + 1;
  const to = page.offset + page.data.length;
  nav.append(
    el('button', { type: 'button', disabled: page.offset === 0, onclick: () => load(Math.max(0, page.offset - page.limit)) }, '← Newer'),
    el('span', { 'aria-live': 'polite' }, `${from}–${to} of ${page.total}`),
    el('button', { type: 'button', disabled: !page.has_more, onclick: () => load(page.offset + page.limit) }, 'Older →'),
  );
}

function keyField() {
  if (document.getElementById('api-key')) {
    return;
  }
  const form = el('form', { class: 'actions', onsubmit: (e) => {
    e.preventDefault();
    localStorage.setItem(KEY, form.querySelector('input').value.trim());
    location.reload();
  } },
  el('label', { for: 'api-key' }, 'API key'),
  el('input', { id: 'api-key', type: 'password', autocomplete: 'off', value: localStorage.getItem(KEY) ?? '' }),
  el('button', { type: 'submit' }, 'Use key'));
  document.querySelector('main').prepend(form);
}

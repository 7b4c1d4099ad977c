// Transcribe: a dropped, chosen or recorded file → the transcript with timestamps; a line plays from its start;
// downloads as txt, srt, vtt or json (written here from the verbose_json answer: one request, every format).
import { apiError, apiKey, audioPicker, bytes, clear, el, json, saveText, say, seconds, start, tooLarge } from './common/app.js';

const config = await start();
const LANGUAGES = ['en', 'fr', 'de', 'es', 'it', 'pt', 'nl', 'pl', 'ru', 'uk', 'tr', 'ar', 'zh', 'ja', 'ko', 'hi', 'sv', 'da', 'fi', 'no', 'cs', 'el', 'he'];
const message = document.getElementById('message');
const fileInput = document.getElementById('file');
const picked = document.getElementById('picked');
const submit = document.getElementById('submit');
const cancel = document.getElementById('cancel');
const model = document.getElementById('model');
let chosen = null; // the recording last sent: played and named in the result
let transcript = null;
let request = null;

document.getElementById('limits').textContent = `At most ${bytes(config.upload_max_bytes)} and ${seconds(config.settings.max_audio_seconds)}.`;
document.getElementById('languages').append(...LANGUAGES.map((l) => el('option', { value: l })));

function check({ file, seconds: s }) {
  if (s != null && s > config.settings.max_audio_seconds) {
    return `Too long: ${seconds(s)}; the limit is ${seconds(config.settings.max_audio_seconds)}.`;
  }
  return null;
}

const picker = audioPicker({ input: fileInput, drop: document.getElementById('drop'), record: document.getElementById('record'),
  recording: document.getElementById('recording'), picked, message, check: (c) => tooLarge(c.file, config.upload_max_bytes) ?? check(c) });

/** POST with upload progress (fetch has none); resolves with the JSON answer, rejects with the service's message. */
function send(path, form, onUpload) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    request = xhr;
    xhr.open('POST', path);
    const key = apiKey();
    if (key) {
      xhr.setRequestHeader('Authorization', 'Bearer ' + key);
    }
    xhr.upload.onprogress = (e) => e.lengthComputable && onUpload(e.loaded / e.total);
    xhr.upload.onload = () => onUpload(1);
    xhr.onload = async () => {
      if (xhr.status >= 200 && xhr.status < 300) {
        resolve(JSON.parse(xhr.responseText));
      } else {
        reject(await apiError(xhr.status, async () => xhr.responseText, xhr.getResponseHeader('Retry-After')));
      }
    };
    xhr.onerror = () => reject(new Error('The service could not be reached.'));
    xhr.onabort = () => reject(Object.assign(new Error('Cancelled.'), { name: 'AbortError' }));
    xhr.send(form);
  });
}

document.getElementById('transcribe').addEventListener('submit', async (e) => {
  e.preventDefault();
  clear(message);
  chosen = picker.ready('Choose, drop or record a file first.');
  if (!chosen) {
    return;
  }
  const form = new FormData();
  form.append('file', chosen.file, chosen.file.name);
  form.append('model', model.value);
  form.append('response_format', 'verbose_json');
  const language = document.getElementById('language').value.trim();
  if (language) {
    form.append('language', language);
  }
  const translate = document.getElementById('translate').checked;
  const progress = document.getElementById('progress');
  const bar = document.getElementById('bar');
  const stage = document.getElementById('stage');
  const began = Date.now();
  let uploaded = false;
  const tick = setInterval(() => {
    if (uploaded) {
      stage.textContent = `Transcribing… ${Math.round((Date.now() - began) / 1000)} s`;
    }
  }, 500);
  progress.hidden = false;
  cancel.hidden = false;
  submit.disabled = true;
  try {
    const answer = await send(translate ? '../v1/audio/translations' : '../v1/audio/transcriptions', form, (part) => {
      if (part < 1) {
        bar.value = part;
        stage.textContent = `Uploading… ${Math.round(part * 100)}%`;
      } else {
        uploaded = true;
        bar.removeAttribute('value'); // indeterminate while the service decodes
        stage.textContent = 'Transcribing…';
      }
    });
    show(answer);
    say(message, `Done in ${seconds((Date.now() - began) / 1000)}.`, 'ok');
  } catch (err) {
    say(message, err.message, err.name === 'AbortError' ? 'info' : 'error');
  } finally {
    clearInterval(tick);
    request = null;
    progress.hidden = true;
    cancel.hidden = true;
    submit.disabled = false;
  }
});
cancel.addEventListener('click', () => request?.abort());

function show(answer) {
  transcript = answer;
  const audio = document.getElementById('audio');
  audio.src = URL.createObjectURL(chosen.file);
  document.getElementById('facts').textContent = `${seconds(answer.duration)} · language ${answer.language} · model ${answer.x_model}`;
  const list = document.getElementById('segments');
  list.replaceChildren(...answer.segments.map((s) => el('li', {}, el('button', {
    type: 'button', 'data-start': String(s.start), onclick: (e) => {
      list.querySelectorAll('[aria-current]').forEach((b) => b.removeAttribute('aria-current'));
      e.currentTarget.setAttribute('aria-current', 'true');
      audio.currentTime = s.start;
      audio.play().catch(() => {});
    },
  }, el('time', {}, `${clock(s.start)} → ${clock(s.end)}`), s.text.trim()))));
  if (answer.segments.length === 0) {
    list.append(el('li', {}, 'No speech was heard.'));
  }
  document.getElementById('result').hidden = false;
  document.getElementById('result-title').focus();
}

/** 75.5 → "01:15.5" (hours when needed). */
function clock(t) {
  const h = Math.floor(t / 3600);
  const m = Math.floor((t % 3600) / 60);
  const s = (t % 60).toFixed(1).padStart(4, '0');
  return (h ? h + ':' : '') + String(m).padStart(2, '0') + ':' + s;
}

/** SRT and VTT cue times: 00:01:02,345 and 00:01:02.345. */
function cueTime(t, sep) {
  const ms = Math.round(t * 1000);
  const p = (n, w = 2) => String(n).padStart(w, '0');
  return `${p(Math.floor(ms / 3600000))}:${p(Math.floor(ms / 60000) % 60)}:${p(Math.floor(ms / 1000) % 60)}${sep}${p(ms % 1000, 3)}`;
}

const FORMATS = {
  txt: [(t) => t.text.trim() + '\n', 'text/plain'],
  srt: [(t) => t.segments.map((s, i) => `${i + 1}\n${cueTime(s.start, ',')} --> ${cueTime(s.end, ',')}\n${s.text.trim()}\n`).join('\n'), 'application/x-subrip'],
  vtt: [(t) => 'WEBVTT\n\n' + t.segments.map((s) => `${cueTime(s.start, '.')} --> ${cueTime(s.end, '.')}\n${s.text.trim()}\n`).join('\n'), 'text/vtt'],
  json: [(t) => JSON.stringify(t, null, 2), 'application/json'],
};
document.querySelectorAll('[data-format]').forEach((b) => b.addEventListener('click', () => {
  const [write, type] = FORMATS[b.dataset.format];
  const base = chosen.file.name.replace(/\.[^.]+$/, '') || 'transcript';
  saveText(write(transcript), `${base}.${b.dataset.format}`, type);
}));

try {
  const models = await json('../v1/models');
  model.replaceChildren(...models.data.map((m) => el('option', { value: m.id }, m.id)));
  model.value = config.settings.default_model;
} catch (err) {
  say(message, err.message, 'error');
}

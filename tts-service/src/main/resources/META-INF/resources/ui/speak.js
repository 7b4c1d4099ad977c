// Speak: text (counted against the limit), a voice, the sampler settings; plays the audio as it streams,
// then the stored generation, with a download in every format.
import { api, clear, download, el, json, play, say, seconds, start } from './common/app.js';
import { scoreText } from './score.js';

const config = await start();
const settings = config.settings;
const defaults = settings.sampler_defaults;
const SAMPLER = ['num_steps', 'cfg_scale_text', 'cfg_scale_speaker', 'cfg_min_t', 'cfg_max_t'];
const text = document.getElementById('text');
const count = document.getElementById('count');
const voice = document.getElementById('voice');
const message = document.getElementById('message');
const submit = document.getElementById('submit');
const cancel = document.getElementById('cancel');
let running = null;

function reset() {
  for (const k of SAMPLER) {
    document.getElementById(k).value = defaults[k];
  }
  document.getElementById('sequence_length').value = '';
  document.getElementById('seed').value = '';
}
reset();
document.getElementById('reset').addEventListener('click', reset);
document.getElementById('verify-box').hidden = !settings.round_trip;

function counted() {
  const n = text.value.length;
  const over = n > settings.max_text_chars;
  count.textContent = `${n} / ${settings.max_text_chars} characters` + (over ? ` — ${n - settings.max_text_chars} too many` : '');
  count.classList.toggle('over', over);
  text.setAttribute('aria-invalid', String(over));
  submit.disabled = over || running != null;
  return !over;
}
text.addEventListener('input', counted);
counted();

async function loadVoices() {
  const page = await json('../v1/voices?limit=100');
  const wanted = new URLSearchParams(location.search).get('voice') ?? voice.value;
  voice.replaceChildren(el('option', { value: '' }, 'No voice (unconditioned)'),
    ...page.data.map((v) => el('option', { value: v.id }, `${v.name} (${seconds(v.duration_seconds)})`)));
  if (page.data.some((v) => v.id === wanted)) {
    voice.value = wanted;
  }
}

function body() {
  const b = { text: text.value };
  if (voice.value) {
    b.voice_id = voice.value;
  }
  for (const k of [...SAMPLER, 'sequence_length', 'seed']) {
    const v = document.getElementById(k).value;
    if (v !== '') {
      b[k] = Number(v);
    }
  }
  if (settings.round_trip && document.getElementById('verify').checked) {
    b.verify = { max_wer: Number(document.getElementById('max_wer').value), attempts: Number(document.getElementById('attempts').value) };
  }
  return b;
}

/** Plays a streamed WAV (44-byte header, then 16-bit mono samples) as it arrives, chunk after chunk without gaps. */
async function playStream(res) {
  const ctx = new AudioContext();
  const reader = res.body.getReader();
  let header = null;
  let pending = new Uint8Array(0);
  let at = ctx.currentTime + 0.1;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) {
      break;
    }
    const joined = new Uint8Array(pending.length + value.length);
    joined.set(pending);
    joined.set(value, pending.length);
    pending = joined;
    if (!header) {
      if (pending.length < 44) {
        continue;
      }
      header = { rate: new DataView(pending.buffer).getUint32(24, true) };
      pending = pending.slice(44);
    }
    const samples = Math.floor(pending.length / 2);
    if (samples === 0) {
      continue;
    }
    const view = new DataView(pending.buffer, pending.byteOffset, samples * 2);
    const buffer = ctx.createBuffer(1, samples, header.rate);
    const channel = buffer.getChannelData(0);
    for (let i = 0; i < samples; i++) {
      channel[i] = view.getInt16(i * 2, true) / 32768;
    }
    pending = pending.slice(samples * 2);
    const source = ctx.createBufferSource();
    source.buffer = buffer;
    source.connect(ctx.destination);
    at = Math.max(at, ctx.currentTime);
    source.start(at);
    at += buffer.duration;
  }
  return ctx;
}

async function speak(signal) {
  const streaming = document.getElementById('stream').checked && !body().verify;
  const res = await api('../v1/speech', {
    method: 'POST', signal, headers: { 'Content-Type': 'application/json', Accept: 'audio/wav' },
    body: JSON.stringify({ ...body(), format: 'wav', ...(streaming ? { stream_format: 'audio' } : {}) }),
  });
  const id = res.headers.get('X-Generation-Id');
  if (streaming) {
    await playStream(res); // what was scheduled keeps playing after the body ends
  } else {
    await res.arrayBuffer();
  }
  return id;
}

async function show(id) {
  const g = await json('../v1/generations/' + id);
  const result = document.getElementById('result');
  result.hidden = false;
  await play(document.getElementById('audio'), '..' + g.audio_url);
  document.getElementById('facts').textContent = `${seconds(g.duration_seconds)} of audio, made in ${seconds(g.processing_ms / 1000)} · seed ${g.seed}`;
  document.getElementById('score').textContent = scoreText(g.round_trip);
  document.getElementById('downloads').replaceChildren(...settings.formats.map((f) => el('button', {
    type: 'button', 'data-format': f, onclick: () => download(`../v1/generations/${id}/audio?format=${f}`, `${id}.${f === 'opus' ? 'ogg' : f}`)
      .catch((err) => say(message, err.message, 'error')),
  }, `Download ${f}`)));
  document.getElementById('result-title').focus();
  if (g.round_trip?.status === 'pending') {
    setTimeout(() => refreshScore(id, 20), 1500);
  }
}

async function refreshScore(id, tries) {
  const g = await json('../v1/generations/' + id).catch(() => null);
  if (g) {
    document.getElementById('score').textContent = scoreText(g.round_trip);
  }
  if (g?.round_trip?.status === 'pending' && tries > 0) {
    setTimeout(() => refreshScore(id, tries - 1), 1500);
  }
}

document.getElementById('speak').addEventListener('submit', async (e) => {
  e.preventDefault();
  clear(message);
  if (!text.value.trim()) {
    say(message, 'Type something to say.', 'error');
    text.focus();
    return;
  }
  if (!counted()) {
    say(message, `The text is longer than ${settings.max_text_chars} characters.`, 'error');
    return;
  }
  running = new AbortController();
  const progress = document.getElementById('progress');
  const elapsed = document.getElementById('elapsed');
  const began = Date.now();
  const tick = setInterval(() => { elapsed.textContent = `Generating… ${Math.round((Date.now() - began) / 1000)} s`; }, 500);
  progress.hidden = false;
  cancel.hidden = false;
  submit.disabled = true;
  try {
    const id = await speak(running.signal);
    await show(id);
    say(message, 'Done.', 'ok');
  } catch (err) {
    say(message, err.name === 'AbortError' ? 'Cancelled.' : err.message, err.name === 'AbortError' ? 'info' : 'error');
    if (err.code === 'voice_not_found') {
      await loadVoices().catch(() => {});
    }
  } finally {
    clearInterval(tick);
    running = null;
    progress.hidden = true;
    cancel.hidden = true;
    counted();
  }
});
cancel.addEventListener('click', () => running?.abort());

try {
  await loadVoices();
} catch (err) {
  say(message, err.message, 'error');
}

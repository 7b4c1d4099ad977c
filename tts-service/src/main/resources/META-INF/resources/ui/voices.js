// Voices: create one from an upload or a recording (length and size checked before sending), list, preview, delete.
import { api, audioPicker, bytes, clear, confirm, el, json, pager, play, say, seconds, start, tooLarge, when } from './common/app.js';

const config = await start();
const limits = config.settings;
const form = document.getElementById('create');
const name = document.getElementById('name');
const fileInput = document.getElementById('file');
const picked = document.getElementById('picked');
const pickedAudio = document.getElementById('picked-audio');
const message = document.getElementById('create-message');
const listMessage = document.getElementById('list-message');
const PAGE = 10;

name.maxLength = limits.voice_max_name_length;
document.getElementById('limits').textContent = `One speaker, ${limits.voice_min_seconds}–${limits.voice_max_seconds} s, `
  + `at most ${bytes(config.upload_max_bytes)}; any audio or video file.`;

/** What the service would refuse, said before the upload; an unknown length is left to the service. */
function check({ file, seconds: s }) {
  if (s != null && s < limits.voice_min_seconds) {
    return `Too short: ${seconds(s)}; a voice needs at least ${limits.voice_min_seconds} s of speech.`;
  }
  if (s != null && s > limits.voice_max_seconds) {
    return `Too long: ${seconds(s)}; at most ${limits.voice_max_seconds} s is used.`;
  }
  return null;
}

const picker = audioPicker({ input: fileInput, record: document.getElementById('record'), recording: document.getElementById('recording'),
  picked, preview: pickedAudio, message, check: (c) => tooLarge(c.file, config.upload_max_bytes) ?? check(c) });

form.addEventListener('submit', async (e) => {
  e.preventDefault();
  clear(message);
  if (!name.value.trim()) {
    say(message, 'Give the voice a name.', 'error');
    name.focus();
    return;
  }
  const chosen = picker.ready('Choose a recording or record one.');
  if (!chosen) {
    return;
  }
  const body = new FormData();
  body.append('name', name.value.trim());
  body.append('file', chosen.file, chosen.file.name);
  const submit = document.getElementById('submit');
  const progress = document.getElementById('uploading');
  submit.disabled = true;
  progress.hidden = false;
  try {
    const voice = await json('../v1/voices', { method: 'POST', body });
    say(message, `Voice “${voice.name}” created (${seconds(voice.duration_seconds)} of reference).`, 'ok');
    form.reset();
    picker.reset();
    await load(0);
  } catch (err) {
    say(message, err.message, 'error');
  } finally {
    submit.disabled = false;
    progress.hidden = true;
  }
});

let currentOffset = 0;

async function load(offset) {
  currentOffset = offset;
  const list = document.getElementById('voices');
  let page;
  try {
    page = await json(`../v1/voices?limit=${PAGE}&offset=${offset}`);
  } catch (err) {
    say(listMessage, err.message, 'error');
    return;
  }
  if (page.total > 0 && page.data.length === 0 && offset > 0) {
    return load(Math.max(0, offset - PAGE)); // the last one on this page was deleted
  }
  list.replaceChildren(...page.data.map((v) => voiceItem(v, offset)));
  if (page.total === 0) {
    list.append(el('li', {}, 'No voices yet: create one above.'));
  }
  pager(document.getElementById('pager'), page, load);
}

function voiceItem(v, offset) {
  const audio = el('audio', { controls: true, preload: 'none', 'aria-label': `Reference recording of ${v.name}` });
  play(audio, '..' + v.audio_url).catch((err) => say(listMessage, err.message, 'error'));
  const remove = el('button', { type: 'button', class: 'danger', 'aria-label': `Delete ${v.name}`, onclick: async () => {
    if (!(await confirm(`Delete the voice “${v.name}” and every generation made with it?`))) {
      remove.focus();
      return;
    }
    try {
      await api('../v1/voices/' + v.id, { method: 'DELETE' });
      say(listMessage, `Voice “${v.name}” deleted.`, 'ok');
    } catch (err) {
      say(listMessage, err.message, 'error');
    }
    await load(offset);
  } }, 'Delete');
  const title = el('h3', {}, v.name);
  const rename = el('button', { type: 'button', 'aria-label': `Rename ${v.name}`, onclick: () => {
    const form = renameForm(v, title, rename);
    title.replaceWith(form);
    const input = form.querySelector('input');
    input.focus(); // at once, so that Escape and Enter act on it
    input.select();
  } }, 'Rename');
  return el('li', { 'data-voice': v.id },
    title,
    el('p', { class: 'meta' }, `${seconds(v.duration_seconds)} · ${v.model} · created ${when(v.created_at)}`),
    audio,
    el('div', { class: 'actions' }, el('a', { class: 'button', href: 'speak.html?voice=' + encodeURIComponent(v.id) }, 'Speak with it'),
      rename, remove));
}

/** An inline form in place of the voice's title; Escape or Cancel puts the title back. */
function renameForm(v, title, button) {
  const input = el('input', { type: 'text', id: 'rename-' + v.id, value: v.name, maxLength: limits.voice_max_name_length, required: true });
  const back = () => {
    form.replaceWith(title);
    button.focus();
  };
  const form = el('form', { class: 'actions', onsubmit: async (e) => {
    e.preventDefault();
    try {
      const renamed = await json('../v1/voices/' + v.id, {
        method: 'PATCH', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ name: input.value }),
      });
      say(listMessage, `Renamed to “${renamed.name}”.`, 'ok');
      await load(currentOffset);
    } catch (err) {
      say(listMessage, err.message, 'error');
    }
  }, onkeydown: (e) => e.key === 'Escape' && back() },
  el('label', { for: input.id, class: 'sr-only' }, `New name for ${v.name}`), input,
  el('button', { type: 'submit', class: 'primary' }, 'Save'), el('button', { type: 'button', onclick: back }, 'Cancel'));
  return form;
}

await load(0);

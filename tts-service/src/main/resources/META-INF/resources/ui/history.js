// History: generations newest first with text, voice, length, time taken and round-trip score; play, download, delete.
import { api, confirm, download, el, json, pager, play, say, seconds, start, when } from './common/app.js';
import { scoreText } from './score.js';

const config = await start();
const message = document.getElementById('message');
const list = document.getElementById('generations');
const PAGE = Number(new URLSearchParams(location.search).get('limit') ?? 10);
const voiceNames = new Map();
let offset = 0;
let refresh = null;

async function load(at) {
  offset = at;
  clearTimeout(refresh);
  let page;
  try {
    page = await json(`../v1/generations?limit=${PAGE}&offset=${offset}`);
  } catch (err) {
    say(message, err.message, 'error');
    return;
  }
  if (page.total > 0 && page.data.length === 0 && offset > 0) {
    return load(Math.max(0, offset - PAGE));
  }
  for (const id of new Set(page.data.map((g) => g.voice_id).filter((v) => v && !voiceNames.has(v)))) {
    voiceNames.set(id, await json('../v1/voices/' + id).then((v) => v.name, () => id));
  }
  list.replaceChildren(...page.data.map(item));
  if (page.total === 0) {
    list.append(el('li', {}, 'Nothing generated yet: ', el('a', { href: 'speak.html' }, 'speak something'), '.'));
  }
  pager(document.getElementById('pager'), page, load);
  if (page.data.some((g) => g.round_trip?.status === 'pending')) {
    refresh = setTimeout(() => load(offset), 2000); // scores arrive shortly after the audio
  }
}

function item(g) {
  const audio = el('audio', { controls: true, preload: 'none', 'aria-label': 'Play this generation' });
  play(audio, '..' + g.audio_url).catch((err) => say(message, err.message, 'error'));
  const voice = g.voice_id ? voiceNames.get(g.voice_id) ?? g.voice_id : 'no voice';
  const formats = g.format === 'wav' ? config.settings.formats : [g.format];
  const remove = el('button', { type: 'button', class: 'danger', 'aria-label': 'Delete this generation', onclick: async () => {
    if (!(await confirm('Delete this generation and its audio?'))) {
      remove.focus();
      return;
    }
    try {
      await api('../v1/generations/' + g.id, { method: 'DELETE' });
      say(message, 'Generation deleted.', 'ok');
    } catch (err) {
      say(message, err.message, 'error');
    }
    await load(offset);
  } }, 'Delete');
  return el('li', { 'data-generation': g.id },
    el('blockquote', { class: 'text' }, g.text),
    el('p', { class: 'meta' }, `${voice} · ${seconds(g.duration_seconds)} of audio · made in ${seconds(g.processing_ms / 1000)} · ${when(g.created_at)}`),
    el('p', { class: 'meta score' }, scoreText(g.round_trip)),
    audio,
    el('div', { class: 'actions', role: 'group', 'aria-label': 'Download' },
      ...formats.map((f) => el('button', { type: 'button', 'data-format': f, onclick: () => download(`../v1/generations/${g.id}/audio?format=${f}`,
        `${g.id}.${f === 'opus' ? 'ogg' : f}`).catch((err) => say(message, err.message, 'error')) }, f)),
      remove));
}

await load(0);

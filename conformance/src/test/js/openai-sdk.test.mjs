// The official OpenAI Node SDK against the packaged services (ASR_URL, TTS_URL set by ConformanceIT).
// Run with node's own test runner: node --test src/test/js/openai-sdk.test.mjs
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import OpenAI from 'openai';

const speech = path.join(process.env.SPEECH_SHARED_DIR, 'speech');
const jfk = path.join(speech, 'short', 'en_jfk.wav');
const bonjour = path.join(speech, 'short', 'fr_bonjour.wav');
// maxRetries 0: the SDK would otherwise retry 429/5xx and hide them from the error checks
const asr = new OpenAI({ baseURL: `${process.env.ASR_URL}/v1`, apiKey: 'unused', maxRetries: 0, timeout: 300_000 });
const tts = new OpenAI({ baseURL: `${process.env.TTS_URL}/v1`, apiKey: 'unused', maxRetries: 0, timeout: 300_000 });

async function rejects(promise, type, expect) {
  await assert.rejects(promise, (e) => {
    assert.ok(e instanceof type, `${e?.constructor?.name}: ${e?.message}`);
    for (const [k, v] of Object.entries(expect)) assert.equal(e[k], v, `${k} of ${e.message}`);
    return true;
  });
}

test('transcriptions: json, text, srt, vtt, verbose_json with segments, language, prompt, temperature', async () => {
  const json = await asr.audio.transcriptions.create({ file: fs.createReadStream(jfk), model: 'whisper-1' });
  assert.match(json.text.toLowerCase(), /ask not what your country can do for you/);
  for (const [format, marker] of [['text', 'country'], ['srt', '00:00:00,000 --> '], ['vtt', 'WEBVTT']]) {
    const out = await asr.audio.transcriptions.create({ file: fs.createReadStream(jfk), model: 'tiny.en', response_format: format });
    assert.equal(typeof out, 'string', format);
    assert.ok(out.includes(marker), `${format}: ${out}`);
  }
  const verbose = await asr.audio.transcriptions.create({
    file: fs.createReadStream(jfk), model: 'tiny.en', response_format: 'verbose_json', timestamp_granularities: ['segment'],
    language: 'en', prompt: 'Inaugural address.', temperature: 0.2,
  });
  assert.equal(verbose.language, 'en');
  assert.ok(verbose.segments.length > 0);
  assert.ok(Math.abs(verbose.duration - 11.0) < 0.05, String(verbose.duration));
});

test('transcription errors are typed with code and param', async () => {
  await rejects(asr.audio.transcriptions.create({ file: fs.createReadStream(jfk), model: 'tiny.en', response_format: 'verbose_json',
    timestamp_granularities: ['sentence'] }), OpenAI.BadRequestError, { status: 400, param: 'timestamp_granularities[]' });
  await rejects(asr.audio.transcriptions.create({ file: fs.createReadStream(jfk), model: 'tiny.en', temperature: 3 }),
    OpenAI.BadRequestError, { param: 'temperature' });
  await rejects(asr.audio.transcriptions.create({ file: fs.createReadStream(jfk), model: 'nope' }),
    OpenAI.NotFoundError, { status: 404, code: 'model_not_found' });
});

test('translations and models', async () => {
  const t = await asr.audio.translations.create({ file: fs.createReadStream(bonjour), model: 'base' });
  assert.ok(t.text.trim().length > 0);
  await rejects(asr.audio.translations.create({ file: fs.createReadStream(bonjour), model: 'tiny.en' }),
    OpenAI.BadRequestError, { param: 'model' });
  const ids = [];
  for await (const m of asr.models.list()) ids.push(m.id);
  assert.ok(ids.includes('tiny.en') && ids.includes('base'), ids.join());
  assert.equal((await asr.models.retrieve('base')).id, 'base');
  await rejects(asr.models.retrieve('nope'), OpenAI.NotFoundError, { code: 'model_not_found' });
});

const magic = {
  mp3: (b) => b.subarray(0, 3).toString() === 'ID3' || (b[0] === 0xff && (b[1] & 0xe0) === 0xe0),
  wav: (b) => b.subarray(0, 4).toString() === 'RIFF',
  flac: (b) => b.subarray(0, 4).toString() === 'fLaC',
  opus: (b) => b.subarray(0, 4).toString() === 'OggS',
  aac: (b) => b[0] === 0xff && (b[1] & 0xf6) === 0xf0,
  pcm: (b) => b.length % 2 === 0,
};

test('speech: audio whatever the format, speed, typed errors', async () => {
  const form = new FormData();
  form.append('name', 'sdk-node-jfk');
  form.append('file', new Blob([fs.readFileSync(jfk)], { type: 'audio/wav' }), 'jfk.wav');
  const created = await fetch(`${process.env.TTS_URL}/v1/voices`, { method: 'POST', body: form });
  assert.equal(created.status, 201, await created.clone().text());
  const voice = (await created.json()).id;
  // every format is the Python suite's job (each synthesis is slow on CPU): here the default (mp3) and opus
  for (const format of [undefined, 'opus']) {
    const r = await tts.audio.speech.create({ model: 'tts-1', voice, input: 'Hello there.', ...(format && { response_format: format }) });
    const audio = Buffer.from(await r.arrayBuffer());
    assert.ok(audio.length > 100 && magic[format ?? 'mp3'](audio), `${format}: ${audio.subarray(0, 8).toString('hex')}`);
    assert.match(r.headers.get('content-type'), /^audio\//);
  }
  const fast = await tts.audio.speech.create({ model: 'tts-1', voice, input: 'Fast.', response_format: 'wav', speed: 1.5 });
  assert.ok(magic.wav(Buffer.from(await fast.arrayBuffer())) && Number(fast.headers.get('x-audio-duration')) > 0);
  // stream_format (issues 10/15): check stream_format 'audio' and 'sse' here once streaming lands
  await rejects(tts.audio.speech.create({ model: 'tts-1', voice: 'alloy', input: 'x' }), OpenAI.NotFoundError, { code: 'voice_not_found' });
  await rejects(tts.audio.speech.create({ model: 'tts-1', voice, input: 'x', speed: 5 }), OpenAI.BadRequestError, { param: 'speed' });
  await rejects(tts.audio.speech.create({ model: 'tts-1', voice, input: 'x', response_format: 'wma' }),
    OpenAI.BadRequestError, { param: 'response_format' });
  const ids = [];
  for await (const m of tts.models.list()) ids.push(m.id);
  assert.ok(ids.includes('echo-tts-tiny'), ids.join());
  assert.equal((await tts.models.retrieve('echo-tts-tiny')).id, 'echo-tts-tiny');
  await rejects(tts.models.retrieve('nope'), OpenAI.NotFoundError, { code: 'model_not_found' });
});

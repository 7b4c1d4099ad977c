// The services' own pages in a real browser (Debian's chromium through playwright-core), against both packaged
// services under a path prefix (PagesIT starts them with small limits): one test per page flow and per error path.
// The microphone is chromium's fake device. Screenshots go to SCREENSHOTS.
import { chromium } from 'playwright-core';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';

const ASR = process.env.ASR_URL;
const TTS = process.env.TTS_URL;
const shots = process.env.SCREENSHOTS;
const speech = (f) => path.join(process.env.SPEECH_SHARED_DIR, 'speech', f);
const JFK = speech('short/en_jfk.wav');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pages-'));
fs.mkdirSync(shots, { recursive: true });

let browser;
before(async () => {
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
      '--disable-sync', '--no-first-run', '--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream',
      '--autoplay-policy=no-user-gesture-required'],
  });
});
after(async () => browser?.close());

/** A fresh page (phone-sized when asked) that fails the test on any script error. */
async function open(url, { phone = false } = {}) {
  const context = await browser.newContext({
    viewport: phone ? { width: 390, height: 844 } : { width: 1200, height: 900 }, isMobile: phone, hasTouch: phone,
    acceptDownloads: true, permissions: ['microphone'],
  });
  const page = await context.newPage();
  page.setDefaultTimeout(60_000);
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.errors = errors;
  await page.goto(url);
  await page.waitForLoadState('networkidle');
  return page;
}

async function shot(page, name) {
  await page.screenshot({ path: path.join(shots, name + '.png'), fullPage: true });
}

/** Closes a page and asserts its scripts threw nothing. */
async function done(page) {
  const errors = page.errors;
  await page.context().close();
  assert.deepEqual(errors, [], 'script errors on the page');
}

/** POST /v1/voices from a file; the new voice. */
async function createVoice(name, file = JFK) {
  const form = new FormData();
  form.append('name', name);
  form.append('file', new Blob([fs.readFileSync(file)], { type: 'audio/wav' }), path.basename(file));
  const r = await fetch(`${TTS}/v1/voices`, { method: 'POST', body: form });
  const text = await r.text();
  assert.equal(r.status, 201, text);
  return JSON.parse(text);
}

/** A quick generation through the API (few steps, short window). */
async function generate(text, voiceId) {
  const r = await fetch(`${TTS}/v1/speech`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ text, voice_id: voiceId, num_steps: 2, sequence_length: 40 }),
  });
  assert.equal(r.status, 200, r.status === 200 ? '' : await r.text());
  await r.arrayBuffer();
  return r.headers.get('X-Generation-Id');
}

/** The text of a page's message area once it says something (or, given {@code expected}, once it says that). */
async function messageOf(page, selector, expected = /\S/) {
  const m = page.locator(selector);
  await m.filter({ hasText: expected }).waitFor();
  return (await m.innerText()).trim();
}

/** Counts the page's requests to one API path, to prove that a refused file never left the browser. */
function countRequests(page, pattern) {
  const seen = [];
  page.on('request', (r) => pattern.test(r.url()) && r.method() === 'POST' && seen.push(r.url()));
  return seen;
}

async function downloaded(page, click) {
  const [d] = await Promise.all([page.waitForEvent('download'), click()]);
  const file = path.join(tmp, d.suggestedFilename());
  await d.saveAs(file);
  return { name: d.suggestedFilename(), bytes: fs.readFileSync(file) };
}

// ---------------------------------------------------------------- Voices

test('voices: upload shows size and length, creates, lists with preview, renames, deletes after confirmation', async () => {
  const name = 'page-jfk-' + Date.now(); // names need not be unique: this one is, to find it
  const page = await open(`${TTS}/ui/voices.html`);
  await page.getByLabel('Name', { exact: true }).fill(name);
  await page.getByLabel('Upload a file').setInputFiles(JFK);
  await page.locator('#picked').filter({ hasText: '11.0 s' }).waitFor();
  assert.match(await page.locator('#picked').innerText(), /en_jfk\.wav: 344 KB, 11\.0 s/);
  await page.getByRole('button', { name: 'Create voice' }).click();
  await messageOf(page, '#create-message', new RegExp(`Voice “${name}” created \\(11\\.0 s of reference\\)`));
  const item = page.locator('#voices li', { hasText: name });
  await item.waitFor();
  const preview = item.locator('audio');
  assert.match(await preview.evaluate((a) => a.src), /\/speech\/tts\/v1\/voices\/voice_[0-9a-f]+\/audio$/);
  assert.ok(await preview.evaluate((a) => a.play().then(() => true, () => false)), 'the preview does not play');
  await shot(page, 'voices');

  // rename in place (Escape first: nothing changes), then the new name everywhere
  const id = await item.getAttribute('data-voice');
  const voice = page.locator(`#voices li[data-voice="${id}"]`);
  await voice.getByRole('button', { name: 'Rename ' + name }).click();
  assert.equal(await page.evaluate(() => document.activeElement.id), 'rename-' + id, 'the name field has the focus');
  await page.keyboard.press('Escape');
  assert.equal(await voice.locator('h3').innerText(), name);
  await voice.getByRole('button', { name: 'Rename ' + name }).click();
  const renamed = name + ' renamed';
  await voice.getByLabel('New name for ' + name).fill(renamed);
  await voice.getByRole('button', { name: 'Save' }).click();
  await messageOf(page, '#list-message', new RegExp(`Renamed to “${renamed}”`));
  await voice.locator('h3', { hasText: renamed }).waitFor();
  assert.equal((await (await fetch(`${TTS}/v1/voices/${id}`)).json()).name, renamed);

  // cancelling the confirmation keeps it; confirming deletes it
  await voice.getByRole('button', { name: 'Delete ' + renamed }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Cancel' }).click();
  assert.equal(await voice.count(), 1);
  await voice.getByRole('button', { name: 'Delete ' + renamed }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Delete' }).click();
  await messageOf(page, '#list-message', new RegExp(`Voice “${renamed}” deleted`));
  await voice.waitFor({ state: 'detached' });
  await done(page);
});

test('voices: a microphone recording becomes a voice', async () => {
  const page = await open(`${TTS}/ui/voices.html`);
  await page.getByLabel('Name', { exact: true }).fill('page-mic');
  await page.getByRole('button', { name: /Record/ }).click();
  await page.locator('#recording').filter({ hasText: /Recording… 4 s/ }).waitFor({ timeout: 20_000 });
  await page.getByRole('button', { name: /Stop recording/ }).click();
  await page.locator('#picked').filter({ hasText: /^recording\.\w+: .+, [\d.]+ s$/ }).waitFor();
  const seconds = Number((await page.locator('#picked').innerText()).match(/, ([\d.]+) s$/)[1]);
  assert.ok(seconds >= 3.5 && seconds < 30, `recorded ${seconds} s`);
  await page.getByRole('button', { name: 'Create voice' }).click();
  assert.match(await messageOf(page, '#create-message'), /Voice “page-mic” created/);
  await page.locator('#voices li', { hasText: 'page-mic' }).waitFor();
  await shot(page, 'voices-recorded');
  await done(page);
});

test('voices error: a file over the upload limit is refused before sending', async () => {
  const big = path.join(tmp, 'big.wav');
  fs.writeFileSync(big, Buffer.concat([fs.readFileSync(JFK), Buffer.alloc(2_100_000)]));
  const page = await open(`${TTS}/ui/voices.html`);
  const posts = countRequests(page, /\/v1\/voices$/);
  await page.getByLabel('Name', { exact: true }).fill('page-big');
  await page.getByLabel('Upload a file').setInputFiles(big);
  assert.match(await messageOf(page, '#create-message'), /^Too large: 2\.3 MB; the limit is 1\.9 MB\.$/);
  await page.getByRole('button', { name: 'Create voice' }).click();
  assert.match(await messageOf(page, '#create-message'), /Too large/);
  assert.equal(await page.locator('#create-message').getAttribute('role'), 'alert');
  assert.deepEqual(posts, []);
  await shot(page, 'voices-too-large');
  await done(page);
});

test('voices error: a file that is not audio gets the service\'s message, not JSON', async () => {
  const notAudio = path.join(tmp, 'notes.wav');
  fs.writeFileSync(notAudio, 'these are meeting notes, not a recording\n'.repeat(50));
  const page = await open(`${TTS}/ui/voices.html`);
  await page.getByLabel('Name', { exact: true }).fill('page-notes');
  await page.getByLabel('Upload a file').setInputFiles(notAudio);
  await page.locator('#picked').filter({ hasText: 'unknown length' }).waitFor();
  await page.getByRole('button', { name: 'Create voice' }).click();
  const text = await messageOf(page, '#create-message');
  assert.match(text, /^The request was refused: .*(audio|decode)/i);
  assert.doesNotMatch(text, /[{}]/);
  await shot(page, 'voices-not-audio');
  await done(page);
});

test('voices error: a recording shorter than the minimum is refused with the limit', async () => {
  const page = await open(`${TTS}/ui/voices.html`);
  const posts = countRequests(page, /\/v1\/voices$/);
  await page.getByLabel('Name', { exact: true }).fill('page-short');
  await page.getByLabel('Upload a file').setInputFiles(speech('short/fr_bonjour.wav'));
  assert.match(await messageOf(page, '#create-message'), /^Too short: 1\.2 s; a voice needs at least 3 s of speech\.$/);
  await page.getByRole('button', { name: 'Create voice' }).click();
  assert.deepEqual(posts, []);
  await done(page);
});

// ---------------------------------------------------------------- Speak

test('speak: counted text, voice, advanced defaults, streamed playback, stored result, download in each format, round-trip score', async () => {
  const voice = await createVoice('speak-jfk');
  const page = await open(`${TTS}/ui/speak.html?voice=${voice.id}`);
  assert.equal(await page.getByLabel('Voice').inputValue(), voice.id);
  const text = 'Ask not what your country can do for you.';
  await page.getByLabel('Text', { exact: true }).fill(text);
  assert.equal(await page.locator('#count').innerText(), `${text.length} / 300 characters`);

  await page.getByText('Advanced: sampler settings').click();
  assert.equal(await page.getByLabel('Steps').inputValue(), '40');
  assert.equal(await page.getByLabel('Text guidance').inputValue(), '3');
  assert.equal(await page.getByLabel('Speaker guidance').inputValue(), '8');
  await page.getByLabel('Steps').fill('4');
  await page.getByLabel('Length (latents; empty = model\'s)').fill('40');
  await page.getByLabel('Seed').fill('5');

  // keyboard only: focus the button and press Enter
  await page.getByRole('button', { name: 'Speak', exact: true }).focus();
  await page.keyboard.press('Enter');
  await page.locator('#progress').waitFor({ state: 'visible' }).catch(() => {}); // may already be over on a fast machine
  assert.match(await messageOf(page, '#message'), /^Done\.$/);
  await page.locator('#result').waitFor();
  assert.match(await page.locator('#facts').innerText(), /s of audio, made in .* · seed 5$/);
  assert.match(await page.locator('#audio').evaluate((a) => a.src), /\/speech\/tts\/v1\/generations\/gen_[0-9a-f]+\/audio$/);
  // the score arrives once the ASR service has heard it
  await page.locator('#score').filter({ hasText: /^Round trip: [\d.]+% of words wrong/ }).waitFor({ timeout: 120_000 });
  await shot(page, 'speak');

  const formats = await page.locator('#downloads button').evaluateAll((bs) => bs.map((b) => b.dataset.format));
  assert.deepEqual(formats, ['wav', 'flac', 'mp3', 'opus', 'aac', 'pcm']);
  const wav = await downloaded(page, () => page.getByRole('button', { name: 'Download wav' }).click());
  assert.equal(wav.bytes.subarray(0, 4).toString(), 'RIFF');
  const flac = await downloaded(page, () => page.getByRole('button', { name: 'Download flac' }).click());
  assert.equal(flac.bytes.subarray(0, 4).toString(), 'fLaC');
  const mp3 = await downloaded(page, () => page.getByRole('button', { name: 'Download mp3' }).click());
  assert.match(mp3.name, /\.mp3$/);
  assert.ok(mp3.bytes.subarray(0, 3).toString() === 'ID3' || (mp3.bytes[0] === 0xff && (mp3.bytes[1] & 0xe0) === 0xe0), 'not MP3');
  const opus = await downloaded(page, () => page.getByRole('button', { name: 'Download opus' }).click());
  assert.equal(opus.bytes.subarray(0, 4).toString(), 'OggS');
  await done(page);
});

test('speak error: text over the limit is counted, marked invalid and cannot be sent', async () => {
  const page = await open(`${TTS}/ui/speak.html`);
  await page.getByLabel('Text', { exact: true }).fill('x'.repeat(305));
  assert.equal(await page.locator('#count').innerText(), '305 / 300 characters — 5 too many');
  assert.equal(await page.getByLabel('Text', { exact: true }).getAttribute('aria-invalid'), 'true');
  assert.ok(await page.getByRole('button', { name: 'Speak', exact: true }).isDisabled());
  await shot(page, 'speak-too-long');
  await page.getByLabel('Text', { exact: true }).fill('x'.repeat(300));
  assert.ok(await page.getByRole('button', { name: 'Speak', exact: true }).isEnabled());
  await done(page);
});

test('speak error: a voice deleted meanwhile gets the service\'s message and leaves the list', async () => {
  const voice = await createVoice('speak-gone');
  const page = await open(`${TTS}/ui/speak.html?voice=${voice.id}`);
  assert.equal(await page.getByLabel('Voice').inputValue(), voice.id);
  assert.equal((await fetch(`${TTS}/v1/voices/${voice.id}`, { method: 'DELETE' })).status, 204);
  await page.getByLabel('Text', { exact: true }).fill('Nobody is here.');
  await page.getByRole('button', { name: 'Speak', exact: true }).click();
  assert.match(await messageOf(page, '#message'), /^Not found: no voice '.*'/);
  await page.locator(`#voice option[value="${voice.id}"]`).waitFor({ state: 'detached' });
  await shot(page, 'speak-unknown-voice');
  await done(page);
});

// ---------------------------------------------------------------- History

test('history: newest first with text, voice, length, time taken and score; plays, downloads, pages, deletes', async () => {
  const voice = await createVoice('history-jfk');
  const ids = [];
  for (let i = 1; i <= 12; i++) {
    ids.push(await generate(`History line number ${i}.`, voice.id));
  }
  const page = await open(`${TTS}/ui/history.html`);
  const items = page.locator('#generations > li');
  await page.locator('#generations > li').first().waitFor();
  assert.equal(await items.count(), 10);
  const first = items.first();
  assert.equal(await first.getAttribute('data-generation'), ids[11]);
  assert.equal(await first.locator('blockquote').innerText(), 'History line number 12.');
  assert.match(await first.locator('.meta').first().innerText(), /^history-jfk · [\d.]+ s of audio · made in [\d.]+ s · /);
  assert.match(await page.locator('#pager').innerText(), /1–10 of \d+/);
  // scores arrive one by one; the page refreshes while some are pending
  await first.locator('.score').filter({ hasText: /^Round trip: / }).waitFor({ timeout: 180_000 });
  assert.ok(await first.locator('audio').evaluate((a) => a.play().then(() => true, () => false)), 'does not play');
  const mp3 = await downloaded(page, () => first.getByRole('button', { name: 'mp3' }).click());
  assert.equal(mp3.name, `${ids[11]}.mp3`);
  await shot(page, 'history');

  await page.getByRole('button', { name: 'Older →' }).click();
  await page.locator('#pager').filter({ hasText: /11–\d+ of/ }).waitFor();
  assert.equal(await items.first().getAttribute('data-generation'), ids[1]);
  await page.getByRole('button', { name: '← Newer' }).click();
  await page.locator('#pager').filter({ hasText: /1–10 of/ }).waitFor();

  const total = Number((await page.locator('#pager').innerText()).match(/of (\d+)/)[1]);
  await items.first().getByRole('button', { name: 'Delete this generation' }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Delete' }).click();
  assert.match(await messageOf(page, '#message'), /Generation deleted/);
  await page.locator('#pager').filter({ hasText: `of ${total - 1}` }).waitFor();
  assert.equal(await items.first().getAttribute('data-generation'), ids[10]);
  assert.equal((await fetch(`${TTS}/v1/generations/${ids[11]}`)).status, 404);
  await done(page);
});

test('history error: deleting a generation already gone says so', async () => {
  const id = await generate('Deleted elsewhere.');
  const page = await open(`${TTS}/ui/history.html`);
  const item = page.locator(`#generations > li[data-generation="${id}"]`);
  await item.waitFor();
  assert.equal((await fetch(`${TTS}/v1/generations/${id}`, { method: 'DELETE' })).status, 204);
  await item.getByRole('button', { name: 'Delete this generation' }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Delete' }).click();
  assert.match(await messageOf(page, '#message'), /^Not found: no generation with this id/);
  await item.waitFor({ state: 'detached' });
  await done(page);
});

// ---------------------------------------------------------------- Transcribe

test('transcribe: a dropped file, model and language, transcript with timestamps, play from a line, four downloads', async () => {
  const page = await open(`${ASR}/ui/transcribe.html`);
  assert.equal(await page.getByLabel('Model').inputValue(), 'tiny.en');
  // a real drop: the file goes through a DataTransfer onto the drop zone
  const data = fs.readFileSync(JFK).toString('base64');
  const transfer = await page.evaluateHandle((b64) => {
    const dt = new DataTransfer();
    dt.items.add(new File([Uint8Array.from(atob(b64), (c) => c.charCodeAt(0))], 'en_jfk.wav', { type: 'audio/wav' }));
    return dt;
  }, data);
  await page.locator('#drop').dispatchEvent('drop', { dataTransfer: transfer });
  await page.locator('#picked').filter({ hasText: 'en_jfk.wav: 344 KB, 11.0 s' }).waitFor();
  await page.getByLabel('Spoken language').fill('en');
  await page.getByRole('button', { name: 'Transcribe', exact: true }).click();
  assert.match(await messageOf(page, '#message'), /^Done in /);
  const lines = page.locator('#segments button');
  assert.ok(await lines.count() >= 1);
  assert.match((await lines.allInnerTexts()).join(' ').toLowerCase(), /ask not what your country can do for you/);
  assert.match(await lines.first().locator('time').innerText(), /^00:00\.\d → 00:\d\d\.\d$/);
  assert.match(await page.locator('#facts').innerText(), /11\.0 s · language en · model tiny\.en/);

  const last = lines.last();
  const start = Number(await last.getAttribute('data-start'));
  await last.click();
  assert.equal(await last.getAttribute('aria-current'), 'true');
  const at = await page.locator('#audio').evaluate((a) => a.currentTime);
  assert.ok(Math.abs(at - start) < 0.5, `audio at ${at}, line starts at ${start}`);
  await shot(page, 'transcribe');

  const txt = await downloaded(page, () => page.getByRole('button', { name: 'Download txt' }).click());
  assert.equal(txt.name, 'en_jfk.txt');
  assert.match(txt.bytes.toString().toLowerCase(), /ask not what your country/);
  const srt = (await downloaded(page, () => page.getByRole('button', { name: 'Download srt' }).click())).bytes.toString();
  assert.match(srt, /^1\n00:00:\d\d,\d{3} --> 00:00:\d\d,\d{3}\n\S/);
  const vtt = (await downloaded(page, () => page.getByRole('button', { name: 'Download vtt' }).click())).bytes.toString();
  assert.match(vtt, /^WEBVTT\n\n00:00:\d\d\.\d{3} --> /);
  const json = JSON.parse((await downloaded(page, () => page.getByRole('button', { name: 'Download json' }).click())).bytes.toString());
  assert.equal(json.x_model, 'tiny.en');
  assert.ok(json.segments.length >= 1);
  await done(page);
});

test('transcribe: a microphone recording is transcribed', async () => {
  const page = await open(`${ASR}/ui/transcribe.html`);
  await page.getByRole('button', { name: /Record/ }).click();
  await page.locator('#recording').filter({ hasText: /Recording… 2 s/ }).waitFor({ timeout: 20_000 });
  await page.getByRole('button', { name: /Stop recording/ }).click();
  await page.locator('#picked').filter({ hasText: /^recording\.\w+: / }).waitFor();
  await page.getByRole('button', { name: 'Transcribe', exact: true }).click();
  assert.match(await messageOf(page, '#message'), /^Done in /);
  await page.locator('#result').waitFor();
  assert.match(await page.locator('#facts').innerText(), /· model tiny\.en$/);
  await done(page);
});

test('transcribe error: a file over the upload limit is refused before sending', async () => {
  const page = await open(`${ASR}/ui/transcribe.html`);
  const posts = countRequests(page, /\/v1\/audio\//);
  await page.getByLabel(/Drop an audio or video file/).setInputFiles(speech('short/en_jfk_44k_stereo.flac'));
  assert.match(await messageOf(page, '#message'), /^Too large: 1\.1 MB; the limit is 977 KB\.$/);
  await page.getByRole('button', { name: 'Transcribe', exact: true }).click();
  assert.deepEqual(posts, []);
  await shot(page, 'transcribe-too-large');
  await done(page);
});

test('transcribe error: a file that is not audio gets the service\'s message', async () => {
  const notAudio = path.join(tmp, 'slides.mp3');
  fs.writeFileSync(notAudio, 'not a recording at all\n'.repeat(40));
  const page = await open(`${ASR}/ui/transcribe.html`);
  await page.getByLabel(/Drop an audio or video file/).setInputFiles(notAudio);
  await page.getByRole('button', { name: 'Transcribe', exact: true }).click();
  const text = await messageOf(page, '#message');
  assert.match(text, /^The request was refused: /);
  assert.doesNotMatch(text, /[{}]/);
  await shot(page, 'transcribe-not-audio');
  await done(page);
});

test('transcribe error: translating with an English-only model gets the service\'s message', async () => {
  const page = await open(`${ASR}/ui/transcribe.html`);
  await page.getByLabel(/Drop an audio or video file/).setInputFiles(JFK);
  await page.getByLabel('Translate into English').check();
  await page.getByRole('button', { name: 'Transcribe', exact: true }).click();
  assert.match(await messageOf(page, '#message'), /^The request was refused: .*(English-only|multilingual)/i);
  await done(page);
});

// ---------------------------------------------------------------- every page

test('every page: labelled controls, links to the other service under its prefix, fits a phone', async () => {
  const pages = [`${TTS}/ui/voices.html`, `${TTS}/ui/speak.html`, `${TTS}/ui/history.html`, `${ASR}/ui/transcribe.html`];
  for (const url of pages) {
    const page = await open(url, { phone: true });
    const unlabelled = await page.locator('input:not([type=hidden]), select, textarea').evaluateAll((controls) =>
      controls.filter((c) => !(c.labels?.length || c.getAttribute('aria-label') || c.getAttribute('aria-labelledby'))).map((c) => c.id));
    assert.deepEqual(unlabelled, [], `${url}: controls without a label`);
    const width = await page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
    assert.ok(width[0] <= width[1], `${url}: ${width[0]} px wide on a ${width[1]} px screen`);
    const other = page.locator('header .other a');
    await other.waitFor();
    assert.equal(await other.getAttribute('href'), url.startsWith(TTS) ? `${ASR}/ui/transcribe.html` : `${TTS}/ui/speak.html`);
    // the first Tab reaches the skip link, which leads to the content
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement.textContent), 'Skip to content');
    await shot(page, 'phone-' + path.basename(url, '.html'));
    await done(page);
  }
});

// Swagger UI in a real browser (Debian's chromium through playwright-core): "Try it out" uploads a recording
// to /v1/audio/transcriptions and shows the transcript; on the TTS service it creates a voice and speaks with it.
// Screenshots go to SCREENSHOTS (target/swagger-ui). Exits non-zero with the reason on any failure.
import { chromium } from 'playwright-core';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';

const shots = process.env.SCREENSHOTS;
const jfk = path.join(process.env.SPEECH_SHARED_DIR, 'speech', 'short', 'en_jfk.wav');
fs.mkdirSync(shots, { recursive: true });

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
    '--disable-sync', '--no-first-run'],
});

/** Opens one operation's block, presses "Try it out" and returns the block. */
async function tryItOut(page, method, route) {
  const block = page.locator(`.opblock-${method}`).filter({ has: page.locator(`.opblock-summary-path[data-path="${route}"]`) }).first();
  await block.locator('.opblock-summary').first().click();
  await block.getByRole('button', { name: 'Try it out' }).click();
  return block;
}

/** Presses Execute and waits for the live response; returns its status code and the block's response section. */
async function execute(block) {
  await block.getByRole('button', { name: 'Execute' }).click();
  const live = block.locator('.live-responses-table .response');
  await live.first().waitFor({ timeout: 300_000 });
  const status = Number((await live.locator('.response-col_status').first().innerText()).trim());
  return { status, live };
}

/** A multipart field of the request body (Swagger UI renders each as a table row named after the property). */
async function formField(block, name) {
  return block.locator(`tr[data-property-name="${name}"]`);
}

try {
  const page = await browser.newPage({ viewport: { width: 1400, height: 1800 } });
  page.setDefaultTimeout(60_000);

  // ASR: upload a recording, read the transcript in the response body
  await page.goto(`${process.env.ASR_URL}/q/swagger-ui`);
  const transcribe = await tryItOut(page, 'post', '/v1/audio/transcriptions');
  await (await formField(transcribe, 'file')).locator('input[type=file]').setInputFiles(jfk);
  // the form offers timestamp_granularities[]=segment, which goes with verbose_json
  await (await formField(transcribe, 'response_format')).locator('select').selectOption('verbose_json');
  const t = await execute(transcribe);
  await page.screenshot({ path: path.join(shots, 'asr-transcription.png'), fullPage: true });
  assert.equal(t.status, 200, await t.live.first().innerText());
  const body = (await t.live.locator('.response-col_description .microlight, .response-col_description pre').first().innerText()).toLowerCase();
  assert.match(body, /ask not what your country can do for you/);

  // TTS: create a voice from the same recording, then speak with it by name
  await page.goto(`${process.env.TTS_URL}/q/swagger-ui`);
  const create = await tryItOut(page, 'post', '/v1/voices');
  await (await formField(create, 'name')).locator('input[type=text]').fill('swagger-jfk');
  await (await formField(create, 'file')).locator('input[type=file]').setInputFiles(jfk);
  const c = await execute(create);
  await page.screenshot({ path: path.join(shots, 'tts-voice-created.png'), fullPage: true });
  assert.equal(c.status, 201, await c.live.first().innerText());

  const speak = await tryItOut(page, 'post', '/v1/audio/speech');
  await speak.locator('textarea.body-param__text').fill(JSON.stringify({ model: 'tts-1', input: 'Hello from Swagger.', voice: 'swagger-jfk' }));
  const s = await execute(speak);
  await page.screenshot({ path: path.join(shots, 'tts-speech.png'), fullPage: true });
  assert.equal(s.status, 200, await s.live.first().innerText());
  // Swagger UI renders an audio answer as a player (or a download link) and shows its real type
  const headers = (await s.live.locator('.response-col_description').first().innerText()).toLowerCase();
  assert.match(headers, /content-type: audio\/mpeg/);
  assert.ok(await s.live.locator('audio, a[download]').count() > 0, 'no audio player or download link');
  console.log('swagger-ui: transcription, voice creation and speech passed; screenshots in ' + shots);
} finally {
  await browser.close();
}

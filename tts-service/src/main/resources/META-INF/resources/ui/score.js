// The round-trip score of a generation (what the ASR service heard), as one line of text.

/** @param rt the generation's round_trip (absent when no ASR service was configured) */
export function scoreText(rt) {
  if (!rt) {
    return 'Not checked (no ASR service configured).';
  }
  if (rt.status === 'pending') {
    return 'Checking with the ASR service…';
  }
  const tries = rt.attempts ? ` after ${rt.attempts.length} attempt${rt.attempts.length === 1 ? '' : 's'}` : '';
  if (rt.status === 'unavailable') {
    return `Round trip unavailable${tries}: ${rt.error ?? 'the ASR service failed'}.`;
  }
  const pct = (x) => Math.round(x * 1000) / 10 + '%';
  const heard = rt.transcript ? `Heard: “${rt.transcript}”` : 'Heard nothing.';
  return `Round trip: ${pct(rt.wer)} of words wrong (WER), ${pct(rt.cer)} of characters${tries}. ${heard}`;
}

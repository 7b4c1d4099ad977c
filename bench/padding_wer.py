"""Greedy tiny.en on the 21 short clips with two ways of padding a clip to Whisper's 30 s: the audio padded with
zeros before the log-mel (Whisper, this service) and the features of the clip alone padded with zeros (faster-whisper).
Prints each clip with errors and the totals. Usage: bench/padding_wer.py <exported tiny.en folder>"""
import os, sys, subprocess, numpy as np
root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(root, 'src-python/tests')); sys.path.insert(0, os.path.join(root, 'src-python'))
SPEECH = os.path.join(os.environ.get('SPEECH_SHARED_DIR', os.path.join(root, '../shared')), 'speech')
from test_whisper_ort import OrtWhisper, normalize
from pathlib import Path
w = OrtWhisper(Path(sys.argv[1]))
def load(p):
    raw = subprocess.run(['ffmpeg','-v','quiet','-i',p,'-f','f32le','-ac','1','-ar','16000','-'],capture_output=True).stdout
    return np.frombuffer(raw, np.float32)
n_mels=80
filters = np.fromfile(w.folder / "mel_filters.f32", dtype="<f4").reshape(n_mels, 201).astype(np.float64)
def mel_fw(audio):
    a = np.pad(audio, (0,160))
    padded = np.pad(a, 200, mode="reflect")
    window = np.hanning(401)[:-1]
    frames = np.lib.stride_tricks.sliding_window_view(padded, 400)[::160]
    power = np.abs(np.fft.rfft(frames*window, axis=-1))**2
    log = np.log10(np.maximum(filters @ power.T, 1e-10))
    log = np.maximum(log, log.max()-8.0); f=(log+4)/4
    f = f[:, :-1][:, :3000]
    out = np.zeros((n_mels,3000)); out[:, :f.shape[1]] = f
    return out.astype(np.float32)[None]
import json
seg = json.load(open(os.path.join(SPEECH, 'long/en_concat_ground_truth_long.segments.json')))
clips={}
for s in seg['segments']: clips.setdefault(s['source_clip'], s['text'])
def edits(r,h):
    d=list(range(len(h)+1))
    for i,x in enumerate(r,1):
        prev,d[0]=d[0],i
        for j,y in enumerate(h,1):
            cur=min(d[j]+1,d[j-1]+1,prev+(x!=y)); prev,d[j]=d[j],cur
    return d[len(h)]
tot={'oa':0,'fw':0}; n=0
for c,ref in clips.items():
    a = load(os.path.join(SPEECH, c))
    r = normalize(ref).split(); n+=len(r)
    for k,f in (('oa',w.log_mel(a)),('fw',mel_fw(a))):
        t = w.text(w.greedy(f)); e=edits(r, normalize(t).split()); tot[k]+=e
        if e: print(k, c[6:30], e, t)
print(tot, n, {k:round(100*v/n,2) for k,v in tot.items()})

#!/usr/bin/env node
// Generates the emulated camera's microphone fixtures (Ogg Opus, 48 kHz mono, 20 ms packets):
// hal/video/fixtures/tone-440hz-2s.opus (what the microphone hears: a 440 Hz tone at -15 dBFS RMS, 2 s, looping
// seamlessly with the 2 s video fixture) and silence-100ms.opus (what a muted microphone sends).
// Run: node tools/gen-audio-fixture.mjs  (needs ffmpeg with libopus).
import { execFileSync } from 'node:child_process';

const dir = new URL('../hal/video/fixtures/', import.meta.url).pathname;
const opus = ['-ac', '1', '-c:a', 'libopus', '-b:a', '16k', '-frame_duration', '20', '-application', 'audio', '-map_metadata', '-1', '-fflags', '+bitexact', '-flags:a', '+bitexact'];
execFileSync('ffmpeg', ['-hide_banner', '-v', 'error', '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000:duration=2,volume=2', ...opus, '-y', `${dir}tone-440hz-2s.opus`]);
execFileSync('ffmpeg', ['-hide_banner', '-v', 'error', '-f', 'lavfi', '-i', 'anullsrc=r=48000:cl=mono', '-t', '0.1', ...opus, '-y', `${dir}silence-100ms.opus`]);
console.log('wrote tone-440hz-2s.opus and silence-100ms.opus');

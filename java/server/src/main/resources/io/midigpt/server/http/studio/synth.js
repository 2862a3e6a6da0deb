// A small built-in General MIDI synth on WebAudio: one oscillator voice shape per GM family
// (wave, envelope, filter) and noise- or sweep-based drum hits. Nothing is downloaded.

// Per family (program / 8): wave, attack s, decay s, sustain level, release s, filter cutoff as
// a multiple of the note's frequency, whether the sound dies away while held (plucked, struck).
const FAMILIES = [
  {wave: 'triangle', attack: 0.003, decay: 0.9, sustain: 0.0, release: 0.25, cutoff: 10, fading: true}, // piano
  {wave: 'sine', attack: 0.002, decay: 0.6, sustain: 0.0, release: 0.3, cutoff: 20, fading: true}, // chromatic percussion
  {wave: 'square', attack: 0.01, decay: 0.1, sustain: 0.7, release: 0.08, cutoff: 6, fading: false}, // organ
  {wave: 'sawtooth', attack: 0.003, decay: 0.7, sustain: 0.0, release: 0.15, cutoff: 5, fading: true}, // guitar
  {wave: 'sawtooth', attack: 0.005, decay: 0.4, sustain: 0.4, release: 0.1, cutoff: 3, fading: false}, // bass
  {wave: 'sawtooth', attack: 0.08, decay: 0.2, sustain: 0.8, release: 0.3, cutoff: 4, fading: false}, // strings
  {wave: 'sawtooth', attack: 0.12, decay: 0.2, sustain: 0.8, release: 0.4, cutoff: 3, fading: false}, // ensemble
  {wave: 'sawtooth', attack: 0.04, decay: 0.1, sustain: 0.8, release: 0.12, cutoff: 5, fading: false}, // brass
  {wave: 'square', attack: 0.03, decay: 0.1, sustain: 0.8, release: 0.1, cutoff: 4, fading: false}, // reed
  {wave: 'sine', attack: 0.04, decay: 0.1, sustain: 0.85, release: 0.15, cutoff: 8, fading: false}, // pipe
  {wave: 'square', attack: 0.01, decay: 0.1, sustain: 0.75, release: 0.1, cutoff: 8, fading: false}, // synth lead
  {wave: 'sawtooth', attack: 0.3, decay: 0.3, sustain: 0.8, release: 0.6, cutoff: 2.5, fading: false}, // synth pad
  {wave: 'triangle', attack: 0.1, decay: 0.3, sustain: 0.6, release: 0.5, cutoff: 6, fading: false}, // synth effects
  {wave: 'triangle', attack: 0.003, decay: 0.5, sustain: 0.0, release: 0.2, cutoff: 8, fading: true}, // ethnic
  {wave: 'sine', attack: 0.002, decay: 0.3, sustain: 0.0, release: 0.1, cutoff: 10, fading: true}, // percussive
  {wave: 'triangle', attack: 0.02, decay: 0.3, sustain: 0.3, release: 0.2, cutoff: 4, fading: false}, // sound effects
];

export class Synth {
  constructor() {
    this.context = null;
  }

  /** The audio context, made on first use (browsers allow it after a user gesture). */
  ensureContext() {
    if (!this.context) {
      this.context = new AudioContext();
      this.limiter = this.context.createDynamicsCompressor();
      this.limiter.threshold.value = -12;
      this.limiter.ratio.value = 8;
      this.limiter.connect(this.context.destination);
      this.master = this.newMaster();
      this.noise = whiteNoise(this.context);
    }
    if (this.context.state === 'suspended') {
      this.context.resume().catch(() => {});
    }
    return this.context;
  }

  get now() {
    return this.context ? this.context.currentTime : 0;
  }

  /** Silences every sounding voice at once (stop, or a jump of the playhead). */
  panic() {
    if (!this.context) {
      return;
    }
    const old = this.master;
    old.gain.setTargetAtTime(0, this.context.currentTime, 0.01);
    setTimeout(() => old.disconnect(), 100);
    this.master = this.newMaster();
  }

  /** Voices go through a master gain, which panic() fades out and replaces. */
  newMaster() {
    const master = this.context.createGain();
    master.gain.value = 0.5;
    master.connect(this.limiter);
    return master;
  }

  /** Schedules one note at context time `when` lasting `duration` seconds. */
  play({when, duration, pitch, velocity, program, drum}) {
    const context = this.ensureContext();
    const loudness = (velocity / 127) ** 1.5 * 0.35;
    if (drum) {
      drumHit(context, this.master, this.noise, pitch, when, loudness);
      return;
    }
    const family = FAMILIES[Math.floor(program / 8)] ?? FAMILIES[0];
    const frequency = 440 * 2 ** ((pitch - 69) / 12);
    const oscillator = context.createOscillator();
    oscillator.type = family.wave;
    oscillator.frequency.value = frequency;
    const filter = context.createBiquadFilter();
    filter.type = 'lowpass';
    filter.frequency.value = Math.min(18000, frequency * family.cutoff);
    const gain = context.createGain();
    const peak = loudness;
    const held = Math.max(duration, 0.03);
    const end = when + held;
    gain.gain.setValueAtTime(0, when);
    gain.gain.linearRampToValueAtTime(peak, when + family.attack);
    const sustainLevel = Math.max(peak * family.sustain, 0.0001);
    gain.gain.setTargetAtTime(sustainLevel, when + family.attack, family.decay / 3);
    gain.gain.setTargetAtTime(0, end, family.release / 4);
    oscillator.connect(filter).connect(gain).connect(this.master);
    oscillator.start(when);
    oscillator.stop(end + family.release + 0.05);
  }
}

function whiteNoise(context) {
  const buffer = context.createBuffer(1, context.sampleRate, context.sampleRate);
  const samples = buffer.getChannelData(0);
  for (let i = 0; i < samples.length; i++) {
    samples[i] = Math.random() * 2 - 1;
  }
  return buffer;
}

/** GM percussion key map reduced to kick, snare, toms, hats, cymbals and clicks. */
function drumHit(context, output, noise, pitch, when, loudness) {
  if (pitch === 35 || pitch === 36) {
    sweep(context, output, when, 150, 45, 0.3, loudness * 2.2);
  } else if ([41, 43, 45, 47, 48, 50].includes(pitch)) {
    const base = 80 + (pitch - 41) * 18;
    sweep(context, output, when, base * 1.6, base, 0.35, loudness * 1.6);
  } else if (pitch === 38 || pitch === 40 || pitch === 37 || pitch === 39) {
    burst(context, output, noise, when, 'bandpass', 1800, 0.18, loudness * 1.4);
    sweep(context, output, when, 260, 180, 0.1, loudness * 0.8);
  } else if (pitch === 42 || pitch === 44) {
    burst(context, output, noise, when, 'highpass', 7000, 0.05, loudness);
  } else if (pitch === 46) {
    burst(context, output, noise, when, 'highpass', 7000, 0.3, loudness);
  } else if ([49, 52, 55, 57].includes(pitch)) {
    burst(context, output, noise, when, 'highpass', 5000, 1.2, loudness * 0.9);
  } else if ([51, 53, 59].includes(pitch)) {
    burst(context, output, noise, when, 'bandpass', 8000, 0.5, loudness * 0.7);
  } else {
    burst(context, output, noise, when, 'bandpass', 400 + pitch * 40, 0.08, loudness);
  }
}

function sweep(context, output, when, from, to, length, loudness) {
  const oscillator = context.createOscillator();
  oscillator.frequency.setValueAtTime(from, when);
  oscillator.frequency.exponentialRampToValueAtTime(to, when + length * 0.5);
  const gain = context.createGain();
  gain.gain.setValueAtTime(loudness, when);
  gain.gain.exponentialRampToValueAtTime(0.0001, when + length);
  oscillator.connect(gain).connect(output);
  oscillator.start(when);
  oscillator.stop(when + length + 0.02);
}

function burst(context, output, noise, when, filterType, frequency, length, loudness) {
  const source = context.createBufferSource();
  source.buffer = noise;
  const filter = context.createBiquadFilter();
  filter.type = filterType;
  filter.frequency.value = frequency;
  const gain = context.createGain();
  gain.gain.setValueAtTime(loudness, when);
  gain.gain.exponentialRampToValueAtTime(0.0001, when + length);
  source.connect(filter).connect(gain).connect(output);
  source.start(when);
  source.stop(when + length + 0.02);
}

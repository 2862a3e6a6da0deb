// Playback of the score on the synth: a look-ahead scheduler (notes are queued a little ahead of
// the audio clock), an optional loop region in bars, mute and solo per track, and the playhead
// position in quarter notes for the roll.

import {barTimeline, isDrum, timedNotes} from './score.js';

const LOOK_AHEAD_S = 0.25;
const TICK_MS = 40;

export class Player {
  constructor(synth) {
    this.synth = synth;
    this.score = null;
    this.events = [];
    this.timeline = {starts: [], lengths: [], total: 0};
    this.muted = new Set();
    this.soloed = new Set();
    this.loop = null;
    this.timer = null;
    this.anchors = [];
    this.listeners = [];
  }

  get playing() {
    return this.timer !== null;
  }

  /** The score to play; while playing, the change is heard from the next scheduled notes. */
  setScore(score) {
    this.score = score;
    this.events = timedNotes(score);
    this.timeline = barTimeline(score);
  }

  /** Loop bars first..last (inclusive), or null for none. */
  setLoop(range) {
    this.loop = range;
    this.changed();
  }

  toggleMute(track) {
    toggle(this.muted, track);
    this.changed();
  }

  toggleSolo(track) {
    toggle(this.soloed, track);
    this.changed();
  }

  /** Track count changed (new file, undo across one): mute and solo no longer apply. */
  resetTracks() {
    this.muted.clear();
    this.soloed.clear();
    this.changed();
  }

  audible(track) {
    return this.soloed.size > 0 ? this.soloed.has(track) : !this.muted.has(track);
  }

  /** Starts at `from` quarter notes (the loop start when looping), or stops when playing. */
  toggle(from = 0) {
    if (this.playing) {
      this.stop();
    } else {
      this.start(from);
    }
  }

  start(from = 0) {
    if (!this.score || this.playing) {
      return;
    }
    this.synth.ensureContext();
    const region = this.loopQuarters();
    this.position = region && (from < region.start || from >= region.end) ? region.start : from;
    this.clock = this.synth.now + 0.06;
    this.anchors = [{time: this.clock, quarters: this.position}];
    this.timer = setInterval(() => this.schedule(), TICK_MS);
    this.schedule();
    this.changed();
  }

  stop() {
    if (!this.playing) {
      return;
    }
    clearInterval(this.timer);
    this.timer = null;
    this.synth.panic();
    this.changed();
  }

  /** Where the audio is now, in quarter notes (null when stopped). */
  playhead() {
    if (!this.playing) {
      return null;
    }
    const now = this.synth.now;
    let anchor = this.anchors[0];
    for (const candidate of this.anchors) {
      if (candidate.time <= now) {
        anchor = candidate;
      }
    }
    return anchor.quarters + Math.max(0, now - anchor.time) / this.secondsPerQuarter();
  }

  secondsPerQuarter() {
    return this.score.tempo / 1e6;
  }

  loopQuarters() {
    if (!this.loop || this.timeline.starts.length === 0) {
      return null;
    }
    const last = Math.min(this.loop.last, this.timeline.starts.length - 1);
    const start = this.timeline.starts[Math.min(this.loop.first, last)];
    const end = this.timeline.starts[last] + this.timeline.lengths[last];
    // Bars of zero length would make the scheduler wrap forever without advancing.
    return end - start > 1e-6 ? {start, end} : null;
  }

  /** Queues the notes up to the look-ahead horizon, wrapping at the loop end. */
  schedule() {
    const horizon = this.synth.now + LOOK_AHEAD_S;
    const perQuarter = this.secondsPerQuarter();
    while (this.clock < horizon) {
      const region = this.loopQuarters();
      const end = region ? region.end : this.timeline.total;
      const until = Math.min(end, this.position + (horizon - this.clock) / perQuarter);
      this.queueNotes(this.position, until, this.clock, perQuarter);
      this.clock += (until - this.position) * perQuarter;
      this.position = until;
      if (this.position < end - 1e-9) {
        continue;
      }
      if (region) {
        this.position = region.start;
        this.anchors = [...this.anchors.slice(-1), {time: this.clock, quarters: region.start}];
      } else {
        // The end of the piece: playing until the last queued note has sounded. (Timeout and
        // interval ids share one list, so stop() clears either.)
        const stopAt = (this.clock - this.synth.now) * 1000;
        clearInterval(this.timer);
        this.timer = setTimeout(() => {
          this.timer = null;
          this.changed();
        }, Math.max(0, stopAt));
        return;
      }
    }
  }

  queueNotes(from, until, clock, perQuarter) {
    for (const event of notesBetween(this.events, from, until)) {
      if (!this.audible(event.track)) {
        continue;
      }
      const track = this.score.tracks[event.track];
      this.synth.play({
        when: clock + (event.start - from) * perQuarter,
        duration: event.length * perQuarter,
        pitch: event.pitch,
        velocity: event.velocity,
        program: track.instrument,
        drum: isDrum(track),
      });
    }
  }

  onChange(listener) {
    this.listeners.push(listener);
  }

  changed() {
    for (const listener of this.listeners) {
      listener(this);
    }
  }
}

function toggle(set, value) {
  if (!set.delete(value)) {
    set.add(value);
  }
}

/** Events (sorted by start) with from <= start < until. */
function notesBetween(events, from, until) {
  let low = 0;
  let high = events.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (events[middle].start < from) {
      low = middle + 1;
    } else {
      high = middle;
    }
  }
  const found = [];
  for (let i = low; i < events.length && events[i].start < until; i++) {
    found.push(events[i]);
  }
  return found;
}

// One generation at a time: streamed (notes shown as they arrive) or, for several candidates, a
// single answer; cancellable by its request id.

import {ApiError, cancelGeneration, generate, generateStream} from './api.js';
import {barTimeline} from './score.js';

export class Generation {
  /**
   * @param decodeResolution ticks per quarter of streamed notes (from /info)
   * @param onNotes called with the streamed notes so far (quarter-note times)
   */
  constructor(decodeResolution, onNotes) {
    this.decodeResolution = decodeResolution;
    this.onNotes = onNotes;
    this.requestId = null;
  }

  get running() {
    return this.requestId !== null;
  }

  /**
   * Streams one result. Answers {status: 'completed'|'cancelled', response}; the response's
   * score is null when it was cancelled before any bar was done.
   */
  async stream(body, score) {
    const {starts} = barTimeline(score);
    const notes = [];
    let last = null;
    this.requestId = body.request_id;
    try {
      await generateStream(body, (frame) => {
        if (frame.type === 'notes') {
          for (const note of frame.notes) {
            notes.push({
              track: note.track,
              bar: note.bar,
              start: (starts[note.bar] ?? 0) + note.onset_tick / this.decodeResolution,
              length: note.duration_tick / this.decodeResolution,
              pitch: note.pitch,
              velocity: note.velocity,
            });
          }
          this.onNotes(notes);
        } else if (frame.type === 'retract') {
          // The server drops what it streamed for these bars; a retry follows.
          const dropped = new Set(frame.bars);
          const kept = notes.filter((n) => n.track !== frame.track || !dropped.has(n.bar));
          notes.splice(0, notes.length, ...kept);
          this.onNotes(notes);
        } else if (frame.type === 'done' || frame.type === 'cancelled') {
          last = frame;
        } else if (frame.type === 'error') {
          throw new ApiError(500, frame.error, null, frame.request_id);
        }
        // Other frame types are newer than this page: nothing to show for them.
      });
    } finally {
      this.requestId = null;
    }
    if (!last) {
      throw new ApiError(0, 'the event stream ended without a result; the server may have stopped');
    }
    return {status: last.type === 'done' ? 'completed' : 'cancelled', response: last.response};
  }

  /** Several candidates in one answer (not streamed). */
  async candidates(body) {
    this.requestId = body.request_id;
    try {
      return await generate(body);
    } finally {
      this.requestId = null;
    }
  }

  /** From a page being closed: a beacon, the one request a leaving page can still send. */
  cancelOnExit() {
    if (this.requestId) {
      navigator.sendBeacon(`/generate/${encodeURIComponent(this.requestId)}/cancel`);
    }
  }

  /** Asks the server to stop; the running call then answers with what was done. */
  async cancel() {
    if (this.requestId) {
      await cancelGeneration(this.requestId);
    }
  }
}

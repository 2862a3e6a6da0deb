// The score as the API shapes it ({resolution, tempo, tracks[].bars[].notes[]}), read for the
// page: where bars start, how long the piece is, which notes lie where. Scores are never mutated:
// every change makes a new one, so that history entries can share them.

/** Bar starts and lengths in quarter notes, from the first track (all tracks share the bars). */
export function barTimeline(score) {
  const bars = score.tracks[0]?.bars ?? [];
  const starts = [];
  let position = 0;
  for (const bar of bars) {
    starts.push(position);
    position += barLength(bar);
  }
  return {starts, lengths: bars.map(barLength), total: position};
}

function barLength(bar) {
  return bar.beat_length ?? (4 * (bar.ts_numerator ?? 4)) / (bar.ts_denominator ?? 4);
}

export function barCount(score) {
  return Math.max(0, ...score.tracks.map((track) => track.bars.length));
}

export function noteCount(score) {
  let count = 0;
  for (const track of score.tracks) {
    for (const bar of track.bars) {
      count += bar.notes.length;
    }
  }
  return count;
}

/** Notes in the given cells ("track:bar" keys). */
export function notesIn(score, cells) {
  let count = 0;
  for (const key of cells) {
    const [track, bar] = key.split(':').map(Number);
    count += score.tracks[track]?.bars[bar]?.notes.length ?? 0;
  }
  return count;
}

export function isDrum(track) {
  return track?.track_type === 'drum';
}

/**
 * An empty piece: one track per instrument ({program, drum}), `bars` bars of the time signature
 * "n/d", at `bpm` quarter notes a minute.
 */
export function emptyScore({instruments, bars, timeSignature, bpm, resolution = 480}) {
  const [numerator, denominator] = timeSignature.split('/').map(Number);
  return {
    resolution,
    tempo: Math.round(60_000_000 / bpm),
    tracks: instruments.map(({program, drum}) => ({
      instrument: program,
      track_type: drum ? 'drum' : 'melodic',
      bars: Array.from({length: bars}, () => ({
        ts_numerator: numerator,
        ts_denominator: denominator,
        beat_length: (4 * numerator) / denominator,
        future: false,
        notes: [],
      })),
    })),
  };
}

/** The lowest and highest pitch of a track, or null when it has no notes. */
export function pitchRange(track) {
  let low = 128;
  let high = -1;
  for (const bar of track.bars) {
    for (const note of bar.notes) {
      low = Math.min(low, note.pitch);
      high = Math.max(high, note.pitch);
    }
  }
  return high < 0 ? null : {low, high};
}

/** Every note with its absolute onset and duration in quarter notes, in onset order per track. */
export function timedNotes(score) {
  const {starts} = barTimeline(score);
  const events = [];
  score.tracks.forEach((track, trackIndex) => {
    track.bars.forEach((bar, barIndex) => {
      for (const note of bar.notes) {
        events.push({
          track: trackIndex,
          start: starts[barIndex] + note.onset_ticks / score.resolution,
          length: note.duration_ticks / score.resolution,
          pitch: note.pitch,
          velocity: note.velocity,
        });
      }
    });
  });
  events.sort((a, b) => a.start - b.start);
  return events;
}

/** A copy of the score with `count` empty bars after the last, in the last bar's meter. */
export function withBarsAdded(score, count) {
  return {
    ...score,
    tracks: score.tracks.map((track) => {
      const last = track.bars[track.bars.length - 1];
      const meter = {
        ts_numerator: last?.ts_numerator ?? 4,
        ts_denominator: last?.ts_denominator ?? 4,
        beat_length: last?.beat_length ?? 4,
      };
      const added = Array.from({length: count}, () => ({...meter, future: false, notes: []}));
      return {...track, bars: [...track.bars, ...added]};
    }),
  };
}

// The target bars: a set of cells, one per (track, bar), chosen with the mouse on the roll or
// with the selection form. Keys are "track:bar" with 0-based indices.

export class Selection {
  constructor() {
    this.cells = new Set();
    this.anchor = null;
    this.listeners = [];
  }

  static key(track, bar) {
    return `${track}:${bar}`;
  }

  has(track, bar) {
    return this.cells.has(Selection.key(track, bar));
  }

  get size() {
    return this.cells.size;
  }

  /** Replaces the selection with the rectangle of tracks and bars between two cells. */
  selectRange(from, to) {
    this.cells = rectangle(from, to);
    this.changed();
  }

  /** Adds the rectangle between two cells to the selection. */
  addRange(from, to) {
    for (const key of rectangle(from, to)) {
      this.cells.add(key);
    }
    this.changed();
  }

  toggle(track, bar) {
    const key = Selection.key(track, bar);
    if (!this.cells.delete(key)) {
      this.cells.add(key);
    }
    this.changed();
  }

  clear() {
    this.cells.clear();
    this.anchor = null;
    this.changed();
  }

  /** Drops cells outside a score of `tracks` tracks and `bars` bars. */
  clip(tracks, bars) {
    for (const key of [...this.cells]) {
      const [t, b] = key.split(':').map(Number);
      if (t >= tracks || b >= bars) {
        this.cells.delete(key);
      }
    }
    this.changed();
  }

  /** Map of track index to its selected bars, ascending. */
  byTrack() {
    const tracks = new Map();
    for (const key of this.cells) {
      const [t, b] = key.split(':').map(Number);
      if (!tracks.has(t)) {
        tracks.set(t, []);
      }
      tracks.get(t).push(b);
    }
    for (const bars of tracks.values()) {
      bars.sort((a, b) => a - b);
    }
    return new Map([...tracks.entries()].sort((a, b) => a[0] - b[0]));
  }

  /** The first and last selected bar over all tracks, or null. */
  barSpan() {
    let first = Infinity;
    let last = -1;
    for (const key of this.cells) {
      const bar = Number(key.split(':')[1]);
      first = Math.min(first, bar);
      last = Math.max(last, bar);
    }
    return last < 0 ? null : {first, last};
  }

  /** "0:2,0:3": a stable description, also what the roll exposes for tests. */
  toString() {
    return [...this.cells].sort((a, b) => {
      const [ta, ba] = a.split(':').map(Number);
      const [tb, bb] = b.split(':').map(Number);
      return ta - tb || ba - bb;
    }).join(',');
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

function rectangle(from, to) {
  const cells = new Set();
  const [t0, t1] = [Math.min(from.track, to.track), Math.max(from.track, to.track)];
  const [b0, b1] = [Math.min(from.bar, to.bar), Math.max(from.bar, to.bar)];
  for (let t = t0; t <= t1; t++) {
    for (let b = b0; b <= b1; b++) {
      cells.add(Selection.key(t, b));
    }
  }
  return cells;
}

// Undo and redo over whole scores: each opened file, new score and accepted generation is one
// entry. Scores are immutable, so entries are the scores themselves.

export class History {
  constructor(limit = 100) {
    this.limit = limit;
    this.entries = [];
    this.index = -1;
    this.listeners = [];
  }

  /** Adds an entry after the current one, dropping what could have been redone. */
  push(score, label) {
    this.entries = this.entries.slice(0, this.index + 1);
    this.entries.push({score, label});
    if (this.entries.length > this.limit) {
      this.entries.shift();
    }
    this.index = this.entries.length - 1;
    this.changed();
  }

  /** Replaces the current entry (switching between the candidates of one generation). */
  replace(score, label) {
    if (this.index >= 0) {
      this.entries[this.index] = {score, label};
      this.changed();
    }
  }

  get current() {
    return this.entries[this.index] ?? null;
  }

  canUndo() {
    return this.index > 0;
  }

  canRedo() {
    return this.index < this.entries.length - 1;
  }

  /** The entry undone, or null when there was nothing to undo. */
  undo() {
    if (!this.canUndo()) {
      return null;
    }
    const undone = this.entries[this.index];
    this.index--;
    this.changed();
    return undone;
  }

  /** The entry redone, or null. */
  redo() {
    if (!this.canRedo()) {
      return null;
    }
    this.index++;
    this.changed();
    return this.entries[this.index];
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

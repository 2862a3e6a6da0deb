// The multitrack piano roll: one lane per track (notes as bars spanning their pitch range, drums
// as hits), bar lines, the selected target bars, notes arriving from a streamed generation and
// the playhead; above them a ruler with bar numbers, the loop region and the start cursor, which
// stays in view while the lanes scroll. The lanes are two stacked canvases: the notes, redrawn
// when the score changes, and an overlay redrawn for the selection and the playhead.

import {barTimeline, isDrum, pitchRange} from './score.js';

const RULER_HEIGHT = 24;
const LANE_HEIGHT = 72;
const MAX_CANVAS_PIXELS = 32000;
const HUES = [210, 140, 30, 280, 0, 180, 60, 320, 100, 240, 15, 160];

export class PianoRoll {
  /**
   * @param element the roll's container (gets data-* attributes tests and styles read)
   * @param selection the shared Selection
   * @param handlers {onHeader(trackIndex, action)} from the app (mute, solo)
   */
  constructor(element, selection, handlers) {
    this.element = element;
    this.selection = selection;
    this.handlers = handlers;
    this.score = null;
    this.pxPerQuarter = 24;
    this.streamed = [];
    this.pendingCells = new Set();
    this.generatedCells = new Set();
    this.playhead = null;
    this.cursor = 0;
    this.loop = null;
    this.headers = element.querySelector('.lane-headers');
    this.stage = element.querySelector('.roll-stage');
    this.lanes = element.querySelector('.roll-lanes');
    this.ruler = element.querySelector('.roll-ruler');
    this.notesCanvas = element.querySelector('.roll-notes');
    this.overlay = element.querySelector('.roll-overlay');
    this.element.dataset.rulerHeight = RULER_HEIGHT;
    this.element.dataset.laneHeight = LANE_HEIGHT;
    this.bindPointer();
    selection.onChange(() => this.drawOverlay());
  }

  /** @param headers {name(track, index), mute: Set, solo: Set} for the lane headers */
  setScore(score, headers) {
    this.score = score;
    this.timeline = barTimeline(score);
    this.ranges = score.tracks.map((track) => padded(pitchRange(track), track));
    this.cursor = Math.min(this.cursor, this.timeline.total);
    this.layout();
    this.renderHeaders(headers);
    this.draw();
  }

  setZoom(pxPerQuarter) {
    this.pxPerQuarter = pxPerQuarter;
    if (this.score) {
      this.layout();
      this.draw();
    }
  }

  /** Notes of a running generation, in quarter notes: drawn over ghosts of the bars they replace. */
  setStreamed(notes, pendingCells) {
    this.streamed = notes;
    this.pendingCells = new Set(pendingCells);
    // A fast model streams hundreds of notes a second: draw once per display frame, not per
    // note, so the page stays responsive while it streams.
    if (!this.streamDrawPending) {
      this.streamDrawPending = true;
      requestAnimationFrame(() => {
        this.streamDrawPending = false;
        this.draw();
      });
    }
  }

  /** Cells the last generation wrote, tinted so its notes stand out. */
  setGenerated(cells) {
    this.generatedCells = new Set(cells);
    this.drawOverlay();
  }

  setPlayhead(quarters) {
    this.playhead = quarters;
    this.drawOverlay();
    if (quarters !== null) {
      this.follow(quarters);
    }
  }

  setLoop(range) {
    this.loop = range;
    this.drawOverlay();
  }

  /** The lane headers: names, mute and solo buttons. */
  renderHeaders(state) {
    if (!this.score) {
      return;
    }
    this.headers.replaceChildren();
    const corner = document.createElement('div');
    corner.className = 'ruler-corner';
    corner.style.height = `${RULER_HEIGHT}px`;
    corner.textContent = 'Bar';
    this.headers.append(corner);
    this.score.tracks.forEach((track, index) => {
      const header = document.createElement('div');
      header.className = 'lane-header';
      header.style.height = `${LANE_HEIGHT}px`;
      header.style.borderLeftColor = `hsl(${hue(index)} 65% 50%)`;
      const name = document.createElement('span');
      name.className = 'lane-name';
      name.textContent = state?.name(track, index) ?? `${index + 1}`;
      name.title = name.textContent;
      const buttons = document.createElement('span');
      buttons.className = 'lane-buttons';
      for (const [action, label, title] of [['mute', 'M', 'Mute'], ['solo', 'S', 'Solo']]) {
        const button = document.createElement('button');
        button.type = 'button';
        button.className = `lane-${action}`;
        button.textContent = label;
        button.title = `${title} track ${index + 1}`;
        button.setAttribute('aria-pressed', String(state?.[action]?.has(index) ?? false));
        button.addEventListener('click', () => this.handlers.onHeader(index, action));
        buttons.append(button);
      }
      header.append(name, buttons);
      this.headers.append(header);
    });
  }

  layout() {
    this.width = Math.max(1, Math.ceil(this.timeline.total * this.pxPerQuarter));
    this.height = LANE_HEIGHT * this.score.tracks.length;
    const scale = Math.min(window.devicePixelRatio || 1, MAX_CANVAS_PIXELS / this.width);
    const size = (canvas, height) => {
      canvas.width = Math.round(this.width * scale);
      canvas.height = Math.round(height * scale);
      canvas.style.width = `${this.width}px`;
      canvas.style.height = `${height}px`;
    };
    size(this.notesCanvas, this.height);
    size(this.overlay, this.height);
    size(this.ruler, RULER_HEIGHT);
    this.scale = scale;
    this.stage.style.width = `${this.width}px`;
    this.lanes.style.height = `${this.height}px`;
    // A short piece gets a short roll; the scrollbars and border need a little more.
    this.element.style.maxHeight = `${RULER_HEIGHT + this.height + 20}px`;
    this.element.dataset.pxPerQuarter = this.pxPerQuarter;
    this.element.dataset.barStarts = this.timeline.starts.join(',');
  }

  x(quarters) {
    return quarters * this.pxPerQuarter;
  }

  laneTop(track) {
    return track * LANE_HEIGHT;
  }

  pitchY(track, pitch) {
    const {low, high} = this.ranges[track];
    const step = (LANE_HEIGHT - 6) / (high - low + 1);
    // Streamed notes may fall outside the range of the notes the lane was laid out for.
    const shown = Math.min(high, Math.max(low, pitch));
    return this.laneTop(track) + 3 + (high - shown) * step;
  }

  pitchStep(track) {
    const {low, high} = this.ranges[track];
    return Math.max(1.5, (LANE_HEIGHT - 6) / (high - low + 1));
  }

  draw() {
    if (!this.score) {
      return;
    }
    const g = this.notesCanvas.getContext('2d');
    g.setTransform(this.scale, 0, 0, this.scale, 0, 0);
    g.clearRect(0, 0, this.width, this.height);
    this.drawLanes(g);
    this.drawGrid(g);
    this.score.tracks.forEach((track, t) => {
      track.bars.forEach((bar, b) => {
        const ghost = this.pendingCells.has(`${t}:${b}`);
        g.globalAlpha = ghost ? 0.2 : 1;
        const start = this.timeline.starts[b];
        for (const note of bar.notes) {
          this.drawNote(g, t, start + note.onset_ticks / this.score.resolution,
              note.duration_ticks / this.score.resolution, note.pitch, note.velocity,
              isDrum(track), `hsl(${hue(t)} 65% 45%)`);
        }
      });
    });
    g.globalAlpha = 1;
    for (const note of this.streamed) {
      const drum = isDrum(this.score.tracks[note.track]);
      this.drawNote(g, note.track, note.start, note.length, note.pitch, note.velocity, drum,
          'hsl(35 100% 50%)');
    }
    this.drawOverlay();
  }

  drawLanes(g) {
    this.score.tracks.forEach((track, t) => {
      g.fillStyle = t % 2 ? '#ffffff' : '#f9fafb';
      g.fillRect(0, this.laneTop(t), this.width, LANE_HEIGHT);
      g.fillStyle = '#d7dbe0';
      g.fillRect(0, this.laneTop(t) + LANE_HEIGHT - 1, this.width, 1);
    });
  }

  drawGrid(g) {
    const {starts, lengths} = this.timeline;
    const beats = this.pxPerQuarter >= 10;
    starts.forEach((start, b) => {
      const left = this.x(start);
      if (beats) {
        g.fillStyle = '#eceef1';
        for (let q = 1; q < lengths[b]; q++) {
          g.fillRect(Math.round(left + q * this.pxPerQuarter), 0, 1, this.height);
        }
      }
      g.fillStyle = '#aab1ba';
      g.fillRect(Math.round(left), 0, 1, this.height);
    });
  }

  /** Bar numbers (as many as fit), the loop region and the start cursor. */
  drawRuler() {
    const g = this.ruler.getContext('2d');
    g.setTransform(this.scale, 0, 0, this.scale, 0, 0);
    g.fillStyle = '#f4f5f7';
    g.fillRect(0, 0, this.width, RULER_HEIGHT);
    g.fillStyle = '#d7dbe0';
    g.fillRect(0, RULER_HEIGHT - 1, this.width, 1);
    const {starts, lengths} = this.timeline;
    if (this.loop && this.loop.last < starts.length) {
      const left = this.x(starts[this.loop.first]);
      const right = this.x(starts[this.loop.last] + lengths[this.loop.last]);
      g.fillStyle = 'rgba(16, 185, 129, 0.35)';
      g.fillRect(left, 0, right - left, RULER_HEIGHT);
    }
    const labelEvery = Math.max(1, Math.ceil(28 / (this.pxPerQuarter * 4)));
    g.font = '11px system-ui, sans-serif';
    g.textBaseline = 'middle';
    starts.forEach((start, b) => {
      const left = this.x(start);
      g.fillStyle = '#aab1ba';
      g.fillRect(Math.round(left), 0, 1, RULER_HEIGHT);
      if (b % labelEvery === 0) {
        g.fillStyle = '#4b5563';
        g.fillText(String(b + 1), left + 4, RULER_HEIGHT / 2);
      }
    });
    g.fillStyle = '#6b7280';
    g.fillRect(Math.round(this.x(this.cursor)), 0, 2, RULER_HEIGHT);
    if (this.playhead !== null) {
      g.fillStyle = '#dc2626';
      g.fillRect(Math.round(this.x(this.playhead)), 0, 2, RULER_HEIGHT);
    }
  }

  drawNote(g, track, start, length, pitch, velocity, drum, color) {
    if (!this.ranges[track]) {
      return;
    }
    const y = this.pitchY(track, pitch);
    const h = this.pitchStep(track);
    const left = this.x(start);
    g.fillStyle = color;
    if (drum) {
      const size = Math.max(3, Math.min(6, h + 1));
      g.beginPath();
      g.moveTo(left, y - size / 2);
      g.lineTo(left + size / 2, y + h / 2);
      g.lineTo(left, y + h / 2 + size / 2);
      g.lineTo(left - size / 2, y + h / 2);
      g.closePath();
      g.fill();
      return;
    }
    g.globalAlpha *= 0.45 + 0.55 * (velocity / 127);
    g.fillRect(left, y, Math.max(2, this.x(length) - 1), Math.max(1.5, h - 0.5));
    g.globalAlpha /= 0.45 + 0.55 * (velocity / 127);
  }

  drawOverlay() {
    if (!this.score) {
      return;
    }
    const g = this.overlay.getContext('2d');
    g.setTransform(this.scale, 0, 0, this.scale, 0, 0);
    g.clearRect(0, 0, this.width, this.height);
    const {starts, lengths} = this.timeline;
    const cell = (key, fill, stroke) => {
      const [t, b] = key.split(':').map(Number);
      if (b >= starts.length || t >= this.score.tracks.length) {
        return;
      }
      const left = this.x(starts[b]);
      const width = this.x(lengths[b]);
      g.fillStyle = fill;
      g.fillRect(left, this.laneTop(t), width, LANE_HEIGHT - 1);
      if (stroke) {
        g.strokeStyle = stroke;
        g.lineWidth = 2;
        g.strokeRect(left + 1, this.laneTop(t) + 1, width - 2, LANE_HEIGHT - 3);
      }
    };
    for (const key of this.generatedCells) {
      cell(key, 'rgba(245, 158, 11, 0.10)', null);
    }
    for (const key of this.selection.cells) {
      cell(key, 'rgba(37, 99, 235, 0.16)', 'rgba(37, 99, 235, 0.85)');
    }
    if (this.playhead !== null) {
      g.fillStyle = '#dc2626';
      g.fillRect(Math.round(this.x(this.playhead)), 0, 2, this.height);
    }
    this.drawRuler();
    this.element.dataset.selection = this.selection.toString();
  }

  /** Keeps the playhead in view while playing. */
  follow(quarters) {
    const scroller = this.element.querySelector('.roll-scroll');
    const headerWidth = this.headers.offsetWidth;
    const x = this.x(quarters);
    const visible = scroller.clientWidth - headerWidth;
    if (x < scroller.scrollLeft || x > scroller.scrollLeft + visible - 40) {
      scroller.scrollLeft = Math.max(0, x - visible * 0.1);
    }
  }

  /** Scrolls so that a cell (e.g. one selected with the form) is in view. */
  reveal(track, bar) {
    const scroller = this.element.querySelector('.roll-scroll');
    const left = this.x(this.timeline.starts[bar] ?? 0);
    const visibleWidth = scroller.clientWidth - this.headers.offsetWidth;
    if (left < scroller.scrollLeft || left > scroller.scrollLeft + visibleWidth - 40) {
      scroller.scrollLeft = Math.max(0, left - 40);
    }
    // Lanes sit below the ruler, which covers the top of the scrolled view.
    const top = RULER_HEIGHT + this.laneTop(track);
    const bottom = top + LANE_HEIGHT;
    if (top < scroller.scrollTop + RULER_HEIGHT || bottom > scroller.scrollTop + scroller.clientHeight) {
      scroller.scrollTop = Math.max(0, top - RULER_HEIGHT - LANE_HEIGHT / 2);
    }
  }

  /** The (track, bar) under a point of the lanes, or null. */
  cellAt(offsetX, offsetY) {
    const quarters = offsetX / this.pxPerQuarter;
    const {starts} = this.timeline;
    let bar = -1;
    for (let b = 0; b < starts.length && starts[b] <= quarters; b++) {
      bar = b;
    }
    const track = Math.floor(offsetY / LANE_HEIGHT);
    return bar < 0 || track < 0 || track >= this.score.tracks.length ? null : {track, bar};
  }

  bindPointer() {
    this.ruler.addEventListener('pointerdown', (event) => {
      if (this.score && event.button === 0) {
        this.cursor = Math.min(this.timeline.total, Math.max(0, event.offsetX / this.pxPerQuarter));
        this.drawRuler();
      }
    });
    let dragging = false;
    this.overlay.addEventListener('pointerdown', (event) => {
      if (!this.score || event.button !== 0) {
        return;
      }
      const at = this.cellAt(event.offsetX, event.offsetY);
      if (!at) {
        return;
      }
      if (event.shiftKey && this.selection.anchor) {
        this.selection.addRange(this.selection.anchor, at);
        return;
      }
      if (event.ctrlKey || event.metaKey) {
        this.selection.anchor = at;
        this.selection.toggle(at.track, at.bar);
        return;
      }
      dragging = true;
      this.overlay.setPointerCapture(event.pointerId);
      this.selection.anchor = at;
      this.selection.selectRange(at, at);
    });
    this.overlay.addEventListener('pointermove', (event) => {
      if (!dragging) {
        return;
      }
      const at = this.cellAt(event.offsetX,
          Math.min(this.height - 1, Math.max(0, event.offsetY)));
      if (at) {
        this.selection.selectRange(this.selection.anchor, at);
      }
    });
    const end = () => {
      dragging = false;
    };
    this.overlay.addEventListener('pointerup', end);
    this.overlay.addEventListener('pointercancel', end);
  }
}

function hue(track) {
  return HUES[track % HUES.length];
}

/** The pitches a lane shows: the track's range with a margin, at least an octave and a half. */
function padded(range, track) {
  if (!range) {
    return isDrum(track) ? {low: 35, high: 59} : {low: 48, high: 72};
  }
  let {low, high} = range;
  low = Math.max(0, low - 2);
  high = Math.min(127, high + 2);
  while (high - low < 18) {
    low = Math.max(0, low - 1);
    high = Math.min(127, high + 1);
  }
  return {low, high};
}

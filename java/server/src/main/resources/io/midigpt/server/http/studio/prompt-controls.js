// Per-track and per-bar controls: attribute levels (with the checkpoint's labels from /info),
// a key or scale mask, a rhythm grid and remix. One editor serves two scopes: a whole track (its
// prompt's attributes and controls) or the selected bars (bar_attributes and bar_controls).

import {el, field, select} from './dom.js';
import {NOTE_NAMES, trackName} from './gm.js';
import {isDrum} from './score.js';

const EMPTY = () => ({attributes: {}, pitchMask: null, rhythmGrid: null, remix: null});

export class PromptControls {
  /**
   * @param root the panel element to fill
   * @param info GET /info
   * @param selection the shared Selection (the bar scope edits its cells)
   */
  constructor(root, info, selection) {
    this.root = root;
    this.info = info;
    this.selection = selection;
    this.score = null;
    this.scope = 'track';
    this.track = 0;
    this.trackSettings = new Map();
    this.barSettings = new Map();
    const attributes = Object.entries(info.attribute_info ?? {});
    this.trackAttributes = attributes.filter(([, a]) => a.level === 'track');
    this.barAttributes = attributes.filter(([, a]) => a.level === 'bar');
    selection.onChange(() => {
      if (this.scope === 'bars') {
        this.render();
      }
    });
  }

  /** A new score: settings of tracks and bars that no longer exist are dropped. */
  setScore(score, {reset}) {
    this.score = score;
    if (reset) {
      this.trackSettings.clear();
      this.barSettings.clear();
      this.track = 0;
    }
    this.track = Math.min(this.track, Math.max(0, score.tracks.length - 1));
    this.render();
  }

  focusTrack(track) {
    this.track = track;
    this.render();
  }

  /** The settings of a track's prompt (never null). */
  forTrack(track) {
    return this.trackSettings.get(track) ?? EMPTY();
  }

  /** The settings of one bar of one track, or null. */
  forBar(track, bar) {
    return this.barSettings.get(`${track}:${bar}`) ?? null;
  }

  /** The cells the bar scope edits. */
  targets() {
    if (this.scope === 'track') {
      return [];
    }
    return [...this.selection.cells];
  }

  /** The settings shown: the track's, or the first selected bar's. */
  shown() {
    if (this.scope === 'track') {
      return this.forTrack(this.track);
    }
    const first = this.targets()[0];
    return (first && this.barSettings.get(first)) ?? EMPTY();
  }

  /** Applies a change to every edited settings object. */
  update(change) {
    if (this.scope === 'track') {
      const settings = structuredClone(this.forTrack(this.track));
      change(settings, this.score.tracks[this.track]);
      this.trackSettings.set(this.track, settings);
    } else {
      for (const key of this.targets()) {
        const settings = structuredClone(this.barSettings.get(key) ?? EMPTY());
        change(settings, this.score.tracks[Number(key.split(':')[0])]);
        this.barSettings.set(key, settings);
      }
    }
    this.render();
  }

  reset() {
    if (this.scope === 'track') {
      this.trackSettings.delete(this.track);
    } else {
      for (const key of this.targets()) {
        this.barSettings.delete(key);
      }
    }
    this.render();
  }

  render() {
    if (!this.score) {
      return;
    }
    const capabilities = this.info.capabilities ?? {};
    const settings = this.shown();
    const scope = el('div', {class: 'segmented', role: 'radiogroup', 'aria-label': 'Controls for'},
        [['track', 'Track'], ['bars', 'Selected bars']].map(([value, label]) =>
          el('button', {
            type: 'button', role: 'radio', 'aria-checked': String(this.scope === value),
            id: `scope-${value}`,
            onclick: () => {
              this.scope = value;
              this.render();
            },
          }, label)));
    const parts = [scope];
    if (this.scope === 'track') {
      parts.push(field('Track', select({id: 'control-track', onchange: (e) => this.focusTrack(
          Number(e.target.value))}, this.score.tracks.map((track, i) => [i, trackName(track, i)]),
      this.track)));
    } else if (this.targets().length === 0) {
      parts.push(el('p', {class: 'hint'}, 'Select bars on the roll to give them their own controls.'));
      this.root.replaceChildren(...parts);
      return;
    } else {
      parts.push(el('p', {class: 'hint'}, `Editing ${this.targets().length} selected bar(s).`));
    }
    const attributes = this.scope === 'track' ? this.trackAttributes : this.barAttributes;
    const drum = this.scope === 'track' && isDrum(this.score.tracks[this.track]);
    for (const [name, attribute] of attributes) {
      if (this.scope === 'track' && !fits(attribute, drum)) {
        continue;
      }
      const options = [['', 'auto (from the piece)'], ...attribute.labels.map((label, i) => [i, label])];
      parts.push(field(pretty(name), select({
        'data-attribute': name,
        onchange: (e) => this.update((s, track) => {
          if (e.target.value === '' || !fits(attribute, isDrum(track))) {
            delete s.attributes[name];
          } else {
            s.attributes[name] = Number(e.target.value);
          }
        }),
      }, options, settings.attributes[name] ?? ''), `${attribute.track_type} tracks`));
    }
    if (attributes.length === 0) {
      parts.push(el('p', {class: 'hint'}, this.scope === 'track'
          ? 'This checkpoint has no track attributes.' : 'This checkpoint has no bar attributes.'));
    }
    if (capabilities.supports_pitch_mask) {
      parts.push(this.pitchMaskFields(settings, capabilities));
    }
    if (capabilities.supports_rhythm_mask) {
      parts.push(this.rhythmFields(settings, capabilities));
    }
    if (capabilities.supports_remix) {
      parts.push(this.remixFields(settings));
    }
    parts.push(el('button', {type: 'button', class: 'secondary', id: 'controls-reset',
      onclick: () => this.reset()}, this.scope === 'track' ? 'Reset track controls'
        : 'Reset bar controls'));
    parts.push(el('p', {class: 'hint', id: 'controls-summary'}, this.summary()));
    this.root.replaceChildren(...parts);
  }

  pitchMaskFields(settings, capabilities) {
    const mask = settings.pitchMask;
    const scales = [['', 'any pitch'], ...(capabilities.pitch_mask_scale_presets ?? [])
        .map((name) => [name, pretty(name)])];
    return el('fieldset', {}, [
      el('legend', {}, 'Key'),
      field('Scale', select({id: 'pitch-scale', onchange: (e) => this.update((s) => {
        s.pitchMask = e.target.value === '' ? null
            : {scale: e.target.value, root: s.pitchMask?.root ?? 0};
      })}, scales, mask?.scale ?? '')),
      field('Root', select({id: 'pitch-root', disabled: !mask, onchange: (e) => this.update((s) => {
        if (s.pitchMask) {
          s.pitchMask.root = Number(e.target.value);
        }
      })}, NOTE_NAMES.map((name, i) => [i, name]), mask?.root ?? 0)),
    ]);
  }

  rhythmFields(settings, capabilities) {
    const grid = settings.rhythmGrid;
    const units = [['', 'free'], ...(capabilities.rhythm_mask_grid_units ?? [])
        .map((unit) => [unit, pretty(unit)])];
    return el('fieldset', {}, [
      el('legend', {}, 'Rhythm grid'),
      field('Grid', select({id: 'rhythm-unit', onchange: (e) => this.update((s) => {
        s.rhythmGrid = e.target.value === '' ? null
            : {unit: e.target.value, strength: s.rhythmGrid?.strength ?? 1};
      })}, units, grid?.unit ?? '')),
      field('Strength', el('input', {type: 'range', id: 'rhythm-strength', min: '0', max: '1',
        step: '0.05', value: String(grid?.strength ?? 1), disabled: !grid,
        onchange: (e) => this.update((s) => {
          if (s.rhythmGrid) {
            s.rhythmGrid.strength = Number(e.target.value);
          }
        })}), '1: only on the grid; 0: no effect'),
    ]);
  }

  remixFields(settings) {
    const remix = settings.remix;
    return el('fieldset', {}, [
      el('legend', {}, 'Remix'),
      field('Mode', select({id: 'remix-mode', onchange: (e) => this.update((s) => {
        s.remix = e.target.value === '' ? null
            : {mode: e.target.value, amount: s.remix?.amount ?? 0.5};
      })}, [['', 'off (new notes)'], ['pitch', 'vary pitches'], ['full', 'vary pitches and lengths']],
      remix?.mode ?? ''), 'Keeps the rhythm of the notes already there'),
      field('Amount', el('input', {type: 'range', id: 'remix-amount', min: '0', max: '1',
        step: '0.05', value: String(remix?.amount ?? 0.5), disabled: !remix,
        onchange: (e) => this.update((s) => {
          if (s.remix) {
            s.remix.amount = Number(e.target.value);
          }
        })}), '0 keeps the notes, 1 resamples all'),
    ]);
  }

  summary() {
    const tracks = [...this.trackSettings.entries()].filter(([, s]) => !isEmpty(s)).length;
    const bars = [...this.barSettings.values()].filter((s) => !isEmpty(s)).length;
    return `${tracks} track(s) and ${bars} bar(s) have their own controls.`;
  }
}

/** TrackPrompt.controls / bar_controls JSON for a settings object, or null when it sets none. */
export function controlsJson(settings) {
  if (!settings) {
    return null;
  }
  const controls = {};
  if (settings.pitchMask) {
    controls.pitch_mask = {scale: settings.pitchMask.scale, root: settings.pitchMask.root};
  }
  if (settings.rhythmGrid) {
    controls.rhythm_mask = {grid: {...settings.rhythmGrid}};
  }
  if (settings.remix) {
    controls.remix = {...settings.remix};
  }
  return Object.keys(controls).length ? controls : null;
}

function isEmpty(settings) {
  return Object.keys(settings.attributes).length === 0 && controlsJson(settings) === null;
}

function fits(attribute, drum) {
  return attribute.track_type === 'both' || attribute.track_type === (drum ? 'drum' : 'melodic');
}

function pretty(name) {
  const words = name.replaceAll('_', ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

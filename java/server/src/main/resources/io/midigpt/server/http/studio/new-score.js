// The "New score" dialog: instruments (General MIDI programs or drums), bars, time signature and
// tempo; answers the empty score to start from.

import {el, select} from './dom.js';
import {PROGRAMS} from './gm.js';
import {emptyScore} from './score.js';

const STARTING_TRACKS = [{program: 0, drum: false}, {program: 33, drum: false}, {program: 0, drum: true}];
const COMMON_SIGNATURES = ['4/4', '3/4', '2/4', '6/8', '5/4', '7/8', '12/8'];

export class NewScoreDialog {
  /** @param timeSignatures the ones the checkpoint knows (from /info), or null for any */
  constructor(dialog, timeSignatures, onCreate) {
    this.dialog = dialog;
    this.form = dialog.querySelector('form');
    this.tracks = dialog.querySelector('#new-tracks');
    const signatures = timeSignatures ?? COMMON_SIGNATURES;
    // Common ones first: the full list of an encoder is long and mostly exotic.
    const ordered = [...COMMON_SIGNATURES.filter((ts) => signatures.includes(ts)),
      ...signatures.filter((ts) => !COMMON_SIGNATURES.includes(ts))];
    const tsSelect = dialog.querySelector('#new-ts');
    tsSelect.replaceChildren(...ordered.map((ts) => el('option', {value: ts}, ts)));
    tsSelect.value = ordered.includes('4/4') ? '4/4' : ordered[0];
    dialog.querySelector('#new-add-track').addEventListener('click',
        () => this.addTrack({program: 0, drum: false}));
    dialog.addEventListener('close', () => {
      if (dialog.returnValue === 'create') {
        onCreate(this.score());
      }
    });
    STARTING_TRACKS.forEach((track) => this.addTrack(track));
  }

  open() {
    this.dialog.returnValue = '';
    this.dialog.showModal();
  }

  addTrack({program, drum}) {
    const row = el('div', {class: 'new-track'}, [
      select({'aria-label': 'Instrument', class: 'new-program'},
          PROGRAMS.map((name, i) => [i, `${i}: ${name}`]), program),
      el('label', {class: 'check'}, [el('input', {type: 'checkbox', class: 'new-drum', checked: drum}), 'drums']),
      el('button', {type: 'button', class: 'secondary', 'aria-label': 'Remove track',
        onclick: () => {
          if (this.tracks.children.length > 1) {
            row.remove();
          }
        }}, '×'),
    ]);
    this.tracks.append(row);
  }

  score() {
    const instruments = [...this.tracks.querySelectorAll('.new-track')].map((row) => ({
      program: Number(row.querySelector('.new-program').value),
      drum: row.querySelector('.new-drum').checked,
    }));
    const f = this.form.elements;
    return emptyScore({
      instruments,
      bars: Math.max(1, Math.trunc(Number(f.bars.value) || 8)),
      timeSignature: f.ts.value,
      bpm: Math.min(300, Math.max(20, Number(f.bpm.value) || 120)),
    });
  }
}

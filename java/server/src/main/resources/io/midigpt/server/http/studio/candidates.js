// The candidates of a multi-candidate generation: pick one to hear and see it in place (it
// replaces the history entry of that generation), switch back and forth to compare.

import {el} from './dom.js';
import {notesIn} from './score.js';

export class CandidateList {
  /** @param onPick called with (candidate index) when the user switches */
  constructor(card, list, onPick) {
    this.card = card;
    this.list = list;
    this.onPick = onPick;
    this.candidates = [];
  }

  /** Shows the usable candidates of a response; answers their scores (failed ones left out). */
  show(response, cells) {
    this.candidates = response.candidates
        .map((candidate, index) => ({...candidate, index}))
        .filter((candidate) => candidate.score);
    this.list.replaceChildren(...this.candidates.map((candidate, i) => el('div', {class: 'candidate'}, [
      el('label', {}, [
        el('input', {type: 'radio', name: 'candidate', value: String(i), checked: i === 0,
          onchange: () => this.onPick(i)}),
        ` #${candidate.index + 1} · seed ${candidate.seed} · ${notesIn(candidate.score, cells)} notes`,
      ]),
    ])));
    const failed = response.candidates.length - this.candidates.length;
    if (failed > 0) {
      this.list.append(el('p', {class: 'hint'}, `${failed} candidate(s) failed: ${
        response.candidates.filter((c) => !c.score).map((c) => c.error).join('; ')}`));
    }
    this.card.hidden = this.candidates.length === 0;
    this.card.dataset.count = String(this.candidates.length);
    return this.candidates;
  }

  /** Switches to candidate i from the keyboard, as a click on its entry would. */
  pick(i) {
    const radio = this.list.querySelector(`input[value="${i}"]`);
    if (radio && !radio.checked) {
      radio.checked = true;
      this.onPick(i);
    }
  }

  hide() {
    this.candidates = [];
    this.card.hidden = true;
    this.list.replaceChildren();
  }
}

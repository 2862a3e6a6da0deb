// The message area: errors stay until dismissed, notices fade after a few seconds.

import {el} from './dom.js';

const MAX_SHOWN = 4;
const NOTICE_MS = 6000;

export class Messages {
  constructor(root) {
    this.root = root;
  }

  error(text) {
    this.show(text, 'error');
  }

  notice(text) {
    this.show(text, 'notice');
  }

  show(text, kind) {
    const message = el('div', {class: `message ${kind}`, role: kind === 'error' ? 'alert' : 'status'}, [
      el('p', {}, text),
      el('button', {type: 'button', 'aria-label': 'Dismiss', onclick: () => message.remove()}, '×'),
    ]);
    this.root.append(message);
    while (this.root.children.length > MAX_SHOWN) {
      this.root.firstElementChild.remove();
    }
    if (kind !== 'error') {
      setTimeout(() => message.remove(), NOTICE_MS);
    }
  }

  clearErrors() {
    for (const message of this.root.querySelectorAll('.message.error')) {
      message.remove();
    }
  }
}

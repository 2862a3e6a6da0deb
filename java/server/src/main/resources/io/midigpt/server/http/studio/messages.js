// What the page tells the user. Errors are banners between the toolbar and the workspace that
// stay until dismissed (or until the next generation); notices go to the one-line status in the
// toolbar, which never changes the layout, so nothing moves under the mouse when they change.

import {el} from './dom.js';

const MAX_ERRORS = 3;

export class Messages {
  constructor(errors, status) {
    this.errors = errors;
    this.status = status;
    this.lastNotice = '';
  }

  error(text) {
    const message = el('div', {class: 'message error', role: 'alert'}, [
      el('p', {}, text),
      el('button', {type: 'button', 'aria-label': 'Dismiss', onclick: () => message.remove()}, '×'),
    ]);
    this.errors.append(message);
    while (this.errors.children.length > MAX_ERRORS) {
      this.errors.firstElementChild.remove();
    }
  }

  notice(text) {
    this.lastNotice = text;
    this.show(text);
  }

  /** While busy the status says so; afterwards it shows the last notice again. */
  busy(text) {
    this.show(text ?? this.lastNotice);
  }

  show(text) {
    this.status.textContent = text;
    this.status.title = text;
  }

  clearErrors() {
    this.errors.replaceChildren();
  }
}

// Keyboard shortcuts. Letters and Space are left to form fields when one has the focus; Esc and
// the Ctrl/Cmd combinations work everywhere.

/** @param actions {togglePlay, generate, cancelOrClear, undo, redo, toggleLoop, pickCandidate(i)} */
export function bindShortcuts(actions) {
  document.addEventListener('keydown', (event) => {
    if (event.defaultPrevented || document.querySelector('dialog[open]')) {
      return;
    }
    const typing = event.target.closest?.('input, select, textarea, [contenteditable]') !== null
        && event.target.type !== 'checkbox' && event.target.type !== 'range';
    const command = event.ctrlKey || event.metaKey;
    const key = event.key.toLowerCase();
    let action = null;
    if (command && key === 'enter') {
      action = actions.generate;
    } else if (command && key === 'z') {
      action = event.shiftKey ? actions.redo : actions.undo;
    } else if (command && key === 'y') {
      action = actions.redo;
    } else if (key === 'escape') {
      action = actions.cancelOrClear;
    } else if (typing || command || event.altKey) {
      return;
    } else if (key === ' ') {
      action = actions.togglePlay;
    } else if (key === 'g') {
      action = actions.generate;
    } else if (key === 'l') {
      action = actions.toggleLoop;
    } else if (key >= '1' && key <= '9') {
      action = () => actions.pickCandidate(Number(key) - 1);
    }
    if (action) {
      event.preventDefault();
      action();
    }
  });
}

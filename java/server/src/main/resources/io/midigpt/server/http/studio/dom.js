// A tiny element builder for the panels the studio makes from /info.

/** el('select', {id: 'x', onchange: f}, [children]): attributes, properties and listeners. */
export function el(tag, attributes = {}, children = []) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) {
      continue;
    }
    if (name.startsWith('on')) {
      element.addEventListener(name.slice(2), value);
    } else if (name in element && typeof value !== 'string') {
      element[name] = value;
    } else {
      element.setAttribute(name, value === true ? '' : value);
    }
  }
  element.append(...[children].flat().filter((child) => child !== null && child !== undefined));
  return element;
}

/** A <select> of [value, label] pairs with `selected` chosen. */
export function select(attributes, options, selected) {
  return el('select', attributes, options.map(([value, label]) =>
    el('option', {value: String(value), selected: String(value) === String(selected)}, label)));
}

/** A labelled field: <label><span>text</span>control</label>. */
export function field(text, control, hint) {
  return el('label', {class: 'field', title: hint}, [el('span', {}, text), control]);
}

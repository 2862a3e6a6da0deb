// The sampling settings form (static in index.html): fills the choices the loaded checkpoint
// offers (mask modes, window sizes) and reads the form into an InferenceConfig.

import {el} from './dom.js';

const MASK_MODES = [
  ['token', 'supports_token_mask', 'token (MaskBar)'],
  ['attention', 'supports_attention_mask', 'attention'],
  ['attention_approx', 'supports_attention_approx', 'attention (approx.)'],
  ['attention_skip', 'supports_attention_skip', 'attention (skip)'],
  ['remove', 'supports_remove', 'remove masked bars'],
];

export class SamplingForm {
  constructor(form, info) {
    this.form = form;
    const capabilities = info.capabilities ?? {};
    const modes = form.elements.mask_mode;
    for (const [value, capability, label] of MASK_MODES) {
      if (capabilities[capability]) {
        modes.append(el('option', {value}, label));
      }
    }
    // The token mode needs a MaskBar token, which released checkpoints lack (spec 6.2).
    modes.value = capabilities.supports_token_mask ? 'token' : 'attention';
    const dims = form.elements.model_dim;
    for (const dim of info.model_dims ?? []) {
      dims.append(el('option', {value: String(dim)}, `${dim} bars`));
    }
    form.elements.num_candidates.disabled = !capabilities.supports_candidates;
  }

  /** The number of candidates asked for (1: streamed). */
  candidates() {
    return Math.max(1, integer(this.form.elements.num_candidates, 1));
  }

  mode() {
    return this.form.elements.mode.value;
  }

  /** The form as request.config; empty fields are left to the server's defaults. */
  config() {
    const f = this.form.elements;
    const config = {
      mask_mode: f.mask_mode.value,
      temperature: number(f.temperature, 1),
      top_p: number(f.top_p, 1),
      top_k: integer(f.top_k, 0),
      max_attempts: integer(f.max_attempts, 3),
      density_hard_limit: integer(f.density_hard_limit, 0),
      polyphony_hard_limit: integer(f.polyphony_hard_limit, 0),
      bars_per_step: integer(f.bars_per_step, 1),
      seed: f.seed.value.trim() === '' ? -1 : integer(f.seed, -1),
    };
    if (f.model_dim.value !== '') {
      config.model_dim = Number(f.model_dim.value);
    }
    const candidates = this.candidates();
    if (candidates > 1) {
      config.num_candidates = candidates;
    }
    return config;
  }
}

// Values go to the server as typed (a bad one is the server's to explain), only blanks default.
function number(input, fallback) {
  return input.value.trim() === '' ? fallback : Number(input.value);
}

function integer(input, fallback) {
  return input.value.trim() === '' ? fallback : Math.trunc(Number(input.value));
}

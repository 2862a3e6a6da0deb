// Builds the body of POST /generate from the score, the target bars and the controls: one prompt
// per track, the selected bars as its targets, every other track kept as context (ignored).

import {controlsJson} from './prompt-controls.js';

/**
 * @param score the piece
 * @param targets Map of track index to its selected bars (ascending)
 * @param controls the PromptControls
 * @param sampling the SamplingForm
 * @param requestId the id to cancel by
 */
export function generateBody(score, targets, controls, sampling, requestId) {
  const autoregressive = sampling.mode() === 'continue';
  const tracks = score.tracks.map((track, id) => {
    const bars = targets.get(id);
    if (!bars || bars.length === 0) {
      return {id, ignore: true, bars: []};
    }
    const settings = controls.forTrack(id);
    const prompt = {id, bars};
    if (autoregressive) {
      prompt.autoregressive = true;
    }
    if (Object.keys(settings.attributes).length) {
      prompt.attributes = {...settings.attributes};
    }
    const trackControls = controlsJson(settings);
    if (trackControls) {
      prompt.controls = trackControls;
    }
    for (const bar of bars) {
      const barSettings = controls.forBar(id, bar);
      if (barSettings && Object.keys(barSettings.attributes).length) {
        (prompt.bar_attributes ??= {})[bar] = {...barSettings.attributes};
      }
      const barControls = controlsJson(barSettings);
      if (barControls) {
        (prompt.bar_controls ??= {})[bar] = barControls;
      }
    }
    return prompt;
  });
  return {score, request: {tracks, config: sampling.config()}, request_id: requestId};
}

// The studio page: wires the score history, the roll, the selection, the controls built from
// /info, generation, playback, download and the keyboard together.

import {ApiError, fetchInfo, newRequestId, scoreFromMidi, scoreToMidi} from './api.js';
import {CandidateList} from './candidates.js';
import {el} from './dom.js';
import {Generation} from './generation.js';
import {trackName} from './gm.js';
import {History} from './history.js';
import {bindShortcuts} from './keyboard.js';
import {Messages} from './messages.js';
import {NewScoreDialog} from './new-score.js';
import {PianoRoll} from './piano-roll.js';
import {Player} from './player.js';
import {PromptControls} from './prompt-controls.js';
import {generateBody} from './request.js';
import {SamplingForm} from './sampling.js';
import {barCount, noteCount, notesIn, withBarsAdded} from './score.js';
import {Selection} from './selection.js';
import {Synth} from './synth.js';

const $ = (id) => document.getElementById(id);
const app = $('app');
const roll = $('roll');
const messages = new Messages($('messages'), $('status'));
const history = new History();
const selection = new Selection();
const player = new Player(new Synth());

let info = null;
let controls = null;
let sampling = null;
let generation = null;
let pianoRoll = null;
let candidates = null;
let score = null;
let fileName = 'untitled';
let lastCells = [];
let following = false;

async function start() {
  try {
    info = await fetchInfo();
  } catch (error) {
    messages.error(`${error.message}. Reload the page once the server runs.`);
    setState('offline');
    return;
  }
  sampling = new SamplingForm($('sampling'), info);
  controls = new PromptControls($('prompt-controls'), info, selection);
  generation = new Generation(info.decode_resolution ?? info.resolution,
      (notes) => {
        pianoRoll.setStreamed(notes.slice(), lastCells);
        roll.dataset.streamed = String(notes.length);
      });
  pianoRoll = new PianoRoll(roll, selection, {
    onHeader: (track, action) => {
      if (action === 'mute') {
        player.toggleMute(track);
      } else {
        player.toggleSolo(track);
      }
      controls.focusTrack(track);
    },
  });
  candidates = new CandidateList($('candidates-card'), $('candidates'), pickCandidate);
  const dialog = new NewScoreDialog($('new-dialog'), info.time_signatures ?? null,
      (empty) => load(empty, 'new score', 'untitled'));
  $('new-score').addEventListener('click', () => dialog.open());
  $('file-input').addEventListener('change', openFile);
  $('download').addEventListener('click', download);
  $('undo').addEventListener('click', undo);
  $('redo').addEventListener('click', redo);
  $('play').addEventListener('click', togglePlay);
  $('generate').addEventListener('click', runGeneration);
  $('cancel').addEventListener('click', cancel);
  $('loop').addEventListener('change', updateLoop);
  $('zoom').addEventListener('input', (e) => pianoRoll.setZoom(Number(e.target.value)));
  bindSelectionForm();
  selection.onChange(() => {
    updateLoop();
    updateStatus();
    const tracks = [...selection.byTrack().keys()];
    if (tracks.length === 1) {
      controls.focusTrack(tracks[0]);
    }
  });
  player.onChange(() => {
    app.dataset.playing = String(player.playing);
    $('play').textContent = player.playing ? 'Stop' : 'Play';
    $('play').setAttribute('aria-pressed', String(player.playing));
    pianoRoll.renderHeaders(headerState());
    // Mute, solo and loop changes come here too: one animation loop per start, not per change.
    if (player.playing && !following) {
      following = true;
      requestAnimationFrame(followPlayhead);
    } else if (!player.playing) {
      pianoRoll.setPlayhead(null);
    }
  });
  history.onChange(renderHistory);
  bindShortcuts({
    togglePlay,
    generate: runGeneration,
    cancelOrClear: () => (generation.running ? cancel() : selection.clear()),
    undo,
    redo,
    toggleLoop: () => {
      $('loop').checked = !$('loop').checked;
      updateLoop();
    },
    pickCandidate: (i) => candidates.pick(i),
  });
  setState('idle');
  messages.notice(`Model ${info.checkpoint} loaded. Open a MIDI file or start a new score.`);
}

function setState(state) {
  app.dataset.state = state;
  const busy = state === 'generating' || state === 'cancelling' || state === 'loading';
  $('generate').disabled = !score || busy || state === 'offline';
  $('cancel').disabled = state !== 'generating';
  $('download').disabled = !score || busy;
  $('play').disabled = !score;
  renderHistory();
  updateStatus();
}

/**
 * Shows a score: the roll, the player, the controls and the selection follow it. `fresh` (another
 * piece) drops the mute, solo and control settings of the previous one.
 */
function show(next, {fresh = false} = {}) {
  const reset = fresh || !score || score.tracks.length !== next.tracks.length;
  score = next;
  if (reset) {
    player.resetTracks();
  }
  player.setScore(next);
  controls.setScore(next, {reset});
  selection.clip(next.tracks.length, barCount(next));
  pianoRoll.setScore(next, headerState());
  roll.dataset.notes = String(noteCount(next));
  roll.dataset.tracks = String(next.tracks.length);
  roll.dataset.bars = String(barCount(next));
  fillSelectionForm();
  updateLoop();
  setState(app.dataset.state);
}

function load(next, label, name) {
  if (generation.running) {
    messages.error('A generation is running: wait for it or cancel it (Esc) first.');
    return;
  }
  fileName = name;
  candidates.hide();
  lastCells = [];
  pianoRoll?.setGenerated([]);
  selection.clear();
  history.push(next, label);
  show(next, {fresh: true});
}

async function openFile(event) {
  const file = event.target.files[0];
  event.target.value = '';
  if (!file) {
    return;
  }
  if (generation.running) {
    messages.error('A generation is running: wait for it or cancel it (Esc) first.');
    return;
  }
  setState('loading');
  try {
    const {score: read, bar_count: bars, note_count: notes} = await scoreFromMidi(file);
    setState('idle');
    if (read.tracks.length === 0) {
      messages.error(`${file.name} has no notes, so there is nothing to show: start a new score`
          + ' instead (New…).');
      return;
    }
    load(read, `open ${file.name}`, file.name.replace(/\.midi?$/i, ''));
    messages.notice(`Opened ${file.name}: ${read.tracks.length} tracks, ${bars} bars, ${notes} notes.`);
  } catch (error) {
    setState('idle');
    messages.error(`Could not open ${file.name}. ${error.message}`);
  }
}

async function runGeneration() {
  if (!score || generation.running || app.dataset.state !== 'idle') {
    return;
  }
  if (selection.size === 0) {
    messages.error('Select the bars to generate first: drag over them on the roll, or use the'
        + ' Select form under it.');
    return;
  }
  messages.clearErrors();
  const cells = [...selection.cells];
  const body = generateBody(score, selection.byTrack(), controls, sampling, newRequestId());
  const count = sampling.candidates();
  lastCells = cells;
  roll.dataset.streamed = '0';
  pianoRoll.setStreamed([], cells);
  setState('generating');
  const started = performance.now();
  try {
    if (count > 1) {
      const response = await generation.candidates(body);
      const usable = candidates.show(response, cells);
      if (usable.length === 0) {
        throw new ApiError(500, 'no candidate produced a score');
      }
      history.push(usable[0].score, `generate (candidate 1 of ${usable.length})`);
      finish(usable[0].score, cells, response, started);
    } else {
      candidates.hide();
      const {status, response} = await generation.stream(body, score);
      if (response.score) {
        history.push(response.score, status === 'completed' ? `generate (seed ${response.seed})`
            : 'generate (cancelled, partial)');
        finish(response.score, cells, response, started);
      } else {
        messages.notice('Cancelled before any bar was finished: the score is unchanged.');
      }
      if (status === 'cancelled' && response.score) {
        messages.notice('Cancelled: the bars finished before the stop were kept (Undo removes them).');
      }
    }
  } catch (error) {
    messages.error(error.message);
  } finally {
    pianoRoll.setStreamed([], []);
    setState('idle');
  }
}

function finish(result, cells, response, started) {
  show(result);
  pianoRoll.setGenerated(cells);
  roll.dataset.generatedNotes = String(notesIn(result, cells));
  roll.dataset.generations = String(Number(roll.dataset.generations ?? 0) + 1);
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  const seed = response.seed ?? response.base_seed;
  const warnings = response.warnings?.length ? ` Server warnings: ${response.warnings.join('; ')}` : '';
  messages.notice(`Generated ${notesIn(result, cells)} notes in ${cells.length} bar(s) in`
      + ` ${seconds} s (seed ${seed}).${warnings}`);
}

function pickCandidate(index) {
  if (generation.running) {
    return;
  }
  const candidate = candidates.candidates[index];
  history.replace(candidate.score, `generate (candidate ${index + 1} of ${candidates.candidates.length})`);
  show(candidate.score);
  roll.dataset.generatedNotes = String(notesIn(candidate.score, lastCells));
}

async function cancel() {
  if (!generation.running) {
    return;
  }
  setState('cancelling');
  try {
    await generation.cancel();
  } catch (error) {
    messages.error(`Could not cancel: ${error.message}`);
  }
}

function undo() {
  if (generation.running || !history.undo()) {
    return;
  }
  candidates.hide();
  pianoRoll.setGenerated([]);
  show(history.current.score);
}

function redo() {
  if (generation.running || !history.redo()) {
    return;
  }
  candidates.hide();
  show(history.current.score);
}

async function download() {
  if (!score) {
    return;
  }
  const name = `${fileName}-midigpt.mid`;
  try {
    const blob = await scoreToMidi(score, name);
    const link = el('a', {href: URL.createObjectURL(blob), download: name});
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
    roll.dataset.downloads = String(Number(roll.dataset.downloads ?? 0) + 1);
  } catch (error) {
    messages.error(`Could not download: ${error.message}`);
  }
}

function togglePlay() {
  if (!score) {
    return;
  }
  player.toggle(pianoRoll.cursor);
}

function followPlayhead() {
  if (!player.playing) {
    following = false;
    return;
  }
  const quarters = player.playhead();
  pianoRoll.setPlayhead(quarters);
  roll.dataset.playhead = quarters.toFixed(3);
  requestAnimationFrame(followPlayhead);
}

/** Loops the selected bars, or the whole piece when nothing is selected. */
function updateLoop() {
  if (!score) {
    return;
  }
  let range = null;
  if ($('loop').checked) {
    range = selection.barSpan() ?? {first: 0, last: Math.max(0, barCount(score) - 1)};
  }
  player.setLoop(range);
  pianoRoll.setLoop(range);
  roll.dataset.loop = range ? `${range.first}-${range.last}` : '';
}

function headerState() {
  return {name: trackName, mute: player.muted, solo: player.soloed};
}

function bindSelectionForm() {
  const form = $('select-form');
  const range = () => {
    const track = Number(form.elements.track.value);
    const bars = barCount(score);
    const from = clamp(Number(form.elements.from.value) || 1, 1, bars) - 1;
    const to = clamp(Number(form.elements.to.value) || from + 1, 1, bars) - 1;
    return [{track, bar: Math.min(from, to)}, {track, bar: Math.max(from, to)}];
  };
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    if (score) {
      const [from, to] = range();
      selection.anchor = from;
      selection.selectRange(from, to);
      pianoRoll.reveal(from.track, from.bar);
    }
  });
  $('select-add').addEventListener('click', () => {
    if (score) {
      const [from, to] = range();
      selection.addRange(from, to);
      pianoRoll.reveal(from.track, from.bar);
    }
  });
  $('select-clear').addEventListener('click', () => selection.clear());
  $('add-bars').addEventListener('click', () => {
    if (score && !generation.running) {
      const longer = withBarsAdded(score, 4);
      history.push(longer, 'add 4 bars');
      show(longer);
    }
  });
}

function fillSelectionForm() {
  const form = $('select-form');
  const chosen = form.elements.track.value;
  form.elements.track.replaceChildren(...score.tracks.map((track, i) =>
    el('option', {value: String(i)}, trackName(track, i))));
  form.elements.track.value = chosen !== '' && Number(chosen) < score.tracks.length ? chosen : '0';
  form.elements.from.max = form.elements.to.max = String(barCount(score));
}

const BUSY_STATUS = {generating: 'Generating…', cancelling: 'Cancelling…', loading: 'Reading the file…'};

function updateStatus() {
  messages.busy(BUSY_STATUS[app.dataset.state] ?? null);
  if (!score) {
    return;
  }
  const tracks = selection.byTrack();
  $('selection-summary').textContent = selection.size === 0 ? 'No bars selected.'
      : `${selection.size} bar(s) in ${tracks.size} track(s) selected.`;
}

function renderHistory() {
  const list = $('history');
  list.replaceChildren(...history.entries.map((entry, i) => el('li', {
    'aria-current': i === history.index ? 'step' : null,
    class: i > history.index ? 'redo' : null,
  }, entry.label)));
  const idle = app.dataset.state === 'idle';
  $('undo').disabled = !idle || !history.canUndo();
  $('redo').disabled = !idle || !history.canRedo();
}

function clamp(value, low, high) {
  return Math.min(high, Math.max(low, value));
}

// A page that goes away stops its generation (a closed stream does too, but a non-streamed
// candidates request would run on).
window.addEventListener('pagehide', () => generation?.cancelOnExit());

start();

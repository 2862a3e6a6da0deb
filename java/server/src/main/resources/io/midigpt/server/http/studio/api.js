// The server's HTTP API as the studio uses it. Every failure becomes an ApiError whose message is
// the server's own JSON error (status, field, rule), or says plainly that the server is gone.

/** A refused or failed request, with the server's explanation. */
export class ApiError extends Error {
  constructor(status, detail, field = null, requestId = null) {
    super(ApiError.describe(status, detail, field));
    this.name = 'ApiError';
    this.status = status;
    this.detail = detail;
    this.field = field;
    this.requestId = requestId;
  }

  static describe(status, detail, field) {
    const kind = {
      400: 'The request was malformed',
      404: 'Not found',
      409: 'Conflict',
      413: 'Too large for the server',
      422: 'The server refused the request',
      500: 'The generation failed',
      503: 'The server is busy',
    }[status] ?? (status ? `Server error ${status}` : 'No answer from the server');
    const where = field && !String(detail).startsWith(field) ? `${field}: ` : '';
    return `${kind}${status ? ` (${status})` : ''}: ${where}${detail}`;
  }
}

async function failure(response) {
  let body = null;
  try {
    body = await response.json();
  } catch {
    // not JSON: a proxy or the servlet container answered
  }
  const detail = body?.rule ?? body?.detail ?? (response.statusText || 'no details');
  const retry = response.headers.get('Retry-After');
  const suffix = response.status === 503 && retry ? ` (try again in ${retry} s)` : '';
  return new ApiError(response.status, detail + suffix, body?.field ?? null,
      body?.request_id ?? response.headers.get('X-Request-Id'));
}

async function send(path, options) {
  let response;
  try {
    response = await fetch(path, options);
  } catch (error) {
    if (error.name === 'AbortError') {
      throw error;
    }
    throw new ApiError(0, 'the studio server did not answer; is `midigpt studio` still running?');
  }
  if (!response.ok) {
    throw await failure(response);
  }
  return response;
}

function postJson(path, body, signal) {
  return send(path, {
    method: 'POST',
    headers: {'Content-Type': 'application/json'},
    body: JSON.stringify(body),
    signal,
  });
}

/** A request id the page chooses, so that a generation can be cancelled before it answers. */
export function newRequestId() {
  const random = crypto.getRandomValues(new Uint32Array(2));
  return `studio-${Date.now().toString(36)}-${random[0].toString(36)}${random[1].toString(36)}`;
}

export async function fetchInfo() {
  return (await send('/info')).json();
}

/** MIDI file bytes (a File or Blob) to {score, bar_count, note_count}. */
export async function scoreFromMidi(file) {
  return (await send('/score/from-midi', {
    method: 'POST',
    headers: {'Content-Type': 'audio/midi'},
    body: file,
  })).json();
}

/** A score to a MIDI file Blob. */
export async function scoreToMidi(score, filename) {
  return (await postJson('/score/to-midi', {score, filename})).blob();
}

/** One non-streamed generation (also how several candidates are asked for). */
export async function generate(body, signal) {
  return (await postJson('/generate', body, signal)).json();
}

/**
 * A streamed generation: calls onFrame with every JSON frame of the event stream (notes, retract,
 * done, cancelled, error; unknown types are the caller's to ignore) until the stream ends.
 */
export async function generateStream(body, onFrame, signal) {
  const response = await postJson('/generate', {...body, stream: true}, signal);
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    const {value, done} = await reader.read();
    if (done) {
      break;
    }
    buffer += value;
    let end;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const event = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const data = event.split('\n')
          .filter((line) => line.startsWith('data:'))
          .map((line) => line.slice(5).trimStart())
          .join('\n');
      if (data) {
        onFrame(JSON.parse(data));
      }
    }
  }
}

/** Asks the server to stop a generation; false when it had already ended. */
export async function cancelGeneration(requestId) {
  try {
    await send(`/generate/${encodeURIComponent(requestId)}/cancel`, {method: 'POST'});
    return true;
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) {
      return false;
    }
    throw error;
  }
}

package io.midigpt.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import io.midigpt.engine.InferenceEngine;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.chrome.ChromeDriver;

/**
 * The studio's logic modules, imported by the browser from the server as the page imports them:
 * the request a selection and its controls make, undo and redo, the selection's rectangles, bar
 * timing and added bars. Each script answers JSON that is checked here.
 */
class StudioModulesInChromiumTest {
  @Test
  void modulesBehave(@TempDir Path profile, @TempDir Path downloads) throws Exception {
    try (InferenceEngine engine = TestServer.engine();
        TestServer server = TestServer.start(engine, settings -> settings.withStudio(true))) {
      ChromeDriver browser = HeadlessChromium.start(profile, downloads, 1280, 800);
      try {
        browser.get(server.base.resolve("/").toString());

        JsonNode request = run(browser, """
            const {generateBody} = await import('/studio/request.js');
            const {Selection} = await import('/studio/selection.js');
            const {emptyScore} = await import('/studio/score.js');
            const score = emptyScore({instruments: [{program: 0, drum: false},
                {program: 33, drum: false}, {program: 0, drum: true}], bars: 4,
                timeSignature: '4/4', bpm: 120});
            const selection = new Selection();
            selection.selectRange({track: 0, bar: 1}, {track: 0, bar: 2});
            selection.addRange({track: 2, bar: 3}, {track: 2, bar: 3});
            const controls = {
              forTrack: (t) => t === 0
                  ? {attributes: {min_polyphony: 2}, pitchMask: {scale: 'major', root: 7},
                     rhythmGrid: null, remix: null}
                  : {attributes: {}, pitchMask: null, rhythmGrid: null, remix: null},
              forBar: (t, b) => t === 0 && b === 2
                  ? {attributes: {}, pitchMask: null, rhythmGrid: {unit: 'eighth', strength: 0.5},
                     remix: null}
                  : null,
            };
            const sampling = {mode: () => 'infill', config: () => ({seed: 3})};
            const body = generateBody(score, selection.byTrack(), controls, sampling, 'id-1');
            return {request: body.request, id: body.request_id, bars: body.score.tracks[0].bars.length};
            """);
        assertEquals("id-1", request.get("id").asText());
        assertEquals(4, request.get("bars").asInt());
        assertEquals(TestServer.JSON.readTree("""
            {"tracks": [
              {"id": 0, "bars": [1, 2], "attributes": {"min_polyphony": 2},
               "controls": {"pitch_mask": {"scale": "major", "root": 7}},
               "bar_controls": {"2": {"rhythm_mask": {"grid": {"unit": "eighth", "strength": 0.5}}}}},
              {"id": 1, "ignore": true, "bars": []},
              {"id": 2, "bars": [3]}],
             "config": {"seed": 3}}
            """), request.get("request"));

        JsonNode history = run(browser, """
            const {History} = await import('/studio/history.js');
            const h = new History();
            h.push('a', 'open'); h.push('b', 'gen 1'); h.push('c', 'gen 2');
            const steps = [h.undo().label, h.undo().label, String(h.undo()), h.current.score];
            h.redo(); h.push('d', 'gen 3');
            steps.push(h.canRedo(), h.entries.map((e) => e.score).join(''));
            h.replace('e', 'candidate 2');
            steps.push(h.current.score, h.entries.length);
            return steps;
            """);
        assertEquals(TestServer.JSON.readTree(
            "[\"gen 2\", \"gen 1\", \"null\", \"a\", false, \"abd\", \"e\", 3]"), history);

        JsonNode timing = run(browser, """
            const {emptyScore, barTimeline, withBarsAdded, timedNotes} = await import('/studio/score.js');
            const {Selection} = await import('/studio/selection.js');
            const score = emptyScore({instruments: [{program: 0, drum: false}], bars: 2,
                timeSignature: '6/8', bpm: 90});
            score.tracks[0].bars[1].notes.push({pitch: 60, velocity: 80, onset_ticks: 240,
                duration_ticks: 960, delta: 0});
            const longer = withBarsAdded(score, 2);
            const selection = new Selection();
            selection.selectRange({track: 0, bar: 3}, {track: 2, bar: 1});
            selection.toggle(1, 2);
            selection.clip(2, 4);
            return {starts: barTimeline(longer).starts, tempo: score.tempo,
                notes: timedNotes(longer).map((n) => [n.start, n.length]),
                kept: score.tracks[0].bars.length, selection: selection.toString(),
                span: selection.barSpan()};
            """);
        assertEquals(TestServer.JSON.readTree("""
            {"starts": [0, 3, 6, 9], "tempo": 666667, "notes": [[3.5, 2]], "kept": 2,
             "selection": "0:1,0:2,0:3,1:1,1:3", "span": {"first": 1, "last": 3}}
            """), timing);

        // A stream cut into odd pieces, with a heartbeat, a retraction and a frame type this page
        // does not know, then an error stream: fetch is replaced by a canned event stream.
        JsonNode stream = run(browser, """
            const {Generation} = await import('/studio/generation.js');
            const {emptyScore} = await import('/studio/score.js');
            const score = emptyScore({instruments: [{program: 0, drum: false}], bars: 4,
                timeSignature: '4/4', bpm: 120});
            const note = (bar, pitch, onset) => ({track: 0, bar, pitch, onset_tick: onset,
                duration_tick: 480, velocity: 90});
            const events = (frames) => frames.map((f) => f === 'beat' ? ': keep-alive\\n\\n'
                : 'data: ' + JSON.stringify(f) + '\\n\\n').join('');
            const serve = (text) => {
              window.fetch = async () => new Response(new ReadableStream({start(controller) {
                for (let i = 0; i < text.length; i += 7) {
                  controller.enqueue(new TextEncoder().encode(text.slice(i, i + 7)));
                }
                controller.close();
              }}), {status: 200, headers: {'Content-Type': 'text/event-stream'}});
            };
            const original = window.fetch;
            const seen = [];
            const generation = new Generation(1920, (notes) =>
                seen.push(notes.map((n) => `${n.bar}:${n.pitch}@${n.start}`).join(' ')));
            try {
              serve(events([{type: 'notes', notes: [note(1, 60, 960), note(2, 62, 0)]}, 'beat',
                  {type: 'retract', track: 0, bars: [2]}, {type: 'mystery'},
                  {type: 'notes', notes: [note(2, 64, 1920)]},
                  {type: 'done', response: {status: 'completed', score: null, seed: 9}}]));
              const result = await generation.stream({request_id: 'x'}, score);
              serve(events([{type: 'notes', notes: [note(0, 60, 0)]},
                  {type: 'error', request_id: 'y', error: 'generation failed: boom'}]));
              let failure = null;
              try {
                await generation.stream({request_id: 'y'}, score);
              } catch (error) {
                failure = {status: error.status, message: error.message};
              }
              return {seen, status: result.status, seed: result.response.seed,
                  running: generation.running, failure};
            } finally {
              window.fetch = original;
            }
            """);
        assertEquals(TestServer.JSON.readTree("""
            {"seen": ["1:60@4.5 2:62@8", "1:60@4.5", "1:60@4.5 2:64@9", "0:60@0"],
             "status": "completed", "seed": 9, "running": false,
             "failure": {"status": 500,
                         "message": "The generation failed (500): generation failed: boom"}}
            """), stream);
      } finally {
        browser.quit();
      }
    }
  }

  /** Runs an async function body in the page and answers what it returns, as JSON. */
  private static JsonNode run(ChromeDriver browser, String body) throws Exception {
    Object result = browser.executeAsyncScript("const done = arguments[arguments.length - 1];"
        + " (async () => { " + body + " })().then((value) => done(JSON.stringify(value)),"
        + " (error) => done(JSON.stringify({error: String(error.stack || error)})));");
    return TestServer.JSON.readTree((String) result);
  }
}

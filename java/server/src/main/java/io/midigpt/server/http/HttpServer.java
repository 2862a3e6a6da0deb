package io.midigpt.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.Javalin;
import io.javalin.config.SizeUnit;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.http.UploadedFile;
import io.midigpt.MidigptException;
import io.midigpt.engine.InferenceEngine;
import io.midigpt.score.Score;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.ServerConnector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The midigpt-http API over one loaded engine (http-api.md; the reference's REST API, spec §8, is
 * a subset): health and info, generation as plain JSON, as server-sent events, or MIDI file in and
 * out, cancellation by request id, MIDI to score JSON and back ({@link ScoreConversion}), its own
 * OpenAPI description with Swagger UI at {@code /docs}, and, when the settings ask for it, the
 * browser studio at {@code /}. Generations run one at a time in a bounded queue.
 *
 * <pre>{@code
 * try (InferenceEngine engine = InferenceEngine.fromCheckpoint(path);
 *     HttpServer server = HttpServer.start(engine, HttpServerSettings.defaults("my-model"))) {
 *   server.awaitClose();
 * }
 * }</pre>
 *
 * <p>The server does not own the engine: close the server first, then the engine.
 */
public final class HttpServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(HttpServer.class);
  private static final String REQUEST_ID = "midigpt.request_id";
  private static final String REQUEST_ID_HEADER = "X-Request-Id";
  /** How often a quiet event stream sends a comment, which is also how a gone client shows. */
  private static final long HEARTBEAT_MILLIS = 1000;
  /** How long close() waits, after the queue has stopped, for handlers to write their answers. */
  private static final long ANSWER_GRACE_NANOS = 5_000_000_000L;

  private final InferenceEngine engine;
  private final HttpServerSettings settings;
  private final GenerationQueue queue;
  private final ResponseJson responses;
  private final FailureLog failureLog;
  private final ApiDocs docs;
  private final ScoreConversion scores;
  private final Javalin app;
  private final Object closeLock = new Object();
  private boolean closed;
  /** Requests inside a generation handler: close() lets them write their answer first. */
  private final AtomicInteger answering = new AtomicInteger();

  private HttpServer(InferenceEngine engine, HttpServerSettings settings) {
    this.engine = engine;
    this.settings = settings;
    this.queue = new GenerationQueue(settings.maxQueue(), settings.generationTimeout());
    this.responses = new ResponseJson(engine.modelConfig().nPositions());
    this.failureLog = new FailureLog(settings.failureLog());
    this.docs = ApiDocs.load();
    this.scores = new ScoreConversion(settings.limits());
    this.app = Javalin.create(config -> {
      config.showJavalinBanner = false;
      config.startupWatcherEnabled = false;
      config.http.maxRequestSize = settings.maxBodyBytes();
      config.jetty.multipartConfig.maxFileSize(settings.maxBodyBytes(), SizeUnit.BYTES);
      config.jetty.multipartConfig.maxTotalRequestSize(settings.maxBodyBytes(), SizeUnit.BYTES);
      config.staticFiles.enableWebjars();
      if (settings.studio()) {
        StudioAssets.serve(config);
      }
      config.jetty.modifyServer(server -> server.setStopTimeout(5_000));
      config.jetty.addConnector((server, http) -> {
        ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(http));
        connector.setHost(settings.host());
        connector.setPort(settings.port());
        return connector;
      });
      config.requestLogger.http((ctx, millis) -> LOG.info("{} {} {} -> {} in {} ms",
          requestId(ctx), ctx.method(), ctx.path(), ctx.statusCode(), Math.round(millis)));
    });
    routes();
  }

  /**
   * Binds and starts serving; returns once the port is open.
   *
   * @param engine the model to serve (not closed by the server)
   */
  public static HttpServer start(InferenceEngine engine, HttpServerSettings settings) {
    HttpServer server = new HttpServer(engine, settings);
    server.app.start();
    LOG.info("midigpt-http serving {} on http://{}:{}", settings.checkpointLabel(),
        settings.host(), server.port());
    return server;
  }

  /** The bound port (the chosen one when the settings asked for 0). */
  public int port() {
    return app.port();
  }

  /** Blocks until {@link #close()} has finished, e.g. from a shutdown hook. */
  public void awaitClose() throws InterruptedException {
    synchronized (closeLock) {
      while (!closed) {
        closeLock.wait();
      }
    }
  }

  /**
   * Graceful shutdown: new generations get 503, running and queued ones may finish within the
   * settings' grace period and are then cancelled (their callers get partial results), and the
   * HTTP server stops after answering them.
   */
  @Override
  public void close() {
    synchronized (closeLock) {
      if (closed) {
        return;
      }
    }
    LOG.info("midigpt-http shutting down");
    queue.shutdown(settings.shutdownGrace());
    awaitAnswers();
    app.stop();
    synchronized (closeLock) {
      closed = true;
      closeLock.notifyAll();
    }
  }

  /** Every generation has ended; its handler still has to write the (cancelled) result. */
  private void awaitAnswers() {
    long deadline = System.nanoTime() + ANSWER_GRACE_NANOS;
    while (answering.get() > 0 && System.nanoTime() < deadline) {
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private void routes() {
    app.before(ctx -> {
      String incoming = ctx.header(REQUEST_ID_HEADER);
      boolean usable = incoming != null && incoming.matches(GenerateBody.REQUEST_ID_PATTERN);
      setRequestId(ctx, usable ? incoming : GenerateBody.newRequestId());
    });
    app.get("/health", ctx -> json(ctx, 200, Json.object().put("status", "ok")));
    app.get("/info", ctx -> json(ctx, 200, InfoJson.of(engine, settings.checkpointLabel())));
    app.post("/generate", ctx -> answering(() -> generate(ctx)));
    app.post("/generate/midi", ctx -> answering(() -> generateMidi(ctx)));
    app.post("/generate/{id}/cancel", this::cancel);
    app.get("/openapi.json", ctx -> ctx.contentType("application/json").result(docs.openApi()));
    app.get("/docs", ctx -> ctx.contentType("text/html; charset=utf-8").result(docs.page()));
    app.post("/score/from-midi", scores::fromMidi);
    app.post("/score/to-midi", scores::toMidi);
    if (settings.studio()) {
      String studio = StudioAssets.indexPage();
      app.get("/", ctx -> ctx.contentType("text/html; charset=utf-8").result(studio));
    }

    app.exception(ApiException.class, (e, ctx) -> error(ctx, e));
    app.exception(HttpResponseException.class, (e, ctx) ->
        error(ctx, new ApiException(e.getStatus(), null, e.getMessage())));
    app.exception(Exception.class, (e, ctx) -> {
      LOG.error("{} internal error", requestId(ctx), e);
      error(ctx, new ApiException(500, null, "internal error; the server log has the details"));
    });
  }

  /** A generation handler, counted so that shutdown waits for its answer. */
  @FunctionalInterface
  private interface Answer {
    void run() throws IOException;
  }

  private void answering(Answer handler) throws IOException {
    answering.incrementAndGet();
    try {
      handler.run();
    } finally {
      answering.decrementAndGet();
    }
  }

  private void generate(Context ctx) throws IOException {
    GenerateBody body = GenerateBody.parse(ctx.body());
    setRequestId(ctx, body.requestId());
    settings.limits().check(body.score(), body.numCandidates());
    if (body.stream()) {
      stream(ctx, body);
      return;
    }
    GenerationJob job = GenerationJob.prepare(engine, body, GenerationJob.Observer.NONE);
    GenerationJob.Outcome outcome = await(queue.submit(job));
    logOutcome(job, outcome);
    ObjectNode response = responses.of(job, outcome);
    String failure = failure(outcome);
    if (failure != null) {
      failureLog.append(job.requestId, ctx.body(), failure);
      throw new ApiException(500, null, "generation failed: " + failure);
    }
    json(ctx, 200, response);
  }

  /** Server-sent events: {@code notes} frames as notes are decoded, then one final frame. */
  private void stream(Context ctx, GenerateBody body) throws IOException {
    NoteStream notes = new NoteStream();
    GenerationJob job = GenerationJob.prepare(engine, body, notes);
    CompletableFuture<GenerationJob.Outcome> done = queue.submit(job);
    ctx.status(200);
    ctx.res().setContentType("text/event-stream");
    ctx.res().setCharacterEncoding("utf-8");
    ctx.res().setHeader("Cache-Control", "no-cache");
    OutputStream out = ctx.res().getOutputStream();
    try {
      out.flush();
      // The end of the run wakes the poll at once rather than at the next heartbeat.
      done.whenComplete((outcome, error) -> notes.wake());
      while (!done.isDone()) {
        String frame = notes.poll(HEARTBEAT_MILLIS);
        if (frame != null) {
          write(out, "data: " + frame + "\n\n");
        } else if (!done.isDone()) {
          write(out, ": keep-alive\n\n");
        }
      }
      String last;
      try {
        GenerationJob.Outcome outcome = done.join();
        logOutcome(job, outcome);
        GenerationJob.Candidate only = outcome.candidates().get(0);
        notes.finish(only.result() == null ? null : only.result().score(), outcome.cancelled());
        String failure = failure(outcome);
        if (failure != null) {
          failureLog.append(job.requestId, ctx.body(), failure);
          last = errorFrame(job.requestId, "generation failed: " + failure);
        } else {
          ObjectNode frame = Json.object();
          frame.put("type", outcome.cancelled() ? "cancelled" : "done");
          frame.set("response", responses.of(job, outcome));
          last = Json.write(frame);
        }
      } catch (CompletionException e) {
        LOG.error("{} internal error", job.requestId, e.getCause());
        last = errorFrame(job.requestId, "internal error; the server log has the details");
      }
      for (String frame = notes.pollNow(); frame != null; frame = notes.pollNow()) {
        write(out, "data: " + frame + "\n\n");
      }
      write(out, "data: " + last + "\n\n");
    } catch (IOException e) {
      // The client left: stop its generation, and hold this thread until it has really stopped
      // so that its queue slot is free when this request ends.
      LOG.info("{} stream client disconnected; cancelling", job.requestId);
      queue.cancel(job.requestId, GenerationJob.Stop.CLIENT_GONE);
      done.handle((outcome, error) -> null).join();
    } catch (InterruptedException e) {
      queue.cancel(job.requestId, GenerationJob.Stop.SHUTDOWN);
      Thread.currentThread().interrupt();
    }
  }

  /** Multipart form: {@code midi} (the file) and {@code request} (the request JSON). */
  private void generateMidi(Context ctx) {
    UploadedFile file = ctx.uploadedFile("midi");
    if (file == null) {
      throw ApiException.malformed("midi", "required: a multipart file part named midi");
    }
    String requestText = ctx.formParam("request");
    if (requestText == null) {
      throw ApiException.malformed("request", "required: a form field named request");
    }
    Score score;
    try (InputStream in = file.content()) {
      score = Score.fromMidi(in.readAllBytes());
    } catch (IOException e) {
      throw ApiException.malformed("midi", "could not be read");
    } catch (MidigptException e) {
      throw ApiException.malformed("midi", e.getMessage());
    }
    String idText = ctx.formParam("request_id");
    String requestId = GenerateBody.readRequestId(
        idText == null ? null : Json.MAPPER.getNodeFactory().textNode(idText));
    GenerateBody body =
        GenerateBody.fromParts(score, Json.parse(requestText, "request"), requestId, false);
    setRequestId(ctx, requestId);
    if (body.numCandidates() != 1) {
      throw ApiException.malformed(
          "request.config.num_candidates", "a MIDI response holds one candidate");
    }
    settings.limits().check(body.score(), 1);
    GenerationJob job = GenerationJob.prepare(engine, body, GenerationJob.Observer.NONE);
    GenerationJob.Outcome outcome = await(queue.submit(job));
    logOutcome(job, outcome);
    String failure = failure(outcome);
    if (failure != null) {
      failureLog.append(job.requestId, requestText, failure);
      throw new ApiException(500, null, "generation failed: " + failure);
    }
    GenerationJob.Candidate only = outcome.candidates().get(0);
    if (only.result() == null) {
      throw new ApiException(409, null, "cancelled before any result: " + only.error());
    }
    ctx.header("X-Seed", Long.toString(only.seed()));
    ctx.header("X-Generation-Status", outcome.cancelled() ? "cancelled" : "completed");
    ctx.contentType("audio/midi").result(only.result().score().toMidi());
  }

  private void cancel(Context ctx) {
    String id = ctx.pathParam("id");
    if (!queue.cancel(id, GenerationJob.Stop.CANCELLED)) {
      throw new ApiException(404, "request_id", "no generation with this id is in flight");
    }
    json(ctx, 200, Json.object().put("request_id", id).put("status", "cancelling"));
  }

  /** The error that failed a run, or null: one failed candidate, or every one of several. */
  private static String failure(GenerationJob.Outcome outcome) {
    if (outcome.cancelled()) {
      return null;
    }
    for (GenerationJob.Candidate candidate : outcome.candidates()) {
      if (candidate.error() == null) {
        return null;
      }
    }
    return outcome.candidates().get(0).error();
  }

  private static GenerationJob.Outcome await(CompletableFuture<GenerationJob.Outcome> done) {
    try {
      return done.join();
    } catch (CompletionException e) {
      throw e.getCause() instanceof RuntimeException cause ? cause : e;
    }
  }

  private static void logOutcome(GenerationJob job, GenerationJob.Outcome outcome) {
    for (GenerationJob.Candidate candidate : outcome.candidates()) {
      if (candidate.result() == null) {
        LOG.info("{} seed {}: {}", job.requestId, candidate.seed(), candidate.error());
        continue;
      }
      var result = candidate.result();
      LOG.info("{} seed {}: {} in {} ms, {} tokens, {} attempts", job.requestId, candidate.seed(),
          result.cancelled() ? "cancelled" : "completed",
          result.timings().totalNanos() / 1_000_000, result.tokensGenerated(), result.attempts());
    }
  }

  private static void write(OutputStream out, String text) throws IOException {
    out.write(text.getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  private static String errorFrame(String requestId, String message) {
    return Json.write(
        Json.object().put("type", "error").put("request_id", requestId).put("error", message));
  }

  private static void error(Context ctx, ApiException e) {
    ObjectNode body = Json.object();
    body.put("detail", e.getMessage());
    body.put("field", e.field());
    body.put("rule", e.rule());
    body.put("request_id", requestId(ctx));
    if (e instanceof GenerationQueue.QueueFullException full) {
      ctx.header("Retry-After", Long.toString(full.retryAfterSeconds));
    }
    json(ctx, e.status(), body);
  }

  private static void json(Context ctx, int status, JsonNode body) {
    ctx.status(status).contentType("application/json").result(Json.write(body));
  }

  private static void setRequestId(Context ctx, String id) {
    ctx.attribute(REQUEST_ID, id);
    ctx.header(REQUEST_ID_HEADER, id);
  }

  private static String requestId(Context ctx) {
    String id = ctx.attribute(REQUEST_ID);
    return id == null ? "-" : id;
  }
}

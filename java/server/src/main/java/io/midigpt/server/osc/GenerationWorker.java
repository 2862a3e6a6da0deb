package io.midigpt.server.osc;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The background thread that generates, so that the receiving thread never waits on the model
 * (reference spec §9.1). Like the reference, it holds at most one waiting ticket; unlike it, a
 * newer ticket replaces a waiting one instead of being dropped: the older one was built for an
 * earlier bar and, the model being busy, would most likely miss its bar anyway, while the newest
 * one still has its full lookahead. The replaced ticket is reported with {@code /midigpt/error 5}.
 */
final class GenerationWorker implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(GenerationWorker.class);

  private final BarGeneration generation;
  private final OscReplies replies;
  private final Thread thread;
  private GenerationTicket waiting;
  private boolean closed;

  GenerationWorker(BarGeneration generation, OscReplies replies) {
    this.generation = generation;
    this.replies = replies;
    this.thread = new Thread(this::loop, "midigpt-osc-generation");
    thread.setDaemon(true);
    thread.start();
  }

  void submit(GenerationTicket ticket) {
    GenerationTicket replaced;
    synchronized (this) {
      if (closed) {
        return;
      }
      replaced = waiting;
      waiting = ticket;
      notifyAll();
    }
    if (replaced != null && replaced.epoch() == ticket.epoch()) {
      String message = "generation of bar " + replaced.target() + " skipped: the model was still"
          + " busy when bar " + ticket.target() + " was requested";
      LOG.warn(message);
      replies.error(OscError.GENERATION, message);
    }
  }

  /** Drops the waiting ticket and stops the running one (a new session, a stop). */
  void abandonAll() {
    synchronized (this) {
      waiting = null;
    }
    generation.abandon();
  }

  private void loop() {
    while (true) {
      GenerationTicket ticket;
      synchronized (this) {
        while (waiting == null && !closed) {
          try {
            wait();
          } catch (InterruptedException e) {
            return;
          }
        }
        if (closed) {
          return;
        }
        ticket = waiting;
        waiting = null;
      }
      try {
        generation.run(ticket);
      } catch (RuntimeException | Error e) {
        // Whatever went wrong, the next bar gets its chance: the thread must not die.
        LOG.error("generation of bar {} failed unexpectedly", ticket.target(), e);
        replies.error(OscError.GENERATION,
            "generation of bar " + ticket.target() + " failed: " + e);
      }
    }
  }

  /** Stops the running generation and waits (briefly) for the thread to end. */
  @Override
  public void close() {
    synchronized (this) {
      closed = true;
      waiting = null;
      notifyAll();
    }
    generation.abandon();
    try {
      thread.join(30_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}

package io.midigpt.cli;

import java.io.PrintWriter;
import sun.misc.Signal;

/**
 * Ctrl-C (SIGINT) and SIGTERM ask a long job to stop cleanly instead of ending the JVM: a
 * shutdown hook would run while JavaCPP frees native memory under the job's feet. A second
 * signal exits at once.
 */
final class StopOnSignal {
  private StopOnSignal() {}

  static void install(Runnable requestStop, PrintWriter err) {
    for (String name : new String[] {"INT", "TERM"}) {
      try {
        Signal.handle(new Signal(name), new StopHandler(requestStop, err));
      } catch (IllegalArgumentException unsupported) {
        // Not every platform has both signals (Windows lacks TERM): the default stays.
      }
    }
  }

  private static final class StopHandler implements sun.misc.SignalHandler {
    private final Runnable requestStop;
    private final PrintWriter err;
    private volatile boolean asked;

    StopHandler(Runnable requestStop, PrintWriter err) {
      this.requestStop = requestStop;
      this.err = err;
    }

    @Override
    public void handle(Signal signal) {
      if (asked) {
        err.println("\nmidigpt: stopping now without saving");
        err.flush();
        Runtime.getRuntime().halt(130);
      }
      asked = true;
      err.println("\nmidigpt: stopping after this step and saving a checkpoint"
          + " (signal again to quit at once)");
      err.flush();
      requestStop.run();
    }
  }
}

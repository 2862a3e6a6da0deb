package io.midigpt.cli;

/**
 * How the serving commands wait: until Ctrl-C (a shutdown hook closes the server) or until their
 * thread is interrupted (as tests and embedding code stop them).
 */
final class UntilStopped {
  /** A server's wait for its own close. */
  @FunctionalInterface
  interface Closing {
    void await() throws InterruptedException;
  }

  private UntilStopped() {}

  /**
   * Blocks until the server has closed or this thread is interrupted. Returns whether it was
   * interrupted: the caller closes the server first (closing waits for the server's threads)
   * and only then sets the flag again.
   */
  static boolean await(String hookName, Runnable close, Closing closing) {
    Thread hook = new Thread(close, hookName);
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      closing.await();
      return false;
    } catch (InterruptedException e) {
      return true;
    } finally {
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // the hook is what is closing the server
      }
    }
  }
}

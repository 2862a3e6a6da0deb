package io.midigpt.engine.hub;

/**
 * Hears how a checkpoint download advances, so that a front end can draw a progress bar while the
 * library itself prints nothing. Called on the downloading thread.
 */
public interface DownloadListener {
  /** Hears nothing. */
  DownloadListener NONE = new DownloadListener() {};

  /**
   * A download starts.
   *
   * @param fileName the file on the hub, e.g. {@code yellow_medium-final.safetensors}
   * @param totalBytes the file's size, or -1 when the server does not say
   * @param resumedBytes bytes already on disk from an interrupted download
   */
  default void started(String fileName, long totalBytes, long resumedBytes) {}

  /** {@code doneBytes} of {@code totalBytes} (-1: unknown) are on disk, resumed bytes included. */
  default void advanced(long doneBytes, long totalBytes) {}

  /** The file is complete and verified (also called when the download fails, with false). */
  default void finished(boolean complete) {}
}

package io.midigpt.cli;

import io.midigpt.InvalidArgumentException;
import java.util.Locale;
import java.util.Set;

/**
 * Configures slf4j-simple, the CLI's logging backend, from {@code MIDIGPT_LOG_LEVEL}: it reads
 * these system properties when the first logger is made, so this runs before the server starts.
 * The embedded web server's own chatter is kept to warnings unless debugging.
 */
final class ServerLogging {
  private static final Set<String> LEVELS = Set.of("trace", "debug", "info", "warn", "error", "off");

  private ServerLogging() {}

  static void configure(String level) {
    String chosen = level == null || level.isBlank() ? "info" : level.trim().toLowerCase(Locale.ROOT);
    if (chosen.equals("warning")) {
      chosen = "warn";
    }
    if (!LEVELS.contains(chosen)) {
      throw new InvalidArgumentException(
          "MIDIGPT_LOG_LEVEL=" + level + ": expected debug, info, warn or error");
    }
    boolean debugging = chosen.equals("debug") || chosen.equals("trace");
    System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", chosen);
    System.setProperty("org.slf4j.simpleLogger.showDateTime", "true");
    System.setProperty("org.slf4j.simpleLogger.dateTimeFormat", "yyyy-MM-dd'T'HH:mm:ss.SSSZ");
    System.setProperty("org.slf4j.simpleLogger.showShortLogName", "true");
    if (!debugging) {
      System.setProperty("org.slf4j.simpleLogger.log.org.eclipse.jetty", "warn");
      System.setProperty("org.slf4j.simpleLogger.log.io.javalin", "warn");
      // JavaOSC warns about every undecodable packet; the OSC server reports them itself.
      System.setProperty("org.slf4j.simpleLogger.log.com.illposed.osc", "error");
    }
  }
}

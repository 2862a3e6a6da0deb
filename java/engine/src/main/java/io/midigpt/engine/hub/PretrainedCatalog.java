package io.midigpt.engine.hub;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The official MIDI-GPT checkpoints on the Hugging Face repo {@value #REPOSITORY} (reference spec
 * §6.1): short names and the file each resolves to. The reference lists the repo to pick the
 * newest {@code <prefix>-final} or {@code -stepN} file; this table holds that choice for the
 * published files, so a cached model resolves without any network access.
 */
public final class PretrainedCatalog {
  public static final String REPOSITORY = "Metacreation/MIDI-GPT";

  /** The model shipped in the repository's {@code models/} folder rather than on the hub. */
  public static final String DEFAULT = "default";

  private static final Pattern HUB_FILE_NAME =
      Pattern.compile("[A-Za-z0-9][A-Za-z0-9._+-]*\\.safetensors");

  private static final Map<String, String> FILES = new LinkedHashMap<>();

  static {
    FILES.put("yellow", "yellow_medium-final.safetensors");
    FILES.put("yellow_medium", "yellow_medium-final.safetensors");
    FILES.put("yellow_small", "yellow_small-final.safetensors");
    FILES.put("prism", "prism_medium-step58000.safetensors");
    FILES.put("prism_medium", "prism_medium-step58000.safetensors");
    FILES.put("expressive", "expressive_medium-step56000.safetensors");
    FILES.put("expressive_medium", "expressive_medium-step56000.safetensors");
  }

  private PretrainedCatalog() {}

  /** The short names, in a stable order (for help texts and errors). */
  public static Iterable<String> names() {
    return FILES.keySet();
  }

  /**
   * The hub file a name stands for: a short name ({@code yellow}, {@code prism_medium}, ...) or a
   * file name of the repository itself, e.g. {@code yellow_small-final.safetensors}. Empty for
   * anything else, including {@link #DEFAULT}.
   */
  public static Optional<String> fileName(String name) {
    String file = FILES.get(name.toLowerCase(Locale.ROOT));
    if (file != null) {
      return Optional.of(file);
    }
    return isHubFileName(name) ? Optional.of(name) : Optional.empty();
  }

  /**
   * A plain file name at the repository's root, as the official ones are: no folders (which
   * could also escape the cache folder once joined to it), nothing a URL would need to escape,
   * and a safetensors file, the only format Java reads.
   */
  static boolean isHubFileName(String name) {
    return HUB_FILE_NAME.matcher(name).matches();
  }

  /** "yellow, yellow_medium, ..., default" for messages. */
  static String knownNames() {
    return String.join(", ", FILES.keySet()) + ", " + DEFAULT;
  }
}

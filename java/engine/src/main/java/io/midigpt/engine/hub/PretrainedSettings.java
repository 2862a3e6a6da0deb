package io.midigpt.engine.hub;

import io.midigpt.InvalidArgumentException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Where pretrained models come from.
 *
 * @param hubCache the Hugging Face hub cache folder ({@code models--Org--Name/} live inside)
 * @param endpoint the hub's base address; files are fetched from
 *     {@code <endpoint>/<repo>/resolve/main/<file>}
 * @param offline use the cache only, never the network ({@code HF_HUB_OFFLINE})
 * @param modelFolders folders searched, in order, for the shipped {@code default.safetensors}
 */
public record PretrainedSettings(Path hubCache, URI endpoint, boolean offline, List<Path> modelFolders) {
  public static final String DEFAULT_ENDPOINT = "https://huggingface.co";

  /** System property naming the folder of the shipped models (wins over the environment). */
  public static final String MODELS_PROPERTY = "midigpt.models";

  public static final String MODELS_VARIABLE = "MIDIGPT_MODELS";

  private static final Set<String> TRUE = Set.of("1", "true", "yes", "on");

  public PretrainedSettings {
    Objects.requireNonNull(hubCache, "hubCache");
    Objects.requireNonNull(endpoint, "endpoint");
    modelFolders = List.copyOf(modelFolders);
  }

  /**
   * The settings the Hugging Face tools use ({@code HF_HUB_CACHE}, else {@code HF_HOME}/hub, else
   * {@code $XDG_CACHE_HOME/huggingface/hub}, else {@code ~/.cache/huggingface/hub};
   * {@code HF_ENDPOINT}; {@code HF_HUB_OFFLINE}), and the shipped models' folder from
   * {@value #MODELS_PROPERTY} / {@value #MODELS_VARIABLE}, else the {@code models/} folder of the
   * installation this library runs from, or of the working directory.
   */
  public static PretrainedSettings fromEnvironment() {
    return fromEnvironment(
        System.getenv(),
        System.getProperty(MODELS_PROPERTY),
        Path.of(System.getProperty("user.home")),
        codeLocation(),
        Path.of("").toAbsolutePath());
  }

  /** {@link #fromEnvironment()} over explicit inputs; {@code codeLocation} may be null. */
  static PretrainedSettings fromEnvironment(
      Map<String, String> environment,
      String modelsProperty,
      Path home,
      Path codeLocation,
      Path workingDirectory) {
    Path cache;
    if (isSet(environment.get("HF_HUB_CACHE"))) {
      cache = Path.of(environment.get("HF_HUB_CACHE"));
    } else if (isSet(environment.get("HF_HOME"))) {
      cache = Path.of(environment.get("HF_HOME"), "hub");
    } else if (isSet(environment.get("XDG_CACHE_HOME"))) {
      cache = Path.of(environment.get("XDG_CACHE_HOME"), "huggingface", "hub");
    } else {
      cache = home.resolve(".cache").resolve("huggingface").resolve("hub");
    }
    String endpoint = environment.get("HF_ENDPOINT");
    boolean offline = TRUE.contains(
        Objects.requireNonNullElse(environment.get("HF_HUB_OFFLINE"), "").trim().toLowerCase(Locale.ROOT));

    List<Path> folders = new ArrayList<>();
    if (isSet(modelsProperty)) {
      folders.add(Path.of(modelsProperty));
    } else if (isSet(environment.get(MODELS_VARIABLE))) {
      folders.add(Path.of(environment.get(MODELS_VARIABLE)));
    } else {
      // An installation keeps its jars somewhere below the root that holds models/ (e.g.
      // java/cli/target/lib/midigpt-engine.jar in a clone of the repository).
      for (Path dir = codeLocation; dir != null; dir = dir.getParent()) {
        if (Files.isDirectory(dir.resolve("models"))) {
          folders.add(dir.resolve("models"));
          break;
        }
      }
      Path local = workingDirectory.resolve("models");
      if (!folders.contains(local)) {
        folders.add(local);
      }
    }
    return new PretrainedSettings(
        cache, endpoint(isSet(endpoint) ? endpoint : DEFAULT_ENDPOINT), offline, folders);
  }

  public PretrainedSettings withHubCache(Path hubCache) {
    return new PretrainedSettings(hubCache, endpoint, offline, modelFolders);
  }

  public PretrainedSettings withEndpoint(URI endpoint) {
    return new PretrainedSettings(hubCache, endpoint, offline, modelFolders);
  }

  public PretrainedSettings withOffline(boolean offline) {
    return new PretrainedSettings(hubCache, endpoint, offline, modelFolders);
  }

  public PretrainedSettings withModelFolders(List<Path> modelFolders) {
    return new PretrainedSettings(hubCache, endpoint, offline, modelFolders);
  }

  /** Where {@code fileName} of {@code repository} is downloaded from. */
  URI fileAddress(String repository, String fileName) {
    String base = endpoint.toString().replaceAll("/+$", "");
    return URI.create(base + "/" + repository + "/resolve/main/" + fileName);
  }

  private static URI endpoint(String text) {
    try {
      URI uri = new URI(text.trim());
      if (uri.getScheme() == null || uri.getHost() == null
          || !(uri.getScheme().equals("https") || uri.getScheme().equals("http"))) {
        throw new URISyntaxException(text, "expected an http(s) address");
      }
      return uri;
    } catch (URISyntaxException e) {
      throw new InvalidArgumentException("HF_ENDPOINT '" + text + "' is not an http(s) address");
    }
  }

  private static boolean isSet(String value) {
    return value != null && !value.isBlank();
  }

  /** The jar or class folder this library was loaded from, or null when unknown. */
  private static Path codeLocation() {
    try {
      var source = PretrainedSettings.class.getProtectionDomain().getCodeSource();
      return source == null ? null : Path.of(source.getLocation().toURI()).toAbsolutePath();
    } catch (URISyntaxException | SecurityException | IllegalArgumentException e) {
      return null;
    }
  }
}

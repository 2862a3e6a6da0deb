package io.midigpt.engine.hub;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Finds the checkpoint file of a pretrained model name: {@code default} in the shipped models
 * folder, the official names ({@link PretrainedCatalog}) in the Hugging Face cache, downloading
 * them there once when they are missing (unless offline).
 */
public final class ModelHub {
  /** The shipped default model's file name inside a models folder. */
  public static final String DEFAULT_FILE = "default.safetensors";

  private final PretrainedSettings settings;
  private final DownloadListener listener;
  private final HubCache cache;

  public ModelHub(PretrainedSettings settings, DownloadListener listener) {
    this.settings = Objects.requireNonNull(settings, "settings");
    this.listener = Objects.requireNonNull(listener, "listener");
    this.cache = new HubCache(settings.hubCache(), PretrainedCatalog.REPOSITORY);
  }

  /** The Hugging Face environment ({@link PretrainedSettings#fromEnvironment()}), silently. */
  public static ModelHub fromEnvironment() {
    return new ModelHub(PretrainedSettings.fromEnvironment(), DownloadListener.NONE);
  }

  public PretrainedSettings settings() {
    return settings;
  }

  /** Whether {@code name} is one this hub resolves (a short name, a hub file name, default). */
  public static boolean isPretrainedName(String name) {
    return name.equals(PretrainedCatalog.DEFAULT) || PretrainedCatalog.fileName(name).isPresent();
  }

  /**
   * The local checkpoint file of {@code name}, downloaded first if needed.
   *
   * @throws ModelUnavailableException for an unknown name, a default model that is not
   *     installed, or a model that is neither cached nor downloadable (offline, network error)
   * @throws io.midigpt.InvalidCheckpointException when the downloaded bytes fail their checksum
   */
  public Path resolve(String name) {
    Objects.requireNonNull(name, "name");
    if (name.equals(PretrainedCatalog.DEFAULT)) {
      return defaultModel();
    }
    String fileName = PretrainedCatalog.fileName(name).orElseThrow(() ->
        new ModelUnavailableException("unknown model '" + name + "': expected one of "
            + PretrainedCatalog.knownNames() + ", or a file name of the "
            + PretrainedCatalog.REPOSITORY + " repository such as yellow_small-final.safetensors"));
    Optional<Path> cached = cache.find(fileName);
    if (cached.isPresent()) {
      return cached.get();
    }
    if (settings.offline()) {
      throw new ModelUnavailableException("model '" + name + "' (" + fileName + ") is not in the"
          + " Hugging Face cache " + cache.folder() + ", and HF_HUB_OFFLINE is set: download it"
          + " once while online, or pass a checkpoint file");
    }
    return new HubDownloader(settings).download(
        PretrainedCatalog.REPOSITORY, fileName, cache, listener);
  }

  /** The cached file of {@code name}, without any download; empty for {@code default}. */
  public Optional<Path> cached(String name) {
    return PretrainedCatalog.fileName(name).flatMap(cache::find);
  }

  /** Whether {@code file} lies in this hub's cache (a damaged copy there can be downloaded again). */
  public boolean isCached(Path file) {
    return file.toAbsolutePath().normalize().startsWith(cache.folder().toAbsolutePath().normalize());
  }

  private Path defaultModel() {
    List<Path> folders = settings.modelFolders();
    for (Path folder : folders) {
      Path file = folder.resolve(DEFAULT_FILE);
      if (Files.isRegularFile(file)) {
        return file;
      }
    }
    throw new ModelUnavailableException("the default model is not installed: no " + DEFAULT_FILE
        + " in " + folders.stream().map(Path::toString).collect(Collectors.joining(", "))
        + " (set -D" + PretrainedSettings.MODELS_PROPERTY + " or " + PretrainedSettings.MODELS_VARIABLE
        + " to its folder); or name a pretrained model (" + String.join(", ",
            PretrainedCatalog.names()) + ") or a checkpoint file");
  }
}

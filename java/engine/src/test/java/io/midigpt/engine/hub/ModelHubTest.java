package io.midigpt.engine.hub;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.midigpt.InvalidCheckpointException;
import io.midigpt.engine.InferenceEngine;
import io.midigpt.engine.model.ModelOptions;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * fromPretrained over a local fake of the Hugging Face hub serving the tiny fixture checkpoint
 * under an official file name; nothing leaves the loopback interface.
 */
class ModelHubTest {
  private static final String FILE = "yellow_medium-final.safetensors";
  private static final Path TINY = shared().resolve("golden/model/tiny_gpt2.safetensors");

  @TempDir Path temp;

  private FakeHub hub;
  private byte[] tiny;
  private PretrainedSettings settings;

  static Path shared() {
    String shared = System.getProperty("midigpt.shared");
    return shared != null ? Path.of(shared) : Path.of("..", "..", "..", "shared");
  }

  @BeforeEach
  void startHub() throws IOException {
    tiny = Files.readAllBytes(TINY);
    hub = new FakeHub();
    hub.serve(FILE, tiny);
    settings = new PretrainedSettings(
        temp.resolve("hf/hub"), hub.endpoint(), false, List.of(temp.resolve("models")));
  }

  @AfterEach
  void stopHub() {
    hub.close();
  }

  /** Records what a download reports, as a progress bar would draw it. */
  private static final class Recorder implements DownloadListener {
    final List<String> events = new ArrayList<>();
    long lastDone = -1;
    long lastTotal = -1;

    @Override
    public void started(String fileName, long totalBytes, long resumedBytes) {
      events.add("started " + fileName + " " + totalBytes + " " + resumedBytes);
      lastDone = resumedBytes;
    }

    @Override
    public void advanced(long doneBytes, long totalBytes) {
      assertTrue(doneBytes > lastDone, "progress moves forward from where the download starts");
      lastDone = doneBytes;
      lastTotal = totalBytes;
    }

    @Override
    public void finished(boolean complete) {
      events.add("finished " + complete);
    }
  }

  private Path repository() {
    return settings.hubCache().resolve("models--Metacreation--MIDI-GPT");
  }

  private List<Path> filesUnder(Path folder) throws IOException {
    if (!Files.isDirectory(folder)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(folder)) {
      return files.sorted().toList();
    }
  }

  @Test
  void downloadsOnceIntoTheHuggingFaceLayoutThenLoadsFromTheCache() throws IOException {
    Recorder progress = new Recorder();
    ModelHub models = new ModelHub(settings, progress);
    try (InferenceEngine engine =
        InferenceEngine.fromPretrained("yellow", ModelOptions.defaults(), models)) {
      assertEquals(647, engine.modelConfig().vocabSize());
    }
    String sha = FakeHub.sha256(tiny);
    assertEquals(List.of("HEAD /Metacreation/MIDI-GPT/resolve/main/" + FILE, "GET /storage/" + FILE),
        hub.requests());
    assertEquals(List.of("started " + FILE + " " + tiny.length + " 0", "finished true"),
        progress.events);
    assertEquals(tiny.length, progress.lastDone);
    assertEquals(tiny.length, progress.lastTotal);

    // The layout huggingface_hub writes and reads.
    assertEquals(FakeHub.COMMIT, Files.readString(repository().resolve("refs/main")));
    Path blob = repository().resolve("blobs").resolve(sha);
    assertArrayEquals(tiny, Files.readAllBytes(blob));
    assertEquals(List.of(blob), filesUnder(repository().resolve("blobs")));
    Path snapshot = repository().resolve("snapshots").resolve(FakeHub.COMMIT).resolve(FILE);
    assertTrue(Files.isSymbolicLink(snapshot), "a link, as huggingface_hub makes it");
    assertEquals(Path.of("..", "..", "blobs", sha), Files.readSymbolicLink(snapshot));

    // Second time: straight from the cache, no request at all, under both spellings.
    Recorder quiet = new Recorder();
    ModelHub again = new ModelHub(settings, quiet);
    assertEquals(snapshot, again.resolve("yellow_medium"));
    try (InferenceEngine engine =
        InferenceEngine.fromPretrained(FILE, ModelOptions.defaults(), again)) {
      assertEquals(647, engine.modelConfig().vocabSize());
    }
    assertEquals(2, hub.requests().size());
    assertTrue(quiet.events.isEmpty());
  }

  @Test
  void anInterruptedDownloadResumesWhereItStopped() throws IOException {
    hub.truncateNextDownloads(1);
    Recorder first = new Recorder();
    ModelUnavailableException stopped = assertThrows(ModelUnavailableException.class,
        () -> new ModelHub(settings, first).resolve("yellow"));
    assertTrue(stopped.getMessage().contains("run again to resume"), stopped.getMessage());
    assertEquals("finished false", first.events.get(first.events.size() - 1));
    String sha = FakeHub.sha256(tiny);
    Path partial = repository().resolve("blobs").resolve(sha + ".incomplete");
    long kept = Files.size(partial);
    // What arrived before the connection dropped is kept (the client may not have read all the
    // half the server wrote).
    assertTrue(kept > 0 && kept <= tiny.length / 2, "kept " + kept + " bytes");
    assertFalse(Files.exists(repository().resolve("blobs").resolve(sha)));

    Recorder second = new Recorder();
    Path file = new ModelHub(settings, second).resolve("yellow");
    assertEquals("GET /storage/" + FILE + " bytes=" + kept + "-",
        hub.requests().get(hub.requests().size() - 1));
    assertEquals(List.of("started " + FILE + " " + tiny.length + " " + kept, "finished true"),
        second.events);
    assertArrayEquals(tiny, Files.readAllBytes(file));
    assertFalse(Files.exists(partial));
  }

  @Test
  void aWrongChecksumIsRejectedAndLeavesNothingInTheCache() throws IOException {
    hub.announceEtag("ab".repeat(32));
    Recorder progress = new Recorder();
    InvalidCheckpointException corrupt = assertThrows(InvalidCheckpointException.class,
        () -> InferenceEngine.fromPretrained("yellow", ModelOptions.defaults(),
            new ModelHub(settings, progress)));
    assertTrue(corrupt.getMessage().contains("SHA-256 is " + FakeHub.sha256(tiny)),
        corrupt.getMessage());
    assertTrue(corrupt.getMessage().contains("discarded"), corrupt.getMessage());
    assertEquals(List.of(), filesUnder(repository().resolve("blobs")));
    assertFalse(Files.exists(repository().resolve("snapshots")));

    // Once the hub serves the right file, the next call succeeds.
    hub.announceEtag(null);
    assertArrayEquals(tiny, Files.readAllBytes(new ModelHub(settings, progress).resolve("yellow")));
  }

  @Test
  void aDamagedCachedFileIsAClearErrorThatSaysHowToRecover() throws IOException {
    Path file = new ModelHub(settings, DownloadListener.NONE).resolve("yellow");
    Path blob = repository().resolve("blobs").resolve(FakeHub.sha256(tiny));
    Files.write(blob, new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9});
    InvalidCheckpointException damaged = assertThrows(InvalidCheckpointException.class,
        () -> InferenceEngine.fromPretrained("yellow", ModelOptions.defaults(),
            new ModelHub(settings, DownloadListener.NONE)));
    assertTrue(damaged.getMessage().contains("damaged: delete " + file), damaged.getMessage());
  }

  @Test
  void offlineModeUsesOnlyTheCache() {
    ModelHub offline = new ModelHub(settings.withOffline(true), DownloadListener.NONE);
    ModelUnavailableException missing =
        assertThrows(ModelUnavailableException.class, () -> offline.resolve("prism_medium"));
    assertTrue(missing.getMessage().contains("prism_medium-step58000.safetensors"),
        missing.getMessage());
    assertTrue(missing.getMessage().contains("HF_HUB_OFFLINE"), missing.getMessage());
    assertEquals(List.of(), hub.requests());

    Path downloaded = new ModelHub(settings, DownloadListener.NONE).resolve("yellow");
    assertEquals(downloaded, offline.resolve("yellow"));
    assertEquals(2, hub.requests().size());
  }

  @Test
  void unknownNamesAndMissingFilesAreClearErrors() {
    ModelHub models = new ModelHub(settings, DownloadListener.NONE);
    ModelUnavailableException unknown =
        assertThrows(ModelUnavailableException.class, () -> models.resolve("ghost"));
    assertTrue(unknown.getMessage().contains("unknown model 'ghost'"), unknown.getMessage());
    for (String unsafe : List.of("../../etc.safetensors", "a/b.safetensors", "x?y.safetensors",
        "model.pt", ".safetensors")) {
      assertThrows(ModelUnavailableException.class, () -> models.resolve(unsafe), unsafe);
    }

    ModelUnavailableException notOnHub = assertThrows(ModelUnavailableException.class,
        () -> models.resolve("yellow_small-final.safetensors"));
    assertTrue(notOnHub.getMessage().contains("HTTP 404"), notOnHub.getMessage());

    ModelHub nowhere = new ModelHub(
        settings.withEndpoint(URI.create("http://127.0.0.1:1")), DownloadListener.NONE);
    ModelUnavailableException unreachable =
        assertThrows(ModelUnavailableException.class, () -> nowhere.resolve("expressive"));
    assertTrue(unreachable.getMessage().contains("cannot reach the model hub"),
        unreachable.getMessage());
  }

  @Test
  void theDefaultModelComesFromTheModelsFolder() throws IOException {
    ModelHub models = new ModelHub(settings, DownloadListener.NONE);
    ModelUnavailableException absent =
        assertThrows(ModelUnavailableException.class, () -> models.resolve("default"));
    assertTrue(absent.getMessage().contains("the default model is not installed"),
        absent.getMessage());
    assertTrue(absent.getMessage().contains(temp.resolve("models").toString()), absent.getMessage());

    Files.createDirectories(temp.resolve("models"));
    Files.copy(TINY, temp.resolve("models/default.safetensors"));
    try (InferenceEngine engine =
        InferenceEngine.fromPretrained("default", ModelOptions.defaults(), models)) {
      assertEquals(647, engine.modelConfig().vocabSize());
    }
    assertEquals(List.of(), hub.requests());
  }

  @Test
  void settingsFollowTheHuggingFaceEnvironment() {
    Path home = temp.resolve("home");
    Path code = temp.resolve("install/java/cli/target/lib/midigpt-engine.jar");
    assertTrue(temp.resolve("install/models").toFile().mkdirs());
    Path work = temp.resolve("work");

    PretrainedSettings plain = PretrainedSettings.fromEnvironment(Map.of(), null, home, code, work);
    assertEquals(home.resolve(".cache/huggingface/hub"), plain.hubCache());
    assertEquals(URI.create("https://huggingface.co"), plain.endpoint());
    assertFalse(plain.offline());
    assertEquals(List.of(temp.resolve("install/models"), work.resolve("models")),
        plain.modelFolders());

    PretrainedSettings hfHome = PretrainedSettings.fromEnvironment(
        Map.of("HF_HOME", "/data/hf", "HF_HUB_OFFLINE", "1", "HF_ENDPOINT", "https://mirror.example/"),
        null, home, code, work);
    assertEquals(Path.of("/data/hf/hub"), hfHome.hubCache());
    assertTrue(hfHome.offline());
    assertEquals(URI.create("https://mirror.example/Metacreation/MIDI-GPT/resolve/main/x.safetensors"),
        hfHome.fileAddress("Metacreation/MIDI-GPT", "x.safetensors"));

    PretrainedSettings hubCache = PretrainedSettings.fromEnvironment(
        Map.of("HF_HOME", "/data/hf", "HF_HUB_CACHE", "/fast/hub", "MIDIGPT_MODELS", "/opt/m"),
        "/prop/models", home, code, work);
    assertEquals(Path.of("/fast/hub"), hubCache.hubCache());
    assertEquals(List.of(Path.of("/prop/models")), hubCache.modelFolders());
    assertEquals(List.of(Path.of("/opt/m")), PretrainedSettings.fromEnvironment(
        Map.of("MIDIGPT_MODELS", "/opt/m"), null, home, code, work).modelFolders());
  }

  @Test
  void aFileSystemWithoutLinksGetsACopy() throws IOException {
    HubCache cache = new HubCache(temp.resolve("hub"), PretrainedCatalog.REPOSITORY, (link, target) -> {
      throw new UnsupportedOperationException("no symbolic links here");
    });
    Files.createDirectories(cache.blob("abc").getParent());
    Files.write(cache.blob("abc"), tiny);
    Path published = cache.publish("c0ffee", FILE, "abc");
    assertEquals(cache.snapshotFile("c0ffee", FILE), published);
    assertFalse(Files.isSymbolicLink(published));
    assertArrayEquals(tiny, Files.readAllBytes(published));
    assertEquals(Optional.of(published), cache.find(FILE));
  }
}

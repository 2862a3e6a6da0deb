package io.midigpt.training;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The checkpoints of a run: {@code <output>/checkpoints/step-NNNNNNNN/} holding
 * {@code model.safetensors} (loadable by the engine), {@code optimizer.safetensors},
 * {@code config.json} and {@code state.json}. Each is written under a hidden {@code .partial}
 * name and renamed when complete, so a run killed mid-save leaves the previous checkpoint as the
 * latest complete one.
 */
final class CheckpointStore {
  static final String MODEL = "model.safetensors";
  static final String OPTIMIZER = "optimizer.safetensors";
  static final String STATE = "state.json";
  static final String CONFIG = "config.json";
  private static final String PREFIX = "step-";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path dir;
  private final int keep;

  CheckpointStore(Path outputDir, int keep) {
    this.dir = outputDir.resolve("checkpoints");
    this.keep = keep;
  }

  /** The folder of the checkpoint saved at {@code state}'s step. */
  Path checkpointOf(TrainingState state) {
    return dir.resolve(String.format("%s%08d", PREFIX, state.step()));
  }

  /** Writes a checkpoint through {@code writer} (which fills the folder it is given). */
  Path save(TrainingState state, String configJson, java.util.function.Consumer<Path> writer) {
    Path done = checkpointOf(state);
    Path partial = dir.resolve("." + done.getFileName() + ".partial");
    try {
      Files.createDirectories(dir);
      deleteTree(partial);
      Files.createDirectories(partial);
      writer.accept(partial);
      Files.writeString(partial.resolve(CONFIG), configJson);
      JSON.writerWithDefaultPrettyPrinter().writeValue(partial.resolve(STATE).toFile(), state);
      deleteTree(done);
      Files.move(partial, done, StandardCopyOption.ATOMIC_MOVE);
      prune();
      return done;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot save checkpoint " + done + ": " + e.getMessage(), e);
    }
  }

  /** The newest complete checkpoint, if any (interrupted saves are not complete). */
  Optional<Path> latest() {
    List<Path> all = complete();
    return all.isEmpty() ? Optional.empty() : Optional.of(all.get(all.size() - 1));
  }

  static TrainingState readState(Path checkpoint) {
    try {
      return JSON.readValue(checkpoint.resolve(STATE).toFile(), TrainingState.class);
    } catch (IOException e) {
      throw new io.midigpt.InvalidCheckpointException(
          checkpoint + ": unreadable " + STATE + ": " + e.getMessage());
    }
  }

  private List<Path> complete() {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> entries = Files.list(dir)) {
      List<Path> found = new ArrayList<>();
      for (Path p : (Iterable<Path>) entries::iterator) {
        String name = p.getFileName().toString();
        if (name.startsWith(PREFIX) && Files.isRegularFile(p.resolve(STATE))) {
          found.add(p);
        }
      }
      found.sort(Comparator.comparing(p -> p.getFileName().toString()));
      return found;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + dir + ": " + e.getMessage(), e);
    }
  }

  /** Deletes what interrupted saves left; only the process that owns the run may call it. */
  void removeInterrupted() {
    if (!Files.isDirectory(dir)) {
      return;
    }
    try (Stream<Path> entries = Files.list(dir)) {
      for (Path p : entries.toList()) {
        if (p.getFileName().toString().endsWith(".partial")) {
          deleteTree(p);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot clean " + dir + ": " + e.getMessage(), e);
    }
  }

  private void prune() throws IOException {
    List<Path> all = complete();
    for (int i = 0; i < all.size() - keep; i++) {
      deleteTree(all.get(i));
    }
  }

  private static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}

package io.midigpt.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.midigpt.engine.InferenceEngine;
import io.midigpt.score.Note;
import io.midigpt.score.Score;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The studio end to end in headless Chromium against a real server over the tiny checkpoint: open
 * a MIDI file, select two bars of one track, infill them (notes stream into the roll), download
 * the result and check that every note outside those bars is the one the server read from the
 * file and that the key chosen for the track holds; then the keyboard (cancelling too), a
 * server error, candidates, a new score and a tablet-width layout. Screenshots of
 * the main states go to target/studio-screenshots/.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class StudioInChromiumTest {
  private static final Path MIDI = TestServer.SHARED.resolve("midi/d6caebd1964d9e4a3c5ea59525230e2a.mid");
  private static final Path SCREENSHOTS = Path.of("target/studio-screenshots");
  /** The two target bars (0-based) of the infill. */
  private static final int FIRST_BAR = 2;

  private InferenceEngine engine;
  private TestServer server;
  private ChromeDriver browser;
  private WebDriverWait wait;
  private Path downloads;
  private Path profile;
  private Score original;
  private int track;

  @BeforeAll
  void start() throws IOException {
    profile = Files.createTempDirectory("studio-profile");
    downloads = Files.createTempDirectory("studio-downloads");
    browser = HeadlessChromium.start(profile, downloads, 1280, 800);
    engine = TestServer.engine();
    server = TestServer.start(engine, settings -> settings.withStudio(true));
    wait = new WebDriverWait(browser, Duration.ofSeconds(60));
    Files.createDirectories(SCREENSHOTS);
    original = Score.read(MIDI);
    track = melodicTrackWithNotesIn(original, FIRST_BAR, FIRST_BAR + 1);
  }

  @AfterAll
  void stop() {
    if (browser != null) {
      browser.quit();
    }
    if (server != null) {
      server.close();
    }
    if (engine != null) {
      engine.close();
    }
  }

  @Test
  @Order(1)
  void infillOfTwoBarsKeepsEveryUntouchedNoteInTheDownload() throws Exception {
    browser.get(server.base.resolve("/").toString());
    fitViewport(1280, 800);
    waitFor("#app", "data-state", "idle");
    browser.findElement(By.id("file-input")).sendKeys(MIDI.toRealPath().toString());
    waitFor("#roll", "data-tracks", String.valueOf(original.tracks().size()));
    assertEquals(String.valueOf(original.noteCount()), roll("data-notes"));
    assertEquals(String.valueOf(original.barCount()), roll("data-bars"));
    screenshot("1-loaded");

    // Fixed seed, and a note cap: the tiny random model rarely ends a bar by itself.
    type("seed", "5");
    type("density-limit", "6");
    type("max-attempts", "8");
    selectBars(track, FIRST_BAR, FIRST_BAR + 1);
    // The controls follow the selected track: a C major key for it.
    assertEquals(String.valueOf(track), browser.findElement(By.id("control-track")).getAttribute("value"));
    choose("pitch-scale", "major");
    choose("pitch-root", "0");
    screenshot("2-selected");

    browser.findElement(By.id("generate")).click();
    waitFor("#roll", "data-generations", "1");
    waitFor("#app", "data-state", "idle");
    assertTrue(Integer.parseInt(roll("data-streamed")) > 0, "notes streamed into the roll");
    int generated = Integer.parseInt(roll("data-generated-notes"));
    assertTrue(generated > 0, "the infilled bars hold notes");
    assertTrue(browser.findElements(By.cssSelector(".message.error")).isEmpty(), errors());
    screenshot("3-generated");

    browser.findElement(By.id("download")).click();
    Path file = awaitDownload();
    Score result = Score.read(file);
    assertEquals(original.tracks().size(), result.tracks().size());
    int kept = 0;
    for (int t = 0; t < original.tracks().size(); t++) {
      for (int b = 0; b < original.barCount(); b++) {
        boolean target = t == track && (b == FIRST_BAR || b == FIRST_BAR + 1);
        if (target) {
          continue;
        }
        List<String> before = notes(original, t, b);
        assertEquals(before, notes(result, t, b), "track " + t + " bar " + b);
        kept += before.size();
      }
    }
    assertEquals(original.noteCount() - notes(original, track, FIRST_BAR).size()
        - notes(original, track, FIRST_BAR + 1).size(), kept);
    assertEquals(generated, notes(result, track, FIRST_BAR).size()
        + notes(result, track, FIRST_BAR + 1).size(), "the download holds the generated notes");
    for (int b = FIRST_BAR; b <= FIRST_BAR + 1; b++) {
      for (Note note : result.tracks().get(track).bars().get(b).notes()) {
        assertTrue(List.of(0, 2, 4, 5, 7, 9, 11).contains(note.pitch() % 12),
            "C major holds: pitch " + note.pitch());
      }
    }
    assertNoConsoleErrors();
  }

  @Test
  @Order(2)
  void spaceTogglesPlaybackAndGGeneratesAndCtrlZUndoes() {
    String notesBefore = roll("data-notes");
    // Keys go to the page, not to a form field that kept the focus.
    browser.findElement(By.cssSelector(".brand")).click();
    new Actions(browser).sendKeys(" ").perform();
    waitFor("#app", "data-playing", "true");
    new Actions(browser).sendKeys(" ").perform();
    waitFor("#app", "data-playing", "false");

    new Actions(browser).sendKeys("g").perform();
    waitFor("#roll", "data-generations", "2");
    waitFor("#app", "data-state", "idle");
    assertEquals(3, historyLength(), "open, first and second generation");

    new Actions(browser).keyDown(Keys.CONTROL).sendKeys("z").keyUp(Keys.CONTROL).perform();
    waitFor("#roll", "data-notes", notesBefore);
    new Actions(browser).keyDown(Keys.CONTROL).keyDown(Keys.SHIFT).sendKeys("z")
        .keyUp(Keys.SHIFT).keyUp(Keys.CONTROL).perform();
    wait.until(driver -> historyIndex() == 2);

    // Esc stops a long generation (every bar of three tracks) as soon as it has started.
    selectBars(track, 0, original.barCount() - 1);
    for (int other : List.of((track + 1) % 9, (track + 2) % 9)) {
      choose("select-track", String.valueOf(other));
      browser.findElement(By.id("select-add")).click();
    }
    wait.until(driver -> roll("data-selection").split(",").length == 3 * original.barCount());
    browser.findElement(By.cssSelector(".brand")).click();
    new Actions(browser).sendKeys("g").perform();
    waitFor("#app", "data-state", "generating");
    new Actions(browser).sendKeys(Keys.ESCAPE).perform();
    waitFor("#app", "data-state", "idle");
    String status = browser.findElement(By.id("status")).getText();
    assertTrue(status.startsWith("Cancelled"), status);
    assertNoConsoleErrors();
  }

  @Test
  @Order(3)
  void candidatesCanBeComparedByPickingOne() {
    selectBars(track, FIRST_BAR, FIRST_BAR + 1);
    type("num-candidates", "2");
    browser.findElement(By.id("generate")).click();
    waitFor("#roll", "data-generations", "4");
    waitFor("#app", "data-state", "idle");
    waitFor("#candidates-card", "data-count", "2");
    List<WebElement> choices = browser.findElements(By.cssSelector("#candidates input[type=radio]"));
    assertEquals(2, choices.size());
    String first = (String) script("return JSON.stringify(document.querySelector('#history"
        + " li[aria-current]').textContent)");
    choices.get(1).click();
    wait.until(driver -> !first.equals(script("return JSON.stringify(document.querySelector("
        + "'#history li[aria-current]').textContent)")));
    String current = browser.findElement(By.cssSelector("#history li[aria-current]"))
        .getAttribute("textContent");
    assertTrue(current.contains("candidate 2 of 2"), current);
    // Back to the first from the keyboard.
    browser.findElement(By.cssSelector(".brand")).click();
    new Actions(browser).sendKeys("1").perform();
    wait.until(driver -> driver.findElement(By.cssSelector("#history li[aria-current]"))
        .getAttribute("textContent").contains("candidate 1 of 2"));
    assertTrue(choices.get(0).isSelected());
    type("num-candidates", "1");
    assertNoConsoleErrors();
  }

  @Test
  @Order(4)
  void selectedBarsGetTheirOwnKey() {
    int first = FIRST_BAR + 4;
    selectBars(track, first, first + 1);
    browser.findElement(By.id("scope-bars")).click();
    choose("pitch-scale", "major_pentatonic");
    choose("pitch-root", "2");
    assertEquals("1 track(s) and 2 bar(s) have their own controls.",
        browser.findElement(By.id("controls-summary")).getText());
    int generations = Integer.parseInt(roll("data-generations"));
    browser.findElement(By.id("generate")).click();
    waitFor("#roll", "data-generations", String.valueOf(generations + 1));
    waitFor("#app", "data-state", "idle");
    assertTrue(Integer.parseInt(roll("data-generated-notes")) > 0, errors());
    int downloaded = downloads().size();
    browser.findElement(By.id("download")).click();
    wait.until(driver -> downloads().size() > downloaded);
    Score result = Score.read(downloads().get(downloads().size() - 1));
    for (int b = first; b <= first + 1; b++) {
      for (Note note : result.tracks().get(track).bars().get(b).notes()) {
        assertTrue(List.of(2, 4, 6, 9, 11).contains(note.pitch() % 12),
            "D major pentatonic holds in bar " + b + ": pitch " + note.pitch());
      }
    }
    browser.findElement(By.id("scope-track")).click();
    assertNoConsoleErrors();
  }

  @Test
  @Order(5)
  void aServerRefusalIsShownWithItsReason() throws IOException {
    type("temperature", "0");
    browser.findElement(By.id("generate")).click();
    wait.until(driver -> !driver.findElements(By.cssSelector(".message.error")).isEmpty());
    String message = browser.findElement(By.cssSelector(".message.error")).getText();
    assertTrue(message.contains("422") && message.contains("temperature"), message);
    screenshot("4-error");
    type("temperature", "1");
    browser.findElement(By.id("file-input")).sendKeys(
        TestServer.SHARED.resolve("midi/empty.mid").toRealPath().toString());
    wait.until(driver -> driver.findElements(By.cssSelector(".message.error")).stream()
        .anyMatch(m -> m.getText().contains("empty.mid has no notes")));
    assertEquals(String.valueOf(original.tracks().size()), roll("data-tracks"), "the score stays");
    // The browser itself logs the refused request; nothing else may be an error.
    for (LogEntry entry : browser.manage().logs().get(LogType.BROWSER)) {
      if (entry.getLevel().intValue() >= java.util.logging.Level.SEVERE.intValue()) {
        assertTrue(entry.getMessage().contains("/generate")
            && entry.getMessage().contains("422"), entry.getMessage());
      }
    }
  }

  @Test
  @Order(6)
  void aNewScoreHasTheChosenTracksBarsAndTimeSignatureAndCanBeGenerated() {
    browser.findElement(By.id("new-score")).click();
    type("new-bars", "4");
    choose("new-ts", "3/4");
    browser.findElement(By.id("new-create")).click();
    waitFor("#roll", "data-bars", "4");
    assertEquals("3", roll("data-tracks"), "piano, bass and drums");
    assertEquals("0", roll("data-notes"));
    assertEquals("0,3,6,9", roll("data-bar-starts"), "bars of three quarter notes");
    browser.findElement(By.id("add-bars")).click();
    waitFor("#roll", "data-bars", "8");
    assertEquals("0,3,6,9,12,15,18,21", roll("data-bar-starts"), "more bars in the same meter");
    new Actions(browser).keyDown(Keys.CONTROL).sendKeys("z").keyUp(Keys.CONTROL).perform();
    waitFor("#roll", "data-bars", "4");
    // The mouse: a drag selects a rectangle of cells, ctrl-click toggles one.
    new Actions(browser).moveToLocation(cellX(1), cellY(0)).clickAndHold()
        .moveToLocation(cellX(2), cellY(1)).release().perform();
    waitFor("#roll", "data-selection", "0:1,0:2,1:1,1:2");
    new Actions(browser).keyDown(Keys.CONTROL).moveToLocation(cellX(2), cellY(1)).click()
        .keyUp(Keys.CONTROL).perform();
    waitFor("#roll", "data-selection", "0:1,0:2,1:1");

    int generations = Integer.parseInt(roll("data-generations"));
    selectBars(0, 0, 3);
    browser.findElement(By.id("generate")).click();
    waitFor("#roll", "data-generations", String.valueOf(generations + 1));
    waitFor("#app", "data-state", "idle");
    assertTrue(Integer.parseInt(roll("data-generated-notes")) > 0, errors());
    screenshot("5-new-score");

    // Solo a lane; loop bar 2 (three quarter notes from quarter 3): the playhead wraps there.
    browser.findElements(By.cssSelector(".lane-solo")).get(0).click();
    wait.until(driver -> "true".equals(driver.findElements(By.cssSelector(".lane-solo")).get(0)
        .getAttribute("aria-pressed")));
    browser.findElement(By.id("loop")).click();
    selectBars(0, 1, 1);
    waitFor("#roll", "data-loop", "1-1");
    browser.findElement(By.cssSelector(".brand")).click();
    new Actions(browser).sendKeys(" ").perform();
    waitFor("#app", "data-playing", "true");
    List<Double> heads = new ArrayList<>();
    wait.until(driver -> {
      String head = roll("data-playhead");
      if (head != null) {
        heads.add(Double.parseDouble(head));
      }
      return heads.size() > 2 && heads.get(heads.size() - 1) < heads.get(heads.size() - 2);
    });
    new Actions(browser).sendKeys(" ").perform();
    waitFor("#app", "data-playing", "false");
    for (double head : heads) {
      assertTrue(head >= 3 - 1e-3 && head <= 6 + 1e-3, "playhead " + head + " left the loop");
    }
    assertNoConsoleErrors();
  }

  @Test
  @Order(7)
  void atTabletWidthNothingOverflowsAndTheKeyControlsShow() {
    fitViewport(820, 1180);
    long overflow = ((Number) script("return document.documentElement.scrollWidth"
        + " - document.documentElement.clientWidth")).longValue();
    assertEquals(0, overflow, "the page scrolls sideways");
    int width = ((Number) script("return document.documentElement.clientWidth")).intValue();
    for (String id : List.of("generate", "play", "download", "undo", "roll", "sampling",
        "prompt-controls")) {
      WebElement element = browser.findElement(By.id(id));
      assertTrue(element.isDisplayed(), id + " is shown");
      var box = element.getRect();
      assertTrue(box.getX() >= 0 && box.getX() + box.getWidth() <= width,
          id + " fits the width: " + box.getX() + "+" + box.getWidth() + " of " + width);
    }
    assertTrue(browser.findElement(By.cssSelector("label[for=file-input]")).isDisplayed());
    screenshot("6-narrow");
    fitViewport(1280, 800);
  }

  /** Sizes the window so that the page itself (the viewport) is width x height. */
  private void fitViewport(int width, int height) {
    browser.manage().window().setSize(new Dimension(width, height));
    int innerWidth = ((Number) script("return window.innerWidth")).intValue();
    int innerHeight = ((Number) script("return window.innerHeight")).intValue();
    browser.manage().window().setSize(
        new Dimension(2 * width - innerWidth, 2 * height - innerHeight));
    wait.until(driver -> ((Number) script("return window.innerWidth")).intValue() == width
        && ((Number) script("return window.innerHeight")).intValue() == height);
  }

  private static int melodicTrackWithNotesIn(Score score, int... bars) {
    for (int t = 0; t < score.tracks().size(); t++) {
      boolean all = !score.tracks().get(t).isDrum();
      for (int bar : bars) {
        all &= !score.tracks().get(t).bars().get(bar).notes().isEmpty();
      }
      if (all) {
        return t;
      }
    }
    throw new IllegalStateException("no melodic track has notes in those bars");
  }

  private static List<String> notes(Score score, int track, int bar) {
    List<String> notes = new ArrayList<>();
    for (Note note : score.tracks().get(track).bars().get(bar).notes()) {
      notes.add(note.pitch() + "@" + note.onset() + "+" + note.duration() + "v" + note.velocity());
    }
    notes.sort(null);
    return notes;
  }

  private Path awaitDownload() {
    wait.until(driver -> !downloads().isEmpty());
    return downloads().get(0);
  }

  /** The finished downloads, oldest first (Chrome numbers repeated names: x (1).mid). */
  private List<Path> downloads() {
    try (Stream<Path> files = Files.list(downloads)) {
      return files.filter(path -> path.toString().endsWith(".mid"))
          .sorted(java.util.Comparator.comparingLong(path -> path.toFile().lastModified()))
          .toList();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private void waitFor(String css, String attribute, String value) {
    try {
      wait.until(driver -> value.equals(driver.findElement(By.cssSelector(css)).getAttribute(attribute)));
    } catch (org.openqa.selenium.TimeoutException e) {
      throw new AssertionError(css + " " + attribute + " never became " + value + " (it is "
          + browser.findElement(By.cssSelector(css)).getAttribute(attribute) + "); " + errors(), e);
    }
  }

  private String roll(String attribute) {
    return browser.findElement(By.id("roll")).getAttribute(attribute);
  }

  /** The page x of the middle of a bar on the roll. */
  private int cellX(int bar) {
    return ((Number) script("const r = document.querySelector('.roll-overlay')"
        + ".getBoundingClientRect(); const roll = document.getElementById('roll');"
        + " const starts = roll.dataset.barStarts.split(',').map(Number);"
        + " const perQuarter = Number(roll.dataset.pxPerQuarter);"
        + " const end = " + bar + " + 1 < starts.length ? starts[" + bar + " + 1]"
        + " : starts[" + bar + "] + 1;"
        + " return Math.round(r.left + (starts[" + bar + "] + end) / 2 * perQuarter);")).intValue();
  }

  /** The page y of the middle of a track's lane. */
  private int cellY(int track) {
    return ((Number) script("const r = document.querySelector('.roll-overlay')"
        + ".getBoundingClientRect(); const lane = Number(document.getElementById('roll')"
        + ".dataset.laneHeight); return Math.round(r.top + (" + track + " + 0.5) * lane);"))
        .intValue();
  }

  /** Selects bars first..last (0-based) of one track with the form under the roll. */
  private void selectBars(int track, int first, int last) {
    choose("select-track", String.valueOf(track));
    type("select-from", String.valueOf(first + 1));
    type("select-to", String.valueOf(last + 1));
    browser.findElement(By.id("select-apply")).click();
    StringBuilder cells = new StringBuilder();
    for (int b = first; b <= last; b++) {
      cells.append(cells.length() == 0 ? "" : ",").append(track).append(':').append(b);
    }
    waitFor("#roll", "data-selection", cells.toString());
  }

  private void choose(String id, String value) {
    new org.openqa.selenium.support.ui.Select(browser.findElement(By.id(id))).selectByValue(value);
  }

  private void type(String id, String text) {
    WebElement input = browser.findElement(By.id(id));
    input.clear();
    input.sendKeys(text);
  }

  private Object script(String code) {
    return ((JavascriptExecutor) browser).executeScript(code);
  }

  private int historyLength() {
    return browser.findElements(By.cssSelector("#history li")).size();
  }

  private int historyIndex() {
    List<WebElement> items = browser.findElements(By.cssSelector("#history li"));
    for (int i = 0; i < items.size(); i++) {
      if ("step".equals(items.get(i).getAttribute("aria-current"))) {
        return i;
      }
    }
    return -1;
  }

  private String errors() {
    StringBuilder text = new StringBuilder("status: " + browser.findElement(By.id("status"))
        .getText() + "; errors:");
    for (WebElement message : browser.findElements(By.cssSelector(".message"))) {
      text.append(" [").append(message.getText()).append(']');
    }
    return text.toString();
  }

  private void assertNoConsoleErrors() {
    for (LogEntry entry : browser.manage().logs().get(LogType.BROWSER)) {
      assertNotEquals(java.util.logging.Level.SEVERE, entry.getLevel(), entry.getMessage());
    }
  }

  private void screenshot(String name) {
    try {
      Files.write(SCREENSHOTS.resolve(name + ".png"), browser.getScreenshotAs(OutputType.BYTES));
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}

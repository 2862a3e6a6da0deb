package io.midigpt.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.midigpt.score.Bar;
import io.midigpt.score.Note;
import org.junit.jupiter.api.Test;

class BarFingerprintsTest {
  private static Bar bar(int transpose, int secondOnset) {
    return Bar.builder().timeSignature(4, 4)
        .addNote(Note.of(60 + transpose, 100, 0, 12))
        .addNote(Note.of(64 + transpose, 80, secondOnset, 12)).build();
  }

  @Test
  void transposedCopiesMatchOtherRhythmsDoNot() {
    assertEquals(BarFingerprints.of(bar(0, 12), false), BarFingerprints.of(bar(5, 12), false));
    assertNotEquals(BarFingerprints.of(bar(0, 12), false), BarFingerprints.of(bar(0, 24), false));
    // Drum hits are instruments, not pitches: no transposition.
    assertNotEquals(BarFingerprints.of(bar(0, 12), true), BarFingerprints.of(bar(5, 12), true));
    Bar single = Bar.builder().timeSignature(4, 4).addNote(Note.of(60, 100, 0, 12)).build();
    assertEquals(0, BarFingerprints.of(single, false), "one-note bars are too generic to count");
  }
}

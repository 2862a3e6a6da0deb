package io.midigpt.engine;

import io.midigpt.score.Note;

/**
 * A note a running step attempt has completed (see {@link SamplingSession#draftNotes()}), with
 * where it goes: the piece's track and bar index.
 */
public record DraftNote(int track, int bar, Note note) {}

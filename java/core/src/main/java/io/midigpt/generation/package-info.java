/**
 * Generation requests (reference spec §6.2): {@link io.midigpt.generation.GenerationRequest} with
 * its {@link io.midigpt.generation.TrackPrompt}s, {@link io.midigpt.generation.InferenceConfig} and
 * {@link io.midigpt.generation.PieceControls}, as immutable records with builders and the
 * reference's {@code from_dict} JSON shape.
 *
 * <p>The records mirror the native request model field for field and default for default; the
 * native core alone checks the request rules (§6.4).
 */
package io.midigpt.generation;

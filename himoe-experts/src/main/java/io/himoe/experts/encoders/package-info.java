/**
 * Encoders behind the core {@link io.himoe.shared.Encoder} contract: a model-free hashing n-gram
 * encoder ({@link io.himoe.experts.encoders.HashingEncoder}), an in-process sentence encoder
 * (all-MiniLM-L6-v2, quantised, {@link io.himoe.experts.encoders.MiniLmEncoder}) and a lookup by
 * name ({@link io.himoe.experts.encoders.Encoders}).
 */
package io.himoe.experts.encoders;

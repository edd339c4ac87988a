/**
 * Encoders behind the core {@link io.himoe.shared.Encoder} contract: a model-free hashing n-gram
 * encoder ({@link io.himoe.experts.encoders.HashingEncoder}), an in-process sentence encoder
 * ({@link io.himoe.experts.encoders.SentenceEncoder}: MiniLM, bge-small, e5-small or any ONNX
 * graph, run by ONNX Runtime), their concatenation and a lookup by name ({@link
 * io.himoe.experts.encoders.Encoders}).
 */
@NullMarked
package io.himoe.experts.encoders;

import org.jspecify.annotations.NullMarked;

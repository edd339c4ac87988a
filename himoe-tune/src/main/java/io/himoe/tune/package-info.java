/**
 * {@code himoe tune}: fine-tunes a BERT-style ONNX sentence encoder on labelled routes with DJL on
 * the PyTorch CPU engine, checks it against ONNX Runtime, and writes the tuned weights back into
 * the ONNX graph ({@link io.himoe.tune.TuneMain}, {@link io.himoe.tune.FineTuner}).
 */
@NullMarked
package io.himoe.tune;

import org.jspecify.annotations.NullMarked;

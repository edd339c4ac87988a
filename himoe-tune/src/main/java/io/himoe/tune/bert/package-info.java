/**
 * A BERT encoder's weights found in a Hugging Face ONNX export ({@link
 * io.himoe.tune.bert.BertWeights}) and the same transformer written with DJL operators ({@link
 * io.himoe.tune.bert.BertEncoder}).
 */
@NullMarked
package io.himoe.tune.bert;

import org.jspecify.annotations.NullMarked;

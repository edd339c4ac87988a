/**
 * ONNX files read and patched as protobuf, without an ONNX library: nodes, float initializers, and
 * a copy of the file with some initializers' bytes replaced ({@link io.himoe.tune.onnx.OnnxGraph}).
 */
@NullMarked
package io.himoe.tune.onnx;

import org.jspecify.annotations.NullMarked;

/**
 * Reading evaluation data: JSONL and CSV rows ({@link io.himoe.eval.data.DataFiles}), labelled
 * texts, per-model outcomes and model prices. Every problem is a {@link
 * io.himoe.eval.data.DataError} that names the file, the line and the field.
 */
@NullMarked
package io.himoe.eval.data;

import org.jspecify.annotations.NullMarked;

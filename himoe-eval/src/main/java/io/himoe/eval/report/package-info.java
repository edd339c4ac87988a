/**
 * Report files: a confusion summary, a reliability diagram and a quality-cost curve (CSV and PNG,
 * drawn headless with {@code java.awt}). A {@link io.himoe.eval.report.ReportDir} stages every file
 * in a temporary directory and moves them into place only when all are written, so a failed run
 * never leaves a half-written report.
 */
@NullMarked
package io.himoe.eval.report;

import org.jspecify.annotations.NullMarked;

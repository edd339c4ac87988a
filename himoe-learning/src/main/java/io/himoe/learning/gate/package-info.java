/**
 * Neural gates trained online from feedback: {@code loss = task_loss + λ·load_balance + μ·entropy}.
 */
@NullMarked
package io.himoe.learning.gate;

import org.jspecify.annotations.NullMarked;

/**
 * Neural gates trained online from feedback: {@code loss = task_loss + λ·load_balance + μ·entropy}.
 */
package io.himoe.learning.gate;

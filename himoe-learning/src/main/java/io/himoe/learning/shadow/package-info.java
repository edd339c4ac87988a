/**
 * Shadow credit from feedback: a caller's feedback on the primary router's answer is replayed
 * through each shadow router's gate and scored for both, win rates are kept per pair with
 * confidence intervals and an always-valid p-value, and a shadow that wins significantly can be
 * promoted.
 */
@NullMarked
package io.himoe.learning.shadow;

import org.jspecify.annotations.NullMarked;

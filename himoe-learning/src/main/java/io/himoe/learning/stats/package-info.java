/**
 * Statistics for judging learned choices while they run: confidence intervals and always-valid
 * (anytime) p-values that stay valid however often they are looked at.
 */
@NullMarked
package io.himoe.learning.stats;

import org.jspecify.annotations.NullMarked;

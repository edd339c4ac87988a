/**
 * Bandits for experts that cannot be trained by gradient: UCB1, Thompson sampling and LinUCB, with
 * a reward combining quality, latency and cost.
 */
@NullMarked
package io.himoe.learning.bandit;

import org.jspecify.annotations.NullMarked;

/**
 * Bandits for experts that cannot be trained by gradient: UCB1, Thompson sampling and LinUCB, with
 * a reward combining quality, latency and cost.
 */
package io.himoe.learning.bandit;
